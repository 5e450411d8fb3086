"""The simulator's HTTP face (FastAPI): parse, apply faults, answer, record. Logic lives elsewhere.

Handlers of the target-facing services are async, so a fault's delay is an asyncio sleep that
holds no thread. Handlers that block (the records wait, the CONFIRM sent to a target) are plain
functions FastAPI runs in its thread pool.
"""
from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from harness.nps import clock, faults
from harness.nps.client import CONTROL_TOKEN_HEADER
from harness.nps.faults import FaultError, parse_fault
from harness.nps.portal import INVALID_SESSION, SERVICES as PORTAL_SERVICES
from harness.nps.records import MAX_WAIT_S
from harness.nps.simulator import Simulator
from harness.nps.validation import nfc_problems, parse_problem

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"]))
NOT_JSON = {"error_code": "-1", "message": "thân yêu cầu không phải JSON UTF-8 — body is not UTF-8 JSON"}


async def read_json(request: Request) -> tuple[Any, list[dict]]:
    """The body as JSON, or a stand-in ({"_raw": text}) and the problem that says why it is not."""
    raw = await request.body()
    try:
        return json.loads(raw.decode("utf-8")), []
    except UnicodeDecodeError as exc:
        return {"_raw": raw[:20000].decode("utf-8", errors="replace")}, [parse_problem(f"not UTF-8: {exc.reason}")]
    except ValueError as exc:
        return {"_raw": raw[:20000].decode("utf-8", errors="replace")}, [parse_problem(str(exc))]


def _unreadable(problems: list[dict]) -> bool:
    return any(p["kind"] == "json" for p in problems)


def _mask_password(body: Any) -> Any:
    """The auth call as recorded: the password never reaches a record or the JSONL evidence."""
    if isinstance(body, dict) and "_raw" in body:  # unparsed text may hold the password anywhere
        return {"_raw": f"({len(body['_raw'])} ký tự, không ghi lại — {len(body['_raw'])} characters, not kept)"}
    if isinstance(body, dict) and "password" in body:
        return {**body, "password": "******"}
    return body


def vnd(amount: Any) -> str:
    """50000 -> '50.000 đồng', the way Vietnamese pages write amounts."""
    try:
        return f"{int(str(amount)):,}".replace(",", ".") + " đồng"
    except ValueError:
        return f"{amount} đồng"


