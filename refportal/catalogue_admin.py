"""Configuring the catalogue (admin): a procedure's time limit, the working days each step of its
electronic workflow may take, its fees, which dossier components are required; and the names of
the shared catalogues' entries (agencies with their QCVN 102 codes, sectors). Codes never change
here: they come from the national catalogues."""
from __future__ import annotations

import json
import sqlite3

from refportal import audit, catalogue, clock, db
from refportal.accounts import User
from refportal.failures import ApiError
from refportal.text import nfc

# the steps after receipt that get a share of the time limit (Mẫu 05 judges each against it)
WORKFLOW_STEPS = {"process": "Thụ lý, thẩm định", "approve": "Trình, phê duyệt kết quả", "return": "Trả kết quả"}


def _int(value, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ApiError(422, f"{field}: số nguyên từ {low} đến {high} — a whole number from {low} to {high}",
                       fields=[{"field": field, "problem": f"integer {low}..{high}"}])
    return value


def update_procedure(conn: sqlite3.Connection, user: User, code: str, data: dict, ip: str | None) -> dict:
    """Change what the admin may configure; 404 unknown code, 422 naming the field that is wrong."""
    found = catalogue.get(conn, code)
    if found is None:
        raise ApiError(404, "Không tìm thấy thủ tục — unknown procedure code")
    details = json.loads(conn.execute("SELECT details FROM procedures WHERE code = ?", (code,)).fetchone()[0])
    days = _int(data.get("processing_days", found["processing_days"]), "processing_days", 1, 365)
    fees = {f["code"]: f for f in details["fees"]}
    for i, change in enumerate(data.get("fees") or []):
        if not isinstance(change, dict) or change.get("code") not in fees:
            raise ApiError(422, f"fees[{i}].code: không có khoản thu này — unknown fee code; use one of {', '.join(fees)}")
        fees[change["code"]]["amount"] = _int(change.get("amount"), f"fees[{i}].amount", 0, 10 ** 10)
    components = {c["code"]: c for c in details["components"]}
    for i, change in enumerate(data.get("components") or []):
        if not isinstance(change, dict) or change.get("code") not in components:
            raise ApiError(422, f"components[{i}].code: không có thành phần này — unknown component code")
        if not isinstance(change.get("required"), bool):
            raise ApiError(422, f"components[{i}].required: true hoặc false — must be true or false")
        components[change["code"]]["required"] = change["required"]
    workflow = dict(details.get("workflow_days") or {})
    for step, value in (data.get("workflow_days") or {}).items():
        if step not in WORKFLOW_STEPS:
            raise ApiError(422, f"workflow_days.{step}: bước không có; dùng {', '.join(WORKFLOW_STEPS)} — unknown step")
        workflow[step] = _int(value, f"workflow_days.{step}", 0, 365)
    if sum(workflow.values()) > days:
        raise ApiError(422, f"workflow_days: tổng {sum(workflow.values())} ngày vượt thời hạn {days} ngày — the steps' "
                            "days exceed the time limit", fields=[{"field": "workflow_days", "problem": "sum > limit"}])
    details.update(fees=list(fees.values()), components=list(components.values()), workflow_days=workflow)
    with db.transaction(conn):
        conn.execute("UPDATE procedures SET processing_days = ?, details = ?, updated_at = ? WHERE code = ?",
                     (days, json.dumps(details, ensure_ascii=False), clock.iso(clock.now()), code))
        audit.record(conn, user.username, "procedure_update", code, ip)
    return catalogue.get(conn, code)


def _name(data: dict, field: str = "name") -> str:
    value = nfc(str(data.get(field) or "")).strip()
    if not value or len(value) > 300:
        raise ApiError(422, f"{field}: cần tên (tối đa 300 ký tự) — a name of at most 300 characters is required",
                       fields=[{"field": field, "problem": "required"}])
    return value


def update_agency(conn: sqlite3.Connection, user: User, code: str, data: dict, ip: str | None) -> dict:
    name = _name(data)
    short = nfc(str(data.get("short_name") or "")).strip() or None
    with db.transaction(conn):
        if conn.execute("UPDATE agencies SET name = ?, short_name = coalesce(?, short_name) WHERE code = ?",
                        (name, short, code)).rowcount == 0:
            raise ApiError(404, "Không có cơ quan mang mã này — unknown agency code")
        audit.record(conn, user.username, "agency_update", code, ip)
    return catalogue.agency(conn, code)


def update_sector(conn: sqlite3.Connection, user: User, code: str, data: dict, ip: str | None) -> dict:
    name = _name(data)
    with db.transaction(conn):
        if conn.execute("UPDATE sectors SET name = ? WHERE code = ?", (name, code)).rowcount == 0:
            raise ApiError(404, "Không có lĩnh vực mang mã này — unknown sector code")
        audit.record(conn, user.username, "sector_update", code, ip)
    return catalogue.sector(conn, code)

