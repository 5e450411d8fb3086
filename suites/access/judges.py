"""Judges of the access.* checks (pure): who may do what to one dossier (access_probe), and logging
in and registering an account (auth_probe)."""
from __future__ import annotations

import re

from harness.judging import Inconclusive, fail_if, require
from suites.security.answers import NOT_PROCESSED, access_outcome
from suites.security.judges import scenario_errors, verdict, was_refused

# The owner's step that shows an intruder's attempt was possible at that moment (same status).
CONTROL_OF = {"other_read": "owner_read", "other_supplement": "owner_supplement",
              "other_download": "owner_download", "forged_read_altered_token": "owner_read",
              "forged_read_alg_none": "owner_read", "forged_read_altered_cookie": "owner_read"}
FORGED = "forged_"  # who: a session dokiem forged from the owner's (ASVS V3.5.3)


def _dossier(obs: dict) -> str:
    if not obs.get("dossier_code"):
        raise Inconclusive("không tạo được hồ sơ để thử quyền truy cập — no dossier to probe: "
                           + ("; ".join(obs.get("errors") or []) or "unknown"))
    return obs["dossier_code"]


def _leaks(step: dict, obs: dict) -> list[str]:
    """Things of the dossier an answer to an intruder shows: the run's tag, the owner's name, and
    any of the owner's personal data anywhere in the answer, in any common spelling."""
    body = step.get("excerpt") or ""
    clues = [obs.get("tag"), (obs.get("owner_known") or {}).get("full_name")]
    return [clue for clue in clues if clue and clue in body] + list(step.get("discloses") or [])


def _denial_problems(step: dict, obs: dict, code: str) -> tuple[list[str], list[str]]:
    """(problems, unclear) for an attempt that must be refused."""
    where = f"hồ sơ {code}, {step['who']} — {step['purpose']} ({step['operation']})"
    if step.get("error"):
        return [], [f"{where}: {step['error']}"]
    outcome = access_outcome(step.get("status"))
    if step["who"].startswith(FORGED) and outcome == "unclear" and 400 <= (step.get("status") or 0) < 500 \
            and step["status"] not in NOT_PROCESSED:
        outcome = "denied"  # "malformed token" (400) refuses a forged session as well as a 401 does
    if outcome == "allowed":
        return [f"{where}: HTTP {step['status']} — được phép, lẽ ra phải bị từ chối (allowed; must be refused)"], []
    if outcome == "unclear":
        return [], [f"{where}: HTTP {step.get('status')} {step.get('message') or ''} — neither allowed nor refused "
                    "for lack of rights"]
    problems = []
    leaked = _leaks(step, obs) if step["who"] != "owner" else []  # the applicant's own data is no leak to them
    if leaked:
        problems.append(f"{where}: bị từ chối nhưng câu trả lời chứa dữ liệu hồ sơ {leaked} — the refusal leaks the dossier")
    before, after = step.get("status_before"), step.get("status_after")
    if before and after and before != after:
        problems.append(f"{where}: bị từ chối nhưng trạng thái đổi từ {before!r} sang {after!r} — refused, yet the "
                        "dossier changed")
    return problems, []


# a URL replayed by someone else: a link of the owner's answers, or an officer's read of the dossier
LINK_REPLAY = re.compile(r"^(other|anonymous|forged)_(link|officer_url)_(\d+)$")
WHO_REPLAYS = {"other": ("công dân khác", "another citizen"), "anonymous": ("khách chưa đăng nhập", "a visitor without a "
               "session"), "forged": ("phiên giả mạo", "a forged session")}
CONTROL_OF_REPLAY = {"link": "owner_link", "officer_url": "officer_url"}


def _link_problems(step: dict, steps: dict, code: str) -> tuple[list[str], list[str]]:
    """(problems, unclear) for a link of the owner's answers, or a URL an officer read the dossier
    at, replayed by someone else (the control: the owner or that officer fetching it): it leaks when
    the answer holds what only the dossier's own answers hold (the run's tag, the owner's name, the
    files dokiem uploaded; its code where the URL does not hold it), or is byte for byte the owner's
    answer where that one named the dossier. Any other answer (a refusal, a login page, a public
    page) gives nothing of the dossier away."""
    who, kind, n = LINK_REPLAY.match(step["key"]).groups()
    where = f"hồ sơ {code}, {WHO_REPLAYS[who][0]} — {step['operation']}"
    if kind == "officer_url":
        where += " (đường dẫn cán bộ đã đọc — an officer's read)"
    if step.get("error"):
        return [], [f"{where}: {step['error']}"]
    control = steps.get(f"{CONTROL_OF_REPLAY[kind]}_{n}") or {}
    private = bool(control.get("ok") and (control.get("names_dossier") or control.get("holds_code")))
    same = private and step.get("sha256") == control.get("sha256")
    if step.get("ok") and (step.get("names_dossier") or same):
        someone = WHO_REPLAYS[who][1]
        what = f"the {'officer' if kind == 'officer_url' else 'owner'}'s very answer" if same else "an answer naming the dossier"
        return [f"{where}: HTTP {step['status']}, {step.get('size')} byte — lấy được dữ liệu của hồ sơ qua đường dẫn "
                f"({someone} gets {what} from the link)"], []
    return [], []


