"""The dossier's life in Chromium (Playwright, sync API): find a procedure from the home page,
log in, the pre-filled e-form, upload, submit, receipt; anonymous lookup; after officer steps
through the API, the timeline, supplement, payment on the platform's page, result download and
rating. Then axe-core, keyboard use and handheld width on the public pages."""
from __future__ import annotations


import pytest

from tests.refportal.conftest import ACCOUNTS, CODE_RE, LEVEL4_WITH_FEE, axe_violations

pytestmark = pytest.mark.browser
PROCEDURE_NAME = "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam"
PERSON = ACCOUNTS["congdan3"]


@pytest.fixture(scope="module")
def journey():
    return {}


@pytest.fixture(scope="module")
def citizen_page(browser, browser_context_args, portal):
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture()
def anonymous_page(browser, browser_context_args):
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_find_procedure_from_home_in_two_clicks(citizen_page, portal):
    page = citizen_page
    page.goto(portal.url + "/")
    page.get_by_role("link", name="Lý lịch tư pháp", exact=True).click()
    page.get_by_role("link", name=PROCEDURE_NAME).click()
    assert page.get_by_role("heading", level=1).inner_text() == PROCEDURE_NAME
    assert page.url == f"{portal.url}/thu-tuc/{LEVEL4_WITH_FEE}"
    page.goto(portal.url + "/")
    page.get_by_label("Tìm kiếm thủ tục").fill("ly lich tu phap")
    page.get_by_role("button", name="Tìm kiếm").click()
    assert page.get_by_role("link", name=PROCEDURE_NAME).is_visible()


