"""Reading a target's answers the same way in every scenario: messages, refusals, markers, cookies."""
from __future__ import annotations

import datetime as dt
import json
import re
from http.cookies import SimpleCookie

LOCK_WORDS = re.compile(r"khóa|khoá|locked|lockout|thử lại sau|try again later|captcha|too many|quá nhiều", re.I)
TAGS = re.compile(r"<[^>]+>")
# 4xx answers that say the request was not processed at all, not that it was judged and refused:
# a timeout, a misdirected request (RFC 9110), "too early" (RFC 8470), a rate limit (RFC 6585). A
# weak password or a forged post answered 429 shows the rate limit, not the policy under test.
NOT_PROCESSED = frozenset({408, 421, 425, 429})


def around_today() -> dict[str, str]:
    """{"date_from": yesterday, "date_to": tomorrow} on the harness's clock, ISO dates: the window
    the date-filtered reads (get_audit_log) use to cover today."""
    today = dt.date.today()
    return {"date_from": (today - dt.timedelta(days=1)).isoformat(),
            "date_to": (today + dt.timedelta(days=1)).isoformat()}


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message; its type's name when the message is empty."""
    lines = str(exc).splitlines()
    return lines[0] if lines else type(exc).__name__


def run_suffix(run_id: str) -> str:
    """The random tail of a run id (`20261125-101500-ab12cd` -> `ab12cd`), lower-case letters and digits."""
    tail = re.sub(r"[^a-z0-9]", "", run_id.lower().rsplit("-", 1)[-1])
    return tail[-6:] or "000000"


def message_of(content: bytes | str | None, data=None) -> str:
    """The human-readable message of an answer: a JSON error field, else its visible text."""
    if data is None and content:
        try:
            data = json.loads(content)
        except (ValueError, TypeError):
            data = None
    if isinstance(data, dict):
        for key in ("error", "message", "detail", "title", "errors"):
            if data.get(key):
                value = data[key]
                return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else (content or "")
    return " ".join(TAGS.sub(" ", text).split())[:500]


def access_outcome(status: int | None) -> str:
    """allowed (2xx), denied (401, 403, 404 or a redirect, e.g. to the login page) or unclear."""
    if status is None:
        return "unclear"
    if 200 <= status < 300:
        return "allowed"
    if status in (401, 403, 404) or 300 <= status < 400:
        return "denied"
    return "unclear"


def lock_signal(status: int | None, message: str) -> bool:
    """Whether a login answer says the account is locked, slowed or challenged."""
    return status in (423, 429) or bool(LOCK_WORDS.search(message or ""))


def parse_set_cookie(lines: list[str]) -> list[dict]:
    """Set-Cookie header lines -> [{name, secure, http_only, same_site, attributes}] (never the value)."""
    cookies = []
    for line in lines:
        name = line.split("=", 1)[0].strip()
        attributes = [part.strip() for part in line.split(";")[1:]]
        lowered = {a.split("=", 1)[0].strip().lower(): (a.split("=", 1)[1].strip() if "=" in a else "")
                   for a in attributes}
        cookies.append({"name": name, "secure": "secure" in lowered, "http_only": "httponly" in lowered,
                        "same_site": lowered.get("samesite") or None,
                        "attributes": "; ".join(a for a in attributes if not a.lower().startswith("expires"))})
    return cookies


def split_set_cookie(merged: str | None) -> list[str]:
    """requests joins repeated Set-Cookie headers with ', '; split them again (dates keep their comma)."""
    if not merged:
        return []
    return [part.strip() for part in re.split(r",\s*(?=[^;,=\s]+=)", merged) if part.strip()]


def cookie_values(lines: list[str]) -> dict[str, str]:
    """name -> value of Set-Cookie lines (to replay a session; never written to evidence)."""
    jar = SimpleCookie()
    values = {}
    for line in lines:
        try:
            jar.load(line)
        except Exception:
            continue
    for name, morsel in jar.items():
        if morsel.value:
            values[name] = morsel.value
    return values
