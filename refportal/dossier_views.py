"""What the API and the pages show of a dossier: the full record, the citizen's and the register's
lists, the public lookup, overdue and due-soon, the apology and the assignee."""
from __future__ import annotations

import json
import sqlite3
from datetime import date

from refportal import clock, defects, status, workdays
from refportal.accounts import APPLICANT_ROLES, User
from refportal.context import Context
from refportal.dossier_payment import payment_view
from refportal.dossiers import holidays, procedure_of, shown_label
from refportal.failures import ApiError


def is_open(dossier: sqlite3.Row) -> bool:
    """Received and neither resolved nor closed: the agency may still apologise and set a new date."""
    return not (dossier["status"] in status.RESOLVED or dossier["status"] in status.FINAL
                or dossier["status"] == status.MOI_DANG_KY)


def _clock_runs(dossier: sqlite3.Row) -> bool:
    """Open and not waiting for the applicant's supplement (the clock pauses then)."""
    return is_open(dossier) and dossier["status"] != status.CHO_BO_SUNG


def is_overdue(dossier: sqlite3.Row) -> bool:
    """The appointment has passed and the dossier is neither resolved nor closed. Not while it waits
    for the applicant's supplement (the clock pauses) or before it is received."""
    if not _clock_runs(dossier):
        return False
    appointment = clock.parse(dossier["appointment_date"])
    return bool(appointment and appointment < clock.now())


DUE_SOON = 1  # working days: the warning before the deadline


def is_due_soon(dossier: sqlite3.Row, days_off: set[date]) -> bool:
    """Not overdue yet, but the appointment is within the next working day (days_off: holidays())."""
    if not _clock_runs(dossier) or is_overdue(dossier):
        return False
    appointment = clock.parse(dossier["appointment_date"])
    if appointment is None:
        return False
    return appointment <= workdays.add_working_days(clock.now(), DUE_SOON, days_off)


def latest_apology(conn: sqlite3.Connection, dossier_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM apologies WHERE dossier_id = ? ORDER BY id DESC LIMIT 1",
                        (dossier_id,)).fetchone()


def apology_view(conn: sqlite3.Connection, dossier_id: int) -> dict | None:
    row = latest_apology(conn, dossier_id)
    if row is None:
        return None
    return {"issued_at": row["issued_at"], "issued_by": row["issued_by"], "issued_by_name": row["issued_by_name"],
            "reason": row["reason"], "old_appointment_date": row["old_appointment"],
            "new_appointment_date": row["new_appointment"]}


def assignee_view(conn: sqlite3.Connection, dossier_id: int) -> dict | None:
    row = conn.execute("SELECT a.*, u.full_name FROM assignments a LEFT JOIN users u ON u.username = a.assignee "
                       "WHERE a.dossier_id = ? ORDER BY a.id DESC LIMIT 1", (dossier_id,)).fetchone()
    if row is None:
        return None
    return {"username": row["assignee"], "full_name": row["full_name"], "assigned_at": row["assigned_at"],
            "assigned_by": row["assigned_by"], "note": row["note"]}


