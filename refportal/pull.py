"""Pulling a procedure from the national catalogue (LayThuTuc) into refportal's catalogue: the
national record is mapped onto refportal's procedure entry, keeping local details it lacks."""
from __future__ import annotations

import sqlite3

from refportal import audit, catalogue, db, defects, seeding, sync
from refportal.accounts import User
from refportal.context import Context
from refportal.failures import ApiError
from refportal.text import nfc


def _first(items, key: str) -> str | None:
    if isinstance(items, dict):
        items = [items]
    for item in items or []:
        if isinstance(item, dict) and item.get(key):
            return nfc(str(item[key]))
    return None


def _papers(value):
    """THANHPHANHOSO may be a list of papers or of cases holding GIAYTO lists."""
    for item in value or []:
        if isinstance(item, dict) and isinstance(item.get("GIAYTO"), list):
            yield from (g for g in item["GIAYTO"] if isinstance(g, dict))
        elif isinstance(item, dict):
            yield item


def national_to_entry(record: dict, code: str, existing: dict | None) -> dict:
    """Map a LayThuTuc record onto refportal's procedure entry; keep local details the record lacks."""
    name = nfc(str(record.get("TENTTHC") or "")).strip()
    if not name:
        raise ApiError(502, "LayThuTuc: bản ghi không có TENTTHC — the national record has no name")
    sector_code, sector_name = _first(record.get("LINHVUCTHUCHIEN"), "MALINHVUC"), _first(record.get("LINHVUCTHUCHIEN"), "TENLINHVUC")
    agency_code, agency_name = _first(record.get("COQUANTHUCHIEN"), "MADONVI"), _first(record.get("COQUANTHUCHIEN"), "TENDONVI")
    base = existing or {}
    steps = [nfc(str(s.get("TENTRINHTU") or s.get("TRINHTU") or "")) for s in record.get("TRINHTUTHUCHIEN") or []
             if isinstance(s, dict)]
    legal = [nfc(" ".join(str(v) for v in (c.get("SOVANBAN"), c.get("TENVANBAN")) if v))
             for c in record.get("CANCUPHAPLY") or [] if isinstance(c, dict)]
    components = [{"code": nfc(str(g.get("MAGIAYTO") or f"TP{i + 1}")), "name": nfc(str(g.get("TENGIAYTO") or g.get("TENMAUDON") or "Thành phần hồ sơ")),
                   "required": True, "form": nfc(str(g["TENMAUDON"])) if g.get("TENMAUDON") else None}
                  for i, g in enumerate(_papers(record.get("THANHPHANHOSO")))]
    components = components or base.get("components") or [
        {"code": "DDN", "name": "Đơn đề nghị theo mẫu", "required": True, "form": "Đơn đề nghị"}]
    if not any(c.get("form") for c in components):  # every published level needs a downloadable form
        components[0] = {**components[0], "form": components[0]["name"]}
    return {
        "code": code, "name": name,
        "agency": agency_code or base.get("agency_code"), "agency_name": agency_name,
        "sector": sector_code or base.get("sector_code"), "sector_name": sector_name,
        "level": base.get("level", 2), "online_mode": base.get("online_mode"),
        "processing_days": base.get("processing_days", 10),
        "steps": [s for s in steps if s] or base.get("steps") or ["Theo quy định tại thủ tục trên Cơ sở dữ liệu quốc gia về TTHC."],
        "methods": base.get("methods") or ["Nộp trực tiếp tại Bộ phận Một cửa", "Nộp qua dịch vụ bưu chính công ích"],
        "components": components,
        "applicants": nfc(str(record.get("MOTADOITUONGTHUCHIEN") or base.get("applicants") or "Tổ chức, cá nhân")),
        "result": _first(record.get("KETQUATHUCHIEN"), "TENKETQUA") or base.get("result") or "Kết quả giải quyết",
        "fees": base.get("fees") or [{"code": "LP", "name": "Theo quy định", "amount": 0, "kind": "le_phi"}],
        "legal_basis": [x for x in legal if x] or base.get("legal_basis") or ["Theo Cơ sở dữ liệu quốc gia về TTHC"],
    }


def pull(conn: sqlite3.Connection, ctx: Context, user: User, code: str, ip: str | None) -> dict:
    """LayThuTuc for `code`, then add or update the procedure; returns it as catalogue.get shows it.
    409 without --national-portal, 502 when the portal errs, does not know the code, or lacks data."""
    code = code.strip()
    if not ctx.settings.national_portal or ctx.sync is None:
        raise ApiError(409, "Chưa cấu hình Cổng DVC quốc gia (--national-portal) — no national portal configured")
    try:
        if defects.on("no-procedure-pull"):
            # DEFECT: the national catalogue is never asked
            raise sync.PortalError("chức năng lấy thủ tục chưa được kết nối — procedure pull not wired")
        record = sync.pull_procedure(ctx, ctx.sync.client, code)
    except sync.PortalError as exc:
        with db.transaction(conn):
            audit.record(conn, user.username, "procedure_pull", code, ip, success=False)
        raise ApiError(502, str(exc)) from None
    entry = national_to_entry(record, code, catalogue.get(conn, code))
    with db.transaction(conn):
        if entry["agency"] and entry.get("agency_name"):
            conn.execute("INSERT INTO agencies(code, name, short_name) VALUES (?,?,?) ON CONFLICT(code) DO NOTHING",
                         (entry["agency"], entry["agency_name"], entry["agency_name"]))
        if entry["sector"] and entry.get("sector_name"):
            conn.execute("INSERT INTO sectors(code, name) VALUES (?,?) ON CONFLICT(code) DO UPDATE SET name = excluded.name",
                         (entry["sector"], entry["sector_name"]))
        agencies = {r[0] for r in conn.execute("SELECT code FROM agencies")}
        sectors = {r[0] for r in conn.execute("SELECT code FROM sectors")}
        try:
            checked = seeding.check_procedure(entry, f"LayThuTuc {code}", agencies, sectors)
        except seeding.SeedError as exc:
            raise ApiError(502, f"Bản ghi quốc gia thiếu thông tin — the national record is incomplete: {exc}") from None
        seeding.insert_procedure(conn, checked)
        audit.record(conn, user.username, "procedure_pull", code, ip)
    return catalogue.get(conn, code)
