"""Dossiers: online submission, counter and postal intake, the processing steps, payment,
results, attachments, messages, rating, the citizen's list and the back-office register."""
import base64
import binascii
import json
import sqlite3
from datetime import date

from fastapi import APIRouter, Body, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from refportal import accounts, apology, defects, dossier_payment, dossier_views, dossiers, population, status, styles
from refportal.accounts import OFFICER_ROLES, User
from refportal.api.models import (ApologyBody, AssignBody, IntakeBody, MessageBody, NoteBody, PaymentRequestBody,
                                  RateBody, ReasonBody, ReturnBody)
from refportal.dossiers import Upload
from refportal.failures import ApiError
from refportal.web import (api_role, api_user, base_url, client_ip, ctx_of, get_conn, optional_api_user,
                           query_day)

router = APIRouter(tags=["Hồ sơ — dossiers"])
OFFICERS = tuple(OFFICER_ROLES)


async def read_uploads(files: list[UploadFile], component_codes: str | None) -> list[Upload]:
    codes = [c.strip() or None for c in component_codes.split(",")] if component_codes else []
    uploads = []
    for i, f in enumerate(files or []):
        if not f.filename and not f.size:
            continue  # an empty file input of a browser form
        uploads.append(Upload(f.filename or "", await f.read(), f.content_type or "",
                              codes[i] if i < len(codes) else None))
    return uploads


def step_answer(dossier) -> dict:
    return {"code": dossier["code"], "status_label": dossiers.shown_label(dossier["status"])}


def _parse_form_data(text: str) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        raise ApiError(422, "form_data phải là JSON — form_data must be JSON text") from None
    return value


@router.post("/dossiers", status_code=201, summary="Nộp hồ sơ trực tuyến — submit online (citizen, business)")
async def submit(request: Request, procedure_code: str = Form(...), form_data: str = Form("{}"),
                 files: list[UploadFile] = File(default=[]), component_codes: str | None = Form(None),
                 return_by_post: bool = Form(False), reuse_attachment_ids: str | None = Form(None),
                 user: User = Depends(api_user), conn: sqlite3.Connection = Depends(get_conn)):
    uploads = await read_uploads(files, component_codes)
    try:
        reuse = [int(x) for x in (reuse_attachment_ids or "").split(",") if x.strip()]
    except ValueError:
        raise ApiError(422, "reuse_attachment_ids: các số, cách nhau bởi dấu phẩy — comma-separated ids") from None
    dossier = dossiers.submit(conn, ctx_of(request), user, procedure_code.strip(), _parse_form_data(form_data),
                              uploads, return_by_post, ip=client_ip(request), reuse_ids=reuse)
    return {"code": dossier["code"], "status_label": status.label(dossier["status"]),
            "submitted_at": dossier["submitted_at"], "appointment_date": dossier["appointment_date"]}


def _intake(channel: str):
    def intake(body: IntakeBody, request: Request, user: User = Depends(api_role("receiving_officer")),
               conn: sqlite3.Connection = Depends(get_conn)):
        uploads = []
        for f in body.files:
            try:
                data = base64.b64decode(f.content_base64, validate=True)
            except (binascii.Error, ValueError):
                raise ApiError(422, f"Tệp '{f.name}': content_base64 không phải base64 — not valid base64") from None
            uploads.append(Upload(f.name, data, f.content_type or "", f.component_code))
        dossier = dossiers.intake(conn, ctx_of(request), user, channel, body.procedure_code.strip(),
                                  body.applicant.model_dump(), uploads, body.return_by_post, ip=client_ip(request))
        return {"code": dossier["code"], "status_label": status.label(dossier["status"]),
                "received_at": dossier["received_at"], "appointment_date": dossier["appointment_date"]}
    return intake


router.add_api_route("/dossiers/counter", _intake("counter"), methods=["POST"], status_code=201,
                     summary="Tiếp nhận hồ sơ trực tiếp tại quầy — counter intake (receiving officer)")
router.add_api_route("/dossiers/postal", _intake("post"), methods=["POST"], status_code=201,
                     summary="Tiếp nhận hồ sơ qua bưu chính công ích — postal intake (receiving officer)")


