"""Request plumbing shared by the API and the pages: the database connection of a request, who
is calling (bearer token or session cookie), role checks, the client address."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from refportal import accounts, security
from refportal.accounts import User
from refportal.context import Context
from refportal.failures import ApiError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
bearer = HTTPBearer(auto_error=False, description="Token từ POST /api/auth/login — the token from the login answer")


def query_day(value: str | None, name: str | None = None) -> str | None:
    """A date given in a request (YYYY-MM-DD), None when it is left empty; 422 naming the field if
    it is not a date."""
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        message = f"{name}: ngày" if name else "Ngày"
        raise ApiError(422, f"{message} theo dạng YYYY-MM-DD — a date as YYYY-MM-DD") from None


def ctx_of(request: Request) -> Context:
    return request.app.state.ctx


def get_conn(request: Request) -> Iterator[sqlite3.Connection]:
    conn = ctx_of(request).connect()
    try:
        yield conn
    finally:
        conn.close()


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def session_token(request: Request) -> str | None:
    return request.cookies.get(security.SESSION_COOKIE)


def _identify(request: Request, conn: sqlite3.Connection, credentials: HTTPAuthorizationCredentials | None):
    """(user, token, via_cookie): a bearer token wins over the cookie."""
    if credentials is not None and credentials.scheme.lower() == "bearer":
        return accounts.user_for_token(conn, credentials.credentials), credentials.credentials, False
    token = session_token(request)
    return accounts.user_for_token(conn, token), token, True


def optional_api_user(request: Request, conn: sqlite3.Connection = Depends(get_conn),
                      credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> User | None:
    user, token, via_cookie = _identify(request, conn, credentials)
    request.state.token = token
    if user is not None and via_cookie and request.method not in SAFE_METHODS:
        # a browser session calling the API must prove the call comes from our own page
        if not security.same(request.headers.get(security.CSRF_HEADER), request.cookies.get(security.CSRF_COOKIE)):
            raise ApiError(403, "Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token) — CSRF token missing or wrong")
    return user


def api_user(user: User | None = Depends(optional_api_user)) -> User:
    if user is None:
        raise ApiError(401, "Cần đăng nhập hoặc token không còn hiệu lực — login required or token no longer valid")
    return user


def api_role(*roles: str):
    """Dependency: the caller, who must hold one of `roles` (401 anonymous, 403 other roles)."""
    allowed = frozenset(roles)

    def check(user: User = Depends(api_user)) -> User:
        if user.role not in allowed:
            raise ApiError(403, f"Vai trò '{user.role}' không có quyền thực hiện thao tác này — role not allowed")
        return user

    return check


def page_user(request: Request, conn: sqlite3.Connection = Depends(get_conn)) -> User | None:
    """The logged-in user of a page (session cookie only)."""
    user = accounts.user_for_token(conn, session_token(request))
    request.state.user = user
    return user
