"""security.csrf (suites/security/csrf.py, judges_csrf.py): forged copies of a logged-in citizen's
own form post are refused. The row below has the shape a clean refportal run records (its e-form
submission: a multipart POST answered 303 to the new dossier's receipt; both forged copies 403);
the end-to-end proof is the defect matrix's `csrf-unchecked` row."""
from __future__ import annotations

import json

import pytest

from harness import Inconclusive
from suites.security import csrf
from suites.security.judges_csrf import csrf as judge

REAL = {"status": 303, "location": "/ho-so/000.00.10.H29-261207-0002/bien-nhan",
        "location_shape": "/ho-so/#.#.#.H#-#-#/bien-nhan", "text": ""}
REFUSED = {"status": 403, "location": None, "location_shape": None, "text": "CSRF token missing or wrong", "error": None}


def observations(*forged: dict, real: dict = REAL) -> dict:
    row = {"method": "POST", "url": "https://portal.example/nop-ho-so/1.001233.000.00.00.H29",
           "path_shape": "/nop-ho-so/#.#.#.#.#.H#", "protection_fields": ["csrf_token"], "protection_headers": [],
           "real": real, "forged": [dict(f) for f in forged]}
    return {"browser": {"errors": [], "forged_posts": [row]}}


def forged(variant: str = "no_token", **answer) -> dict:
    return {"variant": variant, **REFUSED, **answer}


def test_forged_copies_refused_pass():
    judge(observations(forged("no_token"), forged("wrong_token")))


@pytest.mark.proves("security.csrf")
def test_a_forged_copy_answered_like_the_real_post_fails_naming_the_request():
    accepted = forged("no_token", status=303, location="/ho-so/000.00.10.H29-261207-0003/bien-nhan",
                      location_shape="/ho-so/#.#.#.H#-#-#/bien-nhan", text="")
    with pytest.raises(AssertionError, match=r"POST /nop-ho-so/1.001233.000.00.00.H29 \(no_token\).*303 → /ho-so/000.00.10.H29-261207-0003/bien-nhan"):
        judge(observations(accepted, forged("wrong_token")))


@pytest.mark.proves("security.csrf")
def test_a_wrong_token_accepted_fails_even_when_a_missing_one_is_refused():
    accepted = forged("wrong_token", status=303, location=REAL["location"], location_shape=REAL["location_shape"], text="")
    with pytest.raises(AssertionError, match="wrong_token"):
        judge(observations(forged("no_token"), accepted))


@pytest.mark.proves("security.csrf")
def test_a_server_error_or_a_redirect_back_to_the_forging_page_is_error_not_a_refusal():
    """Neither says the change was not made: a 500 may come half-way through it, and a server that
    sends its visitor back to the Referer does so whether it took the post or not."""
    for answer in ({"status": 500, "text": "Internal Server Error"},
                   {"status": 302, "location": csrf.FOREIGN_ORIGIN + "/", "location_shape": "/", "text": ""}):
        with pytest.raises(Inconclusive, match="cannot tell"):
            judge(observations(forged("no_token", **answer), forged("wrong_token")))


@pytest.mark.parametrize("status", [408, 421, 425, 429])
def test_a_forged_copy_that_was_not_processed_is_error_not_a_refusal(status):
    """A rate limit answered to the forged copy says nothing of the anti-forgery token."""
    with pytest.raises(Inconclusive, match=f"no_token\\): .*{status}"):
        judge(observations(forged("no_token", status=status, text="Too Many Requests"), forged("wrong_token")))


def test_a_redirect_elsewhere_or_the_form_again_is_a_refusal():
    to_login = forged("no_token", status=302, location="/dang-nhap?next=/nop-ho-so", location_shape="/dang-nhap", text="")
    form_again = forged("wrong_token", status=200, text="<form>Biểu mẫu đã hết hạn, vui lòng tải lại trang</form>")
    judge(observations(to_login, form_again))


@pytest.mark.proves("security.csrf")
def test_a_page_answered_to_both_is_accepted_when_it_is_the_same_page_and_unclear_otherwise():
    real = {"status": 200, "location": None, "location_shape": None, "text": "Đã nộp hồ sơ 000.00.10.H29-261207-0002"}
    same = forged("no_token", status=200, text="Đã nộp hồ sơ 000.00.10.H29-261207-0003")
    with pytest.raises(AssertionError, match="forged requests"):
        judge(observations(same, real=real))
    other = forged("no_token", status=200, text="Vui lòng thử lại")
    with pytest.raises(Inconclusive, match="cannot tell"):
        judge(observations(other, real=real))


@pytest.mark.proves("security.csrf")
def test_nothing_seen_or_no_answer_is_error_never_pass():
    with pytest.raises(Inconclusive, match="no state-changing request"):
        judge({"browser": {"errors": ["submit_online journey: TimeoutError"]}})
    with pytest.raises(Inconclusive, match="no state-changing request"):
        judge({"browser": {"errors": [], "forged_posts": []}})
    silent = forged("no_token", status=None, text="", error="TimeoutError: fetch timed out")
    with pytest.raises(Inconclusive, match="TimeoutError"):
        judge(observations(silent, forged("wrong_token")))
    with pytest.raises(Inconclusive, match="real request was not accepted"):
        judge(observations(forged("no_token"), real={**REAL, "status": 500}))