def test_login_prefilled_eform_upload_submit_receipt(citizen_page, portal, journey, tmp_path):
    page = citizen_page
    page.goto(f"{portal.url}/thu-tuc/{LEVEL4_WITH_FEE}")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    assert "/dang-nhap" in page.url
    page.get_by_label("Tên đăng nhập").fill("congdan3")
    page.get_by_label("Mật khẩu").fill(PERSON["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**/nop-ho-so/{LEVEL4_WITH_FEE}")
    expected = {"Họ và tên": PERSON["full_name"], "Số định danh cá nhân": PERSON["id_number"],
                "Ngày sinh": str(PERSON["birth_date"]), "Số điện thoại": PERSON["phone"], "Thư điện tử": PERSON["email"],
                "Địa chỉ": PERSON["address"]}
    for label, value in expected.items():
        assert page.get_by_label(label, exact=True).input_value() == value, label
    upload = tmp_path / "to-khai.pdf"
    upload.write_bytes(b"%PDF-1.4 to khai tu trinh duyet")
    page.locator("#file_TK").set_input_files(str(upload))
    page.get_by_label("Ghi chú").fill("dokiem-run-browser")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/bien-nhan")
    assert page.get_by_role("heading", name="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ").is_visible()
    code = page.locator("#ma-ho-so").inner_text()
    assert CODE_RE.match(code)
    journey["code"] = code


def test_lookup_without_login_by_keyboard(anonymous_page, portal, journey):
    page = anonymous_page
    page.goto(portal.url + "/tra-cuu")
    field = page.get_by_label("Mã hồ sơ")
    field.focus()
    page.keyboard.type(journey["code"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/tra-cuu?ma=*")
    assert page.locator("#trang-thai").inner_text() == "Mới đăng ký"
    text = page.content()
    for secret in (PERSON["phone"], PERSON["email"], PERSON["id_number"], PERSON["full_name"]):
        assert secret not in text


def test_timeline_and_supplement(citizen_page, portal, journey, officer, specialist, tmp_path):
    code = journey["code"]
    officer.step(code, "receive")
    specialist.step(code, "process")
    specialist.step(code, "request-supplement", reason="Bổ sung bản chụp thẻ Căn cước")
    page = citizen_page
    page.goto(f"{portal.url}/ho-so/{code}")
    assert page.locator("#trang-thai").inner_text() == "Chờ bổ sung hồ sơ"
    timeline = page.locator("ol.timeline").inner_text()
    for label in ("Mới đăng ký", "Đã tiếp nhận", "Đang giải quyết", "Chờ bổ sung hồ sơ", "Bổ sung bản chụp thẻ Căn cước"):
        assert label in timeline
    extra = tmp_path / "can-cuoc.jpg"
    extra.write_bytes(b"\xff\xd8\xff anh the can cuoc")
    page.get_by_label("Tệp bổ sung").set_input_files(str(extra))
    page.get_by_label("Nội dung bổ sung").fill("Đã bổ sung thẻ Căn cước")
    page.get_by_role("button", name="Gửi bổ sung").click()
    assert page.locator("#trang-thai").inner_text() == "Đang giải quyết"
    assert page.get_by_role("link", name="can-cuoc.jpg").is_visible()


def test_pay_on_the_payment_platform_page(citizen_page, portal, journey, specialist, stub):
    code = journey["code"]
    specialist.step(code, "request-payment")
    page = citizen_page
    page.goto(f"{portal.url}/ho-so/{code}")
    assert page.locator("#trang-thai").inner_text() == "Chờ thực hiện nghĩa vụ tài chính"
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url(stub.url + "/payment/pay/**")
    assert page.locator("#so-tien").inner_text() == "200000"
    page.get_by_role("button", name="Xác nhận thanh toán").click()
    page.wait_for_url(f"{portal.url}/ho-so/{code}?thanh-toan=*")
    assert page.locator("#trang-thai").inner_text() == "Đang giải quyết"
    assert "Đã thanh toán 200.000 đồng" in page.content()


def test_download_result_and_rate(citizen_page, portal, journey, leader):
    code = journey["code"]
    leader.step(code, "approve")
    page = citizen_page
    page.goto(f"{portal.url}/ho-so/{code}")
    assert page.locator("#trang-thai").inner_text() == "Đã có kết quả"
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải kết quả điện tử (PDF)").click()
    with open(download.value.path(), "rb") as f:
        assert f.read(8) == b"%PDF-1.4"
    page.get_by_label("Rất hài lòng").check()
    page.get_by_label("Ý kiến của Quý vị").fill("Thủ tục nhanh gọn")
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert "Quý vị đã đánh giá: Rất hài lòng" in page.locator("main").inner_text()


def test_public_pages_pass_axe(anonymous_page, portal, journey):
    page = anonymous_page
    problems = {}
    for path in ("/", "/thu-tuc", f"/thu-tuc/{LEVEL4_WITH_FEE}", f"/thu-tuc/{LEVEL4_WITH_FEE}/huong-dan",
                 f"/tra-cuu?ma={journey.get('code', '')}", "/phan-anh", "/khao-sat", "/thong-ke", "/dang-nhap",
                 "/dang-ky", "/en"):
        page.goto(portal.url + path)
        found = axe_violations(page)
        if found:
            problems[path] = found
    assert not problems


def test_logged_in_pages_pass_axe(citizen_page, portal, journey):
    problems = {}
    for path in ("/ho-so-cua-toi", f"/ho-so/{journey['code']}", f"/ho-so/{journey['code']}/bien-nhan",
                 f"/nop-ho-so/{LEVEL4_WITH_FEE}"):
        citizen_page.goto(portal.url + path)
        found = axe_violations(citizen_page)
        if found:
            problems[path] = found
    assert not problems


def test_skip_link_first_and_focus_visible(anonymous_page, portal):
    page = anonymous_page
    page.goto(portal.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent.trim(), getComputedStyle(document.activeElement).outlineStyle]")
    assert focused == ["Bỏ qua, đến nội dung chính", "solid"]
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "noi-dung"


def test_no_horizontal_scroll_at_375px(anonymous_page, portal):
    page = anonymous_page
    page.set_viewport_size({"width": 375, "height": 740})
    for path in ("/", f"/thu-tuc/{LEVEL4_WITH_FEE}", "/tra-cuu", "/thu-tuc", "/thong-ke"):
        page.goto(portal.url + path)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (path, widths)
    page.goto(portal.url + "/tra-cuu")
    assert page.get_by_role("button", name="Tra cứu").is_visible()
    box = page.get_by_label("Mã hồ sơ").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375


def test_axe_scan_can_fail(anonymous_page):
    """The scan above is not vacuous: the same call flags an unlabelled field and poor contrast."""
    anonymous_page.set_content('<html lang="vi"><body><main><h1>Thử</h1><input type="text">'
                               '<p style="color:#bbb;background:#fff">chữ mờ</p></main></body></html>')
    found = " ".join(axe_violations(anonymous_page))
    assert "label" in found and "color-contrast" in found
