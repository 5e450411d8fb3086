"""Rendering pages: the Jinja2 environment, the values every page needs, the CSRF token of a form."""
from __future__ import annotations

import html as html_text
import json
import re
import secrets
import sqlite3
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from refportal import catalogue, clock, defects, dossiers, security, status, users
from refportal.failures import ApiError

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _vn_date(value: str | None) -> str:
    moment = clock.parse(value)
    return moment.strftime("%d/%m/%Y") if moment else ""


def _vn_time(value: str | None) -> str:
    moment = clock.parse(value)
    return moment.strftime("%H:%M %d/%m/%Y") if moment else ""


def _money(value) -> str:
    return f"{int(value or 0):,}".replace(",", ".") + " đồng"


env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)
env.filters.update(vn_date=_vn_date, vn_time=_vn_time, money=_money)
# templates ask defect("<name>") where a defect changes what a page shows (refportal/defects.yaml)
env.globals.update(LEVEL_LABELS=catalogue.LEVEL_LABELS, MODE_LABELS=catalogue.MODE_LABELS, STATUS_LABELS=status.LABELS,
                   CHANNEL_LABELS=dossiers.CHANNEL_LABELS, RATING_LABELS=dossiers.RATING_LABELS,
                   ROLE_LABELS=users.ROLE_LABELS, defect=defects.on)


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser (double-submit cookie); created on first use."""
    token = request.cookies.get(security.CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = secrets.token_urlsafe(24)
        request.state.new_csrf = token
    return token


def _finish(request: Request, response):
    new = getattr(request.state, "new_csrf", None)
    if new:
        ctx = request.app.state.ctx
        response.set_cookie(security.CSRF_COOKIE, new, httponly=True, secure=ctx.settings.https, samesite="strict",
                            path="/")
    return response


def _shown_names(ctx, html: str) -> str:
    """Procedure names as catalogue.shown_name shows them (the defects catalogue-mismatch and
    nfd-text), replaced in the page, longest name first so a name inside another is left alone."""
    conn = ctx.connect()
    try:
        names = sorted(catalogue.all_names(conn), key=len, reverse=True)
    finally:
        conn.close()
    shown = {html_text.escape(n, quote=False): html_text.escape(catalogue.shown_name(n), quote=False) for n in names}
    pattern = re.compile("|".join(re.escape(n) for n in shown))
    return pattern.sub(lambda m: shown[m.group(0)], html)


def render(request: Request, template: str, status_code: int = 200, **values) -> HTMLResponse:
    ctx = request.app.state.ctx
    html = env.get_template(template).render(
        request=request, portal=ctx.portal, user=getattr(request.state, "user", None),
        csrf_token=csrf_token(request), path=request.url.path, now_day=clock.now().strftime("%d tháng %m năm %Y"),
        **values)
    if catalogue.names_altered():
        html = _shown_names(ctx, html)
    return _finish(request, HTMLResponse(html, status_code=status_code))


def redirect(request: Request, url: str, status_code: int = 303) -> RedirectResponse:
    return _finish(request, RedirectResponse(url, status_code=status_code))


def check_csrf(request: Request, form) -> None:
    """Refuse a form post whose token does not match this browser's CSRF cookie (403)."""
    if defects.on("csrf-unchecked"):  # DEFECT: the token is rendered in every form but never compared
        return
    if not security.same(form.get(security.CSRF_FIELD), request.cookies.get(security.CSRF_COOKIE)):
        raise ApiError(403, "Biểu mẫu đã hết hạn hoặc không hợp lệ, vui lòng tải lại trang và gửi lại — "
                            "the form's CSRF token is missing or wrong")


def render_error(request: Request, status_code: int, message: str) -> HTMLResponse:
    try:
        return render(request, "error.html", status_code=status_code, code=status_code, message=message)
    except Exception:  # the error page must never fail in turn
        return HTMLResponse(f"<!doctype html><html lang=\"vi\"><title>Lỗi {status_code}</title><p>{status_code}</p></html>",
                            status_code=status_code)


def receipt_document(request: Request, conn: sqlite3.Connection, dossier: sqlite3.Row) -> HTMLResponse:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01, TT 01/2018), printable."""
    if defects.on("no-receipt"):
        raise ApiError(404, "Không tìm thấy trang hoặc dữ liệu yêu cầu — not found")  # DEFECT: no receipt slip
    procedure = catalogue.get(conn, dossier["procedure_code"])
    receiver = conn.execute("SELECT full_name FROM history WHERE dossier_id = ? AND status = 2 ORDER BY id LIMIT 1",
                            (dossier["id"],)).fetchone()
    attachments = conn.execute("SELECT name, component_code FROM attachments WHERE dossier_id = ? AND supplement_id IS NULL "
                               "ORDER BY id", (dossier["id"],)).fetchall()
    components = {c["code"]: c["name"] for c in procedure["components"]}
    return render(request, "receipt.html", dossier=dossier, procedure=procedure,
                  applicant=json.loads(dossier["applicant"]), status_label=dossiers.shown_label(dossier["status"]),
                  receiver=receiver["full_name"] if receiver else None,
                  papers=[(components.get(a["component_code"], a["component_code"]), a["name"]) for a in attachments])
