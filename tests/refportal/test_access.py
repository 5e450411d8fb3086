"""Citizen A's dossier stays A's: citizen B can neither read, download, supplement, rate, pay,
withdraw nor message it, by API or by changing identifiers in page URLs; the anonymous lookup
shows the status and never personal data."""
from __future__ import annotations

import pytest

from tests.refportal.conftest import ACCOUNTS, LEVEL4_WITH_FEE


@pytest.fixture(scope="module")
def finished(citizen, officer, specialist, leader):
    code = citizen.submit(LEVEL4_WITH_FEE, files={"to-khai.pdf": b"%PDF-1.4 bi mat cua A"})["code"]
    officer.step(code, "receive")
    specialist.step(code, "process")
    leader.step(code, "approve")
    return code


def test_citizen_b_cannot_touch_a_s_dossier(finished, citizen, citizen_b):
    code = finished
    attachment_id = citizen.dossier(code)["attachments"][0]["id"]
    refused = {
        "read": citizen_b.get(f"/api/dossiers/{code}"),
        "result": citizen_b.get(f"/api/dossiers/{code}/result"),
        "signature": citizen_b.get(f"/api/dossiers/{code}/result.sig"),
        "attachment": citizen_b.get(f"/api/dossiers/{code}/attachments/{attachment_id}"),
        "supplement": citizen_b.post(f"/api/dossiers/{code}/supplement", data={"note": "x"},
                                     files=[("files", ("x.pdf", b"%PDF", "application/pdf"))]),
        "rate": citizen_b.post(f"/api/dossiers/{code}/rate", json={"score": 1}),
        "withdraw": citizen_b.post(f"/api/dossiers/{code}/withdraw"),
        "pay": citizen_b.post(f"/api/dossiers/{code}/pay"),
        "message": citizen_b.post(f"/api/dossiers/{code}/messages", json={"text": "x"}),
    }
    for what, answer in refused.items():
        assert answer.status_code == 404, f"{what}: {answer.status_code}"
        assert "bi mat" not in answer.text and ACCOUNTS["congdan1"]["id_number"] not in answer.text, what
    # and A still can: the refusals above are about B, not a broken dossier
    assert citizen.get(f"/api/dossiers/{code}").status_code == 200
    assert citizen.get(f"/api/dossiers/{code}/result").status_code == 200
    assert citizen.get(f"/api/dossiers/{code}/attachments/{attachment_id}").content == b"%PDF-1.4 bi mat cua A"
    assert citizen.dossier(code)["rating"] is None and citizen.dossier(code)["status_label"] == "Đã có kết quả"


def test_citizen_b_cannot_open_a_s_pages(finished, portal, citizen_b):
    browser = portal.session()
    browser.post(portal.url + "/api/auth/login", json={"username": "congdan2",
                                                       "password": ACCOUNTS["congdan2"]["password"]})
    for path in (f"/ho-so/{finished}", f"/ho-so/{finished}/bien-nhan"):
        answer = browser.get(portal.url + path, allow_redirects=False)
        assert answer.status_code == 404, path
        assert ACCOUNTS["congdan1"]["full_name"] not in answer.text
    mine = browser.get(portal.url + "/ho-so-cua-toi").text
    assert finished not in mine


def test_anonymous_lookup_shows_status_without_personal_data(finished, portal):
    answer = portal.get(f"/api/lookup/{finished}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["code"] == finished and body["status_label"] == "Đã có kết quả" and body["appointment_date"]
    page = portal.get("/tra-cuu", params={"ma": finished})
    assert page.status_code == 200 and "Đã có kết quả" in page.text
    person = ACCOUNTS["congdan1"]
    for text in (answer.text, page.text):
        for secret in (person["id_number"], person["phone"], person["email"], person["address"], person["full_name"]):
            assert secret not in text
    assert "to-khai.pdf" not in page.text


def test_lookup_of_unknown_code(portal):
    answer = portal.get("/api/lookup/000.00.10.H29-200101-9999")
    assert answer.status_code == 404 and answer.json() == {"error": "Không tìm thấy hồ sơ"}
    page = portal.get("/tra-cuu", params={"ma": "000.00.10.H29-200101-9999"})
    assert page.status_code == 404 and "Không tìm thấy hồ sơ" in page.text


def test_anonymous_is_refused_everything_personal(finished, portal):
    anonymous = portal.session()
    for path in (f"/api/dossiers/{finished}", f"/api/dossiers/{finished}/result", "/api/me/dossiers"):
        answer = anonymous.get(portal.url + path)
        assert answer.status_code == 401 and answer.headers["content-type"].startswith("application/json")
    page = anonymous.get(portal.url + f"/ho-so/{finished}", allow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/dang-nhap?next=")
