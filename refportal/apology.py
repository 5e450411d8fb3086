"""Overdue dossiers and the apology: Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04,
TT 01/2018/TT-VPCP; NĐ 61/2018 Điều 19).

When a dossier will not be resolved by its appointment date, the agency apologises in writing,
gives the reason and a new appointment date, and sends the slip to the applicant (here by e-mail and
SMS) — it is also handed over at the counter. NĐ 61/2018 Điều 19 khoản 9 wants it no later than one
day before the due date, so an officer may issue it for any received dossier still open, before
its appointment as well as after (an overdue dossier still gets one, late). Issuing it records the
reason and the new date (later than the old one), writes the history and the audit log and syncs
the dossier with its new NgayHenTra. The dossier stays late: `overdue` (API) and the statistics still count it
against its original appointment; the new date is what the applicant is now promised.

Issued explicitly (POST /api/dossiers/{code}/apology, or the back-office form, with the
officer's reason and date), or by printing Mẫu 04 of an overdue dossier that has none yet — the
print at the counter is how the slip is made — with the default reason and date.
"""
from __future__ import annotations

import sqlite3
from datetime import date, datetime

from refportal import audit, clock, db, defects, dossier_views, dossiers, workdays
from refportal.accounts import OFFICER_ROLES, User
from refportal.context import Context
from refportal.failures import ApiError
from refportal.text import nfc

ACTION = "Xin lỗi và hẹn lại ngày trả kết quả"
DEFAULT_REASON = ("Hồ sơ cần thêm thời gian thẩm định, xác minh nên chưa giải quyết xong trong thời hạn "
                  "quy định")
NOT_OFFERED = "Không tìm thấy — not found"


def _vn(moment: str) -> str:
    return clock.parse(moment).strftime("%d/%m/%Y")


def default_new_date(conn: sqlite3.Connection, procedure: dict, old_appointment: datetime | None = None) -> datetime:
    """Half the procedure's time limit again (at least 2 working days) from the old appointment, or
    from today when that has passed."""
    start = max(old_appointment or clock.now(), clock.now())
    return workdays.add_working_days(start, max(2, procedure["processing_days"] // 2), dossiers.holidays(conn))


def issue(conn: sqlite3.Connection, ctx: Context, user: User, code: str, reason: str | None = None,
          new_date: date | None = None, ip: str | None = None) -> sqlite3.Row:
    """Issue the apology of an open dossier; 403 not an officer, 404, 409 not open, 422 bad date."""
    if defects.on("no-apology"):
        raise ApiError(404, NOT_OFFERED)  # DEFECT: overdue dossiers get no apology slip
    if user.role not in OFFICER_ROLES:
        raise ApiError(403, "Chỉ cán bộ lập Phiếu xin lỗi — officers only")
    dossier = dossiers.load(conn, code)
    if dossier is None:
        raise ApiError(404, dossiers.NOT_FOUND)
    reason = nfc(reason.strip()) if isinstance(reason, str) and reason.strip() else DEFAULT_REASON
    procedure = dossiers.procedure_of(conn, dossier["procedure_code"])
    if new_date is not None:
        new_appointment = datetime.combine(new_date, workdays.CLOSING_TIME, tzinfo=clock.VN)
    else:
        new_appointment = None  # the default counts from the old appointment, read below
    actor = dossiers.Actor.of(conn, user)
    outcome = dossiers.Outcome()
    with db.transaction(conn):
        dossier = dossiers.load(conn, code)
        if not dossier_views.is_open(dossier):
            raise ApiError(409, "Hồ sơ chưa tiếp nhận, đã có kết quả hoặc đã kết thúc: không lập Phiếu xin lỗi — the "
                                "dossier is not received, or already resolved or closed",
                           status_label=dossiers.shown_label(dossier["status"]))
        if defects.on("apology-only-when-overdue") and not dossier_views.is_overdue(dossier):
            # DEFECT: the apology can only be issued once the dossier is already late
            raise ApiError(409, "Hồ sơ chưa quá hạn: không lập Phiếu xin lỗi — the dossier is not overdue",
                           status_label=dossiers.shown_label(dossier["status"]))
        previous = dossier_views.latest_apology(conn, dossier["id"])
        old = previous["new_appointment"] if previous else dossier["appointment_date"]
        if new_appointment is None:
            new_appointment = default_new_date(conn, procedure, clock.parse(old))
        if new_appointment <= max(clock.parse(old), clock.now()):
            raise ApiError(422, f"Ngày hẹn mới phải sau ngày hẹn cũ ({_vn(old)}) và sau hôm nay — the new date must "
                                "be later than the old appointment and than today",
                           fields=[{"field": "new_appointment_date", "problem": "not later than the old date"}])
        new = clock.iso(new_appointment)
        conn.execute("INSERT INTO apologies(dossier_id, issued_at, issued_by, issued_by_name, reason, old_appointment, "
                     "new_appointment) VALUES (?,?,?,?,?,?,?)",
                     (dossier["id"], clock.iso(clock.now()), user.username, user.full_name, reason, old, new))
        note = f"{reason}. Hẹn lại ngày trả kết quả: {_vn(new)}"
        history_row = dossiers.add_history(conn, dossier["id"], actor, ACTION, dossier["status"], note)
        audit.record(conn, user.username, "dossier_apology", code, ip)
        dossiers.enqueue_sync(conn, ctx, dossier["id"], procedure, history_row)
        dossiers._notify(
            ctx, dossier, "xin lỗi và hẹn lại ngày trả kết quả",
            f"{procedure['agency_name']} xin lỗi Quý vị: hồ sơ thủ tục \"{procedure['name']}\" không giải quyết "
            f"xong được đúng ngày hẹn {_vn(old)}.\nLý do: {reason}.\nNgày hẹn trả kết quả mới: {_vn(new)} ({new[:10]}).\n"
            "Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04) được gửi kèm thông báo này và giao tại Bộ phận Một cửa.",
            f"xin loi vi cham tra ket qua; hen lai ngay {_vn(new)} ({new[:10]})", outcome)
    dossiers.after_commit(ctx, outcome)
    return dossier_views.latest_apology(conn, dossier["id"])


def for_print(conn: sqlite3.Connection, ctx: Context, user: User, dossier: sqlite3.Row,
              ip: str | None = None) -> sqlite3.Row:
    """The apology Mẫu 04 prints: the latest one, or a new one with the defaults when the dossier is
    overdue and has none yet; 409 when it has none and is not overdue."""
    if defects.on("no-apology"):
        raise ApiError(404, NOT_OFFERED)
    found = dossier_views.latest_apology(conn, dossier["id"])
    if found is not None:
        return found
    if not dossier_views.is_overdue(dossier):
        raise ApiError(409, "Hồ sơ chưa quá hạn, chưa có Phiếu xin lỗi (Mẫu 04) — the dossier is not overdue and has "
                            "no apology", status_label=dossiers.shown_label(dossier["status"]))
    return issue(conn, ctx, user, dossier["code"], ip=ip)
