"""Judges of the `dossier_life` checks: pure functions of the observations (and edition parameters).

Each raises AssertionError (FAIL) with what a tester reads in the record, Vietnamese — English,
naming the dossier and the step; `Inconclusive` (ERROR) when what it needs was not observed; and
returns quietly when the target did what the check asks. Rules of thumb used throughout:
- a step the target answered with an HTTP error is the target's failure (FAIL); a step that could
  not be taken at all (no session, operation not configured, no answer) is Inconclusive;
- every judge works over a non-empty population (harness.judging.require).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from harness.judging import Inconclusive, comparable, require
from harness.national import CHANNELS, FINAL_STATES, add_working_days, invalid_transitions, status_name
from suites.dossier.documents import contains, dates_in, local_date, parse_time
from suites.dossier.reading import code_text, done, done_after, dossier, fail_if, is_received, printed_form, returns
from suites.packets.life import creation_step, status_steps

# ------------------------------------------------------------------------- helpers

def _view_problem(d: dict, s: dict, side: str, who_vi: str, who_en: str) -> tuple[str | None, bool]:
    """(problem, inconclusive) of one side's view after a step."""
    expected = s.get("expected_code")
    code, label, status = s.get(f"{side}_code"), s.get(f"{side}_label"), s.get(f"{side}_http_status")
    if code == expected:
        return None, False
    where = f"hồ sơ {d['key']} ({d.get('code')}), sau bước '{s['step']}' — after step '{s['step']}'"
    if code is None and label is None:
        if status is None:
            return f"{where}: không đọc được {who_vi} — the {who_en} view could not be read ({s.get('view_error')})", True
        if not (200 <= status < 300):
            return f"{where}: {who_vi} trả về HTTP {status} — the {who_en} view answered HTTP {status}", False
    return (f"{where}: {who_vi} hiển thị '{label}' = {code_text(code)}, cần {status_name(expected)} — "
            f"the {who_en} view shows '{label}', expected national status {expected}"), False


def _views(obs: dict, side: str, who_vi: str, who_en: str) -> None:
    problems, unsure, judged = [], [], 0
    for d in obs.get("dossiers") or []:
        if side == "portal" and not (d.get("applicant") or {}).get("role"):
            continue  # counter and postal applicants have no portal account to look with
        for s in d.get("steps") or []:
            if not s.get("ok") or s.get("expected_code") is None:
                continue
            judged += 1
            problem, inconclusive = _view_problem(d, s, side, who_vi, who_en)
            if problem:
                (unsure if inconclusive else problems).append(problem)
    require(judged, "bước xử lý hồ sơ (dossier steps)")
    fail_if(problems)
    if unsure:
        raise Inconclusive("\n".join(unsure))


def canonical_channel(value) -> str | None:
    text = unicodedata.normalize("NFD", comparable(value))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").replace("đ", "d")
    if text in ("1", "counter") or "counter" in text or "truc tiep" in text or "truc_tiep" in text or "quay" in text:
        return "counter"
    if text in ("2", "online") or "online" in text or "truc tuyen" in text or "truc_tuyen" in text:
        return "online"
    if text in ("3", "post", "postal") or "post" in text or "buu chinh" in text or "buu_chinh" in text:
        return "post"
    return None


PACKET_CHANNEL = {name: number for number, name in CHANNELS.items()}  # counter → "1", online → "2", post → "3"


def _any_packets(obs: dict) -> bool:
    return any(d.get("packets") for d in obs.get("dossiers") or [])


def _driven(d: dict) -> bool:
    """dokiem registered the dossier (its creation step succeeded): the target had something to send."""
    step = creation_step(d)
    return bool(d.get("code")) and step is not None and bool(step.get("ok"))


# ------------------------------------------------------------------------- codes

