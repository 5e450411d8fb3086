"""The `stepwise` vendor style's back-office API (refportal/styles.py): dossiers by internal id.

    GET  /api/bo/dossiers?code=&date_from=&date_to=&overdue=&limit=&cursor=   the register, a page at a
         time: {items: [{id, code, …}], next_cursor} (next_cursor null on the last page)
    GET  /api/bo/dossiers/{id}          {id, code, version, step: {id, status_label}, dossier: {…}};
         ETag "v<version>"
    POST /api/bo/dossiers/{id}/transitions   {step_id, action, reason?, note?, amount?, consignment?}
         with If-Match: the ETag; 412 when the version moved on, 409 when step_id is not the current step

The version counts the dossier's history lines; the step id names its current status and version,
so an officer acting on a stale page is refused, as workflow engines do.
"""
import base64
import sqlite3

from fastapi import APIRouter, Body, Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from refportal import dossier_views, dossiers, styles
from refportal.accounts import OFFICER_ROLES, User
from refportal.errors import ApiError
from refportal.web import api_role, base_url, client_ip, ctx_of, get_conn, query_day

router = APIRouter(prefix="/bo", tags=["Một cửa theo mã nội bộ — stepwise back office"])
OFFICERS = tuple(OFFICER_ROLES)
ACTIONS = ("receive", "refuse", "request-supplement", "process", "request-payment", "approve", "return", "stop")
PAGE = 20


class TransitionBody(BaseModel):
    step_id: str
    action: str
    reason: str | None = None
    note: str | None = None
    amount: int | None = None
    consignment: str | None = None


def _styled() -> None:
    if not styles.on("stepwise"):
        raise ApiError(404, "Không tìm thấy — not found")


def _row(conn: sqlite3.Connection, dossier_id: int) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()
    if row is None:
        raise ApiError(404, "Không tìm thấy hồ sơ — no such dossier")
    return row


def _version(conn: sqlite3.Connection, dossier_id: int) -> int:
    return conn.execute("SELECT count(*) FROM history WHERE dossier_id = ?", (dossier_id,)).fetchone()[0]


def _step_id(row: sqlite3.Row, version: int) -> str:
    return f"B{row['status']:02d}-{version}"


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(text.removeprefix("o:"))
    except ValueError:
        raise ApiError(422, "cursor không hợp lệ — invalid cursor") from None


@router.get("/dossiers", summary="Sổ theo dõi hồ sơ theo trang (con trỏ) — the register, cursor pages (officers)")
def register(code: str | None = None, date_from: str | None = None, date_to: str | None = None,
             overdue: bool | None = None, limit: int = PAGE, cursor: str | None = None,
             user: User = Depends(api_role(*OFFICERS)), conn: sqlite3.Connection = Depends(get_conn)):
    _styled()
    ids = {r["code"]: r["id"] for r in conn.execute("SELECT id, code FROM dossiers")}
    items = [{"id": ids[i["code"]], **i}
             for i in dossier_views.register_list(conn, query_day(date_from, "date_from"), query_day(date_to, "date_to"),
                                             overdue)
             if code is None or i["code"] == code.strip()]
    start, size = _offset(cursor), max(1, min(limit, 100))
    page = items[start:start + size]
    more = start + size < len(items)
    return {"items": page, "next_cursor": _cursor(start + size) if more else None}


@router.get("/dossiers/{dossier_id}", summary="Tải hồ sơ theo mã nội bộ — load a dossier by internal id (officers)")
def load(dossier_id: int, request: Request, user: User = Depends(api_role(*OFFICERS)),
         conn: sqlite3.Connection = Depends(get_conn)):
    _styled()
    row = _row(conn, dossier_id)
    version = _version(conn, dossier_id)
    body = {"id": row["id"], "code": row["code"], "version": version,
            "step": {"id": _step_id(row, version), "status_label": dossiers.shown_label(row["status"])},
            "dossier": dossier_views.view(conn, ctx_of(request), row, base_url(request), viewer=user)}
    return JSONResponse(body, headers={"ETag": f'"v{version}"'})


@router.post("/dossiers/{dossier_id}/transitions",
             summary="Chuyển bước theo bước hiện tại và phiên bản — move a dossier on (officers; If-Match)")
def transition(dossier_id: int, request: Request, body: TransitionBody = Body(...),
               if_match: str | None = Header(None), user: User = Depends(api_role(*OFFICERS)),
               conn: sqlite3.Connection = Depends(get_conn)):
    _styled()
    row = _row(conn, dossier_id)
    version = _version(conn, dossier_id)
    if if_match != f'"v{version}"':
        raise ApiError(412, f"Hồ sơ đã thay đổi (phiên bản {version}) — the dossier changed; load it again")
    if body.step_id != _step_id(row, version):
        raise ApiError(409, "Bước hiện tại đã khác — step_id is not the dossier's current step; load it again")
    if body.action not in ACTIONS:
        raise ApiError(422, f"action: một trong {', '.join(ACTIONS)}")
    moved = dossiers.take_step(conn, ctx_of(request), user, row["code"], body.action, reason=body.reason,
                               note=body.note, amount=body.amount, ip=client_ip(request),
                               consignment=body.consignment)
    return {"id": moved["id"], "code": moved["code"], "status_label": dossiers.shown_label(moved["status"]),
            "version": _version(conn, dossier_id), "appointment_date": moved["appointment_date"],
            "returned_at": moved["returned_at"]}