def cross_citizen(obs: dict) -> None:
    code = _dossier(obs)
    steps = {s["key"]: s for s in obs.get("steps") or []}
    attempts = require([s for s in steps.values() if s["check"] == "cross_citizen"],
                       "lần thử của công dân khác (another citizen's attempts)")
    problems, unclear = [], []
    for step in attempts:
        if LINK_REPLAY.match(step["key"]):
            found, gaps = _link_problems(step, steps, code)
            problems += found
            unclear += gaps
            continue
        if step["key"] == "other_list":
            if step.get("lists_dossier"):
                problems.append(f"danh sách hồ sơ của {obs.get('other')} có hồ sơ {code} của {obs.get('owner')} — "
                                "another citizen's own list shows the dossier")
            continue
        found, gaps = _denial_problems(step, obs, code)
        problems += found
        control = steps.get(CONTROL_OF.get(step["key"], ""))
        if not found and control is not None and not control.get("ok"):
            gaps.append(f"{step['key']}: chủ hồ sơ cũng không làm được ({control['operation']} → HTTP "
                        f"{control.get('status')}) — the owner could not either, so the refusal proves nothing")
        unclear += gaps
    for needed in ("other_read", "other_download"):
        if needed not in steps:
            unclear.append(f"{needed}: chưa thử — not attempted")
    assert not problems, (f"Người khác truy cập được hồ sơ của công dân {obs.get('owner')} (công dân {obs.get('other')} "
                          "hoặc khách chưa đăng nhập) — someone else reaches the dossier:\n- " + "\n- ".join(problems))
    if unclear:
        raise Inconclusive("Không kết luận được quyền truy cập hồ sơ — cannot decide:\n- " + "\n- ".join(unclear))


def step_order(obs: dict) -> None:
    """access.step_order: a step the national status list does not allow from the dossier's status
    (approving before processing, returning before approval) is refused by the role that owns it,
    and the status does not move."""
    code = _dossier(obs)
    rows = [s for s in obs.get("steps") or [] if s["check"] == "step_order"]
    attempts = require([s for s in rows if s["expect"] == "denied"], "bước làm sai thứ tự (out-of-order steps)")
    problems, unclear = [], [f"{s['key']}: {s['error']}" for s in rows if s["expect"] != "denied" and s.get("error")]
    for step in attempts:
        where = f"hồ sơ {code}, {step['who']} — {step['purpose']}"
        status, before, after = step.get("status"), step.get("status_before"), step.get("status_after")
        if step.get("error"):
            unclear.append(f"{where}: {step['error']}")
        elif status is not None and 200 <= status < 300:
            problems.append(f"{where}: HTTP {status} — được thực hiện, lẽ ra phải bị từ chối (went through; must be refused)")
        elif before and after and before != after:
            problems.append(f"{where}: bị từ chối nhưng trạng thái đổi từ {before!r} sang {after!r} — refused, yet the "
                            "dossier moved")
        elif status is None or status == 401 or status >= 500:  # no answer, the session, a crash: no refusal
            unclear.append(f"{where}: HTTP {status} {step.get('message') or ''} — neither done nor refused")
    fail_if(problems, "Hệ thống cho làm một bước sai thứ tự quy trình", "a step out of the national order went through")
    if unclear:
        raise Inconclusive("Không kết luận được thứ tự các bước — cannot decide:\n- " + "\n- ".join(unclear))


def roles(obs: dict) -> None:
    code = _dossier(obs)
    attempts = require([s for s in obs.get("steps") or [] if s["check"] == "roles"], "thao tác theo vai trò (role steps)")
    problems, unclear = [], []
    steps = {s["key"]: s for s in obs.get("steps") or []}
    for step in attempts:
        where = f"hồ sơ {code}, {step['who']} — {step['purpose']} ({step['operation']})"
        if LINK_REPLAY.match(step["key"]):
            found, gaps = _link_problems(step, steps, code)
            problems += found
            unclear += gaps
        elif step["expect"] == "denied":
            found, gaps = _denial_problems(step, obs, code)
            problems += found
            unclear += gaps
        elif step.get("error"):
            unclear.append(f"{where}: {step['error']}")
        elif not step.get("ok"):
            if step.get("status") in (401, 403):
                problems.append(f"{where}: HTTP {step['status']} — vai trò bị từ chối chính thao tác của mình "
                                f"(a role is refused its own operation: {step.get('message')})")
            else:
                unclear.append(f"{where}: HTTP {step.get('status')} {step.get('message') or ''}")
    assert not problems, "Phân quyền theo vai trò chưa đúng — role permissions wrong:\n- " + "\n- ".join(problems)
    if unclear:
        raise Inconclusive("Không kết luận được phân quyền — cannot decide:\n- " + "\n- ".join(unclear))


