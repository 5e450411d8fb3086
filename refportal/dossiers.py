"""The life of a dossier: submission and intake, every processing step, assignment, the result,
rating and messages. Each step runs in one write transaction that also writes its sync packets;
mail and SMS go out after the commit. Payment is in dossier_payment.py, what the API and the pages
show of a dossier in dossier_views.py."""
from __future__ import annotations

import hashlib
import json
import mimetypes
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from refportal import audit, catalogue, clock, codes, db, defects, documents, postal, status, sync, workdays
from refportal.accounts import APPLICANT_ROLES, OFFICER_ROLES, User
from refportal.context import Context
from refportal.failures import ApiError
from refportal.text import nfc

CHANNEL_LABELS = {"online": "Trực tuyến", "counter": "Trực tiếp tại Bộ phận Một cửa", "post": "Qua bưu chính công ích"}
NOT_FOUND = "Không tìm thấy hồ sơ — dossier not found"
APPLICANT_FIELDS = ("full_name", "id_number", "birth_date", "phone", "email", "address")
# e-form field -> applicant field (the e-form is pre-filled from the account with these names)
FORM_TO_APPLICANT = {"ho_ten": "full_name", "so_dinh_danh": "id_number", "ngay_sinh": "birth_date",
                     "dien_thoai": "phone", "email": "email", "dia_chi": "address"}
MAX_FILES = 20


@dataclass
class Upload:
    name: str
    data: bytes
    content_type: str = ""
    component_code: str | None = None


@dataclass
class Actor:
    """Who takes a step, as the history and the progress packets name them."""
    username: str
    full_name: str
    title: str | None
    department: str | None

    @classmethod
    def of(cls, conn: sqlite3.Connection, user: User) -> "Actor":
        department = None
        if user.agency_code:
            row = conn.execute("SELECT name FROM agencies WHERE code = ?", (user.agency_code,)).fetchone()
            department = row["name"] if row else None
        if user.role == "receiving_officer":
            department = "Bộ phận Một cửa" + (f" — {department}" if department else "")
        title = user.title or ("Người nộp hồ sơ" if user.role in APPLICANT_ROLES else None)
        return cls(user.username, user.full_name, title, department)


PAYMENT_PLATFORM = Actor("nen-tang-thanh-toan", "Nền tảng thanh toán", "Hệ thống", None)


@dataclass
class Outcome:
    """What a step leaves to do after its commit."""
    mails: list[tuple[str, str, str]] = field(default_factory=list)
    sms: list[tuple[str, str]] = field(default_factory=list)


# --- loading and permissions -------------------------------------------------------------------

