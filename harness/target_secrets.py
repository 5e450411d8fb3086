"""Secrets the target hands out during a run: cookie values and anti-forgery (CSRF) tokens.

A session cookie or a CSRF token is as good as a password while it lives, and it travels into
transcripts, traces and failure messages. Each value the target sets is registered with the run's
Redactor as soon as it is seen (API answers, browser contexts), so every writer and the final
sweep mask it. Only values that look like credentials are taken — a cookie `lang=vi` or
`consent=true` must not mask "true" across the record.

Workers are separate processes: what one registers reaches the controller through the
Redactor's journal (harness.evidence.attach_journal), read before the last sweep.
"""
from __future__ import annotations

import json
import re
from http.cookies import SimpleCookie

from harness.evidence import is_secret_key

MIN_LENGTH = 12           # session ids and tokens are long and random
ALWAYS_LENGTH = 24        # this long, even a value of one character class is a credential
ANTI_FORGERY = re.compile(r"csrf|xsrf|forgery|verification|_token\b|^token$|authenticity", re.I)
HIDDEN_INPUT = re.compile(r"<input\b[^>]*>", re.I)
META = re.compile(r"<meta\b[^>]*>", re.I)
ATTRIBUTE = re.compile(r"""([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def credential_like(value) -> bool:
    if not isinstance(value, str) or len(value) < MIN_LENGTH or any(c.isspace() for c in value):
        return False
    has_digit = any(c.isdigit() for c in value)
    has_letter = any(c.isalpha() for c in value)
    return (has_digit and has_letter) or len(value) >= ALWAYS_LENGTH


def _attributes(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in ATTRIBUTE.finditer(tag)}


def in_html(text: str) -> list[str]:
    """Anti-forgery tokens in hidden form fields and <meta name="csrf-token" content=…>."""
    found = []
    for tag in HIDDEN_INPUT.findall(text):
        attrs = _attributes(tag)
        if ANTI_FORGERY.search(attrs.get("name", "")) and attrs.get("value"):
            found.append(attrs["value"])
    for tag in META.findall(text):
        attrs = _attributes(tag)
        if ANTI_FORGERY.search(attrs.get("name", "")) and attrs.get("content"):
            found.append(attrs["content"])
    return found


def in_json(value) -> list[str]:
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and isinstance(item, str) and (is_secret_key(key) or ANTI_FORGERY.search(key)):
                found.append(item)
            else:
                found += in_json(item)
    elif isinstance(value, list):
        for item in value:
            found += in_json(item)
    return found


def in_set_cookie(header: str) -> list[str]:
    cookie = SimpleCookie()
    try:
        cookie.load(header)
    except Exception:  # a malformed header from a hostile target: take the first value by hand
        name_value = header.split(";", 1)[0]
        return [name_value.split("=", 1)[1]] if "=" in name_value else []
    return [morsel.value for morsel in cookie.values()]


def in_response(headers, body: str | None, content_type: str = "") -> list[str]:
    """Credential-like values an HTTP answer sets: cookies, CSRF headers, tokens in HTML or JSON."""
    values: list[str] = []
    items = headers.items() if hasattr(headers, "items") else headers
    for name, value in items:
        lowered = name.lower()
        if lowered == "set-cookie":
            values += in_set_cookie(value)
        elif ANTI_FORGERY.search(lowered):
            values.append(value)
    if body:
        if "html" in content_type:
            values += in_html(body)
        elif "json" in content_type or body[:1] in ("{", "["):
            try:
                values += in_json(json.loads(body))
            except ValueError:
                pass
    return [v for v in values if credential_like(v)]


def from_requests(response) -> list[str]:
    """What one `requests` answer (and each redirect before it) set: cookies, CSRF headers and tokens."""
    values = []
    for hop in [*getattr(response, "history", []), response]:
        values += [c.value for c in hop.cookies if credential_like(c.value)]
        headers = [(k, v) for k, v in hop.headers.items() if k.lower() != "set-cookie"]
        content_type = hop.headers.get("Content-Type", "")
        textual = any(t in content_type for t in ("json", "html", "text")) and len(hop.content) < 2_000_000
        values += in_response(headers, hop.text if textual else None, content_type)
    return values


def in_cookies(cookies: list[dict]) -> list[str]:
    """Values of a browser context's cookies (Playwright's context.cookies())."""
    return [c.get("value") for c in cookies if credential_like(c.get("value"))]