@router.get("/dossiers", summary="Sổ theo dõi hồ sơ — the dossier register (officers)")
def register(date_from: str | None = None, date_to: str | None = None, overdue: bool | None = None,
             status_label: str | None = None, channel: str | None = None,
             user: User = Depends(api_role(*OFFICERS)), conn: sqlite3.Connection = Depends(get_conn)):
    if styles.on("stepwise"):  # that back office lists its register page by page (refportal/api/stepwise.py)
        raise ApiError(404, "Không tìm thấy — not found")
    code = None
    if status_label:
        code = status.code_of_label(status_label.strip())
        if code is None:
            raise ApiError(422, f"status_label: nhãn trạng thái không có; dùng một trong {', '.join(status.LABELS.values())}"
                                " — unknown status label")
    if channel and channel not in dossiers.CHANNEL_LABELS:
        raise ApiError(422, "channel: counter | online | post")
    return {"items": dossier_views.register_list(conn, query_day(date_from, "date_from"), query_day(date_to, "date_to"),
                                            overdue, code, channel or None)}


@router.get("/me/reusable-papers", summary="Giấy tờ đã được xác nhận, dùng lại được — my verified papers")
def reusable_papers(user: User = Depends(api_user), conn: sqlite3.Connection = Depends(get_conn)):
    return {"items": dossiers.reusable_papers(conn, user)}


@router.get("/population/{id_number}", summary="Tra CSDL dân cư (bản mô phỏng) để điền sẵn — population record "
                                                "for pre-filling (officers)")
def population_record(id_number: str, request: Request, user: User = Depends(api_role(*OFFICERS)),
                      conn: sqlite3.Connection = Depends(get_conn)):
    found = population.lookup(conn, id_number, user.username, client_ip(request))
    if found is None:
        raise ApiError(404, "Không có trong CSDL dân cư — no such person")
    return found


@router.get("/me/dossiers", summary="Hồ sơ của tôi — my dossiers")
def my_dossiers(user: User = Depends(api_user), conn: sqlite3.Connection = Depends(get_conn)):
    return {"items": dossier_views.my_dossiers(conn, user)}


@router.get("/lookup/{code}", summary="Tra cứu công khai theo mã hồ sơ — public lookup (no personal data)")
def lookup(code: str, conn: sqlite3.Connection = Depends(get_conn), user: User | None = Depends(optional_api_user)):
    if defects.on("lookup-needs-login") and user is None:
        raise ApiError(401, "Cần đăng nhập để tra cứu hồ sơ — login required")  # DEFECT: lookup needs a login
    found = dossier_views.lookup(conn, code)
    if found is None:
        raise ApiError(404, "Không tìm thấy hồ sơ")
    return found


@router.get("/dossiers/{code}", summary="Chi tiết hồ sơ — dossier detail (owner or officers)")
def detail(code: str, request: Request, user: User = Depends(api_user), conn: sqlite3.Connection = Depends(get_conn)):
    dossier = dossiers.readable(conn, user, code)
    return dossier_views.view(conn, ctx_of(request), dossier, base_url(request), viewer=user)


def _json_step(step_name: str, model, summary: str, optional: bool = True):
    """One POST route per step; `model` is its JSON body (optional for steps that need nothing).
    This module has no `from __future__ import annotations`: FastAPI reads these closures'
    annotations at definition time."""
    def take(code: str, request: Request, body: model = Body(None) if optional else Body(...),  # type: ignore[valid-type]
             user: User = Depends(api_user), conn: sqlite3.Connection = Depends(get_conn)):
        if styles.on("stepwise") and step_name != "withdraw":  # officers move dossiers by internal id there
            raise ApiError(404, "Không tìm thấy — not found")
        values = body.model_dump() if body is not None else {}
        dossier = dossiers.take_step(conn, ctx_of(request), user, code, step_name, reason=values.get("reason"),
                                     note=values.get("note"), amount=values.get("amount"), ip=client_ip(request),
                                     consignment=values.get("consignment"))
        answer = step_answer(dossier)
        if step_name == "return":
            answer["returned_at"] = dossier["returned_at"]
        if step_name == "receive":
            answer["appointment_date"] = dossier["appointment_date"]
        return answer
    take.__name__ = "step_" + step_name.replace("-", "_")
    router.add_api_route(f"/dossiers/{{code}}/{step_name}", take, methods=["POST"], summary=summary)


