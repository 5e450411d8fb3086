"""Proofs of the security_sweep checks: each judge passes on the clean refportal's recording and
fails on the same recording with one fault in it (the refportal defects the matrix will switch on)."""
import pytest

from harness import Inconclusive
from suites.security import judges

from .recordings import first, recorded

HSTS_MIN = 15552000


@pytest.fixture
def sweep():
    return recorded("security_sweep")


def logged_in_page(obs):
    return first(obs["pages"], logged_in=True)


# --- security.headers -------------------------------------------------------------------------
def test_headers_pass_on_the_clean_recording(sweep):
    judges.headers(sweep, HSTS_MIN)


@pytest.mark.proves("security.headers")
@pytest.mark.parametrize("header, value, message", [
    ("strict-transport-security", None, "no HSTS header"),
    ("strict-transport-security", "max-age=86400", "below the edition's minimum"),
    ("x-content-type-options", None, "missing nosniff"),
    ("content-security-policy", None, "no CSP"),
])
def test_headers_fail_when_a_page_lacks_one(sweep, header, value, message):
    headers = logged_in_page(sweep)["headers"]
    headers.pop(header)
    if value is not None:
        headers[header] = value
    with pytest.raises(AssertionError, match=message):
        judges.headers(sweep, HSTS_MIN)


@pytest.mark.proves("security.headers")
def test_headers_fail_without_any_framing_restriction(sweep):
    headers = sweep["pages"][0]["headers"]
    headers.pop("x-frame-options")
    headers["content-security-policy"] = "default-src 'self'"
    with pytest.raises(AssertionError, match="no framing restriction"):
        judges.headers(sweep, HSTS_MIN)
    headers["content-security-policy"] = "default-src 'self'; frame-ancestors 'none'"
    judges.headers(sweep, HSTS_MIN)  # CSP frame-ancestors is enough


def test_headers_cannot_decide_without_a_logged_in_page(sweep):
    sweep["pages"] = [p for p in sweep["pages"] if not p["logged_in"]]
    with pytest.raises(Inconclusive, match="no logged-in page"):
        judges.headers(sweep, HSTS_MIN)


# --- security.cookies -------------------------------------------------------------------------
def test_cookies_pass_on_the_clean_recording(sweep):
    judges.cookies(sweep)


@pytest.mark.proves("security.cookies")
@pytest.mark.parametrize("flag, value, message", [
    ("http_only", False, "HttpOnly"), ("secure", False, "Secure"), ("same_site", None, "SameSite"),
    ("same_site", "None", "SameSite"),
])
def test_cookies_fail_when_the_session_cookie_lacks_a_flag(sweep, flag, value, message):
    first(sweep["cookies"], name="rp_session", source="browser login")[flag] = value
    with pytest.raises(AssertionError, match=f"rp_session .*{message}"):
        judges.cookies(sweep)


def test_a_cookie_set_before_login_and_not_named_like_a_session_is_not_judged(sweep):
    first(sweep["cookies"], name="rp_csrf")["http_only"] = False  # a CSRF cookie a page script may read
    judges.cookies(sweep)


def test_cookies_cannot_decide_when_no_session_cookie_is_seen(sweep):
    sweep["cookies"] = [c for c in sweep["cookies"] if c["name"] != "rp_session"]
    with pytest.raises(Inconclusive, match="no session cookie"):
        judges.cookies(sweep)


# --- security.https_redirect ------------------------------------------------------------------
def test_https_redirect_passes_when_plain_http_is_refused_or_redirected(sweep):
    judges.https_redirect(sweep)
    sweep["http"][0].update(outcome="redirect", status=301, location="https://127.0.0.1/")
    judges.https_redirect(sweep)


@pytest.mark.proves("security.https_redirect")
def test_https_redirect_fails_when_plain_http_serves_content(sweep):
    sweep["http"][0].update(outcome="content", status=200, error=None)
    with pytest.raises(AssertionError, match="content served over plain HTTP"):
        judges.https_redirect(sweep)


@pytest.mark.proves("security.https_redirect")
def test_https_redirect_fails_when_the_redirect_stays_on_http(sweep):
    sweep["http"][0].update(outcome="redirect", status=302, location="http://127.0.0.1/dang-nhap")
    with pytest.raises(AssertionError, match="does not go to HTTPS"):
        judges.https_redirect(sweep)


# --- security.error_pages ---------------------------------------------------------------------
def test_error_pages_pass_on_the_clean_recording(sweep):
    judges.error_pages(sweep)


@pytest.mark.proves("security.error_pages")
@pytest.mark.parametrize("body, headers, message", [
    ('Traceback (most recent call last):\n  File "/srv/refportal/app.py", line 12, in page', {}, "stack trace"),
    ("sqlite3.OperationalError: near \"'\": syntax error", {}, "SQL"),
    ("<p>Lỗi</p>", {"server": "uvicorn/0.29.0"}, "server version"),
    ("<p>Lỗi</p>", {"x-powered-by": "Express"}, "framework"),
    ("<address>Apache/2.4.57 (Debian) Server at 127.0.0.1</address>", {}, "version"),
])
def test_error_pages_fail_when_an_answer_shows_internals(sweep, body, headers, message):
    probe = first(sweep["error_answers"], status=404)
    probe["body"] += body
    probe["headers"].update(headers)
    with pytest.raises(AssertionError, match=message):
        judges.error_pages(sweep)


# --- security.role_access ---------------------------------------------------------------------
def test_role_access_passes_on_the_clean_recording(sweep):
    judges.role_access(sweep)


@pytest.mark.proves("security.role_access")
@pytest.mark.parametrize("who", ["anonymous", "citizen"])
def test_role_access_fails_when_the_audit_log_opens_to_the_wrong_people(sweep, who):
    first(sweep["protected"], target="get_audit_log", **{"as": who})["status"] = 200
    with pytest.raises(AssertionError, match=f"get_audit_log .* as {who}: HTTP 200"):
        judges.role_access(sweep)


def test_a_login_page_instead_of_the_content_counts_as_refused(sweep):
    first(sweep["protected"], target="list_dossiers", **{"as": "anonymous"}).update(status=200, login_form=True)
    judges.role_access(sweep)


def test_role_access_cannot_decide_when_the_rightful_role_is_refused_too(sweep):
    first(sweep["protected"], target="get_audit_log", expect="allowed")["status"] = 500
    with pytest.raises(Inconclusive, match="rightful role is refused too"):
        judges.role_access(sweep)
