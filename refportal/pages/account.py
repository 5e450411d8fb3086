"""Log in, log out and register in the browser."""
from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, Request

from refportal import accounts, defects, security
from refportal.accounts import User
from refportal.api.auth import set_session_cookie
from refportal.failures import ApiError
from refportal.pages.render import check_csrf, redirect, render
from refportal.web import client_ip, ctx_of, get_conn, page_user, session_token

router = APIRouter(include_in_schema=False)


def _safe_next(value: str | None) -> str:
    """Only a local path: never redirect to another site after login."""
    value = (value or "").strip()
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else "/"


@router.get("/dang-nhap")
def login_page(request: Request, next: str = "", user: User | None = Depends(page_user)):
    return render(request, "login.html", next_url=_safe_next(next), username="",
                  message="Quý vị đã đăng nhập." if user else None)


@router.post("/dang-nhap")
async def login_post(request: Request, conn: sqlite3.Connection = Depends(get_conn)):
    form = await request.form()
    check_csrf(request, form)
    username, password = str(form.get("username") or "").strip(), str(form.get("password") or "")
    next_url = _safe_next(str(form.get("next") or ""))
    try:
        token, user = accounts.login(conn, ctx_of(request).settings, username, password, client_ip(request))
    except ApiError as exc:
        return render(request, "login.html", status_code=exc.status, error=exc.message, next_url=next_url,
                      username=username)
    if next_url == "/" and user.role in ("citizen", "business"):
        next_url = "/ho-so-cua-toi"
    elif next_url == "/":
        next_url = "/mot-cua"  # officers land in the back office
    response = redirect(request, next_url)
    set_session_cookie(response, request, token)
    return response


@router.post("/dang-xuat")
async def logout_post(request: Request, conn: sqlite3.Connection = Depends(get_conn),
                      user: User | None = Depends(page_user)):
    form = await request.form()
    check_csrf(request, form)
    if not defects.on("page-logout-keeps-session"):  # DEFECT when on: the page only drops the cookie
        accounts.logout(conn, session_token(request), user, client_ip(request))
    response = redirect(request, "/")
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


@router.get("/dang-ky")
def register_page(request: Request, user: User | None = Depends(page_user)):
    return render(request, "register.html", form={})


@router.post("/dang-ky")
async def register_post(request: Request, conn: sqlite3.Connection = Depends(get_conn)):
    form = await request.form()
    check_csrf(request, form)
    fields = ("username", "password", "full_name", "email", "phone", "id_number", "birth_date", "address")
    data = {k: str(form.get(k) or "").strip() or None for k in fields}
    data["password"] = str(form.get("password") or "")
    try:
        accounts.register(conn, data, client_ip(request))
    except ApiError as exc:
        shown = {k: v or "" for k, v in data.items() if k != "password"}
        return render(request, "register.html", status_code=exc.status, form=shown,
                      errors=exc.extra.get("problems") or [exc.message])
    return render(request, "login.html", next_url="/", username=data["username"],
                  message="Đăng ký thành công. Mời Quý vị đăng nhập.")