def code_format(obs: dict, pattern: str, agency_pattern: str) -> None:
    dossiers = require([d for d in obs.get("dossiers") or [] if d.get("code")], "mã hồ sơ (dossier codes)")
    code_re, agency_re = re.compile(pattern), re.compile(agency_pattern)
    problems, unknown_unit = [], []
    for d in dossiers:
        code = d["code"]
        if not code_re.search(code):
            problems.append(f"mã hồ sơ '{code}' ({d['key']}) không đúng cấu trúc TT 01/2018 — code does not match {pattern}")
            continue
        parts = code.rsplit("-", 2)
        if len(parts) != 3:
            problems.append(f"mã hồ sơ '{code}' ({d['key']}) không gồm mã đơn vị-YYMMDD-số thứ tự — not unit-YYMMDD-sequence")
            continue
        unit, day, _ = parts
        if not agency_re.search(unit):
            problems.append(f"mã hồ sơ '{code}': phần mã đơn vị '{unit}' không theo QCVN 102 — agency part does not "
                            f"match {agency_pattern}")
        expected_unit = d.get("receiving_unit")
        if not expected_unit:
            unknown_unit.append(code)
        elif unit != expected_unit:
            problems.append(f"mã hồ sơ '{code}': mã đơn vị '{unit}' khác mã đơn vị tiếp nhận '{expected_unit}' — the agency "
                            "part is not the receiving unit's code")
        times = d.get("times") or {}
        registered = creation_step(d) or {}
        days = {local_date(times.get("received_at")), local_date(times.get("submitted_at")),
                local_date(registered.get("vars", {}).get("submitted_at")), local_date(registered.get("finished"))} - {None}
        if not days:
            unknown_unit.append(code)
        elif day not in {x.strftime("%y%m%d") for x in days}:
            problems.append(f"mã hồ sơ '{code}': phần ngày {day} khác ngày tiếp nhận "
                            f"{', '.join(sorted(x.strftime('%y%m%d') for x in days))} — the date part is not the receipt date")
    fail_if(problems)
    if unknown_unit:
        raise Inconclusive("không biết mã đơn vị tiếp nhận hoặc ngày tiếp nhận của " + ", ".join(unknown_unit)
                           + " — receiving unit or receipt date unknown: set test_data.unit_code or let get_dossier "
                           "return agency_code and received_at")


def code_unique(obs: dict, pattern: str) -> None:
    dossiers = [d for d in obs.get("dossiers") or [] if d.get("code") and creation_step(d)]
    require(len(dossiers) >= 2 and dossiers, "hai mã hồ sơ trở lên (two or more dossier codes)")
    problems = []
    codes = [d["code"] for d in dossiers]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        problems.append(f"mã hồ sơ bị trùng — duplicate dossier codes: {', '.join(repeated)}")
    code_re = re.compile(pattern)
    groups: dict[tuple, list] = {}
    for d in sorted(dossiers, key=lambda d: parse_time(creation_step(d)["finished"]) or dt.datetime.max.replace(tzinfo=dt.timezone.utc)):
        parts = d["code"].rsplit("-", 2)
        if not code_re.search(d["code"]) or len(parts) != 3 or not parts[2].isdigit():
            continue  # a malformed code is dossier.code_format's finding
        groups.setdefault((parts[0], parts[1]), []).append((int(parts[2]), d["code"]))
    for (unit, day), issued in groups.items():
        for (a, code_a), (b, code_b) in zip(issued, issued[1:]):
            if b <= a:
                problems.append(f"đơn vị {unit}, ngày {day}: {code_b} được cấp sau {code_a} nhưng số thứ tự không tăng — "
                                "sequence numbers do not rise in order of receipt")
    fail_if(problems)


def appointment_date(obs: dict, holidays: list[str]) -> None:
    problems, unknown, judged = [], [], 0
    for d in obs.get("dossiers") or []:
        times = d.get("times") or {}
        if not d.get("code") or not is_received(d):
            continue
        # after an apology the target may show the new date as the appointment: judge the one it gave at receipt
        apology = d.get("apology") or {}
        promised = apology.get("appointment_before") if apology.get("ok") else times.get("appointment_date")
        received, appointment = parse_time(times.get("received_at")), parse_time(promised)
        days = (d.get("procedure") or {}).get("processing_days")
        if received is None or appointment is None:
            unknown.append(f"{d['code']}: received_at {times.get('received_at')!r}, appointment_date "
                           f"{times.get('appointment_date')!r}")
            continue
        judged += 1
        if appointment <= received:
            problems.append(f"hồ sơ {d['code']}: ngày hẹn trả {appointment.isoformat()} không sau thời điểm tiếp nhận "
                            f"{received.isoformat()} — the appointment is not after the receipt")
        if days is None or not str(days).strip().lstrip("-").isdigit():
            unknown.append(f"{d['code']}: thời hạn giải quyết của thủ tục {d['procedure_code']} không rõ — the "
                           "procedure's time limit is unknown (get_procedure returns processing_days)")
            continue
        limit = add_working_days(received.astimezone(appointment.tzinfo).date(), int(days), holidays)
        if appointment.date() > limit:
            problems.append(f"hồ sơ {d['code']}: ngày hẹn trả {appointment.date()} muộn hơn {limit} (tiếp nhận "
                            f"{received.date()} + {days} ngày làm việc) — the appointment is later than the legal time "
                            "limit in working days")
    require(judged, "hồ sơ đã tiếp nhận có ngày hẹn trả (received dossiers with an appointment date)")
    fail_if(problems)
    if unknown:
        raise Inconclusive("; ".join(unknown))


