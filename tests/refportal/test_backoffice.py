"""The one-stop back office through the API, role by role: the seeded overdue dossier, the TT 01/2018
forms 01–06, the apology (Mẫu 04) with its mail, SMS and packets, the supplement pause, assignment,
user administration, the register and who may see the back-office pages."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from refportal import workdays
from tests.refportal.conftest import ACCOUNTS, CODE_RE, LEVEL3, ONE_DAY, Api, days_past, wait_sync_idle

APOLOGY_REASON = "Chờ Sở Tư pháp xác minh thông tin văn bằng"


def _received(citizen: Api, officer: Api, procedure: str = ONE_DAY) -> tuple[str, dict]:
    code = citizen.submit(procedure)["code"]
    return code, officer.step(code, "receive")


# --- overdue -----------------------------------------------------------------------------------------

def test_seeded_overdue_dossier_is_listed_and_a_fresh_one_is_not(portal, citizen, officer):
    overdue = officer.get("/api/dossiers", params={"overdue": "1"}).json()["items"]
    seeded = overdue[0]
    assert CODE_RE.match(seeded["code"]) and seeded["channel"] == "online" and seeded["overdue"] is True
    assert seeded["status_label"] == "Đang giải quyết" and seeded["applicant_name"] == ACCOUNTS["congdan1"]["full_name"]
    assert datetime.fromisoformat(seeded["appointment_date"]) < datetime.now(datetime.fromisoformat(
        seeded["appointment_date"]).tzinfo)
    assert any(d["code"] == seeded["code"] for d in citizen.get("/api/me/dossiers").json()["items"])
    fresh, _ = _received(citizen, officer)
    assert officer.dossier(fresh)["overdue"] is False
    assert all(d["code"] != fresh for d in overdue)
    assert any(d["code"] == fresh for d in officer.get("/api/dossiers", params={"overdue": "0"}).json()["items"])


def test_moved_clock_makes_a_dossier_overdue_but_not_while_it_waits_for_a_supplement(portal, citizen, officer):
    waiting, receipt = _received(citizen, officer)
    officer.step(waiting, "request-supplement", reason="Bổ sung bản chụp văn bằng")
    late, _ = _received(citizen, officer)
    with portal.clock(days_past(receipt["appointment_date"])):
        shifted = Api(portal, "motcua1")  # sessions of the real time have expired in the moved clock
        assert shifted.dossier(late)["overdue"] is True
        assert shifted.dossier(waiting)["overdue"] is False  # the clock pauses while the applicant supplements
        codes = [d["code"] for d in shifted.get("/api/dossiers", params={"overdue": "1"}).json()["items"]]
        assert late in codes and waiting not in codes
    assert officer.dossier(late)["overdue"] is False


def test_supplement_pause_moves_the_appointment_by_the_working_days_taken(portal, citizen, officer, leader, specialist):
    code, receipt = _received(citizen, officer, LEVEL3)
    officer.step(code, "request-supplement", reason="Bổ sung bản vẽ thiết kế")
    requested = datetime.fromisoformat(officer.dossier(code)["supplements"][0]["requested_at"])
    with portal.clock(3):
        owner = Api(portal, "congdan1")
        answer = owner.post(f"/api/dossiers/{code}/supplement", data={"note": "Đã bổ sung bản vẽ"},
                            files=[("files", ("ban-ve.pdf", b"%PDF ban ve", "application/pdf"))])
        assert answer.status_code == 200, answer.text
        dossier = owner.dossier(code)
    supplied = datetime.fromisoformat(dossier["supplements"][0]["supplied_at"])
    holidays = {date.fromisoformat(h) for h in _holidays()}
    taken = workdays.working_days_between(requested, supplied, holidays)
    assert taken >= 1  # three calendar days hold at least one working day
    expected = workdays.add_working_days(datetime.fromisoformat(receipt["appointment_date"]), taken, holidays)
    assert datetime.fromisoformat(dossier["appointment_date"]) == expected
    assert datetime.fromisoformat(dossier["appointment_date"]) > datetime.fromisoformat(receipt["appointment_date"])


def _holidays() -> list[str]:
    import yaml

    from tests.refportal.conftest import REPO

    return [str(h["day"]) for h in yaml.safe_load((REPO / "refportal/seed/holidays.yaml").read_text("utf-8"))["holidays"]]


def test_resolved_within_the_paused_time_counts_on_time(portal, citizen, officer, specialist):
    """On time = resolved no later than the appointment, which the supplement pause moved: the
    time the applicant took is not counted against the agency."""
    code, receipt = _received(citizen, officer)
    specialist.step(code, "process")
    specialist.step(code, "request-supplement", reason="Bổ sung đơn có chữ ký")
    shift = days_past(receipt["appointment_date"], extra=0.5)
    before = portal.get("/api/statistics").json()
    with portal.clock(shift):
        owner, boss = Api(portal, "congdan1"), Api(portal, "lanhdao1")
        assert owner.post(f"/api/dossiers/{code}/supplement", data={"note": "Đã ký"}).status_code == 200
        moved = owner.dossier(code)["appointment_date"]
        assert moved > receipt["appointment_date"]
        boss.step(code, "approve")
        after = portal.get("/api/statistics").json()
    assert after["on_time"] - before["on_time"] == 1 and after["late"] == before["late"]


# --- the apology -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def apologised(portal, citizen, officer, stub):
    """An overdue dossier (the clock moved past its appointment) whose Mẫu 04 is printed twice."""
    code, receipt = _received(citizen, officer)
    seen = {"code": code, "receipt": receipt}
    with portal.clock(days_past(receipt["appointment_date"])):
        shifted = Api(portal, "motcua1")
        seen["before"] = shifted.dossier(code)
        seen["print"] = shifted.get(f"/api/dossiers/{code}/forms/4")
        seen["again"] = shifted.get(f"/api/dossiers/{code}/forms/4")
        seen["after"] = shifted.dossier(code)
        seen["lookup"] = portal.get(f"/api/lookup/{code}").json()
        seen["audit"] = Api(portal, "quantri1").get("/api/admin/audit-log").json()["items"]
        wait_sync_idle(Api(portal, "quantri1"))
    return seen


def test_printing_mau04_of_an_overdue_dossier_issues_the_apology(apologised):
    page, dossier = apologised["print"], apologised["after"]
    assert page.status_code == 200 and "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in page.text
    assert apologised["code"] in page.text and "Mẫu 04" in page.text
    apology = dossier["apology"]
    assert apology["reason"] in page.text and apology["new_appointment_date"][:10] in page.text
    assert apology["new_appointment_date"] > apology["old_appointment_date"] == apologised["before"]["appointment_date"]
    assert dossier["new_appointment_date"] == apology["new_appointment_date"]
    assert dossier["appointment_date"] == apologised["before"]["appointment_date"]  # the promise that was missed stays
    assert dossier["overdue"] is True  # still late; the new date is what the applicant is now promised
    assert dossier["history"][-1]["action"] == "Xin lỗi và hẹn lại ngày trả kết quả"
    assert apologised["again"].status_code == 200 and apology["new_appointment_date"][:10] in apologised["again"].text
    assert apologised["lookup"]["new_appointment_date"] == apology["new_appointment_date"]
    assert any(e["action"] == "dossier_apology" and e["target"] == apologised["code"] for e in apologised["audit"])


def test_the_apology_reaches_the_applicant_once_by_mail_and_sms(apologised, stub):
    code, new = apologised["code"], apologised["after"]["apology"]["new_appointment_date"][:10]
    person = ACCOUNTS["congdan1"]
    mails, texts = stub.wait_for_apology(code)
    assert len(mails) == 1 and len(texts) == 1  # the second print sends nothing
    assert mails[0]["to"] == [person["email"]] and new in mails[0]["text"] and "Lý do" in mails[0]["text"]
    assert texts[0]["to"] == person["phone"] and new in texts[0]["message"]


def test_the_apology_syncs_the_new_date(apologised, stub):
    code = apologised["code"]
    new = datetime.fromisoformat(apologised["after"]["apology"]["new_appointment_date"]).strftime("%Y%m%d%H%M%S")
    synced = [r.request["data"][0] for r in stub.records(service="DongBoHoSoMC", code=code)]
    assert synced[-1]["NgayHenTra"] == new and synced[-1]["TrangThaiHoSo"] == "2"
    progress = [r.request["data"][0] for r in stub.records(service="CapNhatTienDoHoSoMC", code=code)]
    assert progress[-1]["NoiDungXuLy"].startswith("Xin lỗi và hẹn lại ngày trả kết quả")


def test_explicit_apology_checks_its_date_and_the_dossier(portal, citizen, officer):
    code, receipt = _received(citizen, officer)
    assert officer.get(f"/api/dossiers/{code}/forms/4").status_code == 409  # not overdue, no apology: nothing to print
    with portal.clock(days_past(receipt["appointment_date"])):
        shifted, owner = Api(portal, "chuyenvien1"), Api(portal, "congdan1")
        old = receipt["appointment_date"][:10]
        same_day = shifted.post(f"/api/dossiers/{code}/apology", json={"reason": APOLOGY_REASON,
                                                                        "new_appointment_date": old})
        assert same_day.status_code == 422 and "new_appointment_date" in same_day.text
        assert shifted.post(f"/api/dossiers/{code}/apology", json={"new_appointment_date": "30/12/2026"}).status_code == 422
        assert owner.post(f"/api/dossiers/{code}/apology", json={}).status_code == 403
        later = (date.fromisoformat(old) + timedelta(days=30)).isoformat()
        answer = shifted.post(f"/api/dossiers/{code}/apology", json={"reason": APOLOGY_REASON,
                                                                      "new_appointment_date": later})
        assert answer.status_code == 201, answer.text
        assert answer.json()["new_appointment_date"].startswith(later) and answer.json()["reason"] == APOLOGY_REASON
        form = shifted.get(f"/api/dossiers/{code}/forms/4")
        assert APOLOGY_REASON in form.text and later in form.text


def test_an_apology_goes_out_before_the_due_date_and_never_for_a_closed_dossier(portal, citizen, officer,
                                                                                 specialist, leader):
    """NĐ 61/2018 Điều 19 khoản 9: the apology no later than one day before the due date."""
    code, receipt = _received(citizen, officer)
    later = (date.fromisoformat(receipt["appointment_date"][:10]) + timedelta(days=30)).isoformat()
    early = officer.post(f"/api/dossiers/{code}/apology", json={"reason": APOLOGY_REASON, "new_appointment_date": later})
    assert early.status_code == 201, early.text
    seen = officer.dossier(code)
    assert seen["overdue"] is False and seen["new_appointment_date"].startswith(later)
    assert seen["appointment_date"] == receipt["appointment_date"] and seen["status_label"] == "Đã tiếp nhận"
    form = officer.get(f"/api/dossiers/{code}/forms/4")
    assert form.status_code == 200 and APOLOGY_REASON in form.text and later in form.text
    submitted = citizen.submit(ONE_DAY)["code"]
    assert officer.post(f"/api/dossiers/{submitted}/apology", json={}).status_code == 409  # not received yet
    other, its_receipt = _received(citizen, officer)
    default = officer.post(f"/api/dossiers/{other}/apology", json={})  # no date: counted from the old appointment
    assert default.status_code == 201 and default.json()["new_appointment_date"] > its_receipt["appointment_date"]
    specialist.step(code, "process")
    leader.step(code, "approve")
    closed = officer.post(f"/api/dossiers/{code}/apology", json={"reason": APOLOGY_REASON})
    assert closed.status_code == 409 and "đã có kết quả" in closed.json()["error"]


# --- the forms ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def refused_and_supplemented(citizen, officer, specialist):
    refused = citizen.submit(LEVEL3)["code"]
    officer.step(refused, "refuse", reason="Hồ sơ không thuộc thẩm quyền của Sở Xây dựng")
    asked, _ = _received(citizen, officer, LEVEL3)
    specialist.step(asked, "process", note="Thụ lý")
    specialist.step(asked, "request-supplement", reason="Bổ sung giấy phép đăng ký kinh doanh")
    return refused, asked


def test_forms_01_to_05_name_the_dossier(officer, refused_and_supplemented):
    refused, asked = refused_and_supplemented
    titles = {1: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", 2: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
              3: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", 5: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"}
    for number, title in titles.items():
        page = officer.get(f"/api/dossiers/{asked}/forms/{number}")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), number
        assert title in page.text and f'id="ma-ho-so">{asked}<' in page.text, number
    supplement = officer.get(f"/api/dossiers/{asked}/forms/2").text
    assert "Bổ sung giấy phép đăng ký kinh doanh" in supplement and "chưa bổ sung" in supplement
    control = officer.get(f"/api/dossiers/{asked}/forms/5").text
    rows = re.findall(r"<tr><td>\d\d:\d\d", control)
    assert len(rows) == 4  # submit, receive, process, supplement request
    assert "Yêu cầu bổ sung, hoàn thiện hồ sơ" in control and "Bộ phận Một cửa" in control
    refusal = officer.get(f"/api/dossiers/{refused}/forms/3").text
    assert "Hồ sơ không thuộc thẩm quyền của Sở Xây dựng" in refusal and 'id="ly-do"' in refusal
    blank = officer.get(f"/api/dossiers/{asked}/forms/3").text
    assert 'id="ly-do"' not in blank and "phiếu để ghi tay" in blank  # not refused: a blank slip


def test_register_form_06_lists_the_dossiers_of_a_period(officer, refused_and_supplemented):
    refused, asked = refused_and_supplemented
    today = officer.dossier(asked)["received_at"][:10]
    page = officer.get("/api/dossiers/register/forms/6", params={"date_from": today, "date_to": today})
    assert page.status_code == 200 and "SỔ THEO DÕI HỒ SƠ" in page.text
    assert asked in page.text and refused in page.text
    assert "2000-01-01" in officer.get("/api/dossiers/register/forms/6",
                                       params={"date_from": "2000-01-01", "date_to": "2000-01-31"}).text
    assert asked not in officer.get("/api/dossiers/register/forms/6",
                                    params={"date_from": "2000-01-01", "date_to": "2000-01-31"}).text
    assert asked in officer.get(f"/api/dossiers/{asked}/forms/6").text  # a dossier's code: its month
    assert officer.get("/api/dossiers/register/forms/6", params={"date_from": "hôm nay"}).status_code == 422


def test_forms_are_for_officers_and_numbered_1_to_6(officer, citizen, refused_and_supplemented):
    _, asked = refused_and_supplemented
    assert citizen.get(f"/api/dossiers/{asked}/forms/2").status_code == 403
    assert officer.get(f"/api/dossiers/{asked}/forms/7").status_code == 404
    assert officer.get("/api/dossiers/000.00.10.H29-990101-0001/forms/2").status_code == 404


# --- assignment, register filters --------------------------------------------------------------------

def test_assign_records_the_handler_without_moving_the_status(citizen, officer, specialist, leader, admin):
    code, _ = _received(citizen, officer, LEVEL3)
    answer = officer.post(f"/api/dossiers/{code}/assign", json={"assignee": "chuyenvien1", "note": "Thẩm định gấp"})
    assert answer.status_code == 200 and answer.json()["status_label"] == "Đã tiếp nhận"
    dossier = officer.dossier(code)
    assert dossier["assignee"]["username"] == "chuyenvien1" and dossier["assignee"]["full_name"] == "Vũ Minh Hải"
    assert dossier["history"][-1]["action"] == "Chuyển hồ sơ, phân công xử lý"
    assert "Thẩm định gấp" in dossier["history"][-1]["note"]
    assert leader.post(f"/api/dossiers/{code}/assign", json={"assignee": "lanhdao1"}).status_code == 200
    assert specialist.post(f"/api/dossiers/{code}/assign", json={"assignee": "chuyenvien1"}).status_code == 403
    assert officer.post(f"/api/dossiers/{code}/assign", json={"assignee": "congdan1"}).status_code == 422
    assert citizen.post(f"/api/dossiers/{code}/assign", json={"assignee": "chuyenvien1"}).status_code == 403
    refused = citizen.submit(LEVEL3)["code"]
    officer.step(refused, "refuse", reason="Sai thẩm quyền")
    assert officer.post(f"/api/dossiers/{refused}/assign", json={"assignee": "chuyenvien1"}).status_code == 409
    assert any(e["action"] == "dossier_assign" and e["target"] == code for e in
               admin.get("/api/admin/audit-log").json()["items"])


def test_register_filters_by_status_and_channel(citizen, officer):
    counter = officer.post("/api/dossiers/counter", json={"procedure_code": ONE_DAY,
                                                          "applicant": {"full_name": "Phan Văn Tú"}}).json()["code"]
    received = officer.get("/api/dossiers", params={"status_label": "Đã tiếp nhận", "channel": "counter"}).json()["items"]
    assert any(d["code"] == counter for d in received)
    assert all(d["status_label"] == "Đã tiếp nhận" and d["channel"] == "counter" for d in received)
    assert officer.get("/api/dossiers", params={"status_label": "Không có"}).status_code == 422
    assert officer.get("/api/dossiers", params={"channel": "fax"}).status_code == 422


# --- users ---------------------------------------------------------------------------------------------

def test_admin_creates_disables_and_enables_an_officer(portal, admin, officer):
    body = {"username": "motcua2", "password": "MotCua2@2026", "full_name": "Trịnh Thu Hà", "role": "receiving_officer",
            "agency_code": "000.00.00.H29", "title": "Công chức Bộ phận Một cửa", "phone": "0905000199"}
    weak = admin.post("/api/admin/users", json={**body, "password": "yeu"})
    assert weak.status_code == 422 and "Mật khẩu" in weak.json()["error"]
    assert admin.post("/api/admin/users", json={**body, "agency_code": "000.00.99.H29"}).status_code == 422
    created = admin.post("/api/admin/users", json=body)
    assert created.status_code == 201 and created.json()["role"] == "receiving_officer"
    assert admin.post("/api/admin/users", json=body).status_code == 409
    assert officer.post("/api/admin/users", json={**body, "username": "motcua3"}).status_code == 403
    token = portal.login("motcua2", "MotCua2@2026")
    assert portal.session(token).get(portal.url + "/api/dossiers").status_code == 200
    assert admin.post("/api/admin/users/motcua2/disable").json()["disabled"] is True
    assert portal.session(token).get(portal.url + "/api/dossiers").status_code == 401  # its sessions ended
    locked = portal.session().post(portal.url + "/api/auth/login", json={"username": "motcua2",
                                                                         "password": "MotCua2@2026"})
    assert locked.status_code == 423 and "quản trị" in locked.json()["error"]
    assert admin.post("/api/admin/users/quantri1/disable").status_code == 409
    assert admin.post("/api/admin/users/motcua2/enable").json()["disabled"] is False
    assert portal.login("motcua2", "MotCua2@2026")
    listed = {u["username"]: u for u in admin.get("/api/admin/users").json()["items"]}
    assert listed["motcua2"]["agency_name"] == "Ủy ban nhân dân tỉnh An Bình" and "congdan1" in listed
    actions = [e["action"] for e in admin.get("/api/admin/audit-log").json()["items"] if e["target"] == "motcua2"]
    assert {"user_create", "user_disable", "user_enable"} <= set(actions)


# --- who may see the back office ---------------------------------------------------------------------

def test_back_office_pages_are_for_officers(portal):
    anonymous = portal.session().get(portal.url + "/mot-cua/ho-so", allow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/dang-nhap?next=/mot-cua/ho-so"
    citizen, officer = portal.cookie_session("congdan2"), portal.cookie_session("motcua1")
    specialist, admin = portal.cookie_session("chuyenvien1"), portal.cookie_session("quantri1")
    for path in ("/mot-cua", "/mot-cua/ho-so", "/mot-cua/thong-ke", "/mot-cua/danh-muc"):
        refused = citizen.get(portal.url + path)
        assert refused.status_code == 403 and "Không có quyền truy cập" in refused.text, path
        assert officer.get(portal.url + path).status_code == 200, path
    for path in ("/mot-cua/nguoi-dung", "/mot-cua/nhat-ky"):
        assert specialist.get(portal.url + path).status_code == 403, path
        assert admin.get(portal.url + path).status_code == 200, path


# --- what the manual criteria need: access statistics, surveys, ratings, fees at the counter, ------------
# --- catalogue configuration, the population database, reuse of verified papers, postal dispatch ---------

def test_access_statistics_count_page_views_not_api_calls(portal, admin, officer):
    path = f"/thu-tuc/{LEVEL3}/huong-dan"
    before = {p["path"]: p["views"] for p in admin.get("/api/admin/access-stats").json()["top_pages"]}.get(path, 0)
    for _ in range(3):
        assert portal.get(path).status_code == 200
    portal.get("/api/procedures")
    report = admin.get("/api/admin/access-stats", params={"days": 7}).json()
    views = {p["path"]: p["views"] for p in report["top_pages"]}
    assert views.get(path) == before + 3 and not any(p.startswith("/api/") for p in views)
    assert report["total"] >= 3 and sum(d["views"] for d in report["by_day"]) == report["total"]
    assert officer.get("/api/admin/access-stats").status_code == 403
    assert "Thống kê truy cập" in portal.cookie_session("quantri1").get(portal.url + "/mot-cua/truy-cap").text


def test_admin_creates_answers_and_closes_a_survey(portal, admin, specialist):
    body = {"title": "Ý kiến về giờ làm việc của Bộ phận Một cửa", "description": "Tham vấn thử",
            "questions": [{"type": "choice", "text": "Có nên mở cửa sáng thứ Bảy?", "options": ["Có", "Không"]},
                          {"type": "text", "text": "Góp ý khác"}]}
    assert admin.post("/api/admin/surveys", json={**body, "questions": [{"type": "choice", "text": "x",
                                                                         "options": ["Một"]}]}).status_code == 422
    assert specialist.post("/api/admin/surveys", json=body).status_code == 403
    created = admin.post("/api/admin/surveys", json=body)
    assert created.status_code == 201 and created.json()["questions"][0]["id"] == "q1"
    survey_id = created.json()["id"]
    assert any(s["id"] == survey_id for s in portal.get("/api/surveys").json()["items"])
    answer = portal.session().post(portal.url + f"/api/surveys/{survey_id}/answers", json={"answers": {"q1": "Có"}})
    assert answer.status_code == 201
    results = portal.get(f"/api/surveys/{survey_id}/results").json()
    assert results["response_count"] == 1 and results["questions"][0]["counts"] == {"Có": 1, "Không": 0}
    assert admin.post(f"/api/admin/surveys/{survey_id}/close").json()["open"] is False
    assert all(s["id"] != survey_id for s in portal.get("/api/surveys").json()["items"])


def test_ratings_by_agency_and_by_officer(citizen, officer, specialist, leader, portal):
    code, _ = _received(citizen, officer, LEVEL3)
    specialist.step(code, "process")
    leader.step(code, "approve")
    assert citizen.post(f"/api/dossiers/{code}/rate", json={"score": 2}).status_code == 200
    ratings = portal.get("/api/statistics/ratings").json()
    assert ratings["count"] >= 1 and 1 <= ratings["average"] <= 5
    assert any(a["agency_code"] == "000.00.16.H29" and a["count"] >= 1 for a in ratings["by_agency"])
    assert any(o["username"] == "chuyenvien1" and o["full_name"] == "Vũ Minh Hải" for o in ratings["by_officer"])


def test_fee_paid_at_the_counter_with_a_receipt(officer, specialist, citizen):
    from tests.refportal.conftest import LEVEL4_WITH_FEE

    code = officer.post("/api/dossiers/counter", json={"procedure_code": LEVEL4_WITH_FEE,
                                                       "applicant": {"full_name": "Vương Thị Mai"}}).json()["code"]
    specialist.step(code, "process")
    specialist.step(code, "request-payment")
    assert officer.get(f"/api/dossiers/{code}/fee-receipt").status_code == 404  # nothing paid yet
    assert citizen.post(f"/api/dossiers/{code}/counter-payment").status_code == 403
    assert officer.post(f"/api/dossiers/{code}/counter-payment").json()["status_label"] == "Đang giải quyết"
    payment = officer.dossier(code)["payment"]
    assert payment["mode"] == "counter" and payment["status"] == "paid" and payment["amount"] == 200000
    assert officer.post(f"/api/dossiers/{code}/counter-payment").status_code == 409
    receipt = officer.get(f"/api/dossiers/{code}/fee-receipt").text
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in receipt and "200.000 đồng" in receipt and payment["reference"] in receipt
    assert "Nộp tại Bộ phận Một cửa" in receipt and code in receipt


def test_admin_configures_a_procedure_and_mau05_judges_each_step(admin, officer, specialist, leader, portal):
    code = "1.005088.000.00.00.H29"   # Chỉnh sửa nội dung văn bằng: used by no other test
    change = {"processing_days": 5, "workflow_days": {"process": 2, "approve": 2, "return": 1},
              "fees": [{"code": "PHI-CS", "amount": 15000}], "components": [{"code": "QDTD", "required": False}]}
    record = portal.get(f"/api/procedures/{code}").json()
    change["fees"] = [{"code": record["fees"][0]["code"], "amount": 15000}]
    assert admin.put(f"/api/admin/procedures/{code}", json={**change, "workflow_days": {"process": 6}}).status_code == 422
    assert admin.put(f"/api/admin/procedures/{code}", json={**change, "workflow_days": {"ky": 1}}).status_code == 422
    assert admin.put(f"/api/admin/procedures/{code}", json={**change, "processing_days": 0}).status_code == 422
    assert specialist.put(f"/api/admin/procedures/{code}", json=change).status_code == 403
    answer = admin.put(f"/api/admin/procedures/{code}", json=change)
    assert answer.status_code == 200 and answer.json()["workflow_days"] == change["workflow_days"]
    now = portal.get(f"/api/procedures/{code}").json()
    assert now["processing_days"] == 5 and now["fees"][0]["amount"] == 15000
    assert [c["required"] for c in now["components"] if c["code"] == "QDTD"] == [False]
    dossier = officer.post("/api/dossiers/counter", json={"procedure_code": code,
                                                          "applicant": {"full_name": "Khổng Minh Tâm"}}).json()
    specialist.step(dossier["code"], "process")
    control = officer.get(f"/api/dossiers/{dossier['code']}/forms/5").text
    assert "Hạn của bước" in control and control.count("Trước hạn") >= 1
    assert any(e["action"] == "procedure_update" and e["target"] == code for e in
               admin.get("/api/admin/audit-log").json()["items"])


def test_admin_renames_shared_catalogue_entries(admin, officer, portal):
    agency = next(a for a in portal.get("/api/agencies").json()["items"] if a["code"] == "000.00.20.H29")
    try:
        renamed = admin.put("/api/admin/agencies/000.00.20.H29", json={"name": "Sở Nội vụ tỉnh An Bình"})
        assert renamed.status_code == 200 and renamed.json()["name"] == "Sở Nội vụ tỉnh An Bình"
        assert any(a["name"] == "Sở Nội vụ tỉnh An Bình" for a in portal.get("/api/agencies").json()["items"])
        assert admin.put("/api/admin/agencies/000.00.99.H29", json={"name": "Không có"}).status_code == 404
        assert admin.put("/api/admin/sectors/H29-VL", json={"name": " "}).status_code == 422
        assert officer.put("/api/admin/agencies/000.00.20.H29", json={"name": "x"}).status_code == 403
    finally:
        admin.put("/api/admin/agencies/000.00.20.H29", json={"name": agency["name"]})


def test_population_database_prefills_the_counter_and_the_e_form(portal, officer, citizen, admin):
    person = officer.get("/api/population/001090012345").json()
    assert person["full_name"] == "Nguyễn Văn An" and "mô phỏng" in person["source"]
    assert officer.get("/api/population/009999999999").status_code == 404
    assert officer.get("/api/population/123").status_code == 422
    assert citizen.get("/api/population/001090012345").status_code == 403
    logged = [e for e in admin.get("/api/admin/audit-log").json()["items"] if e["action"] == "population_lookup"]
    assert logged and all("001090012345" not in (e["target"] or "") for e in logged)  # the number is masked
    desk = portal.cookie_session("motcua1")
    page = desk.get(portal.url + "/mot-cua/tiep-nhan", params={"thu_tuc": ONE_DAY, "so_dinh_danh": "001196056789"}).text
    assert 'value="Đỗ Thị Lan"' in page and "Nguyễn Trãi" in page
    # an account that knows only its id number gets its address and birth date from the population database
    user = f"lan_{datetime.now():%H%M%S%f}"
    assert portal.session().post(portal.url + "/api/auth/register", json={
        "username": user, "password": "DoThiLan@2026", "full_name": "Đỗ Thị Lan", "id_number": "001196056789"}).status_code == 201
    browser = portal.session()
    assert browser.post(portal.url + "/api/auth/login", json={"username": user, "password": "DoThiLan@2026"}).ok
    form = browser.get(portal.url + f"/nop-ho-so/{LEVEL3}").text
    assert 'value="1996-04-30"' in form and "ngõ 21 đường Nguyễn Trãi" in form


def test_verified_papers_are_reused_instead_of_uploaded_again(citizen, citizen_b, officer):
    content = b"%PDF-1.4 ban sao can cuoc da xac nhan"
    first = citizen.submit(LEVEL3, files={"can-cuoc-da-xac-nhan.pdf": content})["code"]
    unverified = citizen.submit(LEVEL3, files={"chua-xac-nhan.pdf": b"%PDF chua"})["code"]
    officer.step(first, "receive")
    papers = citizen.get("/api/me/reusable-papers").json()["items"]
    paper = next(p for p in papers if p["dossier_code"] == first)
    assert all(p["dossier_code"] != unverified for p in papers)  # not received yet: not verified
    answer = citizen.post("/api/dossiers", data={"procedure_code": LEVEL3, "reuse_attachment_ids": str(paper["id"])})
    assert answer.status_code == 201, answer.text
    attached = citizen.dossier(answer.json()["code"])["attachments"]
    assert len(attached) == 1 and attached[0]["reused_from"] == first and attached[0]["name"] == "can-cuoc-da-xac-nhan.pdf"
    assert citizen.get(f"/api/dossiers/{answer.json()['code']}/attachments/{attached[0]['id']}").content == content
    stolen = citizen_b.post("/api/dossiers", data={"procedure_code": LEVEL3, "reuse_attachment_ids": str(paper["id"])})
    assert stolen.status_code == 422


def test_return_by_post_orders_the_delivery_from_the_postal_gateway(officer, specialist, leader, stub):
    code = officer.post("/api/dossiers/postal", json={"procedure_code": LEVEL3, "applicant": {
        "full_name": "Tạ Thị Hoa", "phone": "0912333444", "address": "Số 5 đường Lê Lai, An Bình"}}).json()["code"]
    specialist.step(code, "process")
    leader.step(code, "approve")
    officer.step(code, "return")
    order = [r for r in stub.records(kind="postal") if r.request["reference"] == code]
    assert len(order) == 1 and order[0].request["recipient"] == {"name": "Tạ Thị Hoa", "phone": "0912333444",
                                                                    "address": "Số 5 đường Lê Lai, An Bình"}
    assert officer.dossier(code)["postal_dispatch"]["consignment"] == order[0].response["consignment"]


def test_return_by_post_records_the_consignment(officer, specialist, leader, stub, admin):
    code = officer.post("/api/dossiers/postal", json={"procedure_code": LEVEL3,
                                                      "applicant": {"full_name": "Tạ Văn Bảo"}}).json()["code"]
    specialist.step(code, "process")
    leader.step(code, "approve")
    assert officer.post(f"/api/dossiers/{code}/return", json={"consignment": "EB123456789VN"}).status_code == 200
    dispatch = officer.dossier(code)["postal_dispatch"]
    assert dispatch["consignment"] == "EB123456789VN" and dispatch["dispatched_at"]
    wait_sync_idle(admin)
    last = [r.request["data"][0] for r in stub.records(service="DongBoHoSoMC", code=code)][-1]
    assert last["HinhThuc"] == "1" and "EB123456789VN" in last["ThongTinTra"]
    counter = officer.post("/api/dossiers/counter", json={"procedure_code": ONE_DAY,
                                                          "applicant": {"full_name": "Tạ Văn Bảo"}}).json()["code"]
    specialist.step(counter, "process")
    leader.step(counter, "approve")
    assert officer.post(f"/api/dossiers/{counter}/return", json={"consignment": "EB1VN"}).status_code == 422
