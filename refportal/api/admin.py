"""Administration: audit log, users, pulling a procedure from the national catalogue, sync status."""
from __future__ import annotations

import sqlite3
from datetime import date

from fastapi import APIRouter, Depends, Request

from refportal import audit, catalogue, pull, sync, users
from refportal.accounts import User
from refportal.api.models import PullBody, UserBody
from refportal.errors import ApiError
from refportal.web import api_role, base_url, client_ip, ctx_of, get_conn

router = APIRouter(prefix="/admin", tags=["Quản trị — administration"])


def _day(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ApiError(422, "Ngày theo dạng YYYY-MM-DD — a date as YYYY-MM-DD") from None


@router.get("/audit-log", summary="Nhật ký hệ thống — audit log (admin)")
def audit_log(date_from: str | None = None, date_to: str | None = None, user: User = Depends(api_role("admin")),
              conn: sqlite3.Connection = Depends(get_conn)):
    return {"items": audit.entries(conn, _day(date_from), _day(date_to))}


@router.get("/sync", summary="Tình trạng đồng bộ với Cổng DVC quốc gia — national-portal sync status (admin)")
def sync_status(request: Request, user: User = Depends(api_role("admin")), conn: sqlite3.Connection = Depends(get_conn)):
    return sync.status(conn, ctx_of(request))


@router.post("/procedures/pull", summary="Lấy thủ tục từ CSDL TTHC quốc gia (LayThuTuc) — pull a national procedure (admin)")
def pull_procedure(body: PullBody, request: Request, user: User = Depends(api_role("admin")),
                   conn: sqlite3.Connection = Depends(get_conn)):
    found = pull.pull(conn, ctx_of(request), user, body.procedure_code, client_ip(request))
    return {"procedure": catalogue.public_record(found, base_url(request))}


@router.get("/users", summary="Danh sách tài khoản — accounts (admin)")
def list_users(user: User = Depends(api_role("admin")), conn: sqlite3.Connection = Depends(get_conn)):
    return {"items": users.list_users(conn)}


@router.post("/users", status_code=201, summary="Tạo tài khoản cán bộ — create an officer account (admin)")
def create_user(body: UserBody, request: Request, user: User = Depends(api_role("admin")),
                conn: sqlite3.Connection = Depends(get_conn)):
    return users.create(conn, user, body.model_dump(), client_ip(request))


@router.post("/users/{username}/disable", summary="Khóa tài khoản — disable an account (admin)")
def disable_user(username: str, request: Request, user: User = Depends(api_role("admin")),
                 conn: sqlite3.Connection = Depends(get_conn)):
    return users.set_disabled(conn, user, username, True, client_ip(request))


@router.post("/users/{username}/enable", summary="Mở khóa tài khoản — enable an account (admin)")
def enable_user(username: str, request: Request, user: User = Depends(api_role("admin")),
                conn: sqlite3.Connection = Depends(get_conn)):
    return users.set_disabled(conn, user, username, False, client_ip(request))
