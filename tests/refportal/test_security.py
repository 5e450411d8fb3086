"""Security: lockout, password policy, CSRF, session end, headers, cookie flags, error pages
without internals, injection inputs, the audit log."""
from __future__ import annotations

import re

import pytest

from tests.refportal.conftest import ACCOUNTS, LEVEL3

LEAKS = re.compile(r"traceback|uvicorn|starlette|fastapi|pydantic|sqlite|python|/work/|site-packages|\.py\b", re.I)


def test_lockout_after_five_failures_even_with_right_password(portal, admin):
    http = portal.session()
    login = lambda password: http.post(portal.url + "/api/auth/login",  # noqa: E731
                                       json={"username": "congdan_khoa", "password": password})
    answers = [login("SaiMatKhau@1") for _ in range(5)]
    assert [a.status_code for a in answers] == [401] * 5
    locked = login(ACCOUNTS["congdan_khoa"]["password"])
    assert locked.status_code == 423 and "khóa" in locked.json()["error"]
    entries = [e for e in admin.get("/api/admin/audit-log").json()["items"] if e["user"] == "congdan_khoa"]
    failed = [e for e in entries if e["action"] == "login" and not e["success"]]
    assert len(failed) == 5 and all(e["ip"] == "127.0.0.1" and e["time"] for e in failed)


