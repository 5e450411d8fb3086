"""Judges of the `dossier_life` checks: pure functions of the observations (and edition parameters).

Each raises AssertionError (FAIL) with what a tester reads in the record, Vietnamese — English,
naming the dossier and the step; `Inconclusive` (ERROR) when what it needs was not observed; and
returns quietly when the target did what the check asks. Rules of thumb used throughout:
- a step the target answered with an HTTP error is the target's failure (FAIL); a step that could
  not be taken at all (no session, operation not configured, no answer) is Inconclusive;
- every judge works over a non-empty population (harness.outcomes.require).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from harness import Inconclusive
from harness.national import CHANNELS, FINAL_STATES, add_working_days, invalid_transitions, status_name
from harness.outcomes import require

from suites.dossier.documents import (comparable, contains, dates_in, digits, local_date, parse_date, parse_time,
                                      phone_digits)
from suites.packets.life import creation_step, status_steps

# Harness and target clocks may differ a little; times are compared with this allowance.
CLOCK_SKEW_S = 300
OPEN_STATES = frozenset({2, 4, 5, 6})
PAID_WORDS = ("paid", "da_thanh_toan", "đã thanh toán", "success", "thanh_cong", "thành công", "completed")
RECEIVED_STEPS = ("receive", "counter_intake", "postal_intake")  # the steps after which a dossier is received


# ------------------------------------------------------------------------- helpers

def _fail(problems: list[str]) -> None:
    if problems:
        raise AssertionError("\n".join(problems))


def dossier(obs: dict, key: str) -> dict:
    """The dossier of that purpose, or Inconclusive (with the scenario's errors) when it was never made."""
    found = next((d for d in obs.get("dossiers") or [] if d.get("key") == key), None)
    if found is None or not found.get("code"):
        errors = "; ".join(e for e in obs.get("errors") or [] if e.startswith(key)) or "not created"
        raise Inconclusive(f"hồ sơ '{key}' không được tạo trong lần chạy — dossier '{key}' was not made: {errors}")
    return found


def step(d: dict, name: str) -> dict | None:
    return next((s for s in d.get("steps") or [] if s.get("step") == name), None)


def done(d: dict, name: str) -> dict:
    """The step, taken successfully. A refusal by the target fails; a step never taken is Inconclusive."""
    found = step(d, name)
    if found is None:
        raise Inconclusive(f"hồ sơ {d['key']} ({d.get('code')}): bước '{name}' chưa được thực hiện — step '{name}' "
                           f"was not reached (an earlier step failed)")
    if not found.get("ok"):
        message = (f"hồ sơ {d['key']} ({d.get('code')}): bước '{name}' ({found.get('operation')}) không thành công — "
                   f"step '{name}' failed: {found.get('error')}")
        if found.get("http_status") is not None:
            raise AssertionError(message)
        raise Inconclusive(message)
    return found


def done_after(problems: list[str], d: dict, name: str) -> dict:
    """`done`, but what was already found wrong is reported (FAIL) before a later step's absence (ERROR)."""
    try:
        return done(d, name)
    except Inconclusive:
        _fail(problems)
        raise


def _code_text(code) -> str:
    return status_name(code) if isinstance(code, int) else "nhãn không có trong bảng ánh xạ (label not in the profile's map)"


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
    return (f"{where}: {who_vi} hiển thị '{label}' = {_code_text(code)}, cần {status_name(expected)} — "
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
    _fail(problems)
    if unsure:
        raise Inconclusive("\n".join(unsure))


def _received(d: dict) -> bool:
    return any(s.get("ok") and s.get("step") in RECEIVED_STEPS for s in d.get("steps") or [])


def _returns(obs: dict, name: str) -> bool:
    return name in (obs.get("get_dossier_returns") or [])


def _paid(payment) -> bool:
    if isinstance(payment, dict):
        state = comparable(payment.get("status") or payment.get("trang_thai") or "")
        if state and any(word in state for word in PAID_WORDS) or state == "1":
            return True
        return bool(payment.get("paid_at") or payment.get("transaction_id") or payment.get("ma_giao_dich"))
    return bool(payment) and any(word in comparable(payment) for word in PAID_WORDS)


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


def _form(d: dict, number: int, name_vi: str) -> dict:
    form = (d.get("forms") or {}).get(str(number))
    where = f"hồ sơ {d['key']} ({d.get('code')}): {name_vi} (Mẫu {number:02d})"
    if form is None:
        raise Inconclusive(f"{where} chưa được in — form {number} was not requested")
    if not form.get("ok"):
        if form.get("http_status") is None:
            raise Inconclusive(f"{where} không lấy được — form {number} could not be requested: {form.get('error')}")
        raise AssertionError(f"{where}: hệ thống không in được, HTTP {form.get('http_status')} — the system does not "
                             f"produce form {number}: {form.get('error')}")
    if not (form.get("text") or "").strip():
        raise AssertionError(f"{where}: tài liệu rỗng — the document is empty")
    if d["code"] not in form["text"]:
        raise AssertionError(f"{where}: không ghi mã hồ sơ {d['code']} — the form does not name the dossier code")
    return form


# ------------------------------------------------------------------------- levels

def online_submission(obs: dict) -> None:
    d = dossier(obs, "online_full")
    level = (d.get("procedure") or {}).get("level")
    if level is not None and str(level) not in ("3", "4"):
        raise Inconclusive(f"test_data.online_procedure {d['procedure_code']} có mức độ {level}, cần 3 hoặc 4 — "
                           "the profile's online_procedure must be a level-3 or level-4 procedure")
    submit = done(d, "submit")
    problems = []
    if not submit["vars"].get("dossier_code"):
        problems.append(f"nộp hồ sơ trực tuyến không trả về mã hồ sơ — the submission answered no dossier code ({d['code']})")
    when = submit["vars"].get("submitted_at") or (d.get("times") or {}).get("submitted_at")
    if parse_time(when) is None:
        problems.append(f"hồ sơ {d['code']}: không có thời điểm nộp — the portal shows no time of submission ({when!r})")
    _fail(problems)
    browser = (obs.get("browser") or {}).get("submit") or {}
    if not browser.get("ok"):
        raise Inconclusive("nộp hồ sơ qua biểu mẫu điện tử trên trình duyệt không thực hiện được — the e-form submission "
                           f"in the browser could not be made: {browser.get('error') or (obs.get('browser') or {}).get('errors')}")


def online_payment(obs: dict) -> None:
    d = dossier(obs, "online_full")
    procedure = d.get("procedure") or {}
    if procedure.get("level") is not None and str(procedure["level"]) != "4":
        raise Inconclusive(f"thủ tục {d['procedure_code']} không ở mức độ 4 — test_data.online_procedure must be level 4")
    if procedure.get("fee_total") is not None and not procedure["fee_total"]:
        raise Inconclusive(f"thủ tục {d['procedure_code']} không có phí, lệ phí — choose a level-4 procedure with a fee")
    done(d, "request_payment")
    pay = done(d, "pay")
    confirmed = done(d, "payment_confirmed")
    problems = []
    if not pay["vars"].get("payment_reference"):
        problems.append(f"hồ sơ {d['code']}: thanh toán không trả về mã giao dịch — paying gave no payment reference")
    if confirmed.get("portal_code") == 6:
        problems.append(f"hồ sơ {d['code']}: sau khi nền tảng xác nhận thanh toán, hồ sơ vẫn chờ nghĩa vụ tài chính — "
                        "after the platform's confirmation the dossier still waits for payment")
    after = (d.get("payment") or {}).get("payment_after")
    if after is None and not _returns(obs, "payment"):
        _fail(problems)
        raise Inconclusive("get_dossier của hồ sơ mục tiêu không trả về 'payment' — the profile's get_dossier returns "
                           "no 'payment': the recorded payment cannot be seen")
    if not _paid(after):
        problems.append(f"hồ sơ {d['code']}: không ghi nhận khoản đã thanh toán — the dossier does not show the payment "
                        f"({after!r})")
    _fail(problems)


def e_result(obs: dict) -> None:
    d = dossier(obs, "online_full")
    level = (d.get("procedure") or {}).get("level")
    if level is not None and str(level) != "4":
        raise Inconclusive(f"thủ tục {d['procedure_code']} không ở mức độ 4 — test_data.online_procedure must be level 4")
    done(d, "approve")
    downloads = require([r for r in d.get("result_downloads") or [] if r.get("role") == "citizen"],
                        "lượt tải kết quả điện tử (result downloads)")
    good = [r for r in downloads if r.get("ok") and r.get("size")]
    if good:
        return
    answered = [r for r in downloads if r.get("http_status") is not None]
    if not answered:
        raise Inconclusive(f"không tải được kết quả — the result download could not be made: {downloads[0].get('error')}")
    raise AssertionError(f"hồ sơ {d['code']}: người nộp không tải được kết quả điện tử sau khi có kết quả — the applicant "
                         f"cannot download the electronic result: " + "; ".join(
                             f"sau '{r['after_step']}': HTTP {r['http_status']}, {r.get('size')} bytes" for r in answered))


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
    _fail(problems)
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
    _fail(problems)


def appointment_date(obs: dict, holidays: list[str]) -> None:
    problems, unknown, judged = [], [], 0
    for d in obs.get("dossiers") or []:
        times = d.get("times") or {}
        if not d.get("code") or not _received(d):
            continue
        received, appointment = parse_time(times.get("received_at")), parse_time(times.get("appointment_date"))
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
    _fail(problems)
    if unknown:
        raise Inconclusive("; ".join(unknown))


# ------------------------------------------------------------------------- intake and receipt

def receipt(obs: dict) -> None:
    counter = dossier(obs, "counter")
    done(counter, "counter_intake")
    printed = [counter] + [d for d in obs.get("dossiers") or []
                           if d is not counter and d.get("code") and _received(d) and "1" in (d.get("forms") or {})]
    problems = []
    for d in printed:
        try:
            form = _form(d, 1, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
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
    _fail(problems)


def intake_channels(obs: dict) -> None:
    counter, online = dossier(obs, "counter"), dossier(obs, "online_full")
    problems, unsure = [], []
    for d, channel in ((counter, "counter"), (online, "online")):
        seen = canonical_channel(d.get("channel_seen"))
        if d.get("channel_seen") is None and not _returns(obs, "channel"):
            unsure.append("get_dossier không trả về 'channel' — the profile's get_dossier returns no channel")
        elif seen != channel:
            problems.append(f"hồ sơ {d['code']} ({d['key']}): Hệ thống MCĐT ghi kênh '{d.get('channel_seen')}', cần {channel} — "
                            f"the back office records channel {d.get('channel_seen')!r}, expected {channel}")
        packets = d.get("packets") or []
        wrong = sorted({str(p.get("KenhThucHien")) for p in packets} - {PACKET_CHANNEL[channel]})
        if not packets:
            (problems if _any_packets(obs) else unsure).append(
                f"hồ sơ {d['code']}: không có gói tin DongBoHoSoMC nào — no DongBoHoSoMC packet was received for it")
        elif wrong:
            problems.append(f"hồ sơ {d['code']} ({d['key']}): gói tin ghi KenhThucHien {', '.join(wrong)}, cần "
                            f"{PACKET_CHANNEL[channel]} — the synced packets carry the wrong channel")
    _fail(problems)
    if unsure:
        raise Inconclusive("; ".join(unsure))


def postal(obs: dict) -> None:
    d = dossier(obs, "postal")
    done(d, "postal_intake")
    problems = []
    seen = canonical_channel(d.get("channel_seen"))
    if seen != "post" and (d.get("channel_seen") is not None or _returns(obs, "channel")):
        problems.append(f"hồ sơ {d['code']}: Hệ thống MCĐT ghi kênh '{d.get('channel_seen')}', cần bưu chính công ích — "
                        "the back office does not record the public-post channel")
    packets = d.get("packets") or []
    if not packets:
        message = f"hồ sơ {d['code']}: không có gói tin DongBoHoSoMC nào — no DongBoHoSoMC packet was received for it"
        if _any_packets(obs):
            problems.append(message)
            _fail(problems)
        raise Inconclusive(message)
    wrong = sorted({str(p.get("KenhThucHien")) for p in packets} - {"3"})
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
    _fail(problems)


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
    _fail(problems)


def history(obs: dict) -> None:
    if not _returns(obs, "history"):
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
    _fail(problems)


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
    _fail(problems)


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
        _form(d, 3, "Phiếu từ chối tiếp nhận hồ sơ")
    except AssertionError as exc:
        problems.append(str(exc))
    _fail(problems)


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
        _fail(problems)
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
    _fail(problems)


def withdraw(obs: dict) -> None:
    _final_stays(dossier(obs, "withdrawn"), "withdraw", 7, "rút hồ sơ", "the withdrawal", reason=False)


def stop(obs: dict) -> None:
    _final_stays(dossier(obs, "stopped"), "stop", 8, "dừng xử lý", "stopping", reason=True)


# ------------------------------------------------------------------------- payment, result, rating

def payment(obs: dict) -> None:
    d = dossier(obs, "online_full")
    asked = done(d, "request_payment")
    problems = []
    for side in ("portal", "backoffice"):
        if asked.get(f"{side}_code") != 6:
            problems.append(f"hồ sơ {d['code']}: sau yêu cầu nộp phí, {side} hiển thị '{asked.get(f'{side}_label')}', cần "
                            "Yêu cầu thực hiện nghĩa vụ tài chính (6) — the dossier is not in status 6")
    done_after(problems, d, "pay")
    info = d.get("payment") or {}
    inits = info.get("init") or []
    if not inits:
        problems.append(f"hồ sơ {d['code']}: nền tảng thanh toán không nhận được bản tin INIT cho mã tham chiếu "
                        f"{info.get('reference')} — no INIT reached the payment platform")
    amount = info.get("amount_requested") or (d.get("procedure") or {}).get("fee_total")
    for record in inits:
        request, response = record.get("request") or {}, record.get("response") or {}
        if str(response.get("MaLoi")) != "00":
            problems.append(f"bản tin INIT {request.get('MaThamChieu')}: nền tảng trả MaLoi {response.get('MaLoi')} "
                            f"({response.get('MoTaLoi')}) — the platform refused the INIT (07: wrong MaXacThuc)")
        receipt_data = request.get("ThongTinBienLai") if isinstance(request.get("ThongTinBienLai"), dict) else {}
        if d["code"] not in str(request.get("ThongTinGiaoDich") or "") and receipt_data.get("MaHoSo") != d["code"]:
            problems.append(f"bản tin INIT {request.get('MaThamChieu')} không ghi mã hồ sơ {d['code']} (ThongTinGiaoDich, "
                            "ThongTinBienLai.MaHoSo) — the INIT does not name the dossier")
        if amount is not None and digits(request.get("SoTien")) != digits(amount):
            problems.append(f"bản tin INIT {request.get('MaThamChieu')}: SoTien {request.get('SoTien')!r}, cần {amount} — "
                            "the INIT does not carry the fee amount")
    confirmed = done_after(problems, d, "payment_confirmed")
    for side in ("portal", "backoffice"):
        if confirmed.get(f"{side}_code") in (6, None):
            problems.append(f"hồ sơ {d['code']}: sau xác nhận của nền tảng, {side} vẫn hiển thị "
                            f"'{confirmed.get(f'{side}_label')}' — after the confirmation the dossier did not leave status 6")
    after = info.get("payment_after")
    if (after is not None or _returns(obs, "payment")) and not _paid(after):
        problems.append(f"hồ sơ {d['code']}: hồ sơ không hiển thị khoản đã thanh toán — the dossier does not show the "
                        f"payment ({after!r})")
    _fail(problems)


def result(obs: dict) -> None:
    problems, judged = [], 0
    for d in obs.get("dossiers") or []:
        approved = step(d, "approve")
        if approved is None:
            continue
        approved = done(d, "approve")
        returned = done(d, "return")
        judged += 1
        for side in ("portal", "backoffice"):
            if side == "portal" and not (d.get("applicant") or {}).get("role"):
                continue
            if approved.get(f"{side}_code") != 9:
                problems.append(f"hồ sơ {d['code']}: sau phê duyệt, {side} hiển thị '{approved.get(f'{side}_label')}', cần "
                                "Đã xử lý xong (9) — after approval the dossier is not in status 9")
            if returned.get(f"{side}_code") != 10:
                problems.append(f"hồ sơ {d['code']}: sau trả kết quả, {side} hiển thị '{returned.get(f'{side}_label')}', "
                                "cần Đã trả kết quả (10) — after the return the dossier is not in status 10")
        times = d.get("times") or {}
        returned_at = parse_time(returned["vars"].get("return_date") or times.get("returned_at"))
        approved_at = parse_time(times.get("resolved_at"))
        if approved_at is None:
            started = parse_time(approved.get("started"))
            approved_at = started - dt.timedelta(seconds=CLOCK_SKEW_S) if started else None
        if returned_at is None:
            problems.append(f"hồ sơ {d['code']}: không ghi ngày trả kết quả — no return date is recorded")
        elif approved_at is not None and returned_at < approved_at:
            problems.append(f"hồ sơ {d['code']}: ngày trả {returned_at.isoformat()} trước thời điểm phê duyệt "
                            f"{approved_at.isoformat()} — the return date is before the approval")
    require(judged, "hồ sơ đã phê duyệt (approved dossiers)")
    full = dossier(obs, "online_full")
    downloads = [r for r in full.get("result_downloads") or [] if r.get("role") == "citizen"]
    if not any(r.get("ok") and r.get("size") for r in downloads):
        answered = [r for r in downloads if r.get("http_status") is not None]
        if not answered:
            _fail(problems)
            raise Inconclusive(f"hồ sơ {full['code']}: chưa tải thử kết quả — the result download was not made")
        problems.append(f"hồ sơ {full['code']}: người nộp không tải được kết quả — the applicant cannot download the "
                        f"result (HTTP {[r['http_status'] for r in answered]})")
    _fail(problems)


def result_signed(obs: dict) -> None:
    d = dossier(obs, "online_full")
    info = d.get("signature")
    if info is None:
        raise Inconclusive(f"hồ sơ {d['code']}: chưa kiểm tra chữ ký số — the signature was not examined "
                           "(the dossier did not reach its result)")
    if info.get("feature_absent"):
        raise Inconclusive("hồ sơ mục tiêu khai báo không có tính năng digital_signature — the profile declares "
                           "the optional feature 'digital_signature' absent")
    if info.get("error"):
        raise Inconclusive(f"hồ sơ {d['code']}: {info['error']}")
    if info.get("kind") is None:
        raise AssertionError(f"hồ sơ {d['code']}: kết quả điện tử không có chữ ký số (không có chữ ký tách rời, không "
                             f"có chữ ký trong PDF) — the electronic result is not signed. {info.get('detail') or ''}")
    if info.get("verified") is None:
        raise Inconclusive(f"hồ sơ {d['code']}: không kiểm tra được chữ ký số — the signature could not be verified "
                           f"here: {info.get('detail')}")
    if info.get("verified") is not True:
        raise AssertionError(f"hồ sơ {d['code']}: chữ ký số ({info.get('kind')}) không hợp lệ với tệp kết quả hoặc "
                             f"chứng thư không tin cậy — the signature does not verify: {info.get('detail')}")
    signer = info.get("signer")
    if not signer:
        raise Inconclusive(f"hồ sơ {d['code']}: không đọc được chứng thư ký — the signing certificate could not be read")
    checked = parse_time(info.get("checked_at"))
    start, end = parse_time(signer.get("not_before")), parse_time(signer.get("not_after"))
    if checked is None or start is None or end is None:
        raise Inconclusive(f"hồ sơ {d['code']}: thời hạn chứng thư không rõ — the certificate's validity is unknown")
    if not start <= checked <= end:
        raise AssertionError(f"hồ sơ {d['code']}: chứng thư ký '{signer.get('subject')}' hết hạn hoặc chưa có hiệu lực "
                             f"({start.isoformat()} – {end.isoformat()}) — the signing certificate is outside its validity")


def rating(obs: dict) -> None:
    d = dossier(obs, "online_full")
    info = d.get("rating") or {}
    first = info.get("first")
    if first is None:
        done(d, "return")  # the dossier never reached its result: Inconclusive or the step's failure
        raise Inconclusive(f"hồ sơ {d['code']}: chưa đánh giá thử — no rating was attempted")
    problems = []
    if not first.get("ok"):
        if first.get("http_status") is None:
            raise Inconclusive(f"hồ sơ {d['code']}: không gửi được đánh giá — the rating could not be sent: {first.get('error')}")
        raise AssertionError(f"hồ sơ {d['code']} đã có kết quả nhưng người nộp không đánh giá được (HTTP "
                             f"{first.get('http_status')}) — the applicant cannot rate a finished dossier: {first.get('error')}")
    shows = _returns(obs, "rating")
    if shows and str(info.get("rating_after_first")) != str(first["score"]):
        problems.append(f"hồ sơ {d['code']}: đánh giá {first['score']} không được ghi nhận (hồ sơ ghi "
                        f"{info.get('rating_after_first')!r}) — the rating is not recorded")
    second = info.get("second") or {}
    if second.get("ok"):
        if shows and str(info.get("rating_after_second")) != str(second.get("score")):
            problems.append(f"hồ sơ {d['code']}: lần đánh giá thứ hai được nhận nhưng không thay thế lần đầu (hồ sơ ghi "
                            f"{info.get('rating_after_second')!r}) — a second rating was accepted without replacing the first")
    elif second:
        status = second.get("http_status")
        if status is None or status >= 500:
            problems.append(f"hồ sơ {d['code']}: lần đánh giá thứ hai gây lỗi (HTTP {status}) thay vì bị từ chối rõ ràng — "
                            "a second rating caused an error instead of a refusal")
        elif shows and str(info.get("rating_after_second")) != str(first["score"]):
            problems.append(f"hồ sơ {d['code']}: lần đánh giá thứ hai bị từ chối nhưng đánh giá đầu bị thay đổi — the first "
                            "rating changed although the second was refused")
    _fail(problems)
    browser = (obs.get("browser") or {}).get("rate")
    if not browser or not browser.get("ok"):
        raise Inconclusive("đánh giá trên trình duyệt (hành trình rate_dossier) không thực hiện được — the rating journey "
                           f"in the browser could not be made: {(browser or {}).get('error') or (obs.get('browser') or {}).get('errors')}")
    if shows and str(browser.get("rating_after")) != str(browser.get("score")):
        raise AssertionError(f"đánh giá {browser.get('score')} gửi trên Cổng DVC không được ghi nhận (hồ sơ ghi "
                             f"{browser.get('rating_after')!r}) — the rating given in the browser is not recorded")


# ------------------------------------------------------------------------- overdue and forms

def overdue_flag(obs: dict) -> None:
    info = obs.get("overdue") or {}
    if not info.get("fixture_code"):
        raise Inconclusive(f"không có hồ sơ quá hạn (fixture overdue_dossier) — the overdue fixture is not available: "
                           f"{info.get('error')}")
    before = info.get("before") or {}
    problems = []
    if not before.get("ok"):
        if before.get("http_status") is None:
            raise Inconclusive(f"không đọc được hồ sơ quá hạn {info['fixture_code']} — {before.get('error')}")
        problems.append(f"hồ sơ quá hạn {info['fixture_code']}: Hệ thống MCĐT trả HTTP {before.get('http_status')} — "
                        "the back office cannot show it")
    elif before.get("overdue") is None and not _returns(obs, "overdue"):
        raise Inconclusive("get_dossier của hồ sơ mục tiêu không trả về 'overdue' — the profile's get_dossier returns no "
                           "overdue flag")
    elif before.get("overdue") is not True:
        problems.append(f"hồ sơ {info['fixture_code']} đã quá hạn (hẹn trả {before.get('appointment_date')}) nhưng không "
                        "được cảnh báo quá hạn — the overdue dossier is not flagged in the back office")
    in_time = []
    for d in obs.get("dossiers") or []:
        for s in d.get("steps") or []:
            appointment, when = parse_time(s.get("appointment_date")), parse_time(s.get("finished"))
            if (s.get("ok") and s.get("backoffice_code") in OPEN_STATES and isinstance(s.get("backoffice_overdue"), bool)
                    and appointment and when and appointment > when):
                in_time.append((d, s))
    # a read-only run creates no dossier: the register's open dossiers still within their time limit
    finished = parse_time(obs.get("finished"))
    listed = [i for i in (obs.get("register") or {}).get("items") or []
              if i.get("status_code") in OPEN_STATES and isinstance(i.get("overdue"), bool)
              and i.get("code") != info["fixture_code"]
              and parse_time(i.get("appointment_date")) and finished and parse_time(i["appointment_date"]) > finished]
    require(in_time or listed, "hồ sơ còn trong hạn đang xử lý (open dossiers within their time limit)")
    for d, s in in_time:
        if s["backoffice_overdue"]:
            problems.append(f"hồ sơ {d['code']} còn trong hạn (hẹn trả {s['appointment_date']}) bị cảnh báo quá hạn sau "
                            f"bước '{s['step']}' — a dossier within its time limit is flagged overdue")
    for item in listed:
        if item["overdue"]:
            problems.append(f"sổ theo dõi: hồ sơ {item['code']} còn trong hạn (hẹn trả {item['appointment_date']}) bị cảnh "
                            "báo quá hạn — a dossier within its time limit is flagged overdue")
    _fail(problems)


def overdue_apology(obs: dict) -> None:
    info = obs.get("overdue") or {}
    code = info.get("fixture_code")
    if not code:
        raise Inconclusive(f"không có hồ sơ quá hạn (fixture overdue_dossier) — the overdue fixture is not available: "
                           f"{info.get('error')}")
    form = info.get("apology")
    original = local_date((info.get("before") or {}).get("appointment_date"))
    if form is None:
        raise Inconclusive(f"chưa in Phiếu xin lỗi cho hồ sơ {code} — the apology slip was not requested")
    if not form.get("ok"):
        if form.get("http_status") is None:
            raise Inconclusive(f"không lấy được Phiếu xin lỗi (Mẫu 04) — {form.get('error')}")
        raise AssertionError(f"hồ sơ quá hạn {code}: hệ thống không lập Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04), "
                             f"HTTP {form.get('http_status')} — no apology slip for an overdue dossier")
    text = form.get("text") or ""
    problems = []
    if code not in text:
        problems.append(f"Phiếu xin lỗi không ghi mã hồ sơ {code} — the apology slip does not name the dossier")
    if not re.search(r"lý do\s*[:\-–—]?\s*\w+\s+\w+", text, re.IGNORECASE):  # "Lý do:" and at least two words
        problems.append(f"Phiếu xin lỗi của hồ sơ {code} không nêu lý do — the apology slip gives no reason")
    if original is None:
        _fail(problems)
        raise Inconclusive(f"không biết ngày hẹn trả ban đầu của hồ sơ {code} — the original appointment date is unknown")
    later = [x for x in dates_in(text) if x > original]
    if not later:
        problems.append(f"Phiếu xin lỗi của hồ sơ {code} không ghi ngày hẹn mới sau ngày hẹn cũ {original:%d/%m/%Y} — the "
                        "slip names no new appointment date later than the original")
    _fail(problems)


def forms_tt01(obs: dict) -> None:
    d = dossier(obs, "online_full")
    problems = []
    for number, name in ((1, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), (2, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
                         (5, "Phiếu kiểm soát quá trình giải quyết hồ sơ")):
        try:
            _form(d, number, name)
        except AssertionError as exc:
            problems.append(str(exc))
    _fail(problems)


def register(obs: dict) -> None:
    info = obs.get("register") or {}
    if not info.get("ok"):
        if info.get("http_status") is None:
            raise Inconclusive(f"không đọc được sổ theo dõi hồ sơ — the register could not be read: {info.get('error')}")
        raise AssertionError(f"sổ theo dõi hồ sơ trả HTTP {info.get('http_status')} — the register cannot be read")
    received = require([d for d in obs.get("dossiers") or [] if d.get("code") and _received(d)],
                       "hồ sơ đã tiếp nhận (received dossiers)")
    items = {i.get("code"): i for i in info.get("items") or []}
    problems = []
    for d in received:
        item = items.get(d["code"])
        if item is None:
            problems.append(f"sổ theo dõi ({info.get('date_from')} – {info.get('date_to')}) thiếu hồ sơ {d['code']} — the "
                            "register lacks this dossier")
            continue
        times = d.get("times") or {}
        for what_vi, what_en, value in (("ngày tiếp nhận", "receipt date", times.get("received_at")),
                                        ("ngày hẹn trả", "appointment date", times.get("appointment_date"))):
            day = local_date(value)
            if day is not None and str(day) not in (item.get("dates") or []):
                problems.append(f"sổ theo dõi: hồ sơ {d['code']} không ghi {what_vi} {day} — the register does not show "
                                f"the {what_en}")
        if item.get("status_code") != d.get("final_expected_code"):
            problems.append(f"sổ theo dõi: hồ sơ {d['code']} ghi trạng thái '{item.get('status_label')}', cần "
                            f"{status_name(d.get('final_expected_code'))} — the register shows the wrong current status")
    _fail(problems)


# ------------------------------------------------------------------------- files, forms, lists

def attachments(obs: dict) -> None:
    rows = require([(d, a) for d in obs.get("dossiers") or [] for a in d.get("attachments") or []],
                   "tệp đã nộp (uploaded files)")
    problems, unsure = [], []
    for d, a in rows:
        uploaded = next((f for f in d.get("files") or [] if f["name"] == a["name"]), {})
        where = f"hồ sơ {d['code']}: tệp '{a['name']}'"
        if not a.get("listed"):
            if a.get("error"):
                unsure.append(f"{where}: {a['error']}")
            else:
                problems.append(f"{where} không có trong danh sách tệp của hồ sơ — the file is not listed in the back office")
            continue
        if a.get("component_code") and a.get("listed_component") and a["listed_component"] != a["component_code"]:
            problems.append(f"{where} nằm dưới thành phần '{a['listed_component']}', cần '{a['component_code']}' — listed "
                            "under the wrong dossier component")
        if a.get("download_status") is None:
            unsure.append(f"{where}: {a.get('error') or 'không tải được — no download'}")
        elif a["download_status"] != 200:
            problems.append(f"{where}: tải về trả HTTP {a['download_status']} — the file cannot be downloaded")
        elif a.get("download_sha256") != uploaded.get("sha256"):
            problems.append(f"{where}: tệp tải về khác tệp đã nộp (SHA-256) — the downloaded file differs from the upload")
    _fail(problems)
    if unsure:
        raise Inconclusive("; ".join(unsure))


PREFILL_FIELDS = {
    "full_name": ("Họ và tên", comparable),
    "id_number": ("Số định danh cá nhân", digits),
    "birth_date": ("Ngày sinh", parse_date),
    "address": ("Địa chỉ", comparable),
    "phone": ("Số điện thoại", phone_digits),
    "email": ("Thư điện tử", comparable),
}


def prefill(obs: dict) -> None:
    browser = obs.get("browser") or {}
    if not (browser.get("login") or {}).get("ok") or not browser.get("prefilled"):
        raise Inconclusive("không đọc được biểu mẫu điện tử trên trình duyệt — the e-form could not be read in the "
                           f"browser: {browser.get('errors')}")
    known, read = browser.get("known") or {}, browser.get("prefilled") or {}
    judged = require([f for f in PREFILL_FIELDS if known.get(f) and f in read],
                     "trường vừa có trong tài khoản vừa đọc được trên biểu mẫu (fields known and read)")
    problems = []
    for field in judged:
        caption, normal = PREFILL_FIELDS[field]
        if normal(read.get(field)) != normal(known[field]) or not str(read.get(field) or "").strip():
            problems.append(f"biểu mẫu điện tử: '{caption}' điền sẵn {read.get(field)!r}, tài khoản có {known[field]!r} — "
                            f"the e-form does not pre-fill {field} with the account's value")
    _fail(problems)


def my_dossiers(obs: dict) -> None:
    lists = obs.get("my_dossiers") or {}
    dossiers = [d for d in obs.get("dossiers") or [] if d.get("code") and (d.get("applicant") or {}).get("role") == "citizen"]
    problems, judged = [], 0
    for index in (0, 1):
        entry = lists.get(f"citizen{index}")
        own = [d for d in dossiers if (d["applicant"].get("index") or 0) == index]
        others = [d for d in dossiers if (d["applicant"].get("index") or 0) != index]
        if entry is None or not own:
            continue
        who = entry.get("username")
        if not entry.get("ok"):
            if entry.get("http_status") is None:
                raise Inconclusive(f"không đọc được danh sách hồ sơ của {who} — {entry.get('error')}")
            problems.append(f"danh sách 'hồ sơ của tôi' của {who} trả HTTP {entry.get('http_status')} — the list cannot be read")
            continue
        judged += 1
        items = {i.get("code"): i for i in entry.get("items") or [] if i.get("code")}
        for d in own:
            item = items.get(d["code"])
            if item is None:
                problems.append(f"'hồ sơ của tôi' của {who} thiếu hồ sơ {d['code']} ({d['key']}) — the citizen's list lacks "
                                "a dossier they submitted")
            elif item.get("status_code") != d.get("final_expected_code"):
                problems.append(f"'hồ sơ của tôi' của {who}: hồ sơ {d['code']} ghi '{item.get('status_label')}', cần "
                                f"{status_name(d.get('final_expected_code'))} — the list shows a wrong current status")
        for d in others:
            if d["code"] in items:
                problems.append(f"'hồ sơ của tôi' của {who} có hồ sơ {d['code']} của người khác "
                                f"({d['applicant'].get('username')}) — the list shows another citizen's dossier")
    require(judged, "danh sách 'hồ sơ của tôi' (my-dossiers lists)")
    _fail(problems)


def portal_backoffice_sync(obs: dict, sync_delay_s: float) -> None:
    d = dossier(obs, "online_full")
    queue = d.get("intake_queue") or {}
    problems = []
    if not queue.get("seen"):
        if queue.get("error") and "cannot be called" in queue["error"]:
            raise Inconclusive(f"không đọc được hàng đợi tiếp nhận — {queue['error']}")
        problems.append(f"hồ sơ {d['code']} nộp trên Cổng DVC không xuất hiện trong sổ tiếp nhận của Hệ thống MCĐT trong "
                        f"{sync_delay_s:.0f} s — the submitted dossier does not reach the back office ({queue.get('error')})")
    elif queue.get("delay_s") is not None and queue["delay_s"] > sync_delay_s:
        problems.append(f"hồ sơ {d['code']} đến Hệ thống MCĐT sau {queue['delay_s']} s (> {sync_delay_s} s) — too late")
    judged = 0
    for dd in obs.get("dossiers") or []:
        if not (dd.get("applicant") or {}).get("role"):
            continue
        for s in dd.get("steps") or []:
            if not s.get("ok") or s.get("role") == "citizen" or s.get("expected_code") is None:
                continue
            judged += 1
            delay = s.get("portal_delay_s")
            if delay is None or delay > sync_delay_s or s.get("portal_code") != s.get("backoffice_code"):
                problems.append(f"hồ sơ {dd['code']}: sau bước '{s['step']}' (Hệ thống MCĐT: '{s.get('backoffice_label')}'), "
                                f"Cổng DVC hiển thị '{s.get('portal_label')}' "
                                f"{'sau ' + str(delay) + ' s' if delay is not None else f'sau hơn {sync_delay_s:.0f} s'} — "
                                "the back-office status change does not appear on the portal within the sync delay")
    require(judged, "bước xử lý trong Hệ thống MCĐT (back-office steps)")
    _fail(problems)


# ------------------------------------------------------------------------- lookup

def lookup_public_by_code(obs: dict) -> None:
    rows = require(obs.get("lookups") or [], "lượt tra cứu hồ sơ (lookups)")
    problems, unsure = [], []
    for row in rows:
        where = f"tra cứu hồ sơ {row['code']} ({row['key']}, sau '{row.get('after_step')}')"
        if not row.get("ok"):
            status = row.get("http_status")
            if status is None:
                unsure.append(f"{where}: {row.get('error')}")
            elif status in (401, 403):
                problems.append(f"{where}: cần đăng nhập (HTTP {status}) — public lookup requires a login")
            else:
                problems.append(f"{where}: HTTP {status} — the lookup does not find the dossier: {row.get('error')}")
        elif row.get("status_code") != row.get("expected_code"):
            problems.append(f"{where}: hiển thị '{row.get('status_label')}' = {_code_text(row.get('status_code'))}, cần "
                            f"{status_name(row.get('expected_code'))} — the lookup shows the wrong status")
    browser = (obs.get("browser") or {}).get("lookup")
    if browser and browser.get("ok") and browser.get("status_code") != browser.get("expected_code"):
        problems.append(f"tra cứu trên trình duyệt hồ sơ {browser['code']}: hiển thị '{browser.get('status_label')}', cần "
                        f"{status_name(browser.get('expected_code'))} — the lookup page shows the wrong status")
    _fail(problems)
    if unsure:
        raise Inconclusive("; ".join(unsure))
    if not browser or not browser.get("ok"):
        raise Inconclusive("tra cứu trên trình duyệt (hành trình lookup_dossier) không thực hiện được — the lookup journey "
                           f"could not be made: {(browser or {}).get('error') or (obs.get('browser') or {}).get('errors')}")


def _personal_values(d: dict) -> list[tuple[str, str]]:
    values = [(k, str(v)) for k, v in (d.get("personal") or {}).items() if v and len(str(v)) >= 4]
    values += [("file", f["name"]) for f in d.get("files") or []]
    return values


def _leaks(text: str, values: list[tuple[str, str]]) -> list[str]:
    found = []
    flat = re.sub(r"[\s.\-]", "", text or "")
    for kind, value in values:
        if kind in ("phone", "id_number"):
            needle = phone_digits(value) if kind == "phone" else digits(value)
            hit = (needle and needle in flat) or value in (text or "")
        else:
            hit = contains(text, value)
        if hit:
            found.append(f"{kind} '{value}'")
    return found


def lookup_minimal_disclosure(obs: dict) -> None:
    rows = require([r for r in obs.get("lookups") or [] if r.get("ok")], "lượt tra cứu thành công (answered lookups)")
    by_code = {d["code"]: d for d in obs.get("dossiers") or [] if d.get("code")}
    problems = []
    pages = [(r["code"], r.get("text") or "", "API") for r in rows]
    browser = (obs.get("browser") or {}).get("lookup") or {}
    if browser.get("page_text"):
        pages.append((browser["code"], browser["page_text"], "trang tra cứu (page)"))
    for code, text, where in pages:
        d = by_code.get(code)
        if d is None:
            continue
        leaks = _leaks(text, _personal_values(d))
        if "/attachments/" in text or "/tep/" in text:
            leaks.append("đường dẫn tệp (file link)")
        if leaks:
            problems.append(f"tra cứu công khai hồ sơ {code} ({where}) lộ thông tin cá nhân: {', '.join(leaks)} — the anonymous "
                            "lookup discloses personal data")
    _fail(problems)


def lookup_e_result(obs: dict) -> None:
    d = dossier(obs, "online_full")
    done(d, "approve")
    problems = []
    if d.get("result_offered") is False or (d.get("result_offered") is None and _returns(obs, "result")):
        problems.append(f"hồ sơ {d['code']}: trang hồ sơ của người nộp không có kết quả điện tử — the applicant's dossier "
                        "view offers no electronic result")
    downloads = [r for r in d.get("result_downloads") or [] if r.get("role") == "citizen"]
    if not any(r.get("ok") and r.get("size") for r in downloads):
        problems.append(f"hồ sơ {d['code']}: người nộp không mở được tệp kết quả — the applicant cannot open the result "
                        f"({[r.get('http_status') for r in downloads]})")
    other = d.get("cross_citizen") or {}
    if other.get("error") or other.get("download_result") is None:
        _fail(problems)
        raise Inconclusive(f"không thử được bằng công dân thứ hai — no second citizen to try with: {other.get('error')}")
    for operation in ("download_result", "get_dossier"):
        tried = other.get(operation) or {}
        if tried.get("ok") or tried.get("is_pdf") or tried.get("names_applicant"):
            problems.append(f"công dân {other.get('username')} xem được {'kết quả' if operation == 'download_result' else 'hồ sơ'} "
                            f"{d['code']} của người khác (HTTP {tried.get('http_status')}) — another citizen can read it")
    _fail(problems)


# ------------------------------------------------------------------------- audit

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


def audit_actions_logged(obs: dict) -> None:
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
        match = [e for e in entries if d["code"] in e["text"] and s.get("username") and s["username"] in e["text"]
                 and parse_time(e.get("time")) is not None
                 and (any(w in comparable(e["text"]) for w in words) or _near(e.get("time"), s["started"], s["finished"]))]
        if not match:
            problems.append(f"nhật ký không ghi bước '{s['step']}' của {s.get('username')} trên hồ sơ {d['code']} (kèm thời "
                            "điểm) — the audit log lacks this action with its user, time and dossier code")
    logins = require([row for row in obs.get("logins") or [] if row.get("ok") and row.get("username")],
                     "lượt đăng nhập của lần chạy (logins of the run)")
    for row in logins:
        match = [e for e in entries if row["username"] in e["text"]
                 and any(w in comparable(e["text"]) for w in ACTION_WORDS["login"])
                 and _near(e.get("time"), row["started"], obs.get("finished") or row["finished"])]
        if not match:
            problems.append(f"nhật ký không ghi lần đăng nhập của {row['username']} ({row['role']}) lúc {row['started']} — "
                            "the audit log lacks the run's login")
    _fail(problems)
