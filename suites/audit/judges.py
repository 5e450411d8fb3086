"""Judges of the audit.* checks: the system's audit log holds the run's logins and dossier
actions (over dossier_life) and its failed logins (over auth_probe). Pure functions.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import re

from harness.judging import Inconclusive, comparable, require
from harness.national import VIETNAM
from suites.dossier.documents import parse_time
from suites.dossier.reading import CLOCK_SKEW_S, done, dossier, fail_if
from suites.security.judges import CLOCK_TOLERANCE_S, moment, scenario_errors


ACTION_WORDS = {
    "receive": ("receive", "tiep_nhan", "tiep nhan", "tiếp nhận"),
    "process": ("process", "xu_ly", "xử lý", "thụ lý", "thu_ly", "giai_quyet", "giải quyết"),
    "approve": ("approve", "phe_duyet", "phê duyệt", "duyet", "duyệt"),
    "return": ("return", "tra_ket_qua", "trả kết quả"),
    "login": ("login", "dang_nhap", "đăng nhập", "sign_in", "signin"),
}


def _near(entry_time, started, finished) -> bool:
    moment, start, end = parse_time(entry_time), parse_time(started), parse_time(finished)
    if not (moment and start and end):
        return False
    skew = dt.timedelta(seconds=CLOCK_SKEW_S)
    return start - skew <= moment <= end + skew


def actions_logged(obs: dict) -> None:
    info = obs.get("audit") or {}
    if not info.get("ok"):
        if info.get("http_status") is None:
            raise Inconclusive(f"không đọc được nhật ký hệ thống — the audit log could not be read: {info.get('error')}")
        raise AssertionError(f"nhật ký hệ thống trả HTTP {info.get('http_status')} — the audit log cannot be read")
    entries = info.get("entries") or []
    d = dossier(obs, "online_full")
    wanted = [done(d, name) for name in ("receive", "process", "approve", "return")]
    problems = []
    for s in wanted:
        words = ACTION_WORDS[s["step"]]
        # the entry names the dossier and the officer, at the moment the step was taken (its words vary
        # between vendors: they name it, but only its time tells it from the officer's other steps)
        theirs = [e for e in entries if d["code"] in e["text"] and s.get("username") and s["username"] in e["text"]]
        match = [e for e in theirs if _near(e.get("time"), s["started"], s["finished"])]
        named = [e for e in theirs if any(w in comparable(e["text"]) for w in words)]
        if not match and named:
            problems.append(f"nhật ký ghi bước '{s['step']}' của {s.get('username')} trên hồ sơ {d['code']} vào lúc khác "
                            f"({', '.join(str(e.get('time')) for e in named[:3])}; bước làm lúc {s['started']}) — the audit "
                            "log records this action at another time (a time zone, or the wrong clock?)")
        elif not match:
            problems.append(f"nhật ký không ghi bước '{s['step']}' của {s.get('username')} trên hồ sơ {d['code']} (kèm thời "
                            "điểm) — the audit log lacks this action with its user, time and dossier code")
        elif all(_logged_as_failed(e) for e in match):
            problems.append(f"nhật ký ghi bước '{s['step']}' của {s.get('username')} trên hồ sơ {d['code']} là không thành "
                            "công, dù bước đã thành công — the audit log records this successful action as failed")
    logins = require([row for row in obs.get("logins") or [] if row.get("ok") and row.get("username")],
                     "lượt đăng nhập của lần chạy (logins of the run)")
    for row in logins:
        match = [e for e in entries if row["username"] in e["text"]
                 and any(w in comparable(e["text"]) for w in ACTION_WORDS["login"])
                 and _near(e.get("time"), row["started"], obs.get("finished") or row["finished"])]
        if not match:
            problems.append(f"nhật ký không ghi lần đăng nhập của {row['username']} ({row['role']}) lúc {row['started']} — "
                            "the audit log lacks the run's login")
        elif all(_logged_as_failed(e) for e in match):
            problems.append(f"nhật ký ghi lần đăng nhập thành công của {row['username']} ({row['role']}) lúc "
                            f"{row['started']} là thất bại — the audit log records the run's successful login as failed")
    fail_if(problems)


def _entry_time(entry: dict) -> dt.datetime | None:
    keys = [k for k in ("time", "timestamp", "created_at", "at", "datetime", "date", "thoi_gian") if k in entry]
    keys += [k for k in entry if k not in keys]
    for key in keys:
        value = entry[key]
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", value):
            try:
                moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)
    return None


def _entry_address(entry: dict) -> str | None:
    for value in entry.values():
        if isinstance(value, str) and value.strip():
            try:
                return str(ipaddress.ip_address(value.strip().strip("[]")))
            except ValueError:
                continue
    return None


FAILURE_WORDS = re.compile(r"fail|thất bại|that_bai|locked|khóa|denied|invalid|sai|wrong|error", re.I)


def _entry_failed(entry: dict) -> bool:
    for key in ("success", "ok", "succeeded", "thanh_cong"):
        if key in entry:
            return entry[key] in (False, 0, "false", "False", "0", "no")
    return any(isinstance(v, str) and FAILURE_WORDS.search(v)
               for k, v in entry.items() if k in ("action", "event", "result", "status", "outcome", "hanh_dong"))


def _logged_as_failed(entry: dict) -> bool:
    """An audit line read in dossier_life (its fields, as registers.py kept them) says the action
    failed. A line without fields (not an object) says nothing either way."""
    return _entry_failed(entry.get("fields") or {})


def _names(entry: dict, username: str) -> bool:
    return any(isinstance(v, str) and v.lower() == username.lower() for v in entry.values())


def failed_logins(obs: dict) -> None:
    audit = obs.get("audit")
    if not audit or audit.get("error"):
        raise Inconclusive(f"không đọc được nhật ký — audit log not read: {(audit or {}).get('error') or scenario_errors(obs)}")
    attempts = require(obs.get("failed_attempts") or [], "lần đăng nhập sai (failed logins)")
    entries = [e for e in audit.get("entries") or [] if isinstance(e, dict)]
    used: set[int] = set()
    problems = []
    tolerance = dt.timedelta(seconds=CLOCK_TOLERANCE_S)
    for attempt in sorted(attempts, key=lambda a: a["started"]):
        low, high = moment(attempt["started"]) - tolerance, moment(attempt["finished"]) + tolerance
        mine = [(i, e) for i, e in enumerate(entries) if i not in used and _names(e, attempt["username"])]
        failures = [(i, e) for i, e in mine if _entry_failed(e)]
        timed = [(i, e) for i, e in failures if _entry_time(e) and low <= _entry_time(e) <= high]
        complete = [(i, e) for i, e in timed if _entry_address(e)]
        where = f"{attempt['username']} ({attempt['purpose']}, {attempt['started']})"
        if complete:
            used.add(complete[0][0])
        elif timed:
            problems.append(f"{where}: bản ghi nhật ký không có địa chỉ nguồn — the entry has no source address")
        elif failures:
            problems.append(f"{where}: không có bản ghi đăng nhập sai vào thời điểm này (có {len(failures)} bản ghi khác "
                            "thời gian) — no failed-login entry at this time")
        else:
            problems.append(f"{where}: nhật ký không ghi lần đăng nhập sai này — the failed login is not in the audit log")
    assert not problems, ("Nhật ký không ghi đủ các lần đăng nhập không thành công — failed logins missing from the "
                          f"audit log ({len(entries)} bản ghi liên quan đã đọc — related entries read):\n- "
                          + "\n- ".join(problems))
