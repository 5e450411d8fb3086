"""The payment platform's routes: its API (INIT, QUERY) and the page a citizen pays on."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from harness.nps import clock
from harness.nps.validation import nfc_problems
from harness.nps.web import SIMULATED, read_json, respond, simulator, unreadable

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"]))

router = APIRouter()


def vnd(amount: Any) -> str:
    """50000 -> '50.000 đồng', the way Vietnamese pages write amounts."""
    try:
        return f"{int(str(amount)):,}".replace(",", ".") + " đồng"
    except ValueError:
        return f"{amount} đồng"


def _return_url(payment) -> str | None:
    url = payment.init.get("UrlTraVe") if payment else None
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def _not_found(ref: str) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template("pay.html").render(
        title="Không tìm thấy giao dịch", payment=None, ref=ref), status_code=404)


@router.post("/payment/api")
async def payment_api(request: Request):
    sim = simulator(request)
    arrived = clock.now()
    body, problems = await read_json(request)
    kind = body.get("LoaiBanTin") if isinstance(body, dict) else None
    service = kind if isinstance(kind, str) and kind else ""
    if not problems:
        problems = sim.validator.validate(service, body) if service in ("INIT", "QUERY") else nfc_problems(body)
    return await respond(request, "payment", service, body, problems, arrived,
                         lambda: (sim.payments.handle(body), 400 if unreadable(problems) else 200),
                         lambda f: {"MaLoi": f.code, "MoTaLoi": f.message or SIMULATED})


@router.get("/payment/pay/{ref}", response_class=HTMLResponse)
def pay_page(ref: str, request: Request):
    payment = simulator(request).payments.get(ref)
    if payment is None:
        return _not_found(ref)
    receipt = payment.init.get("ThongTinBienLai")
    receipt = receipt if isinstance(receipt, dict) else {}
    fees = [{"name": fee.get("TenPhiLePhi", ""), "amount": vnd(fee.get("SoTien", ""))}
            for fee in receipt.get("PhiLePhi", []) if isinstance(fee, dict)] \
        if isinstance(receipt.get("PhiLePhi"), list) else []
    return HTMLResponse(TEMPLATES.get_template("pay.html").render(
        title="Thanh toán phí, lệ phí", payment=payment, ref=ref, amount=vnd(payment.amount), receipt=receipt,
        fees=fees, action=f"/payment/pay/{ref}", return_url=_return_url(payment)))


@router.post("/payment/pay/{ref}")
async def pay_submit(ref: str, request: Request):
    sim = simulator(request)
    form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
    paid = form.get("action", ["confirm"])[0] != "cancel"
    try:
        # the CONFIRM to the target blocks: a thread, not the event loop
        result = await asyncio.to_thread(sim.complete_payment, ref, paid, "browser")
    except KeyError:
        return _not_found(ref)
    target = _return_url(sim.payments.get(ref))
    if target:
        return RedirectResponse(target, status_code=303)
    text = (f"Thanh toán thành công, mã giao dịch {result['MaGiaoDich']}." if paid
            else "Giao dịch đã bị hủy.")
    return HTMLResponse(TEMPLATES.get_template("done.html").render(
        title="Kết quả thanh toán", text=text, return_url=None))
