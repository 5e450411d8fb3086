"""The payment platform: INIT and QUERY with MaXacThuc, the confirmation to the target's callback,
and the citizen's payment page in Chromium."""
from __future__ import annotations

import hashlib

import pytest
import requests

from harness.nps.payment_hash import hash_input, is_valid, ma_xac_thuc
from npshelpers import SECRET, init_message, query_message


def _post(base_url, message):
    return requests.post(f"{base_url}/payment/api", json=message, timeout=10).json()


def test_the_hash_rule_matches_the_protocol_example():
    fields = {"LoaiBanTin": "INIT", "PhienBan": "1.0.6", "MaDoiTac": "DOKIEM", "MaThamChieu": "REF1",
              "SoTien": "50000", "LoaiHinhThanhToan": "PAY", "MaKenhThanhToan": "1", "MaThietBi": "1",
              "NgonNgu": "vi-VN", "MaTienTe": "VND", "MaNganHang": "", "ThongTinGiaoDich": "THANH TOAN HO SO X",
              "ThoiGianGD": "20261124093000", "Ip": "127.0.0.1", "UrlCallback": "not hashed"}
    text = "INIT|1.0.6|DOKIEM|REF1|50000|PAY|1|1|vi-VN|VND||THANH TOAN HO SO X|20261124093000|127.0.0.1|dokiem-secret"
    assert hash_input(fields, SECRET) == text
    assert ma_xac_thuc(fields, SECRET) == hashlib.sha256(text.encode()).hexdigest()
    assert is_valid({**fields, "MaXacThuc": ma_xac_thuc(fields, SECRET).upper()}, SECRET)
    assert not is_valid({**fields, "MaXacThuc": ma_xac_thuc(fields, "another-secret")}, SECRET)
    with pytest.raises(ValueError):
        ma_xac_thuc({"LoaiBanTin": "REFUND"}, SECRET)


def test_init_with_a_good_hash_gives_the_payment_page(base_url, nps):
    answer = _post(base_url, init_message(ref="REF-GOOD"))
    assert answer["MaLoi"] == "00" and answer["MaThamChieu"] == "REF-GOOD"
    assert answer["UrlThanhToan"] == f"{base_url}/payment/pay/REF-GOOD"
    record = nps.records(kind="payment", service="INIT")[0]
    assert record["validation"] == [] and record["response"] == answer


def test_init_with_a_wrong_hash_or_partner_is_refused(base_url, nps):
    tampered = init_message(ref="REF-BAD")
    tampered["SoTien"] = "5000"  # changed after hashing
    assert _post(base_url, tampered)["MaLoi"] == "07"
    assert _post(base_url, init_message(ref="REF-BAD", secret="wrong"))["MaLoi"] == "07"
    assert _post(base_url, init_message(ref="REF-BAD", partner="KHAC"))["MaLoi"] == "05"
    assert _post(base_url, query_message("REF-BAD"))["MaLoi"] == "02"  # nothing was started


def test_query_follows_the_payment_through_its_states(base_url, nps, fake_target):
    _post(base_url, init_message(ref="REF-Q", callback=f"{fake_target.url}/callback"))
    pending = _post(base_url, query_message("REF-Q"))
    assert (pending["MaLoi"], pending["TrangThaiGD"], pending["SoTien"]) == ("00", "0", "50000")
    bad_query = {**query_message("REF-Q"), "MaXacThuc": "0" * 64}
    assert _post(base_url, bad_query)["MaLoi"] == "07"

    result = nps.complete_payment("REF-Q")
    paid = _post(base_url, query_message("REF-Q"))
    assert (paid["TrangThaiGD"], paid["MaGiaoDich"]) == ("1", result["MaGiaoDich"])
    assert _post(base_url, init_message(ref="REF-Q"))["MaLoi"] == "08"  # paid references are final

    _post(base_url, init_message(ref="REF-F", callback=f"{fake_target.url}/callback"))
    failed = nps.complete_payment("REF-F", outcome="failed")
    assert failed["confirm"]["MaLoi"] == "01"
    assert _post(base_url, query_message("REF-F"))["TrangThaiGD"] == "2"


def test_completing_sends_a_correct_confirm_and_reports_the_callback(base_url, nps, fake_target):
    _post(base_url, init_message(ref="REF-C", amount="75000", callback=f"{fake_target.url}/callback"))
    result = nps.complete_payment("REF-C")
    confirm = fake_target.confirms[0]
    assert confirm == result["confirm"]
    assert confirm["LoaiBanTin"] == "CONFIRM" and confirm["MaLoi"] == "00" and confirm["SoTien"] == "75000"
    assert is_valid(confirm, SECRET, "CONFIRM")
    assert result["callback"]["http_status"] == 200 and result["callback"]["body"] == {"MaLoi": "00"}
    record = nps.records(kind="payment", service="CONFIRM")[0]
    assert record["direction"] == "outbound" and record["validation"] == []
    assert record["response"]["body"] == {"MaLoi": "00"}
    again = nps.complete_payment("REF-C")  # a resend carries the same confirmation
    assert again["resent"] and again["confirm"] == confirm and len(fake_target.confirms) == 2


def test_an_unreachable_callback_is_reported_not_raised(base_url, nps):
    _post(base_url, init_message(ref="REF-X", callback="http://127.0.0.1:9/callback"))
    result = nps.complete_payment("REF-X")
    assert result["TrangThaiGD"] == "1" and "error" in result["callback"]
    with pytest.raises(Exception, match="404"):
        nps.complete_payment("REF-NEVER-STARTED")


@pytest.mark.browser
def test_the_payment_page_confirms_and_returns_the_citizen(base_url, nps, fake_target, page):
    from axe_playwright_python.sync_playwright import Axe

    answer = _post(base_url, init_message(ref="REF-WEB", amount="75000", callback=f"{fake_target.url}/callback",
                                          return_url=f"{fake_target.url}/back?ho-so=1"))
    page.goto(answer["UrlThanhToan"])
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", level=1).inner_text() == "Thanh toán phí, lệ phí"
    assert "75.000 đồng" in page.locator("#so-tien").inner_text()
    assert "000.00.00.H29-261124-0001" in page.inner_text("main")
    assert Axe().run(page).violations_count == 0  # accessible: axe-core finds nothing
    page.get_by_role("button", name="Xác nhận thanh toán").click()
    page.wait_for_url(f"{fake_target.url}/back?ho-so=1")
    assert "Đã quay lại" in page.inner_text("h1")
    assert fake_target.confirms and is_valid(fake_target.confirms[0], SECRET, "CONFIRM")
    record = nps.records(kind="payment", service="CONFIRM")[0]
    assert record["via"] == "browser" and record["response"]["body"] == {"MaLoi": "00"}
    assert _post(base_url, query_message("REF-WEB"))["TrangThaiGD"] == "1"


def test_the_payment_page_of_an_unknown_reference_is_a_404(base_url, nps):
    reply = requests.get(f"{base_url}/payment/pay/KHONG-CO", timeout=10)
    assert reply.status_code == 404 and "Không tìm thấy giao dịch" in reply.text
