"""The citizen's pages: e-form and submission, receipt, my dossiers, the dossier with its
timeline, supplement, payment, result, rating, messages and withdrawal."""
from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile

from refportal import catalogue, defects, dossier_payment, dossier_views, dossiers, population, status
from refportal.accounts import APPLICANT_ROLES, User
from refportal.dossiers import Upload
from refportal.failures import ApiError
from refportal.pages.render import check_csrf, receipt_document, redirect, render
from refportal.web import base_url, client_ip, ctx_of, get_conn, page_user

router = APIRouter(include_in_schema=False)
NOTICES = {"bo-sung": "Đã gửi bổ sung hồ sơ.", "danh-gia": "Cảm ơn Quý vị đã đánh giá.", "tin-nhan": "Đã gửi tin nhắn.",
           "rut": "Đã rút hồ sơ.", "thanh-toan": "Đã ghi nhận thanh toán."}


class LoginRequired(Exception):
    pass


def need_login(request: Request, user: User | None) -> User:
    """The user, or (nobody logged in) off to the login page, back to this address afterwards."""
    if user is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return user


async def form_uploads(form, names: list[tuple[str, str | None]]) -> list[Upload]:
    """The files sent in a form's (field, component code) inputs; empty inputs are skipped."""
    uploads = []
    for field, component in names:
        for item in form.getlist(field):
            if isinstance(item, UploadFile) and item.filename:
                data = await item.read()
                if data:
                    uploads.append(Upload(item.filename, data, item.content_type or "", component))
    return uploads


@router.get("/nop-ho-so/{code}")
def eform(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
          user: User | None = Depends(page_user)):
    user = need_login(request, user)
    procedure = catalogue.get(conn, code)
    if procedure is None:
        raise ApiError(404, "Không tìm thấy thủ tục — unknown procedure")
    if user.role not in APPLICANT_ROLES:
        raise ApiError(403, "Chỉ tài khoản công dân, doanh nghiệp nộp hồ sơ trực tuyến — applicants only")
    if procedure["level"] < 3:
        raise ApiError(409, "Thủ tục mức độ 2 không nộp hồ sơ trực tuyến — a level-2 procedure takes no online dossier")
    return render(request, "eform.html", p=procedure, prefill=_prefill(conn, user),
                  reusable=_reusable(conn, user, procedure))


def _prefill(conn, user: User) -> dict:
    """What the e-form knows already: the account, then the population database for what the
    account lacks (refportal's stand-in for CSDL quốc gia về dân cư, population.py)."""
    prefill = {form_key: getattr(user, account_key) or "" for form_key, account_key in dossiers.FORM_TO_APPLICANT.items()}
    if user.id_number and not all(prefill[k] for k in ("ho_ten", "ngay_sinh", "dia_chi")):
        person = population.lookup(conn, user.id_number) if population.ID_NUMBER.match(user.id_number) else None
        if person:
            prefill["ho_ten"] = prefill["ho_ten"] or person["full_name"]
            prefill["ngay_sinh"] = prefill["ngay_sinh"] or (person["birth_date"] or "")
            prefill["dia_chi"] = prefill["dia_chi"] or person["address"]
    if defects.on("no-prefill"):
        prefill = {form_key: "" for form_key in prefill}  # DEFECT: nothing known is filled in
    return prefill


def _reusable(conn, user: User, procedure: dict) -> dict[str, list[dict]]:
    """Per component of the procedure: the applicant's papers already checked by the one-stop office."""
    papers = dossiers.reusable_papers(conn, user)
    return {c["code"]: [p for p in papers if p["component_code"] == c["code"]] for c in procedure["components"]}


@router.post("/nop-ho-so/{code}")
async def eform_post(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                     user: User | None = Depends(page_user)):
    user = need_login(request, user)
    form = await request.form()
    check_csrf(request, form)
    procedure = catalogue.get(conn, code)
    if procedure is None:
        raise ApiError(404, "Không tìm thấy thủ tục — unknown procedure")
    uploads = await form_uploads(form, [(f"file_{c['code']}", c["code"]) for c in procedure["components"]])
    reuse = [int(str(form.get(f"reuse_{c['code']}"))) for c in procedure["components"]
             if str(form.get(f"reuse_{c['code']}") or "").isdigit()]
    keys = (*dossiers.FORM_TO_APPLICANT, "trich_yeu", "ghi_chu")
    form_data = {k: str(form.get(k) or "").strip() for k in keys if str(form.get(k) or "").strip()}
    try:
        dossier = dossiers.submit(conn, ctx_of(request), user, code, form_data, uploads, bool(form.get("return_by_post")),
                                  ip=client_ip(request), reuse_ids=reuse)
    except ApiError as exc:
        if exc.status >= 500:
            raise
        prefill = {k: str(form.get(k) or "") for k in dossiers.FORM_TO_APPLICANT}
        return render(request, "eform.html", status_code=exc.status, p=procedure, prefill=prefill, error=exc.message,
                      reusable=_reusable(conn, user, procedure))
    if defects.on("no-receipt"):
        return redirect(request, f"/ho-so/{dossier['code']}")  # no receipt page to land on
    return redirect(request, f"/ho-so/{dossier['code']}/bien-nhan")


def _own_dossier(conn, user: User, code: str):
    return dossiers.readable(conn, user, code)