def load(conn: sqlite3.Connection, code: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM dossiers WHERE code = ?", (code,)).fetchone()


def can_read(user: User | None, dossier: sqlite3.Row) -> bool:
    if user is None:
        return False
    if defects.on("cross-citizen-read") and user.role in APPLICANT_ROLES:
        return True  # DEFECT: any applicant reads any dossier
    return user.role in OFFICER_ROLES or (dossier["owner_id"] is not None and dossier["owner_id"] == user.id)


def shown_label(code: int) -> str:
    """The status label people are shown (portal, back office, lookup, step answers)."""
    if defects.on("status-not-updated") and code == status.DANG_GIAI_QUYET:
        return status.label(status.DA_TIEP_NHAN)  # DEFECT: processing never shows
    return status.label(code)


def file_readable(conn: sqlite3.Connection, user: User | None, code: str, presented: str | None = None) -> sqlite3.Row:
    """The dossier whose files (attachments, result, signature) `user` may download. The defect
    files-without-login is the bug of a download route that checks the owner only when somebody is
    logged in: another citizen is refused, a visitor without a session is served. The defect
    files-any-token is the bug of one that checks a session token is `presented`, not that it is valid."""
    if user is None and (defects.on("files-without-login") or (presented and defects.on("files-any-token"))):
        dossier = load(conn, code)
        if dossier is None:
            raise ApiError(404, NOT_FOUND)
        return dossier
    return readable(conn, user, code)


def readable(conn: sqlite3.Connection, user: User | None, code: str) -> sqlite3.Row:
    """The dossier if `user` may read it; another citizen gets 404, as if it did not exist."""
    if user is None:
        raise ApiError(401, "Cần đăng nhập — login required")
    dossier = load(conn, code)
    if dossier is None or not can_read(user, dossier):
        raise ApiError(404, NOT_FOUND)
    return dossier


def _check_role(user: User, dossier: sqlite3.Row, step_name: str) -> None:
    roles = status.STEPS[step_name].roles
    if "owner" in roles and user.role in APPLICANT_ROLES:
        if dossier["owner_id"] != user.id:
            raise ApiError(404, NOT_FOUND)
        return
    if user.role in APPLICANT_ROLES and dossier["owner_id"] != user.id:
        raise ApiError(404, NOT_FOUND)
    if defects.on("officer-can-approve") and step_name == "approve" and user.role == "receiving_officer":
        return  # DEFECT: no role check on approval for the receiving officer
    if defects.on("owner-can-stop") and step_name == "stop" and user.role in APPLICANT_ROLES:
        return  # DEFECT: the applicant may stop the processing of its own dossier (the stop route checks no role)
    if user.role not in roles:
        raise ApiError(403, f"Vai trò '{user.role}' không được thực hiện bước '{step_name}' — "
                            f"role {user.role} may not take step {step_name}")


def procedure_of(conn: sqlite3.Connection, code: str) -> dict:
    procedure = catalogue.get(conn, code)
    if procedure is None:
        raise ApiError(404, f"Không có thủ tục {code} — unknown procedure code")
    return procedure


def holidays(conn: sqlite3.Connection) -> set[date]:
    """The public holidays the working-day arithmetic skips (the admin's list)."""
    return {date.fromisoformat(r["day"]) for r in conn.execute("SELECT day FROM holidays")}


# --- writing -----------------------------------------------------------------------------------

def add_history(conn, dossier_id: int, actor: Actor, action: str, new_status: int, note: str | None) -> sqlite3.Row:
    cur = conn.execute("INSERT INTO history(dossier_id, time, username, full_name, title, department, action, status, "
                       "note) VALUES (?,?,?,?,?,?,?,?,?)",
                       (dossier_id, clock.iso(clock.now()), actor.username, actor.full_name, actor.title,
                        actor.department, action, new_status, note))
    return conn.execute("SELECT * FROM history WHERE id = ?", (cur.lastrowid,)).fetchone()


def _store_uploads(conn, dossier_id: int, uploads: list[Upload], supplement_id: int | None = None) -> None:
    for upload in uploads:
        conn.execute("INSERT INTO attachments(dossier_id, name, component_code, content_type, size, sha256, data, "
                     "supplement_id, uploaded_at) VALUES (?,?,?,?,?,?,?,?,?)",
                     (dossier_id, upload.name, upload.component_code, upload.content_type, len(upload.data),
                      hashlib.sha256(upload.data).hexdigest(), upload.data, supplement_id, clock.iso(clock.now())))


def check_uploads(ctx: Context, uploads: list[Upload], procedure: dict | None, required: bool) -> list[Upload]:
    """Clean names, sizes and component codes of uploaded files; 422 / 413 on bad input."""
    if required and not uploads:
        raise ApiError(422, "Cần đính kèm ít nhất một tệp thành phần hồ sơ — attach at least one file")
    if len(uploads) > MAX_FILES:
        raise ApiError(422, f"Tối đa {MAX_FILES} tệp mỗi lần — at most {MAX_FILES} files")
    components = [c["code"] for c in procedure["components"]] if procedure else []
    cleaned = []
    for i, upload in enumerate(uploads):
        name = nfc(PurePath((upload.name or "").replace("\\", "/")).name).strip() or f"tep-{i + 1}"
        if not upload.data:
            raise ApiError(422, f"Tệp '{name}' rỗng — file is empty")
        if len(upload.data) > ctx.settings.max_upload_bytes:
            raise ApiError(413, f"Tệp '{name}' vượt quá {ctx.settings.max_upload_bytes // (1024 * 1024)} MB — file too large")
        component = upload.component_code or None
        if defects.on("components-by-position"):  # DEFECT when on: the code sent is ignored, files go in component order
            component = None
        if component and components and component not in components:
            raise ApiError(422, f"Mã thành phần hồ sơ '{component}' không thuộc thủ tục — unknown component code; "
                                f"use one of {', '.join(components)}")
        if component is None and components:
            component = components[min(i, len(components) - 1)]  # files in the order of the components
        content_type = upload.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        cleaned.append(Upload(name, upload.data, content_type, component))
    return cleaned


def _clean_form_data(form_data) -> dict:
    if not isinstance(form_data, dict):
        raise ApiError(422, "form_data phải là đối tượng JSON — form_data must be a JSON object")
    return {nfc(str(k)): nfc(v) if isinstance(v, str) else v for k, v in form_data.items()}


def _notify(ctx: Context, dossier: sqlite3.Row, subject: str, body: str, sms: str | None, outcome: Outcome) -> None:
    applicant = json.loads(dossier["applicant"])
    link = f"{ctx.public_url}/ho-so/{dossier['code']}"
    text = (f"Kính gửi {applicant.get('full_name', 'Quý vị')},\n\n{body}\n\nMã hồ sơ: {dossier['code']}\n"
            f"Tra cứu: {ctx.public_url}/tra-cuu?ma={dossier['code']}\nXem chi tiết (cần đăng nhập): {link}\n\n"
            f"{ctx.portal.portal_name}\nThư này được gửi tự động, vui lòng không trả lời.")
    outcome.mails.append((applicant.get("email"), f"[{ctx.portal.portal_name}] Hồ sơ {dossier['code']}: {subject}", text))
    if sms:
        outcome.sms.append((applicant.get("phone"), f"{ctx.portal.sms_sender}: Ho so {dossier['code']} {sms}"))


def after_commit(ctx: Context, outcome: Outcome) -> None:
    if ctx.sync is not None:
        ctx.sync.wake()
    if ctx.notifier is not None:
        for to, subject, body in outcome.mails:
            ctx.notifier.mail(to, subject, body)
        for to, text in outcome.sms:
            ctx.notifier.sms(to, text)


def enqueue_sync(conn, ctx: Context, dossier_id: int, procedure: dict, history_row) -> sqlite3.Row:
    dossier = conn.execute("SELECT * FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()
    sync.enqueue(conn, ctx, dossier, procedure, history_row)
    return dossier


def _appointment(conn, when, procedure: dict) -> str:
    return clock.iso(workdays.add_working_days(when, procedure["processing_days"], holidays(conn)))


# --- registration ------------------------------------------------------------------------------

VERIFIED_STATES = frozenset({status.DA_TIEP_NHAN, status.DANG_GIAI_QUYET, status.CHO_BO_SUNG,
                             status.CHO_NGHIA_VU_TAI_CHINH, status.DA_CO_KET_QUA, status.DA_TRA_KET_QUA})


def reusable_papers(conn: sqlite3.Connection, user: User) -> list[dict]:
    """The applicant's papers the one-stop office has already checked (their dossier was received),
    which a new dossier may reuse instead of uploading them again."""
    rows = conn.execute(
        "SELECT a.id, a.name, a.component_code, a.size, d.code, d.received_at FROM attachments a "
        "JOIN dossiers d ON d.id = a.dossier_id WHERE d.owner_id = ? AND a.deleted = 0 AND d.status IN (%s) "
        "ORDER BY a.id DESC" % ",".join(str(s) for s in sorted(VERIFIED_STATES)), (user.id,)).fetchall()
    return [{"id": r["id"], "name": r["name"], "component_code": r["component_code"], "size": r["size"],
             "dossier_code": r["code"], "received_at": r["received_at"]} for r in rows]


def _reused(conn: sqlite3.Connection, user: User, ids: list[int], procedure: dict) -> list[tuple[Upload, dict]]:
    verified = {p["id"]: p for p in reusable_papers(conn, user)}
    components = [c["code"] for c in procedure["components"]]
    chosen = []
    for attachment_id in ids:
        paper = verified.get(attachment_id)
        if paper is None:
            raise ApiError(422, f"Giấy tờ {attachment_id} không phải giấy tờ đã được xác nhận của Quý vị — "
                                "not one of your verified papers", fields=[{"field": "reuse_attachment_ids",
                                                                            "problem": "unknown paper"}])
        row = conn.execute("SELECT data, content_type FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
        component = paper["component_code"] if paper["component_code"] in components else None
        chosen.append((Upload(paper["name"], row["data"], row["content_type"], component), paper))
    return chosen


def submit(conn: sqlite3.Connection, ctx: Context, user: User, procedure_code: str, form_data: dict,
           uploads: list[Upload], return_by_post: bool = False, ip: str | None = None,
           reuse_ids: list[int] | None = None) -> sqlite3.Row:
    """Online submission by a citizen or business: status 1 with a code at once. `reuse_ids`: papers
    of the applicant's earlier dossiers to attach again (reusable_papers)."""
    if user.role not in APPLICANT_ROLES:
        raise ApiError(403, "Chỉ công dân, doanh nghiệp nộp hồ sơ trực tuyến — only citizens and businesses submit online")
    procedure = procedure_of(conn, procedure_code)
    if procedure["level"] < 3:
        raise ApiError(422, "Thủ tục mức độ 2 không nhận hồ sơ trực tuyến: tải biểu mẫu và nộp tại Bộ phận Một cửa — "
                            "a level-2 procedure takes no online submission")
    form_data = _clean_form_data(form_data)
    reused = _reused(conn, user, reuse_ids or [], procedure)
    uploads = check_uploads(ctx, uploads, procedure, required=not reused)
    applicant = {field_: getattr(user, field_) for field_ in APPLICANT_FIELDS}
    for form_key, applicant_key in FORM_TO_APPLICANT.items():
        if isinstance(form_data.get(form_key), str) and form_data[form_key].strip():
            applicant[applicant_key] = form_data[form_key].strip()
    applicant["type"] = "business" if user.role == "business" else "citizen"
    actor = Actor.of(conn, user)
    outcome = Outcome()
    now = clock.now()
    with db.transaction(conn):
        code = codes.next_dossier_code(conn, procedure["agency_code"], now)
        cur = conn.execute(
            "INSERT INTO dossiers(code, procedure_code, owner_id, channel, status, applicant, form_data, return_by_post, "
            "receiving_unit, submitted_at, appointment_date) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (code, procedure["code"], user.id, "online", status.MOI_DANG_KY, json.dumps(applicant, ensure_ascii=False),
             json.dumps(form_data, ensure_ascii=False), int(bool(return_by_post)), procedure["agency_code"],
             clock.iso(now), _appointment(conn, now, procedure)))
        _store_uploads(conn, cur.lastrowid, uploads)
        for upload, paper in reused:
            _store_uploads(conn, cur.lastrowid, [upload])
            conn.execute("INSERT INTO reused_attachments(attachment_id, source_attachment_id, source_dossier_code) "
                         "VALUES ((SELECT max(id) FROM attachments WHERE dossier_id = ?), ?, ?)",
                         (cur.lastrowid, paper["id"], paper["dossier_code"]))
        row = add_history(conn, cur.lastrowid, actor, status.STEPS["submit"].action, status.MOI_DANG_KY,
                       form_data.get("ghi_chu"))
        audit.record(conn, user.username, "dossier_submit", code, ip)
        dossier = enqueue_sync(conn, ctx, cur.lastrowid, procedure, row)
        _notify(ctx, dossier, "đã nộp thành công",
                f"Hồ sơ thủ tục \"{procedure['name']}\" đã được nộp trực tuyến lúc {clock.iso(now)} và đang chờ "
                "Bộ phận Một cửa tiếp nhận.", None, outcome)
    after_commit(ctx, outcome)
    return dossier


def intake(conn: sqlite3.Connection, ctx: Context, officer: User, channel: str, procedure_code: str,
           applicant: dict, uploads: list[Upload], return_by_post: bool = False, ip: str | None = None) -> sqlite3.Row:
    """Counter or postal intake by the receiving officer: received at once (status 2)."""
    if officer.role != "receiving_officer":
        raise ApiError(403, "Chỉ cán bộ Bộ phận Một cửa tiếp nhận hồ sơ — only the receiving officer")
    procedure = procedure_of(conn, procedure_code)
    applicant = {k: nfc(str(v)).strip() for k, v in (applicant or {}).items() if v not in (None, "")}
    if not applicant.get("full_name"):
        raise ApiError(422, "Cần họ tên người nộp (applicant.full_name) — applicant.full_name is required")
    applicant.setdefault("type", "citizen")
    uploads = check_uploads(ctx, uploads, procedure, required=False)
    owner = None
    if applicant.get("id_number"):  # a citizen with an account sees the dossier in "my dossiers"
        found = conn.execute("SELECT id FROM users WHERE id_number = ? AND role IN ('citizen', 'business')",
                             (applicant["id_number"],)).fetchone()
        owner = found["id"] if found else None
    actor = Actor.of(conn, officer)
    action = ("Tiếp nhận hồ sơ trực tiếp tại Bộ phận Một cửa" if channel == "counter"
              else "Tiếp nhận hồ sơ qua dịch vụ bưu chính công ích")
    outcome = Outcome()
    now = clock.now()
    with db.transaction(conn):
        code = codes.next_dossier_code(conn, procedure["agency_code"], now)
        appointment = _appointment(conn, now, procedure)
        cur = conn.execute(
            "INSERT INTO dossiers(code, procedure_code, owner_id, channel, status, applicant, form_data, return_by_post, "
            "receiving_unit, submitted_at, received_at, appointment_date) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (code, procedure["code"], owner, channel, status.DA_TIEP_NHAN, json.dumps(applicant, ensure_ascii=False),
             "{}", int(bool(return_by_post or channel == "post")), procedure["agency_code"], clock.iso(now),
             clock.iso(now), appointment))
        _store_uploads(conn, cur.lastrowid, uploads)
        row = add_history(conn, cur.lastrowid, actor, action, status.DA_TIEP_NHAN, None)
        audit.record(conn, officer.username, f"dossier_intake_{channel}", code, ip)
        dossier = enqueue_sync(conn, ctx, cur.lastrowid, procedure, row)
        _notify(ctx, dossier, "đã được tiếp nhận",
                f"Hồ sơ thủ tục \"{procedure['name']}\" đã được tiếp nhận. Ngày hẹn trả kết quả: {appointment[:10]}.",
                f"da duoc tiep nhan, hen tra ngay {appointment[:10]}", outcome)
    after_commit(ctx, outcome)
    return dossier


# --- processing steps --------------------------------------------------------------------------

def take_step(conn: sqlite3.Connection, ctx: Context, user: User, code: str, step_name: str, *,
              reason: str | None = None, note: str | None = None, amount: int | None = None,
              uploads: list[Upload] | None = None, ip: str | None = None, consignment: str | None = None) -> sqlite3.Row:
    """Move a dossier by one step of the status machine; 401/403/404/409/422 as API.md says."""
    dossier = load(conn, code)
    if dossier is None or (user.role in APPLICANT_ROLES and dossier["owner_id"] != user.id):
        raise ApiError(404, NOT_FOUND)
    _check_role(user, dossier, step_name)
    reason = nfc(reason.strip()) if isinstance(reason, str) and reason.strip() else None
    note = nfc(note.strip()) if isinstance(note, str) and note.strip() else None
    if step_name in ("refuse", "request-supplement", "stop") and not reason:
        raise ApiError(422, "Cần nêu lý do (reason) — a reason is required")
    procedure = procedure_of(conn, dossier["procedure_code"])
    if step_name == "supplement":
        uploads = check_uploads(ctx, uploads or [], procedure, required=not note)
    if step_name == "request-payment":
        amount = procedure["fee_total"] if amount is None else amount
        if not isinstance(amount, int) or amount <= 0:
            raise ApiError(422, "Số tiền (amount) phải là số nguyên VNĐ dương — amount must be a positive whole VND amount")
    if (step_name == "return" and dossier["return_by_post"] and not (consignment or "").strip()
            and ctx.settings.postal_gateway and dossier["status"] == status.DA_CO_KET_QUA):
        # order the delivery before the step's transaction: no network call holds the write lock
        consignment = postal.order_delivery(ctx.settings.postal_gateway, code, ctx.portal.portal_name,
                                            json.loads(dossier["applicant"]))
    actor = Actor.of(conn, user)
    outcome = Outcome()
    with db.transaction(conn):
        dossier = load(conn, code)  # again, under the write lock
        try:
            target = status.target_of(step_name, dossier["status"], dossier["came_from"])
        except status.TransitionNotAllowed as exc:
            raise ApiError(409, str(exc), status_label=status.label(dossier["status"])) from None
        apply_step(conn, ctx, dossier, procedure, step_name, target, actor, reason, note, amount, uploads or [], outcome)
        consignment = nfc(consignment.strip()) if isinstance(consignment, str) and consignment.strip() else None
        if step_name == "return" and consignment:
            if not dossier["return_by_post"]:
                raise ApiError(422, "Mã vận đơn chỉ dùng khi trả kết quả qua bưu chính — a consignment number is for "
                                    "a return by post", fields=[{"field": "consignment", "problem": "not by post"}])
            conn.execute("INSERT INTO postal_dispatches(dossier_id, consignment, dispatched_at) VALUES (?,?,?)",
                         (dossier["id"], consignment[:40], clock.iso(clock.now())))
            note = f"Gửi kết quả qua bưu chính công ích, mã vận đơn {consignment[:40]}" + (f"; {note}" if note else "")
        history_row = add_history(conn, dossier["id"], actor, status.STEPS[step_name].action, target, reason or note)
        audit.record(conn, user.username, "dossier_" + step_name.replace("-", "_"), code, ip)
        dossier = enqueue_sync(conn, ctx, dossier["id"], procedure, history_row)
    after_commit(ctx, outcome)
    return dossier


ASSIGN_ROLES = frozenset({"receiving_officer", "leader"})
ASSIGNABLE = frozenset({status.DA_TIEP_NHAN, status.DANG_GIAI_QUYET, status.CHO_BO_SUNG, status.CHO_NGHIA_VU_TAI_CHINH})


def assign(conn: sqlite3.Connection, ctx: Context, user: User, code: str, assignee: str, note: str | None = None,
           ip: str | None = None) -> sqlite3.Row:
    """Transfer the dossier to the resolving department and assign the specialist who handles it
    (chuyển hồ sơ, phân công). The status does not change; the history, the audit log and the
    national portal's progress record the step."""
    dossier = load(conn, code)
    if dossier is None or user.role in APPLICANT_ROLES:
        raise ApiError(404 if dossier is None else 403, NOT_FOUND if dossier is None else
                       "Chỉ cán bộ một cửa, lãnh đạo chuyển, phân công hồ sơ — officers only")
    if user.role not in ASSIGN_ROLES:
        raise ApiError(403, f"Vai trò '{user.role}' không chuyển, phân công hồ sơ — only the receiving officer or a "
                            "leader assigns")
    row = conn.execute("SELECT * FROM users WHERE username = ? AND role IN ('specialist', 'leader')",
                       ((assignee or "").strip(),)).fetchone()
    if row is None:
        raise ApiError(422, "Người được phân công (assignee) phải là tài khoản chuyên viên hoặc lãnh đạo — "
                            "assignee must be a specialist's or leader's user name",
                       fields=[{"field": "assignee", "problem": "unknown specialist"}])
    note = nfc(note.strip()) if isinstance(note, str) and note.strip() else None
    procedure = procedure_of(conn, dossier["procedure_code"])
    actor = Actor.of(conn, user)
    with db.transaction(conn):
        dossier = load(conn, code)
        if dossier["status"] not in ASSIGNABLE:
            raise ApiError(409, "Chỉ chuyển, phân công hồ sơ đã tiếp nhận, chưa có kết quả — only a received dossier "
                                "that has no result yet", status_label=shown_label(dossier["status"]))
        conn.execute("INSERT INTO assignments(dossier_id, assigned_at, assigned_by, assignee, note) VALUES (?,?,?,?,?)",
                     (dossier["id"], clock.iso(clock.now()), user.username, row["username"], note))
        text = f"Giao {row['full_name']} ({row['title'] or row['role']})" + (f": {note}" if note else "")
        history_row = add_history(conn, dossier["id"], actor, "Chuyển hồ sơ, phân công xử lý", dossier["status"], text)
        audit.record(conn, user.username, "dossier_assign", code, ip)
        dossier = enqueue_sync(conn, ctx, dossier["id"], procedure, history_row)
    after_commit(ctx, Outcome())
    return dossier


def apply_step(conn, ctx: Context, dossier, procedure, step_name, target, actor, reason, note, amount, uploads, outcome):
    """The side effects of one step, besides the status, history and packets."""
    now = clock.now()
    sets: dict[str, object] = {"status": target}
    if step_name == "receive":
        appointment = _appointment(conn, now, procedure)
        sets.update(received_at=clock.iso(now), appointment_date=appointment)
        _notify(ctx, dossier, "đã được tiếp nhận",
                f"Hồ sơ đã được tiếp nhận. Ngày hẹn trả kết quả: {appointment[:10]}.",
                f"da duoc tiep nhan, hen tra ngay {appointment[:10]}", outcome)
    elif step_name == "refuse":
        sets.update(closed_at=clock.iso(now), status_reason=reason)
        _notify(ctx, dossier, "bị từ chối tiếp nhận", f"Hồ sơ không được tiếp nhận. Lý do: {reason}",
                "bi tu choi tiep nhan, xem ly do tren Cong DVC", outcome)
    elif step_name == "request-supplement":
        sets.update(came_from=dossier["status"], status_reason=reason)
        conn.execute("INSERT INTO supplements(dossier_id, requested_at, requested_by, reason) VALUES (?,?,?,?)",
                     (dossier["id"], clock.iso(now), actor.full_name, reason))
        _notify(ctx, dossier, "cần bổ sung, hoàn thiện",
                f"Đề nghị Quý vị bổ sung, hoàn thiện hồ sơ. Nội dung cần bổ sung: {reason}",
                "can bo sung ho so, xem yeu cau tren Cong DVC", outcome)
    elif step_name == "supplement":
        sets.update(came_from=None, status_reason=None)
        open_round = conn.execute("SELECT id FROM supplements WHERE dossier_id = ? AND supplied_at IS NULL "
                                  "ORDER BY id DESC LIMIT 1", (dossier["id"],)).fetchone()
        round_id = open_round["id"] if open_round else None
        if round_id:
            conn.execute("UPDATE supplements SET supplied_at = ?, note = ? WHERE id = ?", (clock.iso(now), note, round_id))
            paused = paused_working_days(conn, dossier["id"], now)
            if paused and dossier["appointment_date"]:
                # the time the applicant took to supplement does not count (NĐ 61/2018): the clock paused
                moved = workdays.add_working_days(clock.parse(dossier["appointment_date"]), paused, holidays(conn))
                sets.update(appointment_date=clock.iso(moved))
        _store_uploads(conn, dossier["id"], uploads, supplement_id=round_id)
    elif step_name == "request-payment":
        sets.update(came_from=dossier["status"], payment_amount=amount)
        _notify(ctx, dossier, "cần thực hiện nghĩa vụ tài chính",
                f"Đề nghị Quý vị thanh toán phí, lệ phí {amount:,} đồng trực tuyến trên Cổng Dịch vụ công.".replace(",", "."),
                f"can thanh toan {amount} dong phi, le phi", outcome)
    elif step_name == "payment-confirmed":
        sets.update(came_from=None)
        _notify(ctx, dossier, "đã thanh toán phí, lệ phí", "Khoản thanh toán phí, lệ phí của hồ sơ đã được ghi nhận.",
                None, outcome)
    elif step_name == "approve":
        sets.update(resolved_at=clock.iso(now))
        _make_result(conn, ctx, dossier, procedure, actor, now)
        _notify(ctx, dossier, "đã có kết quả",
                "Hồ sơ đã có kết quả giải quyết. Quý vị có thể tải kết quả điện tử trên Cổng Dịch vụ công.",
                "da co ket qua giai quyet", outcome)
    elif step_name == "return":
        sets.update(returned_at=clock.iso(now))
        _notify(ctx, dossier, "đã trả kết quả", "Kết quả giải quyết hồ sơ đã được trả.", None, outcome)
    elif step_name == "withdraw":
        sets.update(closed_at=clock.iso(now), status_reason=reason or note)
        _notify(ctx, dossier, "đã rút", "Hồ sơ đã được rút theo yêu cầu của Quý vị.", None, outcome)
    elif step_name == "stop":
        sets.update(closed_at=clock.iso(now), status_reason=reason)
        _notify(ctx, dossier, "dừng xử lý", f"Hồ sơ bị dừng xử lý. Lý do: {reason}", "bi dung xu ly", outcome)
    assignments = ", ".join(f"{column} = ?" for column in sets)
    conn.execute(f"UPDATE dossiers SET {assignments} WHERE id = ?", (*sets.values(), dossier["id"]))


def _make_result(conn, ctx: Context, dossier, procedure, actor: Actor, now) -> None:
    applicant = json.loads(dossier["applicant"])
    form_data = json.loads(dossier["form_data"])
    lines = [f"Ma ho so: {dossier['code']}", f"Thu tuc: {procedure['name']}", f"Ma thu tuc: {procedure['code']}",
             f"Nguoi nop: {applicant.get('full_name', '')}", f"Ket qua: {procedure['result']}",
             f"Co quan giai quyet: {procedure['agency_name']}", f"Phe duyet: {actor.full_name} ({actor.title or ''})",
             f"Thoi diem phe duyet: {clock.iso(now)}"]
    if form_data.get("ghi_chu"):
        lines.append(f"Ghi chu: {form_data['ghi_chu']}")
    lines.append("Van ban dien tu nay duoc ky so bang chu ky so tach roi (result.sig, CMS/PKCS#7).")
    pdf = documents.pdf("KET QUA GIAI QUYET THU TUC HANH CHINH", lines)
    signature = documents.sign_detached(pdf, ctx.signer)
    if defects.on("e-result-unsigned"):
        signature = b""  # DEFECT: the electronic result is issued without a signature
    conn.execute("INSERT INTO results(dossier_id, file_name, pdf, signature, created_at) VALUES (?,?,?,?,?) "
                 "ON CONFLICT(dossier_id) DO UPDATE SET pdf = excluded.pdf, signature = excluded.signature, "
                 "created_at = excluded.created_at",
                 (dossier["id"], f"ket-qua-{dossier['code']}.pdf", pdf, signature, clock.iso(now)))


# --- rating, messages --------------------------------------------------------------------------

RATING_LABELS = {3: "Rất hài lòng", 2: "Hài lòng", 1: "Chưa hài lòng"}


def rate(conn: sqlite3.Connection, user: User, code: str, score, comment: str | None) -> None:
    if defects.on("no-rating"):
        raise ApiError(404, "Không tìm thấy — not found")  # DEFECT: no satisfaction rating
    dossier = load(conn, code)
    if dossier is None or dossier["owner_id"] != user.id:
        raise ApiError(404, NOT_FOUND)
    # TT 32/2017/TT-BTTTT Điều 12 khoản 1 điểm c: three levels — 3 Rất hài lòng, 2 Hài lòng, 1 Chưa hài lòng
    if not isinstance(score, int) or isinstance(score, bool) or score not in RATING_LABELS:
        raise ApiError(422, "Mức đánh giá (score): 3 Rất hài lòng, 2 Hài lòng, 1 Chưa hài lòng — score must be 1 to 3")
    with db.transaction(conn):
        dossier = load(conn, code)
        if dossier["status"] not in status.RESOLVED:
            raise ApiError(409, "Chỉ đánh giá hồ sơ đã có kết quả — rate only a dossier with a result",
                           status_label=status.label(dossier["status"]))
        if dossier["rating"] is not None:
            raise ApiError(409, "Hồ sơ đã được đánh giá — already rated")
        conn.execute("UPDATE dossiers SET rating = ?, rating_comment = ?, rated_at = ? WHERE id = ?",
                     (score, nfc(comment.strip()) if comment else None, clock.iso(clock.now()), dossier["id"]))


def add_message(conn: sqlite3.Connection, ctx: Context, user: User, code: str, text: str) -> dict:
    dossier = readable(conn, user, code)
    text = nfc((text or "").strip())
    if not text:
        raise ApiError(422, "Nội dung tin nhắn (text) không được trống — text is required")
    if len(text) > 4000:
        raise ApiError(422, "Tin nhắn tối đa 4000 ký tự — at most 4000 characters")
    outcome = Outcome()
    now = clock.iso(clock.now())
    with db.transaction(conn):
        conn.execute("INSERT INTO messages(dossier_id, time, username, full_name, role, text) VALUES (?,?,?,?,?,?)",
                     (dossier["id"], now, user.username, user.full_name, user.role, text))
        if user.role in OFFICER_ROLES:
            _notify(ctx, dossier, "có tin nhắn mới", f"Cán bộ {user.full_name} gửi Quý vị tin nhắn:\n\n{text}", None, outcome)
    after_commit(ctx, outcome)
    return {"time": now, "from": user.full_name, "role": user.role, "text": text}


def paused_working_days(conn: sqlite3.Connection, dossier_id: int, until) -> int:
    """Working days the open supplement round has lasted: requested on one day, supplied on a later one."""
    row = conn.execute("SELECT requested_at FROM supplements WHERE dossier_id = ? ORDER BY id DESC LIMIT 1",
                       (dossier_id,)).fetchone()
    if row is None:
        return 0
    return workdays.working_days_between(clock.parse(row["requested_at"]), until, holidays(conn))
