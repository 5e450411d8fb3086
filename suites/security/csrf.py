"""Forged form posts (OWASP ASVS 4.0.3 V4.2.2: a strong anti-CSRF mechanism protects authenticated
functionality).

While a logged-in citizen's browser drives a journey that changes something (the e-form
submission), every state-changing request the browser sends to the target is recorded. Each
distinct one is then sent again from the same browser context (its cookies ride along, as they
would on a forged request a hostile page makes the citizen's browser send) with a foreign Origin
and Referer, and
- `no_token`: without the anti-CSRF token (the field emptied or left out);
- `wrong_token`: with a token in the body that is not the one the target issued;
- `as_sent`: unchanged, when the request carries no recognisable token at all;
and only with what a hostile page can make a browser send cross-site without asking first: the
cookies, the simple headers (never Authorization, nor a token header) and a simple body type (a
JSON body goes as text/plain). A bearer-token API is therefore refused for want of its token,
as it would be: it is not open to forgery.
The target must refuse every forged copy. The judge (suites/security/judges_csrf.py) compares each
answer with the answer to the real request: the same kind of answer (the same redirect, or the same
page) is a forged post accepted.
"""
from __future__ import annotations

import json
import re
import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit

from harness import envelope

FOREIGN_ORIGIN = "https://dokiem-csrf.invalid"
TOKEN_NAME = re.compile(r"csrf|xsrf|authenticity_token|requestverificationtoken|anti.?forgery|^_token$", re.I)
# What a hostile page can make a browser send to another site without asking it first (no CORS
# preflight): these headers and these body types. Cookies ride along on their own; an Authorization
# header or a custom one (X-CSRF-Token, X-Requested-With) cannot be forged, so they are left out.
SIMPLE_HEADERS = {"accept", "accept-language", "content-language", "content-type", "user-agent"}
SIMPLE_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
SENDERS = {"document", "xhr", "fetch"}  # a form, or a page's script; not a beacon or a ping the browser sends alone
MAX_POSTS = 4       # distinct requests replayed: one of each kind is the probe, not a load
MAX_BODY = 2_000    # characters of an answer kept for the evidence


class PostRecorder:
    """The state-changing requests a browser context sends to the target's hosts, from now on."""

    def __init__(self, context, hosts: set[str]):
        self.hosts, self.requests = hosts, []
        context.on("requestfinished", self._seen)

    def _seen(self, request) -> None:
        if (request.method.upper() in STATE_CHANGING and request.resource_type in SENDERS
                and urlsplit(request.url).netloc in self.hosts):
            self.requests.append(request)  # read after the journey: no calls back into Playwright here

    def distinct(self) -> list:
        """One request per (method, path shape), in the order sent."""
        kept, seen = [], set()
        for request in self.requests:
            key = (request.method.upper(), shape(urlsplit(request.url).path))
            if key not in seen:
                seen.add(key)
                kept.append(request)
        return kept[:MAX_POSTS]


def shape(path: str | None) -> str:
    """A path with its numbers masked: the answer to a forged post names another new record."""
    return re.sub(r"[0-9]+", "#", path or "")


def token_fields(content_type: str, body: bytes) -> list[str]:
    """Names of the body's fields that carry an anti-CSRF token."""
    text = body.decode("utf-8", "replace")
    if "x-www-form-urlencoded" in content_type:
        names = [name for name, _ in parse_qsl(text, keep_blank_values=True)]
    elif "multipart/form-data" in content_type:
        names = re.findall(r'name="([^"]+)"\r\n(?:[^\r\n]+\r\n)*\r\n', text)
    elif "json" in content_type:
        try:
            data = json.loads(text)
        except ValueError:
            return []
        names = list(data) if isinstance(data, dict) else []
    else:
        return []
    return sorted({name for name in names if TOKEN_NAME.search(name)})


