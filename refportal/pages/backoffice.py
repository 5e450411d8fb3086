"""The back office (Hệ thống thông tin một cửa điện tử) under /mot-cua: server-rendered pages for
officers over the same services the REST API uses. Receiving officers take dossiers in at the
counter and by post, check, receive or refuse them, hand out results; specialists process,
request supplements and fees, stop; leaders assign and approve; every officer issues the apology
of an overdue dossier and prints the TT 01/2018 forms; the admin manages users and catalogues and
reads the audit log. Citizens are refused (403); anonymous visitors are sent to the login."""
from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from refportal import (access, apology, audit, catalogue, catalogue_admin, dossier_payment, dossier_views, dossiers,
                       feedback, population, pull, stats, status, users)
from refportal.accounts import OFFICER_ROLES, User
from refportal.failures import ApiError
from refportal.pages import forms
from refportal.pages.dossier_pages import form_uploads, need_login
from refportal.pages.render import check_csrf, redirect, render
from refportal.web import base_url, client_ip, ctx_of, get_conn, page_user, query_day

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
           "xin-loi": "Đã lập Phiếu xin lỗi và gửi người nộp.", "tin-nhan": "Đã gửi tin nhắn.", "moi": "Đã tiếp nhận hồ sơ mới.",
           "thu-phi": "Đã ghi nhận thu phí, lệ phí tại quầy."}


def officer(request: Request, user: User | None = Depends(page_user)) -> User:
    user = need_login(request, user)
    if user.role not in OFFICER_ROLES:
        raise ApiError(403, "Trang dành cho cán bộ, công chức — officers only")
    return user


def admin_only(user: User = Depends(officer)) -> User:
    if user.role != "admin":
        raise ApiError(403, "Chỉ quản trị hệ thống — administrators only")
    return user


# --- dashboard and the dossier list ----------------------------------------------------------------

@router.get("")
def dashboard(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(officer)):
    everything = dossier_views.register_list(conn, None, None, None)
    counts = {label: 0 for label in status.LABELS.values()}
    for d in everything:
        counts[d["status_label"]] += 1
    queues = [(title, dossier_views.register_list(conn, None, None, None, code)) for code, title in QUEUES[user.role]]
    return render(request, "backoffice/dashboard.html", section="", counts=counts, queues=queues,
                  overdue=[d for d in everything if d["overdue"]], due_soon=[d for d in everything if d["due_soon"]])


@router.get("/ho-so")
def dossier_list(request: Request, date_from: str = "", date_to: str = "", trang_thai: str = "", kenh: str = "",
                 qua_han: str = "", conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(officer)):
    code = int(trang_thai) if trang_thai.isdigit() and int(trang_thai) in status.LABELS else None
    channel = kenh if kenh in dossiers.CHANNEL_LABELS else None
    items = dossier_views.register_list(conn, query_day(date_from), query_day(date_to), True if qua_han else None, code, channel)
    return render(request, "backoffice/dossiers.html", section="ho-so", items=items, date_from=date_from,
                  date_to=date_to, trang_thai=code, kenh=channel, qua_han=bool(qua_han))


# --- one dossier -------------------------------------------------------------------------------------

def available_actions(conn, user: User, row) -> list[str]:
    found = [slug for slug, (step, _) in STEP_ACTIONS.items()
             if user.role in status.STEPS[step].roles and row["status"] in status.STEPS[step].from_states]
    if user.role in dossiers.ASSIGN_ROLES and row["status"] in dossiers.ASSIGNABLE:
        found.append("chuyen-xu-ly")
    if dossier_views.is_open(row):  # before the due date too (NĐ 61/2018 Điều 19 khoản 9)
        found.append("xin-loi")
    if user.role == "receiving_officer" and row["status"] == status.CHO_NGHIA_VU_TAI_CHINH:
        found.append("thu-phi")
    return found


def _detail(request: Request, conn, user: User, code: str, status_code: int = 200, **values):
    row = dossiers.readable(conn, user, code)
    view = dossier_views.view(conn, ctx_of(request), row, base_url(request), viewer=user)
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
                               amount=amount, ip=ip, consignment=_text(form, "consignment"))
        elif action == "chuyen-xu-ly":
            dossiers.assign(conn, ctx, user, code, _text(form, "assignee"), _text(form, "note"), ip=ip)
        elif action == "xin-loi":
            new_day = query_day(_text(form, "new_appointment_date"))
            apology.issue(conn, ctx, user, code, _text(form, "reason"), date.fromisoformat(new_day) if new_day else None,
                          ip=ip)
        elif action == "tin-nhan":
            dossiers.add_message(conn, ctx, user, code, _text(form, "text"))
        elif action == "thu-phi":
            dossier_payment.record_counter_payment(conn, ctx, user, code, ip=ip)
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


