"""The back office in Chromium, one browser context per officer role: log in and land in /mot-cua,
take a dossier in at the counter (with the completeness check) and carry it to its result through
every role, refuse and ask for a supplement, issue the overdue apology and see it go out by mail and
SMS, print the TT 01/2018 forms, read the audit log, manage users — and axe-core on every page."""
from __future__ import annotations

import re

import pytest

from tests.refportal.conftest import ACCOUNTS, CODE_RE, LEVEL3, ONE_DAY, axe_violations, days_past

pytestmark = pytest.mark.browser
ROLES = {"receiving_officer": "motcua1", "specialist": "chuyenvien1", "leader": "lanhdao1", "admin": "quantri1"}


def _login(browser, browser_context_args, portal, username: str):
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(portal.url + "/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(ACCOUNTS[username]["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    return context, page


@pytest.fixture(scope="module")
def desks(browser, browser_context_args, portal):
    """A logged-in page per officer role."""
    opened = {role: _login(browser, browser_context_args, portal, user) for role, user in ROLES.items()}
    for _, page in opened.values():
        page.wait_for_url("**/mot-cua")
    yield {role: page for role, (_, page) in opened.items()}
    for context, _ in opened.values():
        context.close()


def _status(page) -> str:
    """The status label, without the overdue or due-soon badge beside it."""
    return page.locator("#trang-thai").evaluate("e => e.firstChild.textContent.trim()")


def test_each_officer_role_lands_in_the_back_office(desks, browser, browser_context_args, portal):
    for role, page in desks.items():
        assert page.url == portal.url + "/mot-cua", role
        assert page.get_by_role("heading", level=1).inner_text() == "Hệ thống một cửa điện tử", role
        nav = page.get_by_role("navigation", name="Hệ thống một cửa điện tử")
        assert nav.get_by_role("link", name="Tiếp nhận hồ sơ").count() == (role == "receiving_officer"), role
        assert nav.get_by_role("link", name="Nhật ký hệ thống").count() == (role == "admin"), role
    assert desks["receiving_officer"].get_by_role("heading", name="Hồ sơ chờ tiếp nhận").is_visible()
    assert desks["leader"].get_by_role("heading", name="Hồ sơ chờ phê duyệt").is_visible()
    context, citizen = _login(browser, browser_context_args, portal, "congdan2")
    try:
        citizen.wait_for_url("**/ho-so-cua-toi")
        refused = citizen.goto(portal.url + "/mot-cua")
        assert refused.status == 403 and citizen.get_by_role("heading", level=1).inner_text() == "Không có quyền truy cập"
    finally:
        context.close()


def test_counter_dossier_from_intake_to_result_through_every_role(desks, portal, tmp_path):
    desk = desks["receiving_officer"]
    desk.goto(portal.url + "/mot-cua/tiep-nhan")
    desk.get_by_label("Thủ tục hành chính").select_option(ONE_DAY)
    desk.get_by_role("button", name="Chọn thủ tục").click()
    desk.get_by_label("Họ và tên người nộp").fill("Đỗ Thị Lan")
    desk.get_by_label("Số điện thoại").fill("0912777888")
    desk.get_by_role("button", name="Tiếp nhận và cấp Giấy tiếp nhận").click()
    assert "Hồ sơ chưa đầy đủ" in desk.get_by_role("alert").inner_text()  # the required paper was not ticked
    scan = tmp_path / "don-de-nghi.pdf"
    scan.write_bytes(b"%PDF-1.4 don de nghi")
    desk.get_by_role("checkbox", name="Đơn đề nghị cấp bản sao văn bằng, chứng chỉ từ sổ gốc theo mẫu (bắt buộc)").check()
    desk.get_by_label("Bản quét: Đơn đề nghị cấp bản sao văn bằng, chứng chỉ từ sổ gốc theo mẫu").set_input_files(str(scan))
    desk.get_by_role("button", name="Tiếp nhận và cấp Giấy tiếp nhận").click()
    alert = desk.get_by_role("alert").inner_text()  # one required paper still missing: named
    assert "Giấy tờ chứng minh nhân thân" in alert and "Đơn đề nghị" not in alert
    desk.get_by_role("checkbox", name="Đơn đề nghị cấp bản sao văn bằng, chứng chỉ từ sổ gốc theo mẫu (bắt buộc)").check()
    desk.get_by_role("checkbox", name="Giấy tờ chứng minh nhân thân của người yêu cầu", exact=False).check()
    desk.get_by_role("button", name="Tiếp nhận và cấp Giấy tiếp nhận").click()
    desk.wait_for_url("**/mot-cua/ho-so/*?ok=moi")
    code = desk.locator("#ma-ho-so").inner_text()
    assert CODE_RE.match(code) and _status(desk) == "Đã tiếp nhận"
    desk.get_by_role("link", name="Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả").click()
    assert desk.locator("#ma-ho-so").inner_text() == code and "Đỗ Thị Lan" in desk.content()

    leader, specialist = desks["leader"], desks["specialist"]
    leader.goto(f"{portal.url}/mot-cua/ho-so/{code}")
    leader.get_by_label("Chuyển cho").select_option("chuyenvien1")
    leader.get_by_label("Ý kiến chỉ đạo").fill("Đề nghị giải quyết trong ngày")
    leader.get_by_role("button", name="Chuyển, phân công").click()
    assert leader.get_by_role("status").inner_text() == "Đã chuyển, phân công hồ sơ."
    assert "Vũ Minh Hải" in leader.locator("dl.facts").inner_text()
    specialist.goto(f"{portal.url}/mot-cua/ho-so/{code}")
    specialist.get_by_role("button", name="Thụ lý hồ sơ").click()
    assert _status(specialist) == "Đang giải quyết"
    leader.goto(f"{portal.url}/mot-cua/ho-so/{code}")
    leader.get_by_role("button", name="Phê duyệt kết quả").click()
    assert _status(leader) == "Đã có kết quả"
    desk.goto(f"{portal.url}/mot-cua/ho-so/{code}")
    desk.get_by_role("button", name="Trả kết quả").click()
    assert _status(desk) == "Đã trả kết quả"
    timeline = desk.locator("ol.timeline").inner_text()
    for step in ("Tiếp nhận hồ sơ trực tiếp", "Chuyển hồ sơ, phân công xử lý", "Thụ lý", "Phê duyệt", "Trả kết quả"):
        assert step in timeline, step

    desk.get_by_role("link", name="Mẫu 05: Phiếu kiểm soát quá trình giải quyết hồ sơ").click()
    assert desk.locator("table tbody tr").count() == 5
    assert "Trước hạn" in desk.locator("table").inner_text() or "Đúng hạn" in desk.locator("table").inner_text()
    desk.goto(portal.url + "/mot-cua")
    desk.get_by_role("link", name="Sổ theo dõi hồ sơ (Mẫu 06)").click()
    assert desk.get_by_role("heading", level=1).inner_text() == "SỔ THEO DÕI HỒ SƠ"
    assert code in desk.locator("#so-theo-doi").inner_text()


def test_online_dossiers_refused_and_asked_to_supplement(desks, portal, citizen):
    desk = desks["receiving_officer"]
    refused = citizen.submit(LEVEL3)["code"]
    desk.goto(f"{portal.url}/mot-cua/ho-so/{refused}")
    desk.get_by_label("Lý do từ chối").fill("Thủ tục thuộc thẩm quyền của Ủy ban nhân dân cấp huyện")
    desk.get_by_role("button", name="Từ chối tiếp nhận").click()
    assert _status(desk) == "Từ chối tiếp nhận"
    desk.get_by_role("link", name="Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ").click()
    assert desk.locator("#ly-do").inner_text() == "Thủ tục thuộc thẩm quyền của Ủy ban nhân dân cấp huyện"

    asked = citizen.submit(LEVEL3)["code"]
    desk.goto(f"{portal.url}/mot-cua/ho-so/{asked}")
    desk.get_by_label("Đã kiểm tra hồ sơ đầy đủ, hợp lệ").check()
    desk.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    assert _status(desk) == "Đã tiếp nhận"
    desk.get_by_label("Nội dung cần bổ sung").fill("Bổ sung bản vẽ mặt bằng có chữ ký")
    desk.get_by_role("button", name="Yêu cầu bổ sung").click()
    assert _status(desk) == "Chờ bổ sung hồ sơ"
    desk.get_by_role("link", name="Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ").click()
    assert "Bổ sung bản vẽ mặt bằng có chữ ký" in desk.locator("#yeu-cau-1").inner_text()
    assert citizen.dossier(asked)["status_reason"] == "Bổ sung bản vẽ mặt bằng có chữ ký"


def test_overdue_apology_from_the_back_office_goes_out_by_mail_and_sms(browser, browser_context_args, portal,
                                                                        citizen, officer, stub):
    code = citizen.submit(ONE_DAY)["code"]
    appointment = officer.step(code, "receive")["appointment_date"]
    with portal.clock(days_past(appointment)):
        context, desk = _login(browser, browser_context_args, portal, "chuyenvien1")  # a session of the moved clock
        try:
            desk.wait_for_url("**/mot-cua")
            overdue = desk.locator("#qua-han + .table-wrap")
            assert code in overdue.inner_text()
            overdue.get_by_role("link", name=code).click()
            assert "Quá hạn" in desk.locator("#trang-thai").inner_text()
            desk.get_by_label("Lý do chậm trả kết quả").fill("Chờ trường cấp lại sổ gốc văn bằng")
            desk.get_by_role("button", name="Lập phiếu xin lỗi, gửi người nộp").click()
            assert desk.get_by_role("status").inner_text() == "Đã lập Phiếu xin lỗi và gửi người nộp."
            new_date = desk.locator("#ngay-hen-moi").inner_text()
            assert "Chờ trường cấp lại sổ gốc văn bằng" in new_date
            desk.get_by_role("link", name="Mẫu 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả").click()
            assert desk.locator("#ly-do").inner_text() == "Chờ trường cấp lại sổ gốc văn bằng"
            promised = desk.locator("#ngay-hen-moi").inner_text()
        finally:
            context.close()
    person = ACCOUNTS["congdan1"]
    mails, texts = stub.wait_for_apology(code)
    mail, sms = mails[0], texts[0]
    day = re.search(r"\d\d/\d\d/\d{4}", promised).group(0)
    assert mail["to"] == [person["email"]] and "Chờ trường cấp lại sổ gốc văn bằng" in mail["text"] and day in mail["text"]
    assert sms["to"] == person["phone"] and day in sms["message"]


def test_admin_reads_the_audit_log_and_manages_users(desks, portal):
    admin = desks["admin"]
    admin.get_by_role("link", name="Nhật ký hệ thống").first.click()
    log = admin.locator("#nhat-ky").inner_text()
    for action in ("login", "dossier_receive", "dossier_intake_counter", "dossier_apology"):
        assert action in log, action
    admin.get_by_role("link", name="Người dùng").click()
    admin.get_by_label("Tên đăng nhập").fill("chuyenvien2")
    admin.get_by_label("Mật khẩu ban đầu").fill("ChuyenVien2@2026")
    admin.get_by_label("Họ và tên").fill("Lý Thị Thu")
    admin.get_by_label("Vai trò").select_option("specialist")
    admin.get_by_label("Cơ quan").select_option("000.00.10.H29")
    admin.get_by_role("button", name="Tạo tài khoản").click()
    assert admin.get_by_role("status").inner_text() == "Đã tạo tài khoản chuyenvien2."
    admin.get_by_role("button", name="Khóa tài khoản chuyenvien2").click()
    assert admin.get_by_role("status").inner_text() == "Đã khóa tài khoản chuyenvien2."
    row = admin.get_by_role("row").filter(has_text="chuyenvien2")
    assert "Đã khóa" in row.inner_text()
    locked = portal.session().post(portal.url + "/api/auth/login",
                                   json={"username": "chuyenvien2", "password": "ChuyenVien2@2026"})
    assert locked.status_code == 423


def test_back_office_pages_pass_axe(desks, portal, officer):
    code = officer.get("/api/dossiers", params={"overdue": "1"}).json()["items"][0]["code"]
    problems = {}
    for role, path in (("receiving_officer", "/mot-cua"), ("receiving_officer", "/mot-cua/ho-so"),
                       ("receiving_officer", f"/mot-cua/ho-so/{code}"),
                       ("receiving_officer", f"/mot-cua/tiep-nhan?thu_tuc={ONE_DAY}"),
                       ("receiving_officer", f"/mot-cua/ho-so/{code}/mau/5"), ("specialist", "/mot-cua/thong-ke"),
                       ("leader", "/mot-cua/danh-muc"), ("admin", "/mot-cua/nguoi-dung"), ("admin", "/mot-cua/nhat-ky"),
                       ("admin", "/mot-cua/so-theo-doi"), ("admin", "/mot-cua/khao-sat"), ("admin", "/mot-cua/truy-cap"),
                       ("admin", f"/mot-cua/danh-muc/thu-tuc/{ONE_DAY}"), ("specialist", "/mot-cua/tro-giup")):
        page = desks[role]
        page.goto(portal.url + path)
        found = axe_violations(page)
        if found:
            problems[path] = found
    assert not problems
