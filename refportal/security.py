"""Security building blocks: password policy and hashing, session tokens, CSRF tokens, and the
security headers every response carries."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from refportal import defects

MIN_PASSWORD_LENGTH = 8
SESSION_COOKIE = "rp_session"
CSRF_COOKIE = "rp_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
HSTS_MAX_AGE = 31536000  # one year, above the 180 days the criteria ask for


# --- passwords ----------------------------------------------------------------------------------

def password_problems(password: str) -> list[str]:
    """What is wrong with a password under the policy (empty list: acceptable)."""
    if defects.on("weak-password"):
        return [] if password else ["Cần nhập mật khẩu — a password is required"]  # DEFECT: anything goes
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự — at least {MIN_PASSWORD_LENGTH} characters")
    if not any(c.isalpha() for c in password):
        problems.append("Mật khẩu phải có chữ cái — must contain a letter")
    if not any(c.isdigit() for c in password):
        problems.append("Mật khẩu phải có chữ số — must contain a digit")
    if not any(not c.isalnum() and not c.isspace() for c in password):
        problems.append("Mật khẩu phải có ký tự đặc biệt (ví dụ @ # ! %) — must contain a symbol")
    return problems


# scrypt: memory-hard, in the standard library; these costs take ~40 ms per hash.
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), dklen=32,
                               n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


# A hash to spend the same time on for unknown user names, so timing does not tell them apart.
DUMMY_HASH = hash_password("không-dùng-để-đăng-nhập-1!")


# --- tokens -------------------------------------------------------------------------------------

def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Sessions are stored by hash: a copy of the database does not hand out live sessions."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a, b)


def url_token(secret: str, *parts: str) -> str:
    """An unguessable token for capability URLs (files the national portal downloads)."""
    return hmac.new(secret.encode(), "|".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()[:32]


# --- security headers ---------------------------------------------------------------------------

def security_headers(https: bool, form_targets: tuple[str, ...] = (), inline_scripts: bool = False) -> list[tuple[bytes, bytes]]:
    """Headers for every response. form_targets: other origins a form may post or redirect to
    (the payment platform, which Chromium checks form-action against after the redirect)."""
    form_action = " ".join(("'self'", *form_targets))
    scripts = "'self' 'unsafe-inline'" if inline_scripts else "'self'"
    csp = (f"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src {scripts}; "
           f"form-action {form_action}; frame-ancestors 'none'; base-uri 'self'; object-src 'none'")
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", csp.encode()),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if https:
        headers.append((b"strict-transport-security", f"max-age={HSTS_MAX_AGE}; includeSubDomains".encode()))
    return headers


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: adds the security headers to every HTTP response, errors included."""

    def __init__(self, app, https: bool, form_targets: tuple[str, ...] = ()):
        self.app = app
        self.headers = security_headers(https, form_targets)
        self.weak_headers = security_headers(https, form_targets, inline_scripts=True)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        is_api = scope.get("path", "").startswith("/api/")

        headers = self.headers
        if defects.on("no-security-headers"):
            headers = []  # DEFECT: no security headers at all
        elif defects.on("xss-search"):
            headers = self.weak_headers  # DEFECT (with the unescaped search echo): inline scripts allowed

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in headers if n not in present]
                if is_api and b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return await self.app(scope, receive, send_with_headers)