@router.get("/ho-so/{code}/bien-lai")
def dossier_fee_receipt(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                        user: User = Depends(officer)):
    return forms.fee_receipt(request, conn, user, code)


def _csv(name: str, header: list[str], rows: list[list]) -> Response:
    """A CSV file Excel opens as UTF-8 (with the byte-order mark)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/so-theo-doi.csv")
def register_csv(date_from: str = "", date_to: str = "", conn: sqlite3.Connection = Depends(get_conn),
                 user: User = Depends(officer)):
    items = dossier_views.register_list(conn, query_day(date_from), query_day(date_to), None)
    return _csv("so-theo-doi-ho-so.csv",
                ["STT", "Mã hồ sơ", "Mã thủ tục", "Thủ tục", "Người nộp", "Cơ quan giải quyết", "Kênh", "Ngày nộp",
                 "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày hẹn lại", "Ngày trả kết quả", "Trạng thái", "Quá hạn"],
                [[i, d["code"], d["procedure_code"], d["procedure_name"], d["applicant_name"], d["agency_name"],
                  dossiers.CHANNEL_LABELS[d["channel"]], d["submitted_at"], d["received_at"] or "", d["appointment_date"] or "",
                  d["new_appointment_date"] or "", d["returned_at"] or "", d["status_label"], "Có" if d["overdue"] else ""]
                 for i, d in enumerate(items, start=1)])


@router.get("/thong-ke.csv")
def statistics_csv(date_from: str = "", date_to: str = "", agency: str = "", conn: sqlite3.Connection = Depends(get_conn),
                   user: User = Depends(officer)):
    s = stats.statistics(conn, query_day(date_from), query_day(date_to), agency or None)
    head = ["Nhóm", "Mã", "Tên", "Tiếp nhận", "Đã giải quyết", "Đúng hạn", "Trễ hạn", "Đang giải quyết"]
    fields = ("received", "resolved", "on_time", "late", "pending")
    rows = [["Tổng hợp", "", f"{s['date_from'] or '…'} – {s['date_to'] or '…'}", *(s[f] for f in fields)]]
    rows += [["Cơ quan", a["agency_code"], a["agency_name"], *(a[f] for f in fields)] for a in s["by_agency"]]
    rows += [["Lĩnh vực", a["sector_code"], a["sector_name"], *(a[f] for f in fields)] for a in s["by_sector"]]
    rows += [["Tháng", a["month"], a["month"], *(a[f] for f in fields)] for a in s["by_month"]]
    return _csv("bao-cao-giai-quyet-ho-so.csv", head, rows)


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
    form = values.pop("form", {})
    id_number = request.query_params.get("so_dinh_danh", "").strip()
    if chosen and id_number and request.method == "GET":
        # pre-fill the applicant from the population database (the stand-in, population.py)
        try:
            person = population.lookup(conn, id_number, user.username, client_ip(request))
        except ApiError as exc:
            person, values["error"] = None, exc.message
        if person:
            form = {"id_number": id_number, "full_name": person["full_name"], "address": person["address"]}
            values["message"] = f"Đã điền thông tin từ {population.SOURCE}."
        elif "error" not in values:
            form, values["error"] = {"id_number": id_number}, "Không tìm thấy số định danh trong CSDL dân cư."
    return render(request, "backoffice/intake.html", status_code=status_code, section="tiep-nhan",
                  procedures=procedures, p=chosen, form=form, **values)


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
    uploads = await form_uploads(form, [(f"file_{c['code']}", c["code"]) for c in procedure["components"]])
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
    numbers = stats.statistics(conn, query_day(date_from), query_day(date_to), agency or None)
    return render(request, "backoffice/statistics.html", section="thong-ke", s=numbers,
                  agencies=catalogue.agencies(conn), ratings=stats.ratings(conn))


@router.get("/danh-muc")
def catalogue_page(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(officer)):
    return _catalogue_page(request, conn)


def _catalogue_page(request: Request, conn, message: str = "", error: str = "", status_code: int = 200):
    procedures = [catalogue.get(conn, r["code"]) for r in catalogue.search(conn, page_size=200)[0]]
    holidays = conn.execute("SELECT day, name FROM holidays ORDER BY day").fetchall()
    return render(request, "backoffice/catalogue.html", status_code=status_code, section="danh-muc",
                  procedures=procedures, agencies=catalogue.agencies(conn), sectors=catalogue.sectors(conn),
                  holidays=holidays, steps=list(status.STEPS.values()), message=message or None, error=error or None)


@router.get("/danh-muc/thu-tuc/{code}")
def procedure_config_page(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                          user: User = Depends(admin_only)):
    return _procedure_config(request, conn, code)


def _procedure_config(request: Request, conn, code: str, status_code: int = 200, **values):
    found = catalogue.get(conn, code)
    if found is None:
        raise ApiError(404, "Không tìm thấy thủ tục — unknown procedure")
    return render(request, "backoffice/procedure_config.html", status_code=status_code, section="danh-muc", p=found,
                  workflow_steps=catalogue_admin.WORKFLOW_STEPS, **values)


@router.post("/danh-muc/thu-tuc/{code}")
async def procedure_config_post(code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                                user: User = Depends(admin_only)):
    form = await request.form()
    check_csrf(request, form)
    found = catalogue.get(conn, code)
    if found is None:
        raise ApiError(404, "Không tìm thấy thủ tục — unknown procedure")

    def number(name: str, field: str):
        text = _text(form, name).replace(".", "")
        if not text.isdigit():
            raise ApiError(422, f"{field}: nhập số nguyên — a whole number")
        return int(text)

    try:
        data = {"processing_days": number("processing_days", "Thời hạn giải quyết"),
                "fees": [{"code": f["code"], "amount": number(f"fee_{f['code']}", f["name"])} for f in found["fees"]],
                "components": [{"code": c["code"], "required": bool(form.get(f"required_{c['code']}"))}
                               for c in found["components"]],
                "workflow_days": {step: number(f"days_{step}", label) for step, label in
                                  catalogue_admin.WORKFLOW_STEPS.items() if _text(form, f"days_{step}")}}
        catalogue_admin.update_procedure(conn, user, code, data, client_ip(request))
    except ApiError as exc:
        return _procedure_config(request, conn, code, exc.status, error=exc.message)
    return _procedure_config(request, conn, code, message="Đã lưu cấu hình thủ tục.")


@router.post("/danh-muc/{kind}/{code}")
async def rename_post(kind: str, code: str, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                      user: User = Depends(admin_only)):
    form = await request.form()
    check_csrf(request, form)
    change = {"co-quan": catalogue_admin.update_agency, "linh-vuc": catalogue_admin.update_sector}.get(kind)
    if change is None:
        raise ApiError(404, "Không có danh mục này — unknown catalogue")
    try:
        change(conn, user, code, {"name": _text(form, "name")}, client_ip(request))
    except ApiError as exc:
        return _catalogue_page(request, conn, error=exc.message, status_code=exc.status)
    return _catalogue_page(request, conn, message=f"Đã cập nhật {code}.")


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
                  message=message or None, error=error or None, form=form or {})


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


@router.get("/truy-cap")
def access_page(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(admin_only)):
    return render(request, "backoffice/access.html", section="truy-cap", r=access.report(conn, 30))


@router.get("/khao-sat")
def surveys_page(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(admin_only)):
    return _surveys_page(request, conn)


def _surveys_page(request: Request, conn, status_code: int = 200, **values):
    items = feedback.all_surveys(conn)
    return render(request, "backoffice/surveys.html", status_code=status_code, section="khao-sat", surveys=items,
                  results={s["id"]: feedback.survey_results(conn, s["id"]) for s in items}, **values)


@router.post("/khao-sat")
async def surveys_create(request: Request, conn: sqlite3.Connection = Depends(get_conn), user: User = Depends(admin_only)):
    form = await request.form()
    check_csrf(request, form)
    questions = []
    for i in (1, 2, 3):
        text = _text(form, f"q{i}_text")
        if not text:
            continue
        options = [o.strip() for o in _text(form, f"q{i}_options").replace(";", "\n").splitlines() if o.strip()]
        questions.append({"type": "choice" if options else "text", "text": text, "options": options})
    try:
        created = feedback.create_survey(conn, user.username, {"title": _text(form, "title"),
                                                                "description": _text(form, "description"),
                                                                "questions": questions}, client_ip(request))
    except ApiError as exc:
        return _surveys_page(request, conn, exc.status, error=exc.message, form=dict(form))
    return _surveys_page(request, conn, message=f"Đã tạo khảo sát “{created['title']}”.")


@router.post("/khao-sat/{survey_id}/dong")
async def surveys_close(survey_id: int, request: Request, conn: sqlite3.Connection = Depends(get_conn),
                        user: User = Depends(admin_only)):
    form = await request.form()
    check_csrf(request, form)
    feedback.close_survey(conn, user.username, survey_id, client_ip(request))
    return _surveys_page(request, conn, message="Đã đóng khảo sát.")


@router.get("/tro-giup")
def help_page(request: Request, user: User = Depends(officer)):
    return render(request, "backoffice/help.html", section="tro-giup")


@router.get("/nhat-ky")
def audit_page(request: Request, date_from: str = "", date_to: str = "", conn: sqlite3.Connection = Depends(get_conn),
               user: User = Depends(admin_only)):
    entries = audit.entries(conn, query_day(date_from), query_day(date_to), limit=1000)
    return render(request, "backoffice/audit.html", section="nhat-ky", entries=entries, date_from=date_from,
                  date_to=date_to)