# ------------------------------------------------------------------------- the forged copies

BOUNDARY = "----dokiem"


def multipart(**fields: str) -> bytes:
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()


def test_a_multipart_post_is_forged_without_and_with_a_wrong_token():
    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}", "cookie": "rp_session=abc",
               "origin": "https://portal.example", ":authority": "portal.example"}
    body = multipart(csrf_token="REAL-TOKEN-123", ghi_chu="dokiem")
    assert csrf.token_fields(headers["content-type"], body) == ["csrf_token"]
    (none, h1, b1), (wrong, h2, b2) = csrf.variants(headers, body)
    assert (none, wrong) == ("no_token", "wrong_token")
    for h, b in ((h1, b1), (h2, b2)):
        assert "REAL-TOKEN-123" not in b.decode() and 'name="ghi_chu"\r\n\r\ndokiem' in b.decode()
        assert h["origin"] == csrf.FOREIGN_ORIGIN and "cookie" not in h and ":authority" not in h
    assert 'name="csrf_token"\r\n\r\n\r\n' in b1.decode()  # emptied
    assert len(b2.decode().split('name="csrf_token"\r\n\r\n')[1].split("\r\n")[0]) == 32  # another value


def test_form_json_and_header_tokens_are_found_and_replaced():
    form = b"csrfmiddlewaretoken=T1&ghi_chu=x"
    assert csrf.token_fields("application/x-www-form-urlencoded", form) == ["csrfmiddlewaretoken"]
    assert csrf.with_token("application/x-www-form-urlencoded", form, ["csrfmiddlewaretoken"], None) == b"ghi_chu=x"
    data = json.dumps({"_token": "T2", "note": "x"}).encode()
    assert json.loads(csrf.with_token("application/json", data, ["_token"], "W")) == {"_token": "W", "note": "x"}
    (none, headers, body), (wrong, forged_headers, _) = csrf.variants(
        {"content-type": "application/json", "x-csrf-token": "T3", "authorization": "Bearer abc",
         "x-requested-with": "XMLHttpRequest"}, b'{"note": "x"}')
    # a hostile page cannot set these headers, nor send JSON as JSON without a preflight
    for h in (headers, forged_headers):
        assert not {"x-csrf-token", "authorization", "x-requested-with"} & set(h) and h["content-type"] == "text/plain"
    assert body == b'{"note": "x"}'


def test_a_request_with_no_token_at_all_is_sent_as_it_was_from_a_foreign_origin():
    (variant, headers, body), = csrf.variants({"content-type": "application/x-www-form-urlencoded"}, b"ghi_chu=x")
    assert variant == "as_sent" and body == b"ghi_chu=x" and headers["referer"].startswith(csrf.FOREIGN_ORIGIN)


def test_one_request_of_each_kind_is_forged():
    class Request:
        def __init__(self, method, url, resource_type="document"):
            self.method, self.url, self.resource_type = method, url, resource_type

    recorder = csrf.PostRecorder.__new__(csrf.PostRecorder)
    recorder.hosts = {"portal.example"}
    recorder.requests = []
    for method, url in [("POST", "https://portal.example/nop-ho-so/1.001"), ("GET", "https://portal.example/"),
                        ("POST", "https://portal.example/nop-ho-so/2.002"), ("POST", "https://cdn.example/log"),
                        ("DELETE", "https://portal.example/ho-so/7")]:
        recorder._seen(Request(method, url, "fetch" if method == "DELETE" else "document"))
    recorder._seen(Request("POST", "https://portal.example/thong-ke-truy-cap", "ping"))  # a beacon: not the citizen's
    assert [(r.method, r.url) for r in recorder.distinct()] == [
        ("POST", "https://portal.example/nop-ho-so/1.001"), ("DELETE", "https://portal.example/ho-so/7")]
    assert len(recorder.requests) == 3  # the GET and the third party's request are not kept


def test_a_forged_copy_refused_with_http_200_and_the_outcome_in_the_body_is_refused():
    """The profile's envelope rule reads the forged answers as it reads an operation's answer."""
    class Answer:
        status, headers = 200, {}

        def text(self):
            return json.dumps({"success": False, "code": 403, "message": "Sai mã chống giả mạo"})

    rule = {"refused_when": "success == `false`", "status": "code"}
    forged = {"variant": "no_token", **csrf._answer(Answer(), rule), "error": None}
    assert forged["status"] == 403 and "HTTP 200" in forged["refused_in_body"]
    judge(observations(forged, real={**REAL, "status": 200, "location": None, "text": '{"success": true}'}))
    assert csrf._answer(Answer())["status"] == 200  # without the rule: a 200 whose text differs, unclear
