"""Administration: audit log, users, pulling a procedure from the national catalogue, sync status."""
from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Body, Depends, Query, Request

from refportal import access, audit, catalogue, catalogue_admin, feedback, pull, sync, users
from refportal.accounts import User
from refportal.api.models import NameBody, PullBody, SurveyBody, UserBody
from refportal.web import api_role, base_url, client_ip, ctx_of, get_conn, query_day

router = APIRouter(prefix="/admin", tags=["Quản trị — administration"])


@router.get("/audit-log", summary="Nhật ký hệ thống — audit log (admin)")
def audit_log(date_from: str | None = None, date_to: str | None = None, user: User = Depends(api_role("admin")),
              conn: sqlite3.Connection = Depends(get_conn)):
    return {"items": audit.entries(conn, query_day(date_from), query_day(date_to))}


@router.get("/sync", summary="Tình trạng đồng bộ với Cổng DVC quốc gia — national-portal sync status (admin)")
def sync_status(request: Request, user: User = Depends(api_role("admin")), conn: sqlite3.Connection = Depends(get_conn)):
    return sync.status(conn, ctx_of(request))


@router.post("/procedures/pull", summary="Lấy thủ tục từ CSDL TTHC quốc gia (LayThuTuc) — pull a national procedure (admin)")
def pull_procedure(body: PullBody, request: Request, user: User = Depends(api_role("admin")),
                   conn: sqlite3.Connection = Depends(get_conn)):
    found = pull.pull(conn, ctx_of(request), user, body.procedure_code, client_ip(request))
    return {"procedure": catalogue.public_record(found, base_url(request))}


@router.get("/access-stats", summary="Thống kê truy cập Cổng DVC — page views by day and page (admin)")
def access_stats(days: int = Query(30, ge=1, le=366), user: User = Depends(api_role("admin")),
                 conn: sqlite3.Connection = Depends(get_conn)):
    return access.report(conn, days)


@router.post("/surveys", status_code=201, summary="Tạo khảo sát, câu hỏi tham vấn — create a survey (admin)")
def create_survey(body: SurveyBody, request: Request, user: User = Depends(api_role("admin")),
                  conn: sqlite3.Connection = Depends(get_conn)):
    return feedback.create_survey(conn, user.username, body.model_dump(), client_ip(request))


@router.post("/surveys/{survey_id}/close", summary="Đóng khảo sát — close a survey (admin)")
def close_survey(survey_id: int, request: Request, user: User = Depends(api_role("admin")),
                 conn: sqlite3.Connection = Depends(get_conn)):
    return feedback.close_survey(conn, user.username, survey_id, client_ip(request))


@router.put("/procedures/{code}", summary="Cấu hình thủ tục: thời hạn, thời gian từng bước, phí, thành phần bắt buộc — "
                                          "configure a procedure (admin)")
def configure_procedure(code: str, request: Request, body: dict = Body(..., examples=[{
        "processing_days": 10, "workflow_days": {"process": 6, "approve": 3, "return": 1},
        "fees": [{"code": "LP", "amount": 200000}], "components": [{"code": "TK", "required": True}]}]),
        user: User = Depends(api_role("admin")), conn: sqlite3.Connection = Depends(get_conn)):
    found = catalogue_admin.update_procedure(conn, user, code, body, client_ip(request))
    return {"procedure": catalogue.public_record(found, base_url(request)), "workflow_days": found.get("workflow_days", {})}


@router.put("/agencies/{code}", summary="Sửa tên cơ quan trong danh mục dùng chung — rename an agency (admin)")
def rename_agency(code: str, body: NameBody, request: Request, user: User = Depends(api_role("admin")),
                  conn: sqlite3.Connection = Depends(get_conn)):
    return catalogue_admin.update_agency(conn, user, code, body.model_dump(), client_ip(request))


@router.put("/sectors/{code}", summary="Sửa tên lĩnh vực trong danh mục dùng chung — rename a sector (admin)")
def rename_sector(code: str, body: NameBody, request: Request, user: User = Depends(api_role("admin")),
                  conn: sqlite3.Connection = Depends(get_conn)):
    return catalogue_admin.update_sector(conn, user, code, body.model_dump(), client_ip(request))


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