@router.get("/ho-so/{code}/bien-nhan")
def receipt(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
            user: User | None = Depends(page_user)):
    user = need_login(request, user)
    return receipt_document(request, conn, _own_dossier(conn, user, code))


@router.get("/ho-so-cua-toi")
def my_dossiers(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User | None = Depends(page_user)):
    user = need_login(request, user)
    return render(request, "my_dossiers.html", items=dossier_views.my_dossiers(conn, user))


def _dossier_page(request: Request, conn, user: User, code: str, status_code: int = 200, **values):
    row = _own_dossier(conn, user, code)
    view = dossier_views.view(conn, ctx_of(request), row, base_url(request), viewer=user)
    return render(request, "dossier.html", status_code=status_code, d=view, status=row["status"],
                  is_owner=row["owner_id"] == user.id, channel_label=dossiers.CHANNEL_LABELS[row["channel"]], **values)


@router.get("/ho-so/{code}")
def dossier_page(code: str, request: Request, ok: str = "", conn: sqlite3.Connection = Depends(get_conn),
                 user: User | None = Depends(page_user)):
    user = need_login(request, user)
    reference = request.query_params.get("thanh-toan")
    message = NOTICES.get(ok)
    if reference:  # back from the payment platform: ask it how the payment went (QUERY)
        row = _own_dossier(conn, user, code)
        if row["status"] == status.CHO_NGHIA_VU_TAI_CHINH and row["owner_id"] == user.id:
            try:
                state = dossier_payment.query_payment(conn, ctx_of(request), user, code)
                message = "Đã ghi nhận thanh toán." if state["status"] == "paid" else "Giao dịch chưa hoàn tất."
            except ApiError as exc:
                message = exc.message
    return _dossier_page(request, conn, user, code, message=message)


async def _step_form(request: Request, conn, user: User | None, code: str, action):
    """Run one form post of the dossier page; errors are shown on the page, success redirects."""
    user = need_login(request, user)
    form = await request.form()
    check_csrf(request, form)
    try:
        notice = await action(user, form)
    except ApiError as exc:
        if exc.status in (401, 404):
            raise
        return _dossier_page(request, conn, user, code, status_code=exc.status, error=exc.message)
    if isinstance(notice, str) and notice.startswith("http"):
        return redirect(request, notice)
    return redirect(request, f"/ho-so/{code}?ok={notice}")


@router.post("/ho-so/{code}/bo-sung")
async def supplement_post(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                          user: User | None = Depends(page_user)):
    async def act(u: User, form):
        uploads = await form_uploads(form, [("files", None)])
        dossiers.take_step(conn, ctx_of(request), u, code, "supplement", note=str(form.get("note") or ""), uploads=uploads,
                           ip=client_ip(request))
        return "bo-sung"
    return await _step_form(request, conn, user, code, act)


@router.post("/ho-so/{code}/thanh-toan")
async def pay_post(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                   user: User | None = Depends(page_user)):
    async def act(u: User, form):
        started = dossier_payment.start_payment(conn, ctx_of(request), u, code, client_ip(request))
        return started["payment_url"]
    return await _step_form(request, conn, user, code, act)


@router.post("/ho-so/{code}/danh-gia")
async def rate_post(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                    user: User | None = Depends(page_user)):
    async def act(u: User, form):
        try:
            score = int(str(form.get("score") or ""))
        except ValueError:
            raise ApiError(422, "Vui lòng chọn mức độ hài lòng — choose a score") from None
        dossiers.rate(conn, u, code, score, str(form.get("comment") or ""))
        return "danh-gia"
    return await _step_form(request, conn, user, code, act)


@router.post("/ho-so/{code}/tin-nhan")
async def message_post(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                       user: User | None = Depends(page_user)):
    async def act(u: User, form):
        dossiers.add_message(conn, ctx_of(request), u, code, str(form.get("text") or ""))
        return "tin-nhan"
    return await _step_form(request, conn, user, code, act)


@router.post("/ho-so/{code}/rut")
async def withdraw_post(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                        user: User | None = Depends(page_user)):
    async def act(u: User, form):
        dossiers.take_step(conn, ctx_of(request), u, code, "withdraw", note=str(form.get("note") or ""),
                           ip=client_ip(request))
        return "rut"
    return await _step_form(request, conn, user, code, act)


@router.get("/thanh-toan/{reference}")
def sandbox_page(reference: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                 user: User | None = Depends(page_user)):
    user = need_login(request, user)
    row = conn.execute("SELECT p.*, d.code, d.owner_id FROM payments p JOIN dossiers d ON d.id = p.dossier_id "
                       "WHERE p.reference = ? AND p.mode = 'sandbox'", (reference,)).fetchone()
    if row is None or row["owner_id"] != user.id:
        raise ApiError(404, "Không có giao dịch — unknown payment")
    return render(request, "sandbox_payment.html", pay=row)


@router.post("/thanh-toan/{reference}")
async def sandbox_post(reference: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                       user: User | None = Depends(page_user)):
    user = need_login(request, user)
    form = await request.form()
    check_csrf(request, form)
    row = dossier_payment.sandbox_pay(conn, ctx_of(request), user, reference)
    return redirect(request, f"/ho-so/{row['code']}?ok=thanh-toan")