def test_wrong_password_and_unknown_account_answer_alike(portal):
    http = portal.session()
    wrong = http.post(portal.url + "/api/auth/login", json={"username": "congdan3", "password": "Sai@12345"})
    unknown = http.post(portal.url + "/api/auth/login", json={"username": "khong_co_ai", "password": "Sai@12345"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert http.post(portal.url + "/api/auth/login", json={"username": "congdan3",
                                                           "password": ACCOUNTS["congdan3"]["password"]}).status_code == 200


@pytest.mark.parametrize("password", ["Ng@n1", "chicochu", "12345678901", "KhongCoSo!!", "KhongKyTu123"])
def test_weak_passwords_refused(portal, password):
    answer = portal.session().post(portal.url + "/api/auth/register", json={
        "username": "congdan_yeu", "password": password, "full_name": "Người Thử"})
    assert answer.status_code == 422 and "Mật khẩu" in answer.json()["error"]


def test_register_strong_password_then_login_and_duplicate(portal):
    body = {"username": "congdan_moi", "password": "Manh@Me2026", "full_name": "Đinh Thị Hoa", "email": "hoa@mail.test",
            "phone": "0987654321", "id_number": "001199012345", "birth_date": "1999-05-06", "address": "Hòa Lạc"}
    http = portal.session()
    created = http.post(portal.url + "/api/auth/register", json=body)
    assert created.status_code == 201 and created.json()["username"] == "congdan_moi"
    assert portal.login("congdan_moi", "Manh@Me2026")
    assert http.post(portal.url + "/api/auth/register", json=body).status_code == 409


def test_logout_ends_the_session(portal):
    token = portal.login("congdan3")
    http = portal.session(token)
    assert http.get(portal.url + "/api/me/dossiers").status_code == 200
    assert http.post(portal.url + "/api/auth/logout").status_code == 200
    assert http.get(portal.url + "/api/me/dossiers").status_code == 401


def test_session_cookie_flags(portal):
    answer = portal.session().post(portal.url + "/api/auth/login",
                                   json={"username": "congdan3", "password": ACCOUNTS["congdan3"]["password"]})
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("rp_session=")
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite=lax"} <= flags


def test_csrf_refused_without_token(portal):
    browser = portal.session()
    page = browser.get(portal.url + "/phan-anh")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert "rp_csrf" in browser.cookies
    form = {"title": "Đường ngập", "content": "Đường trước trụ sở ngập nước"}
    refused = browser.post(portal.url + "/phan-anh", data=form, allow_redirects=False)
    assert refused.status_code == 403
    forged = browser.post(portal.url + "/phan-anh", data={**form, "csrf_token": "gia-mao"}, allow_redirects=False)
    assert forged.status_code == 403
    accepted = browser.post(portal.url + "/phan-anh", data={**form, "csrf_token": token}, allow_redirects=False)
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/phan-anh/PAKN-")
    login = browser.post(portal.url + "/dang-nhap", data={"username": "congdan3",
                                                          "password": ACCOUNTS["congdan3"]["password"]},
                         allow_redirects=False)
    assert login.status_code == 403


def test_cookie_authenticated_api_call_needs_csrf_header(portal):
    browser = portal.session()
    browser.post(portal.url + "/api/auth/login", json={"username": "congdan3", "password": ACCOUNTS["congdan3"]["password"]})
    files = [("files", ("a.pdf", b"%PDF", "application/pdf"))]
    data = {"procedure_code": LEVEL3, "form_data": "{}"}
    assert browser.get(portal.url + "/api/me/dossiers").status_code == 200        # reading is fine
    assert browser.post(portal.url + "/api/dossiers", data=data, files=files).status_code == 403
    browser.get(portal.url + "/tra-cuu")                                           # a page gives the CSRF cookie
    header = {"X-CSRF-Token": browser.cookies["rp_csrf"]}
    assert browser.post(portal.url + "/api/dossiers", data=data, files=files, headers=header).status_code == 201


@pytest.mark.parametrize("path", ["/", "/thu-tuc", "/api/procedures", "/khong-co-trang-nay", "/static/style.css",
                                  "/openapi.json", "/healthz"])
def test_security_headers_everywhere(portal, path):
    headers = portal.get(path).headers
    hsts = re.search(r"max-age=(\d+)", headers["strict-transport-security"])
    assert hsts and int(hsts.group(1)) >= 15552000
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"]
    assert "server" not in headers


def test_security_headers_on_logged_in_pages(portal):
    browser = portal.session()
    browser.post(portal.url + "/api/auth/login", json={"username": "congdan3", "password": ACCOUNTS["congdan3"]["password"]})
    answer = browser.get(portal.url + "/ho-so-cua-toi")
    assert answer.status_code == 200 and "Hồ sơ của tôi" in answer.text
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def test_error_pages_disclose_nothing(portal):
    http = portal.session()
    page = http.get(portal.url + "/khong-co-trang-nay")
    assert page.status_code == 404 and 'lang="vi"' in page.text and not LEAKS.search(page.text)
    api = http.get(portal.url + "/api/khong-co")
    assert api.status_code == 404 and api.json()["error"]
    malformed = http.post(portal.url + "/api/auth/login", data=b"{not json", headers={"content-type": "application/json"})
    assert malformed.status_code == 422 and not LEAKS.search(malformed.text) and "errors.pydantic" not in malformed.text
    wrong_method = http.delete(portal.url + "/api/procedures")
    assert wrong_method.status_code == 405 and not LEAKS.search(wrong_method.text)
    bad_param = http.get(portal.url + "/api/procedures", params={"level": "'; DROP TABLE"})
    assert bad_param.status_code == 422 and not LEAKS.search(bad_param.text)


def test_unexpected_errors_answer_without_internals():
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from starlette.requests import Request

    from refportal import errors

    request = Request({"type": "http", "method": "GET", "path": "/api/x", "headers": [], "query_string": b""})
    coroutine = errors.unexpected_error(request, RuntimeError("secret /work/db.sqlite3 detail"))
    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API may already run a loop in this thread
        answer = pool.submit(asyncio.run, coroutine).result(timeout=10)
    assert answer.status_code == 500
    assert b"secret" not in answer.body and not LEAKS.search(answer.body.decode())


def test_injection_inputs_are_inert(portal):
    plain = portal.get("/api/procedures", params={"q": "khongcothutucnaydau"}).json()
    for payload in ("' OR '1'='1", "\" OR 1=1 --", "%' UNION SELECT password_hash FROM users --", "_%"):
        answer = portal.get("/api/procedures", params={"q": payload})
        assert answer.status_code == 200 and answer.json()["total"] == plain["total"] == 0
        assert portal.get("/api/lookup/" + payload.replace("/", "")).status_code == 404
    marker = "<script>alert('x')</script>"
    page = portal.get("/thu-tuc", params={"q": marker})
    assert marker not in page.text and "&lt;script&gt;" in page.text
    lookup = portal.get("/tra-cuu", params={"ma": marker})
    assert marker not in lookup.text
    code = portal.session().post(portal.url + "/api/feedback", json={"title": marker, "content": marker}).json()["tracking_code"]
    view = portal.get(f"/phan-anh/{code}")
    assert marker not in view.text and "&lt;script&gt;" in view.text


def test_audit_log_records_dossier_actions(admin, citizen, officer, specialist, leader):
    code = citizen.submit(LEVEL3)["code"]
    officer.step(code, "receive")
    specialist.step(code, "process")
    leader.step(code, "approve")
    officer.step(code, "return")
    items = admin.get("/api/admin/audit-log").json()["items"]
    assert any(e["user"] == "motcua1" and e["action"] == "login" and e["success"] for e in items)
    done = {(e["user"], e["action"]) for e in items if e["target"] == code and e["success"] and e["time"] and e["ip"]}
    assert done == {("congdan1", "dossier_submit"), ("motcua1", "dossier_receive"), ("chuyenvien1", "dossier_process"),
                    ("lanhdao1", "dossier_approve"), ("motcua1", "dossier_return")}
