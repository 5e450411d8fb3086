"""The national portal's routes: /dvcqg/auth (a session) and /dvcqg/integration (the packets)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from harness.nps import clock, faults
from harness.nps.portal import INVALID_SESSION, SERVICES as PORTAL_SERVICES
from harness.nps.validation import nfc_problems
from harness.nps.web import NOT_JSON, SIMULATED, origin_of, read_json, remote, respond, simulator, unreadable

router = APIRouter()


def _mask_password(body: Any) -> Any:
    """The auth call as recorded: the password never reaches a record or the JSONL evidence."""
    if isinstance(body, dict) and "_raw" in body:  # unparsed text may hold the password anywhere
        return {"_raw": f"({len(body['_raw'])} ký tự, không ghi lại — {len(body['_raw'])} characters, not kept)"}
    if isinstance(body, dict) and "password" in body:
        return {**body, "password": "******"}
    return body


def portal_fault(fault: faults.Fault) -> dict:
    return {"error_code": fault.code, "message": fault.message or SIMULATED}


@router.post("/dvcqg/auth")
async def auth(request: Request):
    arrived = clock.now()
    body, problems = await read_json(request)
    problems = problems or nfc_problems(_mask_password(body))

    def compute():
        if unreadable(problems):
            return dict(NOT_JSON), 400
        return simulator(request).portal.authenticate(body), 200

    return await respond(request, "auth", "auth", body, problems, arrived, compute, portal_fault,
                         recorded_request=_mask_password(body))


@router.post("/dvcqg/integration")
async def integration(request: Request):
    sim = simulator(request)
    arrived = clock.now()
    body, problems = await read_json(request)
    service = body.get("service") if isinstance(body, dict) else None
    service = service if isinstance(service, str) else ""
    if not problems:
        # an unknown service is judged by the envelope schema, which names the services there are
        problems = sim.validator.validate(service if service in PORTAL_SERVICES else "envelope", body)
    # a body that cannot be read, or a call without a live session, is answered before any fault
    refusal, status = None, 200
    if unreadable(problems):
        refusal, status = dict(NOT_JSON), 400
    elif not isinstance(body, dict):
        refusal = {"error_code": "-1", "message": "thân yêu cầu phải là đối tượng JSON — body must be a JSON object"}
    elif not sim.portal.session_valid(body.get("session")):
        refusal = dict(INVALID_SESSION)
    if refusal:
        sim.records.add("packet", service, body, refusal, problems, clock.iso(arrived), http_status=status,
                        fault=None, remote=remote(request), **origin_of(request))
        return JSONResponse(refusal, status_code=status)
    return await respond(request, "packet", service, body, problems, arrived,
                         lambda: (sim.portal.call(body), 200), portal_fault)
