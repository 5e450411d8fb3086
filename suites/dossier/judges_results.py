"""Judges of the `dossier_life` checks on what handling a dossier yields and shows: payment, the
result and its signature, the rating, overdue notices, the TT 01/2018 forms and register, the
attachments, pre-filled data, the applicant's own list and the portal's copy of the back office.
Pure functions of the observations (see judges.py for the rules of thumb they share).
"""
from __future__ import annotations

import datetime as dt
import re

from harness.judging import Inconclusive, comparable, require
from harness.national import status_name
from suites.dossier.documents import dates_in, digits, local_date, parse_date, parse_time, phone_digits
from suites.dossier.reading import (CLOCK_SKEW_S, OPEN_STATES, done, done_after, dossier, fail_if, fetched_form,
                                    is_received, paid, printed_form, returns, step)


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
    if (after is not None or returns(obs, "payment")) and not paid(after):
        problems.append(f"hồ sơ {d['code']}: hồ sơ không hiển thị khoản đã thanh toán — the dossier does not show the "
                        f"payment ({after!r})")
    fail_if(problems)


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
            fail_if(problems)
            raise Inconclusive(f"hồ sơ {full['code']}: chưa tải thử kết quả — the result download was not made")
        problems.append(f"hồ sơ {full['code']}: người nộp không tải được kết quả — the applicant cannot download the "
                        f"result (HTTP {[r['http_status'] for r in answered]})")
    fail_if(problems)


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
    shows = returns(obs, "rating")
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
    fail_if(problems)
    browser = (obs.get("browser") or {}).get("rate")
    if not browser or not browser.get("ok"):
        raise Inconclusive("đánh giá trên trình duyệt (hành trình rate_dossier) không thực hiện được — the rating journey "
                           f"in the browser could not be made: {(browser or {}).get('error') or (obs.get('browser') or {}).get('errors')}")
    if shows and str(browser.get("rating_after")) != str(browser.get("score")):
        raise AssertionError(f"đánh giá {browser.get('score')} gửi trên Cổng DVC không được ghi nhận (hồ sơ ghi "
                             f"{browser.get('rating_after')!r}) — the rating given in the browser is not recorded")


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
    elif before.get("overdue") is None and not returns(obs, "overdue"):
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
    fail_if(problems)


def overdue_apology(obs: dict) -> None:
    info = obs.get("overdue") or {}
    code = info.get("fixture_code")
    if not code:
        raise Inconclusive(f"không có hồ sơ quá hạn (fixture overdue_dossier) — the overdue fixture is not available: "
                           f"{info.get('error')}")
    original = local_date((info.get("before") or {}).get("appointment_date"))
    form = fetched_form(info.get("apology"), f"hồ sơ quá hạn {code}: Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)",
                        4, "no apology slip for an overdue dossier")
    text = form.get("text") or ""
    problems = []
    if code not in text:
        problems.append(f"Phiếu xin lỗi không ghi mã hồ sơ {code} — the apology slip does not name the dossier")
    if not re.search(r"lý do\s*[:\-–—]?\s*\w+\s+\w+", text, re.IGNORECASE):  # "Lý do:" and at least two words
        problems.append(f"Phiếu xin lỗi của hồ sơ {code} không nêu lý do — the apology slip gives no reason")
    if original is None:
        fail_if(problems)
        raise Inconclusive(f"không biết ngày hẹn trả ban đầu của hồ sơ {code} — the original appointment date is unknown")
    later = [x for x in dates_in(text) if x > original]
    if not later:
        problems.append(f"Phiếu xin lỗi của hồ sơ {code} không ghi ngày hẹn mới sau ngày hẹn cũ {original:%d/%m/%Y} — the "
                        "slip names no new appointment date later than the original")
    fail_if(problems)


