"""The public catalogue of procedures, agencies and sectors."""
from __future__ import annotations

import asyncio
import sqlite3

from fastapi import APIRouter, Depends, Query, Request

from refportal import catalogue, defects
from refportal.failures import ApiError
from refportal.web import base_url, get_conn

router = APIRouter(tags=["Danh mục thủ tục — catalogue"])
# 9.5 s: more than three times the edition's perf.search_response_ms (3000 ms), under its 10 s worst case
SLOW_SEARCH_S = 9.5


async def slow_search(request: Request) -> None:
    """Defect slow-search: a keyword search waits before it answers. An async sleep on the event loop:
    it holds no worker thread, so other requests are served meanwhile."""
    if defects.on("slow-search") and request.query_params.get("q", "").strip():
        await asyncio.sleep(SLOW_SEARCH_S)  # DEFECT: keyword search answers after 9.5 s


@router.get("/procedures", summary="Tra cứu thủ tục — search procedures", dependencies=[Depends(slow_search)])
def procedures(request: Request, q: str = Query("", max_length=200), agency: str = "", sector: str = "",
               level: int | None = Query(None, ge=2, le=4), page: int = Query(1, ge=1),
               page_size: int = Query(50, ge=1, le=200), conn: sqlite3.Connection = Depends(get_conn)):
    rows, total = catalogue.search(conn, q, agency, sector, level, page, page_size)
    url = base_url(request)
    return {"items": [catalogue.list_item(r, url) for r in rows], "total": total, "page": page, "page_size": page_size}


@router.get("/procedures/{code}", summary="Thông tin đầy đủ của thủ tục — one procedure, level-1 information")
def procedure(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn)):
    found = catalogue.get(conn, code)
    if found is None:
        raise ApiError(404, "Không tìm thấy thủ tục — unknown procedure code")
    return catalogue.public_record(found, base_url(request))


@router.get("/agencies", summary="Danh mục cơ quan (QCVN 102:2016) — agencies")
def agencies(conn: sqlite3.Connection = Depends(get_conn)):
    return {"items": catalogue.agencies(conn)}


@router.get("/sectors", summary="Danh mục lĩnh vực — sectors")
def sectors(conn: sqlite3.Connection = Depends(get_conn)):
    return {"items": catalogue.sectors(conn)}
