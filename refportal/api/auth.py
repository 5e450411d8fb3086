"""Log in, log out, register."""
from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from refportal import accounts, defects, security
from refportal.accounts import User
from refportal.api.models import LoginBody, RegisterBody
from refportal.web import client_ip, ctx_of, get_conn, optional_api_user

router = APIRouter(prefix="/auth", tags=["Tài khoản — accounts"])


def set_session_cookie(response, request: Request, token: str) -> None:
    settings = ctx_of(request).settings
    if defects.on("weak-cookie"):  # DEFECT: no HttpOnly, no Secure, no SameSite
        response.set_cookie(security.SESSION_COOKIE, token, max_age=int(settings.session_hours * 3600), httponly=False,
                            secure=False, samesite=None, path="/")
        return
    response.set_cookie(security.SESSION_COOKIE, token, max_age=int(settings.session_hours * 3600), httponly=True,
                        secure=settings.https, samesite="lax", path="/")


@router.post("/login", summary="Đăng nhập — log in")
def login(body: LoginBody, request: Request, conn: sqlite3.Connection = Depends(get_conn)):
    token, user = accounts.login(conn, ctx_of(request).settings, body.username.strip(), body.password, client_ip(request))
    response = JSONResponse({"token": token, "user": user.public()})
    set_session_cookie(response, request, token)
    return response


@router.post("/logout", summary="Đăng xuất — log out")
def logout(request: Request, conn: sqlite3.Connection = Depends(get_conn),
           user: User | None = Depends(optional_api_user)):
    accounts.logout(conn, getattr(request.state, "token", None), user, client_ip(request))
    response = JSONResponse({"status": "ok"})
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


@router.post("/register", status_code=201, summary="Đăng ký tài khoản công dân — register a citizen account")
def register(body: RegisterBody, request: Request, conn: sqlite3.Connection = Depends(get_conn)):
    account_id = accounts.register(conn, body.model_dump(), client_ip(request))
    return {"account_id": account_id, "username": body.username.strip().lower()}
