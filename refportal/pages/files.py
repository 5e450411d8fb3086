"""Capability URLs for the national portal: a dossier's files and result by an unguessable link
(DuongDanTaiTepTin / DuongDanTepTinKetQua in the packets), since the portal has no account here."""
from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from refportal import security
from refportal.failures import ApiError
from refportal.web import ctx_of, get_conn

router = APIRouter(include_in_schema=False)


@router.get("/tep/{attachment_id}/{token}")
def attachment_by_link(attachment_id: int, token: str, request: Request, conn: sqlite3.Connection = Depends(get_conn)):
    expected = security.url_token(ctx_of(request).url_secret, "attachment", str(attachment_id))
    row = conn.execute("SELECT * FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
    if row is None or not security.same(token, expected):
        raise ApiError(404, "Không tìm thấy tệp — not found")
    return Response(row["data"], media_type=row["content_type"], headers={"cache-control": "no-store"})


@router.get("/tep/ket-qua/{code}/{token}")
def result_by_link(code: str, token: str, request: Request, conn: sqlite3.Connection = Depends(get_conn)):
    expected = security.url_token(ctx_of(request).url_secret, "result", code)
    row = conn.execute("SELECT r.* FROM results r JOIN dossiers d ON d.id = r.dossier_id WHERE d.code = ?",
                       (code,)).fetchone()
    if row is None or not security.same(token, expected):
        raise ApiError(404, "Không tìm thấy tệp — not found")
    return Response(row["pdf"], media_type="application/pdf", headers={"cache-control": "no-store"})