def create_app(sim: Simulator) -> FastAPI:
    app = FastAPI(title="dokiem simulator services", docs_url=None, redoc_url=None, openapi_url=None)

    async def respond(request: Request, kind: str, service: str, body: Any, validation: list[dict],
                      arrived, compute: Callable[[], tuple[dict, int]], fault_answer: Callable[[faults.Fault], dict],
                      recorded_request: Any = None) -> JSONResponse:
        """Apply the service's fault if one is set, else compute the answer; record; answer."""
        fault = sim.faults.take(service) if service in faults.SERVICES else None
        if fault and fault.delay_ms:
            await asyncio.sleep(fault.delay_ms / 1000)
        if fault and fault.is_error:
            answer, status = fault_answer(fault), fault.http_status or 200
        else:
            answer, status = compute()
        sim.records.add(kind, service, body if recorded_request is None else recorded_request, answer, validation,
                        clock.iso(arrived), http_status=status, fault=fault.describe() if fault else None,
                        remote=request.client.host if request.client else None)
        return JSONResponse(answer, status_code=status)

    def portal_fault(fault: faults.Fault) -> dict:
        return {"error_code": fault.code, "message": fault.message or "dokiem: lỗi mô phỏng — simulated failure"}

    # ------------------------------------------------------------------ national portal
    @app.post("/dvcqg/auth")
    async def auth(request: Request):
        arrived = clock.now()
        body, problems = await read_json(request)
        problems = problems or nfc_problems(_mask_password(body))

        def compute():
            if _unreadable(problems):
                return dict(NOT_JSON), 400
            return sim.portal.authenticate(body), 200

        return await respond(request, "auth", "auth", body, problems, arrived, compute, portal_fault,
                             recorded_request=_mask_password(body))

    @app.post("/dvcqg/integration")
    async def integration(request: Request):
        arrived = clock.now()
        body, problems = await read_json(request)
        service = body.get("service") if isinstance(body, dict) else None
        service = service if isinstance(service, str) else ""
        if not problems:
            # an unknown service is judged by the envelope schema, which names the services there are
            problems = sim.validator.validate(service if service in PORTAL_SERVICES else "envelope", body)
        # a body that cannot be read, or a call without a live session, is answered before any fault
        refusal, status = None, 200
        if _unreadable(problems):
            refusal, status = dict(NOT_JSON), 400
        elif not isinstance(body, dict):
            refusal = {"error_code": "-1", "message": "thân yêu cầu phải là đối tượng JSON — body must be a JSON object"}
        elif not sim.portal.session_valid(body.get("session")):
            refusal = dict(INVALID_SESSION)
        if refusal:
            sim.records.add("packet", service, body, refusal, problems, clock.iso(arrived), http_status=status,
                            fault=None, remote=request.client.host if request.client else None)
            return JSONResponse(refusal, status_code=status)
        return await respond(request, "packet", service, body, problems, arrived,
                             lambda: (sim.portal.call(body), 200), portal_fault)

    # ------------------------------------------------------------------ payment platform
    @app.post("/payment/api")
    async def payment_api(request: Request):
        arrived = clock.now()
        body, problems = await read_json(request)
        kind = body.get("LoaiBanTin") if isinstance(body, dict) else None
        service = kind if isinstance(kind, str) and kind else ""
        if not problems:
            problems = sim.validator.validate(service, body) if service in ("INIT", "QUERY") else nfc_problems(body)
        return await respond(request, "payment", service, body, problems, arrived,
                             lambda: (sim.payments.handle(body), 400 if _unreadable(problems) else 200),
                             lambda f: {"MaLoi": f.code, "MoTaLoi": f.message or "dokiem: lỗi mô phỏng — simulated failure"})

    @app.get("/payment/pay/{ref}", response_class=HTMLResponse)
    def pay_page(ref: str):
        payment = sim.payments.get(ref)
        if payment is None:
            return HTMLResponse(TEMPLATES.get_template("pay.html").render(
                title="Không tìm thấy giao dịch", payment=None, ref=ref), status_code=404)
        receipt = payment.init.get("ThongTinBienLai")
        receipt = receipt if isinstance(receipt, dict) else {}
        fees = [{"name": fee.get("TenPhiLePhi", ""), "amount": vnd(fee.get("SoTien", ""))}
                for fee in receipt.get("PhiLePhi", []) if isinstance(fee, dict)] \
            if isinstance(receipt.get("PhiLePhi"), list) else []
        return HTMLResponse(TEMPLATES.get_template("pay.html").render(
            title="Thanh toán phí, lệ phí", payment=payment, ref=ref, amount=vnd(payment.amount), receipt=receipt,
            fees=fees, action=f"/payment/pay/{ref}", return_url=_return_url(payment)))

    @app.post("/payment/pay/{ref}")
    async def pay_submit(ref: str, request: Request):
        form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
        paid = form.get("action", ["confirm"])[0] != "cancel"
        try:
            result = await asyncio.to_thread(sim.complete_payment, ref, paid, "browser")
        except KeyError:
            return HTMLResponse(TEMPLATES.get_template("pay.html").render(
                title="Không tìm thấy giao dịch", payment=None, ref=ref), status_code=404)
        payment = sim.payments.get(ref)
        target = _return_url(payment)
        if target:
            return RedirectResponse(target, status_code=303)
        text = (f"Thanh toán thành công, mã giao dịch {result['MaGiaoDich']}." if paid
                else "Giao dịch đã bị hủy.")
        return HTMLResponse(TEMPLATES.get_template("done.html").render(
            title="Kết quả thanh toán", text=text, return_url=None))

    # ------------------------------------------------------------------ SMS gateway
    @app.post("/sms/send")
    async def sms(request: Request):
        arrived = clock.now()
        body, problems = await read_json(request)
        refusals = problems or _sms_problems(body)  # NFC problems are recorded, never refused
        problems = refusals + (nfc_problems(body) if not problems else [])

        def compute():
            if refusals:
                return {"status": "error", "message": refusals[0]["message"]}, 400
            return {"status": "ok", "id": uuid.uuid4().hex[:16]}, 200

        return await respond(request, "sms", "sms", body, problems, arrived, compute,
                             lambda f: {"status": "error", "error_code": f.code,
                                        "message": f.message or "dokiem: lỗi mô phỏng — simulated failure"})

    # ------------------------------------------------------------------ control and query API
    @app.middleware("http")
    async def control_token(request: Request, call_next):
        token = sim.settings.control_token
        if token and request.url.path.startswith("/_sim/") and request.headers.get(CONTROL_TOKEN_HEADER) != token:
            return JSONResponse({"error": f"thiếu hoặc sai {CONTROL_TOKEN_HEADER} — missing or wrong "
                                          f"{CONTROL_TOKEN_HEADER} header for the control API"}, status_code=401)
        return await call_next(request)

    @app.get("/_sim/health")
    def health():
        return sim.health()

    @app.get("/_sim/records")
    def records(request: Request):
        try:
            params = _record_params(request.query_params)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        found, last = sim.records.query(**params)
        return {"records": found, "last_seq": last}

    @app.get("/_sim/faults")
    def list_faults():
        return {"faults": sim.faults.active()}

    @app.post("/_sim/faults")
    async def set_fault(request: Request):
        body, problems = await read_json(request)
        try:
            if problems:
                raise FaultError(problems[0]["message"])
            fault = parse_fault(body)
        except FaultError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        sim.faults.set(fault)
        return {"faults": sim.faults.active()}

    @app.delete("/_sim/faults")
    def clear_faults():
        sim.faults.clear()
        return {"faults": []}

    @app.post("/_sim/reset")
    def reset():
        sim.reset()
        return {"status": "ok", "last_seq": sim.records.last_seq}

    @app.post("/_sim/sessions/expire")
    def expire_sessions():
        return {"status": "ok", "expired": sim.portal.expire_sessions()}

    @app.get("/_sim/payments/{ref}")
    def payment_state(ref: str):
        payment = sim.payments.get(ref)
        if payment is None:
            return JSONResponse({"error": f"không có giao dịch {ref!r} — unknown MaThamChieu"}, status_code=404)
        return payment.summary()

    @app.post("/_sim/payments/{ref}/complete")
    async def complete(ref: str, request: Request):
        body, problems = await read_json(request) if await request.body() else ({}, [])
        outcome = body.get("outcome", "paid") if isinstance(body, dict) else None
        if problems or outcome not in ("paid", "failed"):
            return JSONResponse({"error": "thân yêu cầu tùy chọn {\"outcome\": \"paid\" | \"failed\"} — optional body "
                                          "{\"outcome\": \"paid\" | \"failed\"}"}, status_code=400)
        try:
            return await asyncio.to_thread(sim.complete_payment, ref, outcome == "paid", "control")
        except KeyError:
            return JSONResponse({"error": f"không có giao dịch {ref!r} (chưa nhận INIT) — unknown MaThamChieu: "
                                          "no INIT was received for it"}, status_code=404)

    return app


def _return_url(payment) -> str | None:
    url = payment.init.get("UrlTraVe") if payment else None
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def _sms_problems(body: Any) -> list[dict]:
    if not isinstance(body, dict):
        return [{"kind": "schema", "rule": "type", "path": "$",
                 "message": "thân yêu cầu phải là đối tượng JSON {to, message, sender} — body must be a JSON object"}]
    problems = []
    for name in ("to", "message"):
        value = body.get(name)
        if not isinstance(value, str) or not value:
            problems.append({"kind": "schema", "rule": "required", "path": f"$.{name}",
                             "message": f"'{name}' phải là chuỗi không rỗng — '{name}' must be a non-empty string"})
    if "sender" in body and not isinstance(body["sender"], str):
        problems.append({"kind": "schema", "rule": "type", "path": "$.sender",
                         "message": "'sender' phải là chuỗi — 'sender' must be a string"})
    return problems


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
