"""The TT 01/2018/TT-VPCP forms of the one-stop office, as printable HTML pages:

  Mẫu 01  Giấy tiếp nhận hồ sơ và hẹn trả kết quả      (receipt and appointment slip)
  Mẫu 02  Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ      (supplement request)
  Mẫu 03  Phiếu từ chối tiếp nhận giải quyết hồ sơ     (refusal slip)
  Mẫu 04  Phiếu xin lỗi và hẹn lại ngày trả kết quả    (apology slip with a new date)
  Mẫu 05  Phiếu kiểm soát quá trình giải quyết hồ sơ   (process-control slip)
  Mẫu 06  Sổ theo dõi hồ sơ                            (the register of a period)

Served by GET /api/dossiers/{code}/forms/{n} and /mot-cua/ho-so/{code}/mau/{n}. Mẫu 02 and 03 of
a dossier that had no such event print as a blank slip for the dossier (to fill in by hand);
Mẫu 04 of an overdue dossier without an apology issues it (apology.py); Mẫu 06 takes the literal
code `register` (or any dossier's code) and the period in date_from / date_to.
"""
from __future__ import annotations

import json
import sqlite3

from fastapi import Request
from fastapi.responses import HTMLResponse

from refportal import apology, catalogue, clock, dossier_views, dossiers, status, workdays
from refportal.accounts import User
from refportal.failures import ApiError
from refportal.pages.render import receipt_document, render
from refportal.web import query_day

TITLES = {
    1: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    2: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    3: "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    4: "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    5: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    6: "Sổ theo dõi hồ sơ",
}
REGISTER = "register"


def print_form(request: Request, conn: sqlite3.Connection, user: User, code: str, number: int,
               date_from: str | None = None, date_to: str | None = None, ip: str | None = None) -> HTMLResponse:
    """One form, for an officer (the caller checks the role)."""
    if number not in TITLES:
        raise ApiError(404, f"Không có Mẫu {number:02d}: các mẫu của TT 01/2018 là 01 đến 06 — forms are 1 to 6")
    if number == 6:
        return register_document(request, conn, code, query_day(date_from, "date_from"), query_day(date_to, "date_to"))
    dossier = dossiers.readable(conn, user, code)
    if number == 1:
        return receipt_document(request, conn, dossier)
    ctx = request.app.state.ctx
    procedure = catalogue.get(conn, dossier["procedure_code"])
    values = {"dossier": dossier, "procedure": procedure, "applicant": json.loads(dossier["applicant"]),
              "status_label": dossiers.shown_label(dossier["status"]), "number": number, "title": TITLES[number],
              "officer": user}
    if number == 2:
        values["rounds"] = conn.execute("SELECT * FROM supplements WHERE dossier_id = ? ORDER BY id",
                                        (dossier["id"],)).fetchall()
    elif number == 3:
        values["refused"] = dossier["status"] == status.TU_CHOI
        values["refusal"] = conn.execute("SELECT * FROM history WHERE dossier_id = ? AND status = ? ORDER BY id DESC "
                                         "LIMIT 1", (dossier["id"], status.TU_CHOI)).fetchone()
    elif number == 4:
        values["apology"] = apology.for_print(conn, ctx, user, dossier, ip)  # changes no dossier row
    elif number == 5:
        values["steps"] = process_steps(conn, dossier, procedure)
    return render(request, f"forms/mau{number:02d}.html", **values)


# the steps a procedure's workflow gives days to (catalogue_admin.WORKFLOW_STEPS), by the status they lead to
STEP_OF_STATUS = {status.DANG_GIAI_QUYET: "process", status.DA_CO_KET_QUA: "approve", status.DA_TRA_KET_QUA: "return"}


def step_deadline(dossier: sqlite3.Row, procedure: dict, state: int, days_off: set):
    """The deadline of the step leading to `state`: the receipt plus the working days the procedure's
    workflow gives the steps up to it; the appointment when no days are configured."""
    workflow = procedure.get("workflow_days") or {}
    received = clock.parse(dossier["received_at"])
    step = STEP_OF_STATUS.get(state)
    if not workflow or step is None or received is None:
        return clock.parse(dossier["appointment_date"])
    order = list(STEP_OF_STATUS.values())
    days = sum(workflow.get(s, 0) for s in order[:order.index(step) + 1])
    if days == 0:
        return received.replace(hour=workdays.CLOSING_TIME.hour, minute=0, second=0)
    return workdays.add_working_days(received, days, days_off)


def process_steps(conn: sqlite3.Connection, dossier: sqlite3.Row, procedure: dict) -> list[dict]:
    """Mẫu 05's rows: each hand-over of the dossier, who gave and who took it, and whether the step
    was taken before, on or after its deadline (the step's share of the time limit, else the
    appointment)."""
    rows = conn.execute("SELECT * FROM history WHERE dossier_id = ? ORDER BY id", (dossier["id"],)).fetchall()
    steps, days_off = [], dossiers.holidays(conn)
    for previous, row in zip([None, *rows[:-1]], rows):
        moment = clock.parse(row["time"])
        deadline = step_deadline(dossier, procedure, row["status"], days_off)
        if deadline is None or row["status"] == status.MOI_DANG_KY:
            timing = ""
        elif moment.date() < deadline.date():
            timing = "Trước hạn"
        elif moment <= deadline:
            timing = "Đúng hạn"
        else:
            timing = "Quá hạn"
        steps.append({"time": row["time"], "from": previous["full_name"] if previous else None,
                      "from_department": previous["department"] if previous else None,
                      "to": row["full_name"], "to_department": row["department"], "action": row["action"],
                      "status_label": dossiers.shown_label(row["status"]), "note": row["note"], "timing": timing,
                      "deadline": clock.iso(deadline) if deadline and row["status"] != status.MOI_DANG_KY else None})
    return steps


def fee_receipt(request: Request, conn: sqlite3.Connection, user: User, code: str) -> HTMLResponse:
    """Biên lai thu phí, lệ phí: the payments recorded for a dossier (online or at the counter)."""
    dossier = dossiers.readable(conn, user, code)
    payments = conn.execute("SELECT * FROM payments WHERE dossier_id = ? AND status = 'paid' ORDER BY paid_at",
                            (dossier["id"],)).fetchall()
    if not payments:
        raise ApiError(404, "Hồ sơ chưa có khoản thu nào — no fee has been paid for this dossier")
    procedure = catalogue.get(conn, dossier["procedure_code"])
    return render(request, "forms/bien_lai.html", dossier=dossier, procedure=procedure, payments=payments,
                  applicant=json.loads(dossier["applicant"]), title="Biên lai thu phí, lệ phí", number=None,
                  officer=user)


def register_document(request: Request, conn: sqlite3.Connection, code: str, date_from: str | None,
                      date_to: str | None) -> HTMLResponse:
    """Mẫu 06 for a period: by default the month of the named dossier's receipt, or this month."""
    if code != REGISTER:
        dossier = dossiers.load(conn, code)
        if dossier is None:
            raise ApiError(404, dossiers.NOT_FOUND + f"; dùng mã '{REGISTER}' cho sổ theo dõi — or use '{REGISTER}'")
        anchor = clock.parse(dossier["received_at"] or dossier["submitted_at"]).date()
    else:
        anchor = clock.now().date()
    if not date_from and not date_to:
        date_from = anchor.replace(day=1).isoformat()
        date_to = max(anchor, clock.now().date()).isoformat()
    items = dossier_views.register_list(conn, date_from, date_to, None)
    return render(request, "forms/mau06.html", number=6, title=TITLES[6], items=items, date_from=date_from,
                  date_to=date_to)