def _normalised(message: str | None, usernames: list[str]) -> str:
    text = message or ""
    for name in usernames:
        text = re.sub(re.escape(name), "<user>", text, flags=re.I)
    return " ".join(text.split()).casefold()


def login(obs: dict) -> None:
    logins = obs.get("logins") or {}
    accounts = require(logins.get("accounts") or [], "tài khoản đăng nhập (account logins)")
    problems, unclear = [], []
    for row in accounts:
        if row.get("ok"):
            continue
        where = f"{row['role']}[{row['index']}] {row['username']}"
        if row.get("status") is None or row["status"] >= 500:
            unclear.append(f"{where}: {row.get('error') or 'HTTP ' + str(row.get('status'))}")
        else:
            problems.append(f"{where}: không đăng nhập được bằng mật khẩu đúng (HTTP {row['status']}: "
                            f"{row.get('message')}) — the account's own credentials are refused")
    wrong = logins.get("wrong") or []
    if len(wrong) < 2:
        unclear.append("chưa thử đăng nhập sai — wrong logins not observed")
    else:
        for row in wrong:
            if row.get("ok"):
                problems.append(f"{row['username']} ({row['purpose']}): mật khẩu sai vẫn đăng nhập được — a wrong "
                                "password was accepted")
            elif row.get("status") is None:
                unclear.append(f"{row['username']}: {row.get('error')}")
        names = [r["username"] for r in wrong]
        existing, unknown = wrong[0], wrong[1]
        if not existing.get("ok") and not unknown.get("ok") and (
                existing.get("status") != unknown.get("status")
                or _normalised(existing.get("message"), names) != _normalised(unknown.get("message"), names)):
            problems.append(f"thông báo khác nhau giữa sai mật khẩu (HTTP {existing.get('status')}: "
                            f"{existing.get('message')!r}) và tài khoản không tồn tại (HTTP {unknown.get('status')}: "
                            f"{unknown.get('message')!r}) — the answers tell whether an account exists")
    browser = logins.get("browser")
    if browser is None:
        unclear.append(f"chưa đăng nhập qua trình duyệt — browser login not observed ({scenario_errors(obs)})")
    elif not browser.get("ok"):
        unclear.append(f"hành trình đăng nhập không thực hiện được — login journey failed: {browser.get('error')}")
    verdict(problems, unclear, "Xác thực người sử dụng chưa đạt — user authentication")


def registration(obs: dict) -> None:
    reg = obs.get("registration")
    if not reg:
        raise Inconclusive(f"chưa thử đăng ký tài khoản — registration not observed ({scenario_errors(obs)})")
    problems, unclear = [], []
    first = reg["first"]
    if was_refused(first) is None:
        unclear.append(f"đăng ký {reg['username']}: {first.get('error') or 'HTTP ' + str(first.get('status'))}")
    elif not first["ok"]:
        problems.append(f"không đăng ký được tài khoản mới {reg['username']} (HTTP {first['status']}: "
                        f"{first.get('message')}) — a new account cannot be registered")
    else:
        after = reg.get("login_after") or {}
        if not after.get("ok"):
            problems.append(f"tài khoản mới {reg['username']} không đăng nhập được (HTTP {after.get('status')}: "
                            f"{after.get('message')}) — the new account cannot log in")
    duplicate = reg.get("duplicate") or {}
    refused = was_refused(duplicate)
    if refused is False:
        problems.append(f"đăng ký trùng tên {reg['username']} vẫn được chấp nhận (HTTP {duplicate.get('status')}) — "
                        "a duplicate user name was accepted")
    elif refused is None and first.get("ok") and duplicate.get("status") in NOT_PROCESSED:
        unclear.append(f"đăng ký trùng tên không được xử lý (HTTP {duplicate['status']}) — the duplicate registration "
                       "was not processed, so whether it is refused is unknown")
    elif refused is None and first.get("ok"):
        problems.append(f"đăng ký trùng tên gây lỗi máy chủ thay vì từ chối rõ ràng (HTTP {duplicate.get('status')}) "
                        "— a duplicate user name gives a server error, not a clear refusal")
    verdict(problems, unclear, "Đăng ký tài khoản chưa đạt — account registration")