def view(conn: sqlite3.Connection, ctx: Context, dossier: sqlite3.Row, base_url: str,
         viewer: User | None = None) -> dict:
    """The full record of GET /api/dossiers/{code} (API.md), as `viewer` may see it."""
    procedure = procedure_of(conn, dossier["procedure_code"])
    code = dossier["code"]
    history = [{"time": h["time"], "user": h["username"], "user_name": h["full_name"], "action": h["action"],
                "status_label": status.label(h["status"]), "note": h["note"]}
               for h in conn.execute("SELECT * FROM history WHERE dossier_id = ? ORDER BY id", (dossier["id"],))]
    attachments = [{"id": a["id"], "name": a["name"], "component_code": a["component_code"], "sha256": a["sha256"],
                    "size": a["size"], "content_type": a["content_type"], "supplement": a["supplement_id"] is not None,
                    "reused_from": a["source_dossier_code"],
                    "url": f"{base_url}/api/dossiers/{code}/attachments/{a['id']}"}
                   for a in conn.execute("SELECT a.id, a.name, a.component_code, a.sha256, a.size, a.content_type, "
                                         "a.supplement_id, r.source_dossier_code FROM attachments a "
                                         "LEFT JOIN reused_attachments r ON r.attachment_id = a.id "
                                         "WHERE a.dossier_id = ? AND a.deleted = 0 ORDER BY a.id", (dossier["id"],))]
    dispatch = conn.execute("SELECT consignment, dispatched_at FROM postal_dispatches WHERE dossier_id = ?",
                            (dossier["id"],)).fetchone()
    supplements = [{"requested_at": s["requested_at"], "requested_by": s["requested_by"], "reason": s["reason"],
                    "supplied_at": s["supplied_at"], "note": s["note"]}
                   for s in conn.execute("SELECT * FROM supplements WHERE dossier_id = ? ORDER BY id", (dossier["id"],))]
    messages = [{"time": m["time"], "from": m["full_name"], "role": m["role"], "text": m["text"]}
                for m in conn.execute("SELECT * FROM messages WHERE dossier_id = ? ORDER BY id", (dossier["id"],))]
    pay_row = conn.execute("SELECT * FROM payments WHERE dossier_id = ? ORDER BY created_at DESC LIMIT 1",
                           (dossier["id"],)).fetchone()
    payment_info = None
    if pay_row is not None:
        payment_info = payment_view(pay_row)
    elif dossier["payment_amount"]:
        payment_info = {"reference": None, "amount": dossier["payment_amount"], "status": "requested",
                        "payment_url": None, "paid_at": None}
    result_row = conn.execute("SELECT length(signature) AS signed FROM results WHERE dossier_id = ?",
                              (dossier["id"],)).fetchone()
    has_result = result_row is not None
    apology = apology_view(conn, dossier["id"])
    status_reason = dossier["status_reason"]
    if defects.on("supplement-reason-hidden") and viewer is not None and viewer.role in APPLICANT_ROLES:
        # DEFECT: the applicant is not told why a supplement, refusal or stop was asked (not in the
        # status, the supplement rounds, nor the notes of those steps in the history)
        hidden = {s["reason"] for s in supplements} | {dossier["status_reason"]}
        status_reason = None
        supplements = [{**s, "reason": None} for s in supplements]
        history = [{**h, "note": None} if h["note"] in hidden else h for h in history]
    return {
        "code": code, "procedure_code": procedure["code"], "procedure_name": procedure["name"],
        "agency_code": procedure["agency_code"], "agency_name": procedure["agency_name"],
        "status_label": shown_label(dossier["status"]), "status_reason": status_reason,
        "channel": dossier["channel"], "return_by_post": bool(dossier["return_by_post"]),
        "submitted_at": dossier["submitted_at"], "received_at": dossier["received_at"],
        "appointment_date": dossier["appointment_date"], "resolved_at": dossier["resolved_at"],
        "returned_at": dossier["returned_at"], "closed_at": dossier["closed_at"],
        "applicant": json.loads(dossier["applicant"]), "form_data": json.loads(dossier["form_data"]),
        "history": history, "attachments": attachments, "supplements": supplements, "payment": payment_info,
        "result": ({"url": f"{base_url}/api/dossiers/{code}/result",
                    "signature_url": f"{base_url}/api/dossiers/{code}/result.sig" if result_row["signed"] else None}
                   if has_result else None),
        "messages": messages, "overdue": is_overdue(dossier), "due_soon": is_due_soon(dossier, holidays(conn)),
        "rating": dossier["rating"], "rating_comment": dossier["rating_comment"],
        "apology": apology, "new_appointment_date": apology["new_appointment_date"] if apology else None,
        "assignee": assignee_view(conn, dossier["id"]),
        "postal_dispatch": dict(dispatch) if dispatch else None,
    }


def my_dossiers(conn: sqlite3.Connection, user: User) -> list[dict]:
    rows = conn.execute("SELECT d.code, d.status, d.submitted_at, d.appointment_date, p.name FROM dossiers d "
                        "JOIN procedures p ON p.code = d.procedure_code WHERE d.owner_id = ? ORDER BY d.id DESC",
                        (user.id,)).fetchall()
    return [{"code": r["code"], "procedure_name": r["name"], "status_label": shown_label(r["status"]),
             "submitted_at": r["submitted_at"], "appointment_date": r["appointment_date"]} for r in rows]