def with_token(content_type: str, body: bytes, fields: list[str], value: str | None) -> bytes:
    """The body with each token field set to `value` (None: left out, or emptied in a multipart body)."""
    text = body.decode("utf-8", "replace")
    if "x-www-form-urlencoded" in content_type:
        pairs = [(k, v) for k, v in parse_qsl(text, keep_blank_values=True) if k not in fields or value is not None]
        return urlencode([(k, value if k in fields else v) for k, v in pairs]).encode()
    if "multipart/form-data" in content_type:
        for name in fields:
            text = re.sub(rf'(name="{re.escape(name)}"\r\n(?:[^\r\n]+\r\n)*\r\n)[^\r\n]*', lambda m: m.group(1) + (value or ""), text)
        return text.encode("utf-8")
    if "json" in content_type:
        data = json.loads(text)
        for name in fields:
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        return json.dumps(data).encode()
    return body


def variants(headers: dict, body: bytes) -> list[tuple[str, dict, bytes]]:
    """(name, headers, body) of each forged copy of one request."""
    content_type = headers.get("content-type", "")
    fields = token_fields(content_type, body)
    token_headers = [name for name in headers if TOKEN_NAME.search(name)]
    base = {k: v for k, v in headers.items() if k.lower() in SIMPLE_HEADERS}
    if content_type and not content_type.lower().startswith(SIMPLE_TYPES):
        base["content-type"] = "text/plain"  # a JSON body, as a hostile page can send it without a preflight
    base.update(origin=FOREIGN_ORIGIN, referer=FOREIGN_ORIGIN + "/")
    if not fields and not token_headers:
        return [("as_sent", base, body)]
    wrong = secrets.token_hex(16)
    return [("no_token", base, with_token(content_type, body, fields, None)),
            ("wrong_token", base, with_token(content_type, body, fields, wrong))]


def _answer(response, rule: dict | None = None) -> dict:
    """Status, redirect and text of an answer. With the profile's envelope rule (harness/envelope.py),
    a 2xx whose JSON body refuses carries the status the body states, as an operation's answer does."""
    status = response.status
    location = response.headers.get("location")
    try:
        text = response.text() if not 300 <= status < 400 else ""
    except Exception:  # a body that is not text: its status and redirect are the answer
        text = ""
    answer = {"status": status, "location": location, "text": text[:MAX_BODY],
              "location_shape": shape(urlsplit(location).path) if location else None}
    if rule and text:
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        stated, note = envelope.read(rule, status, data)
        if note:
            answer.update(status=stated, refused_in_body=note)
    return answer


def forge(context, recorder: PostRecorder, timeout_ms: int, limiter=None, rule: dict | None = None) -> list[dict]:
    """Send the forged copies of each recorded request; one row per request with its real answer and
    what each forged copy got (each read with the profile's envelope `rule`, if any)."""
    rows = []
    for request in recorder.distinct():
        response = request.response()
        headers = request.all_headers()
        body = request.post_data_buffer or b""
        row = {"method": request.method.upper(), "url": request.url, "path_shape": shape(urlsplit(request.url).path),
               "protection_fields": token_fields(headers.get("content-type", ""), body),
               "protection_headers": sorted(n for n in headers if TOKEN_NAME.search(n)),
               "real": _answer(response, rule) if response is not None else None, "forged": []}
        for name, forged_headers, forged_body in variants(headers, body):
            if limiter is not None:
                limiter.wait()  # the run's rate limit binds these too
            try:
                answer = _answer(context.request.fetch(request.url, method=row["method"], headers=forged_headers,
                                                       data=forged_body, max_redirects=0, timeout=timeout_ms,
                                                       fail_on_status_code=False), rule)
                row["forged"].append({"variant": name, **answer, "error": None})
            except Exception as exc:  # no answer: the row says so, the judge cannot count it as refused
                row["forged"].append({"variant": name, "status": None, "location": None, "location_shape": None,
                                      "text": "", "error": f"{type(exc).__name__}: {exc}"[:300]})
        rows.append(row)
    return rows