# ------------------------------------------------------------------------- intake and receipt

def receipt(obs: dict) -> None:
    counter = dossier(obs, "counter")
    done(counter, "counter_intake")
    printed = [counter] + [d for d in obs.get("dossiers") or []
                           if d is not counter and d.get("code") and is_received(d) and "1" in (d.get("forms") or {})]
    problems = []
    for d in printed:
        try:
            form = printed_form(d, 1, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
        except AssertionError as exc:
            problems.append(str(exc))
            continue
        text = form["text"]
        name = (d.get("applicant") or {}).get("full_name")
        times = d.get("times") or {}
        shown = set(dates_in(text))
        where = f"Giấy tiếp nhận (Mẫu 01) của hồ sơ {d['code']}"
        if name and not contains(text, name):
            problems.append(f"{where} không ghi tên người nộp '{name}' — the receipt does not name the applicant")
        for what_vi, what_en, value in (("ngày tiếp nhận", "receipt date", times.get("received_at")),
                                        ("ngày hẹn trả kết quả", "appointment date", times.get("appointment_date"))):
            day = local_date(value)
            if day is None:
                problems.append(f"{where}: không biết {what_vi} của hồ sơ — the dossier's {what_en} is unknown ({value!r})")
            elif day not in shown:
                problems.append(f"{where} không ghi {what_vi} {day:%d/%m/%Y} — the receipt does not show the {what_en}")
    fail_if(problems)


def intake_channels(obs: dict) -> None:
    counter, online = dossier(obs, "counter"), dossier(obs, "online_full")
    problems, unsure = [], []
    for d, channel in ((counter, "counter"), (online, "online")):
        seen = canonical_channel(d.get("channel_seen"))
        if d.get("channel_seen") is None and not returns(obs, "channel"):
            unsure.append("get_dossier không trả về 'channel' — the profile's get_dossier returns no channel")
        elif seen != channel:
            problems.append(f"hồ sơ {d['code']} ({d['key']}): Hệ thống MCĐT ghi kênh '{d.get('channel_seen')}', cần {channel} — "
                            f"the back office records channel {d.get('channel_seen')!r}, expected {channel}")
        packets = d.get("packets") or []
        # KenhThucHien is optional in some editions: only a channel the packet carries is compared
        wrong = sorted({str(p["KenhThucHien"]) for p in packets if p.get("KenhThucHien") is not None}
                       - {PACKET_CHANNEL[channel]})
        if not packets:  # sending nothing for a dossier dokiem registered is FAIL, not "cannot decide"
            (problems if _any_packets(obs) or _driven(d) else unsure).append(
                f"hồ sơ {d['code']}: không có gói tin DongBoHoSoMC nào — no DongBoHoSoMC packet was received for it")
        elif wrong:
            problems.append(f"hồ sơ {d['code']} ({d['key']}): gói tin ghi KenhThucHien {', '.join(wrong)}, cần "
                            f"{PACKET_CHANNEL[channel]} — the synced packets carry the wrong channel")
    fail_if(problems)
    if unsure:
        raise Inconclusive("; ".join(unsure))


def postal(obs: dict) -> None:
    d = dossier(obs, "postal")
    done(d, "postal_intake")
    problems = []
    seen = canonical_channel(d.get("channel_seen"))
    if seen != "post" and (d.get("channel_seen") is not None or returns(obs, "channel")):
        problems.append(f"hồ sơ {d['code']}: Hệ thống MCĐT ghi kênh '{d.get('channel_seen')}', cần bưu chính công ích — "
                        "the back office does not record the public-post channel")
    packets = d.get("packets") or []
    if not packets:
        message = f"hồ sơ {d['code']}: không có gói tin DongBoHoSoMC nào — no DongBoHoSoMC packet was received for it"
        if _any_packets(obs) or _driven(d):
            problems.append(message)
            fail_if(problems)
        raise Inconclusive(message)
    wrong = sorted({str(p["KenhThucHien"]) for p in packets if p.get("KenhThucHien") is not None} - {"3"})
    if wrong:
        problems.append(f"hồ sơ {d['code']}: gói tin ghi KenhThucHien {', '.join(wrong)}, cần 3 — packets do not carry "
                        "KenhThucHien 3 (public post)")
    done_after(problems, d, "return")
    after_return = [p for p in packets if str(p.get("TrangThaiHoSo")) == "10"]
    if not after_return:
        problems.append(f"hồ sơ {d['code']}: không có gói tin với trạng thái 10 sau khi trả kết quả — no packet with "
                        "TrangThaiHoSo 10 was synced after the return")
    elif any(str(p.get("HinhThuc")) != "1" for p in after_return):
        problems.append(f"hồ sơ {d['code']}: gói tin trả kết quả ghi HinhThuc "
                        f"{sorted({str(p.get('HinhThuc')) for p in after_return})}, cần \"1\" — return by post is not "
                        "synced as HinhThuc \"1\"")
    fail_if(problems)


# ------------------------------------------------------------------------- statuses

def status_portal(obs: dict) -> None:
    _views(obs, "portal", "Cổng DVC (người nộp)", "citizen's portal")


def status_backoffice(obs: dict) -> None:
    _views(obs, "backoffice", "Hệ thống MCĐT (cán bộ tiếp nhận)", "receiving officer's back-office")


def transitions(obs: dict) -> None:
    problems, judged = [], 0
    for d in obs.get("dossiers") or []:
        for side in ("backoffice", "portal"):
            codes = [s.get(f"{side}_code") for s in d.get("steps") or [] if s.get("ok")]
            if side == "backoffice":
                codes += [a.get("backoffice_code") for a in d.get("attempts_after_final") or []]
            codes = [c for c in codes if isinstance(c, int)]
            if len(codes) < 2:
                continue
            judged += 1
            for a, b in invalid_transitions(codes):
                problems.append(f"hồ sơ {d['code']} ({d['key']}): chuyển trạng thái {status_name(a)} → {status_name(b)} "
                                f"không hợp lệ ({side}) — transition {a} → {b} is not allowed; seen {codes}")
        history = [h.get("status_code") for h in d.get("history") or [] if isinstance(h.get("status_code"), int)]
        for a, b in invalid_transitions(history):
            problems.append(f"hồ sơ {d['code']}: lịch sử xử lý ghi {status_name(a)} → {status_name(b)} — the history "
                            f"shows a transition {a} → {b} that is not allowed")
        for attempt in d.get("attempts_after_final") or []:
            final = d.get("final_expected_code")
            if final not in FINAL_STATES:
                continue
            if attempt.get("ok"):
                problems.append(f"hồ sơ {d['code']} ở trạng thái cuối {status_name(final)} vẫn nhận thao tác "
                                f"{attempt['operation']} — an operation on a dossier in a final state was accepted")
            if isinstance(attempt.get("backoffice_code"), int) and attempt["backoffice_code"] != final:
                problems.append(f"hồ sơ {d['code']} rời trạng thái cuối {status_name(final)} sang "
                                f"{status_name(attempt['backoffice_code'])} — the dossier left a final state")
    require(judged, "chuỗi trạng thái hồ sơ (status sequences)")
    fail_if(problems)


def history(obs: dict) -> None:
    if not returns(obs, "history"):
        raise Inconclusive("get_dossier của hồ sơ mục tiêu không trả về 'history' — the profile's get_dossier returns no "
                           "history")
    problems, judged = [], 0
    for d in obs.get("dossiers") or []:
        changing = status_steps(d)  # steps that change nothing (paying, rating) leave no line of their own
        if not changing:
            continue
        judged += 1
        entries = d.get("history") or []
        if not entries:
            problems.append(f"hồ sơ {d['code']} ({d['key']}): không có lịch sử xử lý — the dossier shows no history")
            continue
        position = 0
        for s in changing:
            actor = s.get("username")
            found = None
            for i in range(position, len(entries)):
                entry = entries[i]
                who = f"{entry.get('user') or ''} {entry.get('text') or ''}"
                if entry.get("status_code") == s["expected_code"] and (not actor or actor in who):
                    found = i
                    break
            if found is None:
                problems.append(f"hồ sơ {d['code']}: lịch sử thiếu bước '{s['step']}' ({status_name(s['expected_code'])}"
                                f"{', ' + actor if actor else ''}) theo đúng thứ tự — the history lacks this step, its "
                                "user or its order")
                continue
            if parse_time(entries[found].get("time")) is None:
                problems.append(f"hồ sơ {d['code']}: dòng lịch sử của bước '{s['step']}' không có thời điểm — the history "
                                "line has no time")
            position = found + 1
    require(judged, "hồ sơ có bước xử lý (dossiers with steps)")
    fail_if(problems)


def supplement(obs: dict) -> None:
    d = dossier(obs, "online_full")
    asked = done(d, "request_supplement")
    problems = []
    if asked.get("portal_code") != 5:
        problems.append(f"hồ sơ {d['code']}: sau yêu cầu bổ sung, Cổng DVC hiển thị '{asked.get('portal_label')}', cần "
                        "Chờ bổ sung (5) — after the request the applicant does not see status 5")
    if not asked.get("portal_reason_seen"):
        problems.append(f"hồ sơ {d['code']}: người nộp không thấy nội dung cần bổ sung '{asked.get('reason')}' — the "
                        "applicant cannot see the supplement reason")
    supplied = done_after(problems, d, "supplement")
    if supplied.get("portal_code") not in (2, 4) or supplied.get("portal_code") != supplied.get("expected_code"):
        problems.append(f"hồ sơ {d['code']}: sau khi bổ sung, hồ sơ ở '{supplied.get('portal_label')}', cần trở lại "
                        f"{status_name(supplied.get('expected_code'))} — after the supplement the dossier does not return "
                        "to processing")
    codes = [h.get("status_code") for h in d.get("history") or []]
    round_seen = 5 in codes and any(c in (2, 4) for c in codes[codes.index(5) + 1:])
    if not round_seen:
        problems.append(f"hồ sơ {d['code']}: lịch sử không ghi vòng bổ sung (5 rồi 2/4) — the supplement round is not in "
                        f"the history (statuses {codes})")
    fail_if(problems)


def refusal(obs: dict) -> None:
    d = dossier(obs, "refused")
    refused = done(d, "refuse")
    problems = []
    for side, who in (("portal", "Cổng DVC"), ("backoffice", "Hệ thống MCĐT")):
        if refused.get(f"{side}_code") != 3:
            problems.append(f"hồ sơ {d['code']}: sau khi từ chối, {who} hiển thị '{refused.get(f'{side}_label')}', cần "
                            f"Không được tiếp nhận (3) — the {side} view does not show status 3")
    if not refused.get("portal_reason_seen"):
        problems.append(f"hồ sơ {d['code']}: người nộp không thấy lý do từ chối '{refused.get('reason')}' — the applicant "
                        "cannot see the reason")
    try:
        printed_form(d, 3, "Phiếu từ chối tiếp nhận hồ sơ")
    except AssertionError as exc:
        problems.append(str(exc))
    fail_if(problems)


def _final_stays(d: dict, name: str, code: int, what_vi: str, what_en: str, reason: bool) -> None:
    taken = done(d, name)
    problems = []
    for side in ("portal", "backoffice"):
        if side == "portal" and not (d.get("applicant") or {}).get("role"):
            continue
        if taken.get(f"{side}_code") != code:
            problems.append(f"hồ sơ {d['code']}: sau khi {what_vi}, {side} hiển thị '{taken.get(f'{side}_label')}', cần "
                            f"{status_name(code)} — after {what_en} the {side} view does not show status {code}")
    if reason and not (taken.get("portal_reason_seen") or taken.get("backoffice_reason_seen")):
        problems.append(f"hồ sơ {d['code']}: lý do '{taken.get('reason')}' không được ghi nhận trên hồ sơ — the reason is "
                        "not recorded on the dossier")
    attempts = d.get("attempts_after_final") or []
    if not attempts:
        fail_if(problems)
        raise Inconclusive(f"hồ sơ {d['code']}: chưa thử xử lý tiếp sau khi {what_vi} — no further processing was tried")
    for attempt in attempts:
        if attempt.get("ok"):
            problems.append(f"hồ sơ {d['code']} đã {what_vi} vẫn nhận thao tác {attempt['operation']} (HTTP "
                            f"{attempt.get('http_status')}) — further processing was accepted")
        elif attempt.get("http_status") is None:
            raise Inconclusive(f"hồ sơ {d['code']}: thao tác thử {attempt['operation']} không thực hiện được — the probe "
                               f"could not be made: {attempt.get('error')}")
        if isinstance(attempt.get("backoffice_code"), int) and attempt["backoffice_code"] != code:
            problems.append(f"hồ sơ {d['code']} rời trạng thái {status_name(code)} sang "
                            f"{status_name(attempt['backoffice_code'])} — the dossier left status {code}")
    fail_if(problems)


def withdraw(obs: dict) -> None:
    _final_stays(dossier(obs, "withdrawn"), "withdraw", 7, "rút hồ sơ", "the withdrawal", reason=False)


def stop(obs: dict) -> None:
    _final_stays(dossier(obs, "stopped"), "stop", 8, "dừng xử lý", "stopping", reason=True)