def register_list(conn: sqlite3.Connection, date_from: str | None, date_to: str | None,
                  overdue: bool | None, status_code: int | None = None, channel: str | None = None) -> list[dict]:
    """The dossier register (sổ theo dõi), by receipt date (submission date for dossiers not yet received)."""
    sql = ("SELECT d.*, p.name AS procedure_name, p.agency_code, a.name AS agency_name FROM dossiers d "
           "JOIN procedures p ON p.code = d.procedure_code JOIN agencies a ON a.code = p.agency_code WHERE 1=1")
    args: list = []
    if defects.on("register-incomplete"):
        sql += " AND d.channel = 'online'"  # DEFECT: counter and postal dossiers are left out of the register
    if status_code is not None:
        sql += " AND d.status = ?"
        args.append(status_code)
    if channel:
        sql += " AND d.channel = ?"
        args.append(channel)
    if date_from:
        sql += " AND substr(coalesce(d.received_at, d.submitted_at), 1, 10) >= ?"
        args.append(date_from)
    if date_to:
        sql += " AND substr(coalesce(d.received_at, d.submitted_at), 1, 10) <= ?"
        args.append(date_to)
    items, days_off = [], holidays(conn)
    for r in conn.execute(sql + " ORDER BY d.id", args):
        late = is_overdue(r)
        if overdue is not None and late != overdue:
            continue
        apology = apology_view(conn, r["id"]) if late else None
        items.append({"code": r["code"], "procedure_code": r["procedure_code"], "procedure_name": r["procedure_name"],
                      "agency_name": r["agency_name"], "applicant_name": json.loads(r["applicant"]).get("full_name"),
                      "submitted_at": r["submitted_at"], "received_at": r["received_at"],
                      "appointment_date": r["appointment_date"], "returned_at": r["returned_at"],
                      "status_label": shown_label(r["status"]), "channel": r["channel"], "overdue": late,
                      "due_soon": is_due_soon(r, days_off),
                      "new_appointment_date": apology["new_appointment_date"] if apology else None})
    return items


_LOOKUP_SQL = ("SELECT d.id, d.code, d.status, d.received_at, d.submitted_at, d.appointment_date, d.returned_at, "
               "p.name, a.name AS agency_name FROM dossiers d JOIN procedures p ON p.code = d.procedure_code "
               "JOIN agencies a ON a.code = p.agency_code WHERE d.code = ")


def lookup(conn: sqlite3.Connection, code: str) -> dict | None:
    """Public lookup: status and dates only, never personal data."""
    if defects.on("sql-error-leak"):
        # DEFECT: the code is pasted into the SQL text, and a database error is shown to the caller
        sql = f"{_LOOKUP_SQL}'{code.strip()}'"
        try:
            row = conn.execute(sql).fetchone()
        except sqlite3.Error as exc:
            raise ApiError(500, f"sqlite3.{type(exc).__name__}: {exc} — query: {sql}") from None
    else:
        row = conn.execute(_LOOKUP_SQL + "?", (code.strip(),)).fetchone()
    if row is None:
        return None
    apology = apology_view(conn, row["id"])
    return {"code": row["code"], "procedure_name": row["name"], "agency_name": row["agency_name"],
            "status_label": shown_label(row["status"]), "submitted_at": row["submitted_at"],
            "received_at": row["received_at"], "appointment_date": row["appointment_date"],
            "new_appointment_date": apology["new_appointment_date"] if apology else None,
            "returned_at": row["returned_at"]}


def result_files(conn: sqlite3.Connection, dossier: sqlite3.Row) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM results WHERE dossier_id = ?", (dossier["id"],)).fetchone()
    if row is None:
        raise ApiError(404, "Hồ sơ chưa có kết quả điện tử — no electronic result yet")
    return row


def attachment(conn: sqlite3.Connection, dossier: sqlite3.Row, attachment_id: int) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM attachments WHERE id = ? AND dossier_id = ?", (attachment_id, dossier["id"])).fetchone()
    if row is None:
        raise ApiError(404, "Không tìm thấy tệp — file not found")
    return row