_json_step("receive", NoteBody, "Tiếp nhận hồ sơ (1 → 2) — receive (receiving officer)")
_json_step("refuse", ReasonBody, "Từ chối tiếp nhận (1 → 3) — refuse (receiving officer)", optional=False)
_json_step("request-supplement", ReasonBody, "Yêu cầu bổ sung (2/4 → 5) — request a supplement (receiving officer, specialist)",
           optional=False)
_json_step("process", NoteBody, "Thụ lý, giải quyết (2 → 4) — process (specialist)")
_json_step("request-payment", PaymentRequestBody, "Yêu cầu nghĩa vụ tài chính (→ 6) — request payment (specialist)")
_json_step("approve", NoteBody, "Phê duyệt kết quả (4 → 9) — approve (leader)")
_json_step("return", ReturnBody, "Trả kết quả (9 → 10) — return the result (receiving officer; consignment for "
                                 "a return by post)")
_json_step("withdraw", NoteBody, "Rút hồ sơ (→ 7) — withdraw (owner)")
_json_step("stop", ReasonBody, "Dừng xử lý (→ 8) — stop (specialist)", optional=False)


@router.post("/dossiers/{code}/supplement", summary="Bổ sung hồ sơ (5 → 2/4) — supplement (owner; multipart)")
async def supplement(code: str, request: Request, files: list[UploadFile] = File(default=[]), note: str = Form(""),
                     component_codes: str | None = Form(None), user: User = Depends(api_user),
                     conn: sqlite3.Connection = Depends(get_conn)):
    uploads = await read_uploads(files, component_codes)
    dossier = dossiers.take_step(conn, ctx_of(request), user, code, "supplement", note=note, uploads=uploads,
                                 ip=client_ip(request))
    return step_answer(dossier)


@router.post("/dossiers/{code}/pay", summary="Thanh toán trực tuyến — start paying (owner, status 6)")
def pay(code: str, request: Request, user: User = Depends(api_user), conn: sqlite3.Connection = Depends(get_conn)):
    return dossier_payment.start_payment(conn, ctx_of(request), user, code, client_ip(request))


@router.post("/dossiers/{code}/payment/query", summary="Hỏi trạng thái giao dịch (QUERY) — query the payment (owner)")
def payment_query(code: str, request: Request, user: User = Depends(api_user),
                  conn: sqlite3.Connection = Depends(get_conn)):
    return dossier_payment.query_payment(conn, ctx_of(request), user, code)


@router.post("/dossiers/{code}/rate", summary="Đánh giá mức độ hài lòng — rate (owner, after 9 or 10)")
def rate(code: str, body: RateBody, user: User = Depends(api_user), conn: sqlite3.Connection = Depends(get_conn)):
    dossiers.rate(conn, user, code, body.score, body.comment)
    return {"code": code, "rating": body.score}


@router.post("/dossiers/{code}/messages", status_code=201, summary="Gửi tin nhắn trao đổi — message (owner or officers)")
def message(code: str, body: MessageBody, request: Request, user: User = Depends(api_user),
            conn: sqlite3.Connection = Depends(get_conn)):
    return dossiers.add_message(conn, ctx_of(request), user, code, body.text)


@router.get("/dossiers/{code}/result", summary="Tải kết quả điện tử (PDF) — the electronic result")
def result(code: str, request: Request, user: User | None = Depends(optional_api_user),
           conn: sqlite3.Connection = Depends(get_conn)):
    row = dossier_views.result_files(conn, dossiers.file_readable(conn, user, code, request.state.token))
    return Response(row["pdf"], media_type="application/pdf",
                    headers={"content-disposition": f'attachment; filename="{row["file_name"]}"'})


@router.get("/dossiers/{code}/result.sig", summary="Chữ ký số tách rời của kết quả (CMS, DER) — detached signature")
def result_signature(code: str, request: Request, user: User | None = Depends(optional_api_user),
                     conn: sqlite3.Connection = Depends(get_conn)):
    row = dossier_views.result_files(conn, dossiers.file_readable(conn, user, code, request.state.token))
    if not row["signature"]:
        raise ApiError(404, "Kết quả điện tử không có chữ ký số — the electronic result is not signed")
    return Response(row["signature"], media_type="application/pkcs7-signature",
                    headers={"content-disposition": f'attachment; filename="{row["file_name"]}.sig"'})


