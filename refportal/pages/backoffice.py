"""The back office (Hệ thống thông tin một cửa điện tử) under /mot-cua: server-rendered pages for
officers over the same services the REST API uses. Receiving officers take dossiers in at the
counter and by post, check, receive or refuse them, hand out results; specialists process,
request supplements and fees, stop; leaders assign and approve; every officer issues the apology
of an overdue dossier and prints the TT 01/2018 forms; the admin manages users and catalogues and
reads the audit log. Citizens are refused (403); anonymous visitors are sent to the login."""
from __future__ import annotations

import sqlite3
from datetime import date

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile

from refportal import apology, audit, catalogue, dossiers, pull, stats, status, users
from refportal.accounts import OFFICER_ROLES, User
from refportal.dossiers import Upload
from refportal.errors import ApiError
from refportal.pages import forms
from refportal.pages.dossier_pages import LoginRequired
from refportal.pages.render import check_csrf, redirect, render
from refportal.web import base_url, client_ip, ctx_of, get_conn, page_user

router = APIRouter(prefix="/mot-cua", include_in_schema=False)

# the dossiers each role works on, in the order they appear on its dashboard
QUEUES = {
    "receiving_officer": [(status.MOI_DANG_KY, "Hồ sơ chờ tiếp nhận"), (status.DA_CO_KET_QUA, "Hồ sơ chờ trả kết quả")],
    "specialist": [(status.DA_TIEP_NHAN, "Hồ sơ chờ thụ lý"), (status.DANG_GIAI_QUYET, "Hồ sơ đang giải quyết"),
                   (status.CHO_BO_SUNG, "Hồ sơ chờ bổ sung"),
                   (status.CHO_NGHIA_VU_TAI_CHINH, "Hồ sơ chờ thực hiện nghĩa vụ tài chính")],
    "leader": [(status.DANG_GIAI_QUYET, "Hồ sơ chờ phê duyệt"), (status.DA_TIEP_NHAN, "Hồ sơ chờ phân công")],
    "admin": [],
}
# back-office form → step of the status machine, and the field it needs
STEP_ACTIONS = {
    "tiep-nhan": ("receive", None), "tu-choi": ("refuse", "reason"), "yeu-cau-bo-sung": ("request-supplement", "reason"),
    "thu-ly": ("process", None), "yeu-cau-thanh-toan": ("request-payment", "amount"), "phe-duyet": ("approve", None),
    "tra-ket-qua": ("return", None), "dung-xu-ly": ("stop", "reason"),
}
NOTICES = {"tiep-nhan": "Đã tiếp nhận hồ sơ.", "tu-choi": "Đã từ chối tiếp nhận hồ sơ.",
           "yeu-cau-bo-sung": "Đã gửi yêu cầu bổ sung hồ sơ.", "thu-ly": "Đã chuyển hồ sơ sang đang giải quyết.",
           "yeu-cau-thanh-toan": "Đã yêu cầu thực hiện nghĩa vụ tài chính.", "phe-duyet": "Đã phê duyệt kết quả.",
           "tra-ket-qua": "Đã trả kết quả.", "dung-xu-ly": "Đã dừng xử lý hồ sơ.", "chuyen-xu-ly": "Đã chuyển, phân công hồ sơ.",
           "xin-loi": "Đã lập Phiếu xin lỗi và gửi người nộp.", "tin-nhan": "Đã gửi tin nhắn.", "moi": "Đã tiếp nhận hồ sơ mới."}


def officer(request: Request, user: User | None = Depends(page_user)) -> User:
    if user is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if user.role not in OFFICER_ROLES:
        raise ApiError(403, "Trang dành cho cán bộ, công chức — officers only")
    return user


def admin_only(user: User = Depends(officer)) -> User:
    if user.role != "admin":
        raise ApiError(403, "Chỉ quản trị hệ thống — administrators only")
    return user


