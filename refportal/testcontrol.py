"""Test control: switch defects and move the clock of a running refportal.

Mounted only when refportal starts with `--test-control`; without it every /_test/ path answers
404 like any unknown path. Even then it answers only peers on a loopback address, judged from the
socket's peer address (request.client), never from a header a client could forge.
"""
from __future__ import annotations

import ipaddress
import logging
import math

from fastapi import APIRouter, Depends, Request

from refportal import clock, defects
from refportal.failures import ApiError

log = logging.getLogger("refportal.testcontrol")


def loopback_only(request: Request) -> None:
    host = request.client.host if request.client else ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        log.warning("điều khiển kiểm thử bị từ chối từ %s — test control refused from a non-loopback peer", host)
        raise ApiError(403, "Điều khiển kiểm thử chỉ nhận từ máy cục bộ (loopback) — test control answers loopback "
                            "peers only")


router = APIRouter(prefix="/_test", include_in_schema=False, dependencies=[Depends(loopback_only)])


def _state() -> dict:
    return {"available": defects.names(), "on": defects.active()}


def _names(body: dict, key: str) -> list[str]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(422, f"'{key}' phải là danh sách tên lỗi — '{key}' must be a list of defect names",
                       fields=[{"field": key, "problem": "list of strings"}])
    return value


@router.get("/defects")
def get_defects():
    return _state()


@router.post("/defects")
async def post_defects(request: Request):
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not ({"on", "off", "set"} & set(body)):
        raise ApiError(422, 'Cần {"on": [...], "off": [...]} hoặc {"set": [...]} — give on/off lists or a set list')
    try:
        if "set" in body:
            defects.set_active(_names(body, "set"))
        else:
            defects.switch(_names(body, "on"), _names(body, "off"))
    except defects.UnknownDefect as exc:
        raise ApiError(422, str(exc), unknown=exc.unknown, known=exc.known) from None
    log.warning("lỗi cố ý đang bật — defects now on: %s", ", ".join(defects.active()) or "(none)")
    return _state()


def _clock() -> dict:
    return {"offset_days": clock.offset_days(), "now": clock.iso(clock.now())}


@router.get("/clock")
def get_clock():
    return _clock()


@router.post("/clock")
async def post_clock(request: Request):
    try:
        body = await request.json()
    except ValueError:
        body = None
    days = body.get("offset_days") if isinstance(body, dict) else None
    if isinstance(days, bool) or not isinstance(days, (int, float)) or not math.isfinite(days) or abs(days) > 36500:
        raise ApiError(422, 'Cần {"offset_days": số ngày trong ±36500} — give {"offset_days": N}, N within ±36500',
                       fields=[{"field": "offset_days", "problem": "a number of days"}])
    clock.set_offset_days(float(days))
    log.warning("đồng hồ lệch %+g ngày — clock offset now %+g days", days, days)
    return _clock()
