"""What every simulator route shares: the simulator of the app, reading a JSON body without
failing on a bad one, and `respond` (apply the service's fault, else answer; record; reply)."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Callable

from fastapi import Request
from fastapi.responses import JSONResponse

from harness.nps import clock, faults
from harness.nps.client import ORIGIN_HEADER
from harness.nps.records import DOKIEM, TARGET
from harness.nps.simulator import Simulator
from harness.nps.validation import parse_problem

NOT_JSON = {"error_code": "-1", "message": "thân yêu cầu không phải JSON UTF-8 — body is not UTF-8 JSON"}
SIMULATED = "dokiem: lỗi mô phỏng — simulated failure"


def simulator(request: Request) -> Simulator:
    return request.app.state.sim


def remote(request: Request) -> str | None:
    return request.client.host if request.client else None


async def read_json(request: Request) -> tuple[Any, list[dict]]:
    """The body as JSON, or a stand-in ({"_raw": text}) and the problem that says why it is not."""
    raw = await request.body()
    try:
        return json.loads(raw.decode("utf-8")), []
    except UnicodeDecodeError as exc:
        return {"_raw": raw[:20000].decode("utf-8", errors="replace")}, [parse_problem(f"not UTF-8: {exc.reason}")]
    except ValueError as exc:
        return {"_raw": raw[:20000].decode("utf-8", errors="replace")}, [parse_problem(str(exc))]


def unreadable(problems: list[dict]) -> bool:
    return any(p["kind"] == "json" for p in problems)


async def respond(request: Request, kind: str, service: str, body: Any, validation: list[dict], arrived,
                  compute: Callable[[], tuple[dict, int]], fault_answer: Callable[[faults.Fault], dict],
                  recorded_request: Any = None) -> JSONResponse:
    """Apply the service's fault if one is set, else compute the answer; record; answer.

    A fault's delay is an asyncio sleep, so a slow answer holds no thread."""
    sim = simulator(request)
    fault = sim.faults.take(service) if service in faults.SERVICES else None
    if fault and fault.delay_ms:
        await asyncio.sleep(fault.delay_ms / 1000)
    if fault and fault.is_error:
        answer, status = fault_answer(fault), fault.http_status or 200
    else:
        answer, status = compute()
    sim.records.add(kind, service, body if recorded_request is None else recorded_request, answer, validation,
                    clock.iso(arrived), http_status=status, fault=fault.describe() if fault else None,
                    remote=remote(request), **origin_of(request))
    return JSONResponse(answer, status_code=status)


def origin_of(request: Request) -> dict:
    """Who made a call: dokiem's own probe (its name kept) or, by default, the target."""
    probe = request.headers.get(ORIGIN_HEADER)
    return {"origin": DOKIEM, "probe": probe[:100]} if probe else {"origin": TARGET}