def apology_before_due(obs: dict, days_before_due) -> None:
    """NĐ 61/2018 Điều 19 khoản 9: the apology goes out no later than `days_before_due` days before the
    due date, so the system must take it while the dossier is still within its time (the `delayed`
    dossier); what dokiem asked for (reason, new date) is what the slip must say."""
    d = dossier(obs, "delayed")
    asked = d.get("apology") or {}
    if asked.get("ok") is None:
        why = asked.get("error") or "; ".join(f"{s['step']}: {s.get('error')}" for s in d.get("steps") or []
                                              if not s.get("ok"))
        raise Inconclusive(f"hồ sơ {d['code']}: chưa yêu cầu lập Phiếu xin lỗi — the apology was not asked for: {why}")
    before, due = local_date(asked.get("asked_at")), local_date(asked.get("appointment_before"))
    if before is None or due is None or before > due - dt.timedelta(days=int(days_before_due)):
        raise Inconclusive(f"hồ sơ {d['code']}: yêu cầu lúc {asked.get('asked_at')} không sớm hơn ngày hẹn "
                           f"{asked.get('appointment_before')} {days_before_due} ngày — the apology was not asked for "
                           "early enough to test the rule (the procedure's time limit is too short)")
    if not asked["ok"]:
        if asked.get("http_status") is None:
            raise Inconclusive(f"hồ sơ {d['code']}: yêu cầu lập Phiếu xin lỗi không có trả lời — the apology request "
                               f"got no answer: {asked.get('error')}")
        raise AssertionError(f"hồ sơ {d['code']} đang giải quyết, hẹn trả {due:%d/%m/%Y}: hệ thống không cho lập Phiếu "
                             f"xin lỗi ngày {before:%d/%m/%Y} (HTTP {asked['http_status']}), trong khi NĐ 61/2018 Điều 19 "
                             f"khoản 9 yêu cầu chậm nhất {days_before_due} ngày trước ngày hẹn — the system refuses the "
                             f"apology before the due date: {asked.get('error')}")
    problems = []
    status_known = asked.get("status_code_before") is not None and asked.get("status_code_after") is not None
    if status_known and asked["status_code_after"] != asked["status_code_before"]:
        problems.append(f"hồ sơ {d['code']}: lập Phiếu xin lỗi đổi trạng thái từ {status_name(asked.get('status_code_before'))} "
                        f"sang {status_name(asked['status_code_after'])} — the apology changed the dossier's status")
    where = f"hồ sơ {d['code']}: Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)"
    form = fetched_form((d.get("forms") or {}).get("4"), where, 4, "no apology slip for the dossier")
    text = form.get("text") or ""
    if d["code"] not in text:
        problems.append(f"{where} không ghi mã hồ sơ — the slip does not name the dossier")
    if comparable(asked.get("reason") or "") not in comparable(text):
        problems.append(f"{where} không ghi lý do đã nêu «{asked.get('reason')}» — the slip does not give the reason "
                        "the officer gave")
    new = dt.date.fromisoformat(asked["new_date"])
    if new not in dates_in(text):
        problems.append(f"{where} không ghi ngày hẹn mới {new:%d/%m/%Y} đã chọn — the slip does not give the new date "
                        "the officer chose")
    fail_if(problems)
    if not status_known:
        raise Inconclusive(f"hồ sơ {d['code']}: không đọc được trạng thái trước và sau khi lập Phiếu xin lỗi "
                           f"('{asked.get('status_label_after')}') — the status around the apology is unknown")


def forms_tt01(obs: dict) -> None:
    d = dossier(obs, "online_full")
    problems = []
    for number, name in ((1, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), (2, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
                         (5, "Phiếu kiểm soát quá trình giải quyết hồ sơ")):
        try:
            printed_form(d, number, name)
        except AssertionError as exc:
            problems.append(str(exc))
    fail_if(problems)


def register(obs: dict) -> None:
    info = obs.get("register") or {}
    if not info.get("ok"):
        if info.get("http_status") is None:
            raise Inconclusive(f"không đọc được sổ theo dõi hồ sơ — the register could not be read: {info.get('error')}")
        raise AssertionError(f"sổ theo dõi hồ sơ trả HTTP {info.get('http_status')} — the register cannot be read")
    received = require([d for d in obs.get("dossiers") or [] if d.get("code") and is_received(d)],
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
    fail_if(problems)


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
        # held to the component only when the request sent its code (driver.make_files); a listing
        # that does not say where the file is filed cannot show that it is filed right
        if a.get("component_sent") and not a.get("listed_component"):
            unsure.append(f"{where}: danh sách tệp không cho biết tệp thuộc thành phần hồ sơ nào — the listing does not "
                          "say which dossier component the file is under (map it in get_dossier's `attachments`)")
        elif a.get("component_sent") and a["listed_component"] != a["component_code"]:
            problems.append(f"{where} nằm dưới thành phần '{a['listed_component']}', đã nộp cho thành phần "
                            f"'{a['component_code']}' — listed under another dossier component than the one it was sent for")
        if a.get("download_status") is None:
            unsure.append(f"{where}: {a.get('error') or 'không tải được — no download'}")
        elif a["download_status"] != 200:
            problems.append(f"{where}: tải về trả HTTP {a['download_status']} — the file cannot be downloaded")
        elif a.get("download_sha256") != uploaded.get("sha256"):
            problems.append(f"{where}: tệp tải về khác tệp đã nộp (SHA-256) — the downloaded file differs from the upload")
    if not any(a.get("component_sent") for _d, a in rows):
        unsure.append("không tệp nào được nộp kèm mã thành phần hồ sơ, nên chưa kiểm tra được tệp nằm đúng thành phần — "
                      "no file was sent with its component code, so where files are filed was not checked "
                      "(send `${files|component_codes}` in submit_dossier)")
    fail_if(problems)
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
    fail_if(problems)


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
    fail_if(problems)


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
    fail_if(problems)