def _day(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ApiError(422, "Ngày theo dạng YYYY-MM-DD — a date as YYYY-MM-DD") from None


# --- dashboard and the dossier list ----------------------------------------------------------------

@router.get("")
def dashboard(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(officer)):
    everything = dossiers.register_list(conn, None, None, None)
    counts = {label: 0 for label in status.LABELS.values()}
    for d in everything:
        counts[d["status_label"]] += 1
    queues = [(title, dossiers.register_list(conn, None, None, None, code)) for code, title in QUEUES[user.role]]
    return render(request, "backoffice/dashboard.html", section="", counts=counts, queues=queues,
                  overdue=[d for d in everything if d["overdue"]], due_soon=[d for d in everything if d["due_soon"]])


@router.get("/ho-so")
def dossier_list(request: Request, date_from: str = "", date_to: str = "", trang_thai: str = "", kenh: str = "",
                 qua_han: str = "", conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(officer)):
    code = int(trang_thai) if trang_thai.isdigit() and int(trang_thai) in status.LABELS else None
    channel = kenh if kenh in dossiers.CHANNEL_LABELS else None
    items = dossiers.register_list(conn, _day(date_from), _day(date_to), True if qua_han else None, code, channel)
    return render(request, "backoffice/dossiers.html", section="ho-so", items=items, date_from=date_from,
                  date_to=date_to, trang_thai=code, kenh=channel, qua_han=bool(qua_han))


# --- one dossier -------------------------------------------------------------------------------------

def available_actions(conn, user: User, row) -> list[str]:
    found = [slug for slug, (step, _) in STEP_ACTIONS.items()
             if user.role in status.STEPS[step].roles and row["status"] in status.STEPS[step].from_states]
    if user.role in dossiers.ASSIGN_ROLES and row["status"] in dossiers.ASSIGNABLE:
        found.append("chuyen-xu-ly")
    if dossiers.is_overdue(row):
        found.append("xin-loi")
    return found


def _detail(request: Request, conn, user: User, code: str, status_code: int = 200, **values):
    row = dossiers.readable(conn, user, code)
    view = dossiers.view(conn, ctx_of(request), row, base_url(request), viewer=user)
    procedure = catalogue.get(conn, row["procedure_code"])
    assignees = conn.execute("SELECT username, full_name, title FROM users WHERE role IN ('specialist', 'leader') "
                             "ORDER BY role DESC, username").fetchall()
    return render(request, "backoffice/dossier.html", status_code=status_code, section="ho-so", d=view,
                  status=row["status"], procedure=procedure, actions=available_actions(conn, user, row),
                  assignees=assignees, channel_label=dossiers.CHANNEL_LABELS[row["channel"]], forms_titles=forms.TITLES,
                  **values)


@router.get("/ho-so/{code}")
def dossier_detail(code: str, request: Request, ok: str = "", conn: sqlite3.Connection = Depends(get_conn),
                   user: User = Depends(officer)):
    return _detail(request, conn, user, code, message=NOTICES.get(ok))


def _text(form, name: str) -> str:
    return str(form.get(name) or "").strip()


@router.post("/ho-so/{code}/{action}")
async def dossier_action(code: str, action: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                         user: User = Depends(officer)):
    form = await request.form()
    check_csrf(request, form)
    ctx, ip = ctx_of(request), client_ip(request)
    try:
        if action in STEP_ACTIONS:
            step, needs = STEP_ACTIONS[action]
            if step == "receive" and not form.get("da_kiem_tra"):
                raise ApiError(422, "Cần xác nhận đã kiểm tra hồ sơ đầy đủ, hợp lệ trước khi tiếp nhận — confirm the "
                                    "completeness check first")
            amount = None
            if needs == "amount" and _text(form, "amount"):
                try:
                    amount = int(_text(form, "amount").replace(".", ""))
                except ValueError:
                    raise ApiError(422, "Số tiền là số nguyên, đồng — amount in whole đồng") from None
            dossiers.take_step(conn, ctx, user, code, step, reason=_text(form, "reason"), note=_text(form, "note"),
                               amount=amount, ip=ip)
        elif action == "chuyen-xu-ly":
            dossiers.assign(conn, ctx, user, code, _text(form, "assignee"), _text(form, "note"), ip=ip)
        elif action == "xin-loi":
            new_day = _day(_text(form, "new_appointment_date"))
            apology.issue(conn, ctx, user, code, _text(form, "reason"), date.fromisoformat(new_day) if new_day else None,
                          ip=ip)
        elif action == "tin-nhan":
            dossiers.add_message(conn, ctx, user, code, _text(form, "text"))
        else:
            raise ApiError(404, "Không có thao tác này — unknown action")
    except ApiError as exc:
        if action not in NOTICES or dossiers.load(conn, code) is None:
            raise
        return _detail(request, conn, user, code, status_code=exc.status, error=exc.message)
    return redirect(request, f"/mot-cua/ho-so/{code}?ok={action}")


@router.get("/ho-so/{code}/mau/{number}")
def dossier_form(code: str, number: int, request: Request, date_from: str = "", date_to: str = "",
                 conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(officer)):
    return forms.print_form(request, conn, user, code, number, date_from or None, date_to or None, ip=client_ip(request))


@router.get("/so-theo-doi")
def register_form(request: Request, date_from: str = "", date_to: str = "", conn: sqlite3.Connection = Depends(get_conn),
                  user: User = Depends(officer)):
    return forms.print_form(request, conn, user, forms.REGISTER, 6, date_from or None, date_to or None)


# --- intake at the counter and by post ---------------------------------------------------------------

@router.get("/tiep-nhan")
def intake_page(request: Request, thu_tuc: str = "", conn: sqlite3.Connection = Depends(get_conn),
                user: User = Depends(officer)):
    return _intake_page(request, conn, user, thu_tuc)


def _intake_page(request: Request, conn, user: User, procedure_code: str, status_code: int = 200, **values):
    procedures, _ = catalogue.search(conn, page_size=200)
    chosen = catalogue.get(conn, procedure_code) if procedure_code else None
    return render(request, "backoffice/intake.html", status_code=status_code, section="tiep-nhan",
                  procedures=procedures, p=chosen, form=values.pop("form", {}), **values)


@router.post("/tiep-nhan")
async def intake_post(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(officer)):
    form = await request.form()
    check_csrf(request, form)
    code = _text(form, "procedure_code")
    procedure = catalogue.get(conn, code)
    if procedure is None:
        return _intake_page(request, conn, user, "", 422, error="Chọn thủ tục — choose a procedure")
    shown = {k: _text(form, k) for k in ("full_name", "id_number", "phone", "email", "address", "type", "channel")}
    missing = [c["name"] for c in procedure["components"] if c.get("required") and not form.get(f"co_{c['code']}")]
    if missing:
        # completeness check at the counter: a required paper is missing, the dossier is not taken in
        return _intake_page(request, conn, user, code, 422, form=shown,
                            error="Hồ sơ chưa đầy đủ, hướng dẫn người nộp bổ sung (Mẫu 02): thiếu " + "; ".join(missing)
                                  + " — the dossier is incomplete")
    uploads = []
    for c in procedure["components"]:
        for item in form.getlist(f"file_{c['code']}"):
            if isinstance(item, UploadFile) and item.filename:
                data = await item.read()
                if data:
                    uploads.append(Upload(item.filename, data, item.content_type or "", c["code"]))
    channel = "post" if shown["channel"] == "post" else "counter"
    applicant = {k: shown[k] for k in ("full_name", "id_number", "phone", "email", "address")}
    applicant["type"] = "business" if shown["type"] == "business" else "citizen"
    try:
        dossier = dossiers.intake(conn, ctx_of(request), user, channel, code, applicant, uploads,
                                  bool(form.get("return_by_post")), ip=client_ip(request))
    except ApiError as exc:
        if exc.status >= 500 or exc.status == 403:
            raise
        return _intake_page(request, conn, user, code, exc.status, form=shown, error=exc.message)
    return redirect(request, f"/mot-cua/ho-so/{dossier['code']}?ok=moi")


# --- statistics, catalogues, users, audit log ----------------------------------------------------------

@router.get("/thong-ke")
def statistics_page(request: Request, date_from: str = "", date_to: str = "", agency: str = "",
                    conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(officer)):
    numbers = stats.statistics(conn, _day(date_from), _day(date_to), agency or None)
    return render(request, "backoffice/statistics.html", section="thong-ke", s=numbers,
                  agencies=catalogue.agencies(conn))


@router.get("/danh-muc")
def catalogue_page(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(officer)):
    return _catalogue_page(request, conn)


def _catalogue_page(request: Request, conn, message: str = "", error: str = "", status_code: int = 200):
    procedures = [catalogue.get(conn, r["code"]) for r in catalogue.search(conn, page_size=200)[0]]
    holidays = conn.execute("SELECT day, name FROM holidays ORDER BY day").fetchall()
    return render(request, "backoffice/catalogue.html", status_code=status_code, section="danh-muc",
                  procedures=procedures, agencies=catalogue.agencies(conn), sectors=catalogue.sectors(conn),
                  holidays=holidays, steps=list(status.STEPS.values()), message=message or None, error=error or None)


@router.post("/danh-muc/lay-thu-tuc")
async def pull_post(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(admin_only)):
    form = await request.form()
    check_csrf(request, form)
    code = _text(form, "procedure_code")
    try:
        found = pull.pull(conn, ctx_of(request), user, code, client_ip(request))
    except ApiError as exc:
        return _catalogue_page(request, conn, error=exc.message, status_code=exc.status)
    return _catalogue_page(request, conn, message=f"Đã cập nhật thủ tục {found['code']}: {found['name']}.")


@router.get("/nguoi-dung")
def users_page(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(admin_only)):
    return _users_page(request, conn)


def _users_page(request: Request, conn, message: str = "", error: str = "", status_code: int = 200,
                form: dict | None = None):
    return render(request, "backoffice/users.html", status_code=status_code, section="nguoi-dung",
                  users=users.list_users(conn), agencies=catalogue.agencies(conn), roles=users.OFFICER_ROLES_CREATED,
                  role_labels=users.ROLE_LABELS, message=message or None, error=error or None, form=form or {})


@router.post("/nguoi-dung")
async def users_create(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(admin_only)):
    form = await request.form()
    check_csrf(request, form)
    data = {k: _text(form, k) or None for k in ("username", "full_name", "role", "agency_code", "title", "email", "phone")}
    data["password"] = str(form.get("password") or "")
    try:
        created = users.create(conn, user, data, client_ip(request))
    except ApiError as exc:
        shown = {k: v or "" for k, v in data.items() if k != "password"}
        return _users_page(request, conn, error=exc.message, status_code=exc.status, form=shown)
    return _users_page(request, conn, message=f"Đã tạo tài khoản {created['username']}.")


@router.post("/nguoi-dung/{username}/{change}")
async def users_switch(username: str, change: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                       user: User = Depends(admin_only)):
    form = await request.form()
    check_csrf(request, form)
    if change not in ("khoa", "mo-khoa"):
        raise ApiError(404, "Không có thao tác này — unknown action")
    try:
        users.set_disabled(conn, user, username, change == "khoa", client_ip(request))
    except ApiError as exc:
        return _users_page(request, conn, error=exc.message, status_code=exc.status)
    return _users_page(request, conn, message=f"Đã {'khóa' if change == 'khoa' else 'mở khóa'} tài khoản {username}.")


@router.get("/nhat-ky")
def audit_page(request: Request, date_from: str = "", date_to: str = "", conn: sqlite3.Connection = Depends(get_conn),
               user: User = Depends(admin_only)):
    entries = audit.entries(conn, _day(date_from), _day(date_to), limit=1000)
    return render(request, "backoffice/audit.html", section="nhat-ky", entries=entries, date_from=date_from,
                  date_to=date_to)