@router.get("/dossiers/{code}/attachments/{attachment_id}", summary="Tải tệp đính kèm — an attachment as uploaded")
def attachment_file(code: str, attachment_id: int, request: Request, user: User | None = Depends(optional_api_user),
                    conn: sqlite3.Connection = Depends(get_conn)):
    row = dossier_views.attachment(conn, dossiers.file_readable(conn, user, code, request.state.token), attachment_id)
    return Response(row["data"], media_type=row["content_type"],
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{_quote(row['name'])}"})


@router.get("/dossiers/{code}/forms/{number}", response_class=HTMLResponse,
            summary="In biểu mẫu TT 01/2018 (Mẫu 01–06; Mẫu 06 với mã 'register') — printable TT 01/2018 form (officers)")
def print_form(code: str, number: int, request: Request, date_from: str | None = None, date_to: str | None = None,
               user: User | None = Depends(optional_api_user), conn: sqlite3.Connection = Depends(get_conn)):
    from refportal.pages import forms  # pages import the templates: keep the API module light

    if defects.on("forms-open") and (user is None or user.role not in OFFICERS):
        user = accounts.first_of_role(conn, "receiving_officer")  # DEFECT: the print route asks nobody
    else:
        user = api_role(*OFFICERS)(api_user(user))
    return forms.print_form(request, conn, user, code, number, date_from, date_to, ip=client_ip(request))


@router.post("/dossiers/{code}/counter-payment", summary="Thu phí, lệ phí tại quầy (6 → 4/9) — fee paid at the counter "
                                                         "(receiving officer)")
def counter_payment(code: str, request: Request, user: User = Depends(api_user), conn: sqlite3.Connection = Depends(get_conn)):
    dossier = dossier_payment.record_counter_payment(conn, ctx_of(request), user, code, ip=client_ip(request))
    return step_answer(dossier)


@router.get("/dossiers/{code}/fee-receipt", response_class=HTMLResponse,
            summary="Biên lai thu phí, lệ phí của hồ sơ — the fee receipt (officers)")
def fee_receipt(code: str, request: Request, user: User = Depends(api_role(*OFFICERS)),
                conn: sqlite3.Connection = Depends(get_conn)):
    from refportal.pages import forms

    return forms.fee_receipt(request, conn, user, code)


@router.post("/dossiers/{code}/assign", summary="Chuyển hồ sơ, phân công xử lý — transfer and assign (receiving "
                                                "officer, leader)")
def assign(code: str, body: AssignBody, request: Request, user: User = Depends(api_user),
           conn: sqlite3.Connection = Depends(get_conn)):
    dossier = dossiers.assign(conn, ctx_of(request), user, code, body.assignee, body.note, ip=client_ip(request))
    return {**step_answer(dossier), "assignee": body.assignee.strip()}


def apology_answer(row) -> dict:
    return {"issued_at": row["issued_at"], "issued_by": row["issued_by"], "reason": row["reason"],
            "old_appointment_date": row["old_appointment"], "new_appointment_date": row["new_appointment"]}


@router.post("/dossiers/{code}/apology", status_code=201,
             summary="Lập Phiếu xin lỗi và hẹn lại ngày trả (Mẫu 04) — apologise for an overdue dossier (officers)")
def issue_apology(code: str, request: Request, body: ApologyBody = Body(None), user: User = Depends(api_user),
                  conn: sqlite3.Connection = Depends(get_conn)):
    body = body or ApologyBody()
    new_date = query_day(body.new_appointment_date, "new_appointment_date")
    row = apology.issue(conn, ctx_of(request), user, code, body.reason,
                        date.fromisoformat(new_date) if new_date else None, ip=client_ip(request))
    return {"code": code, **apology_answer(row)}


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@router.get("/statuses", summary="Danh sách trạng thái hồ sơ — status labels and allowed transitions")
def statuses():
    return {"items": [{"label": label, "final": code in status.FINAL,
                       "next": [status.label(n) for n in sorted(status.ALLOWED.get(code, ()))]}
                      for code, label in status.LABELS.items()]}

