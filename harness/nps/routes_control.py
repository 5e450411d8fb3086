"""The control and query API under /_sim/ (health, records, faults, reset, payments), and the
control-token check that guards it. Handlers that block (the records wait, the CONFIRM sent to a
target) are plain functions or threads, so the event loop keeps serving the target."""
from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from harness.nps.client import CONTROL_TOKEN_HEADER
from harness.nps.faults import FaultError, parse_fault
from harness.nps.records import MAX_WAIT_S
from harness.nps.web import read_json, simulator

router = APIRouter(prefix="/_sim")


async def control_token(request: Request, call_next):
    """HTTP middleware: with a control token set, /_sim/ answers only a caller that sends it."""
    token = simulator(request).settings.control_token
    if token and request.url.path.startswith("/_sim/") and request.headers.get(CONTROL_TOKEN_HEADER) != token:
        return JSONResponse({"error": f"thiếu hoặc sai {CONTROL_TOKEN_HEADER} — missing or wrong "
                                      f"{CONTROL_TOKEN_HEADER} header for the control API"}, status_code=401)
    return await call_next(request)


@router.get("/health")
def health(request: Request):
    return simulator(request).health()


@router.get("/records")
def records(request: Request):
    try:
        params = _record_params(request.query_params)
    except ValueError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    found, last = simulator(request).records.query(**params)
    return {"records": found, "last_seq": last}


@router.get("/faults")
def list_faults(request: Request):
    return {"faults": simulator(request).faults.active()}


@router.post("/faults")
async def set_fault(request: Request):
    sim = simulator(request)
    body, problems = await read_json(request)
    try:
        if problems:
            raise FaultError(problems[0]["message"])
        fault = parse_fault(body)
    except FaultError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    sim.faults.set(fault)
    return {"faults": sim.faults.active()}


@router.delete("/faults")
def clear_faults(request: Request):
    simulator(request).faults.clear()
    return {"faults": []}


@router.post("/reset")
def reset(request: Request):
    sim = simulator(request)
    sim.reset()
    return {"status": "ok", "last_seq": sim.records.last_seq}


@router.post("/sessions/expire")
def expire_sessions(request: Request):
    return {"status": "ok", "expired": simulator(request).portal.expire_sessions()}


@router.get("/payments/{ref}")
def payment_state(ref: str, request: Request):
    payment = simulator(request).payments.get(ref)
    if payment is None:
        return JSONResponse({"error": f"không có giao dịch {ref!r} — unknown MaThamChieu"}, status_code=404)
    return payment.summary()


@router.post("/payments/{ref}/complete")
async def complete(ref: str, request: Request):
    body, problems = await read_json(request) if await request.body() else ({}, [])
    outcome = body.get("outcome", "paid") if isinstance(body, dict) else None
    if problems or outcome not in ("paid", "failed"):
        return JSONResponse({"error": "thân yêu cầu tùy chọn {\"outcome\": \"paid\" | \"failed\"} — optional body "
                                      "{\"outcome\": \"paid\" | \"failed\"}"}, status_code=400)
    try:
        return await asyncio.to_thread(simulator(request).complete_payment, ref, outcome == "paid", "control")
    except KeyError:
        return JSONResponse({"error": f"không có giao dịch {ref!r} (chưa nhận INIT) — unknown MaThamChieu: "
                                      "no INIT was received for it"}, status_code=404)


def _record_params(query) -> dict:
    """Parse ?kind=&service=&since=&wait=&min=&match=; ValueError names the bad parameter."""
    def number(name, default, kind, low, high):
        text = query.get(name)
        if text in (None, ""):
            return default
        try:
            value = kind(text)
        except ValueError:
            raise ValueError(f"'{name}' phải là số — '{name}' must be a number, got {text!r}") from None
        if not low <= value <= high:
            raise ValueError(f"'{name}' phải từ {low} đến {high} — '{name}' must be from {low} to {high}")
        return value

    return {"kind": query.get("kind") or None, "service": query.get("service") or None,
            "since": number("since", 0, int, 0, 2 ** 63), "wait": min(number("wait", 0.0, float, 0.0, 1e9), MAX_WAIT_S),
            "min_count": number("min", 1, int, 0, 1_000_000), "match": query.get("match") or None}
