"""The procedure catalogue: search, the full level-1 record, agencies, sectors and forms."""
from __future__ import annotations

import json
import sqlite3
import unicodedata
from functools import lru_cache

from refportal import defects, documents
from refportal.text import fold

LEVEL_LABELS = {2: "Mức độ 2", 3: "Mức độ 3", 4: "Mức độ 4"}
MODE_LABELS = {"toan_trinh": "Dịch vụ công trực tuyến toàn trình", "mot_phan": "Dịch vụ công trực tuyến một phần"}
FORM_FIELDS = ["Họ, chữ đệm, tên người yêu cầu", "Ngày, tháng, năm sinh", "Số định danh cá nhân",
               "Nơi cư trú", "Số điện thoại", "Thư điện tử", "Nội dung yêu cầu"]

_LIST_SQL = ("SELECT p.code, p.name, p.agency_code, a.name AS agency_name, p.sector_code, s.name AS sector_name, "
             "p.level, p.online_mode, p.processing_days FROM procedures p JOIN agencies a ON a.code = p.agency_code "
             "JOIN sectors s ON s.code = p.sector_code")


def procedure_path(code: str) -> str:
    return f"/thu-tuc/{code}"


def form_path(procedure_code: str, component_code: str) -> str:
    return f"/bieu-mau/{procedure_code}/{component_code}.docx"


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(conn: sqlite3.Connection, q: str = "", agency: str = "", sector: str = "", level: int | None = None,
           page: int = 1, page_size: int = 50) -> tuple[list[dict], int]:
    """Procedures matching every word of q (diacritics and Unicode form ignored) and the filters."""
    where, args = [], []
    column, words = "p.name_folded", fold(q or "").split()
    if defects.on("nfd-text"):
        column, words = "p.name", (q or "").split()  # DEFECT: compared as typed, no folding, no normal form
    for word in words:
        where.append(f"{column} LIKE ? ESCAPE '\\'")
        args.append(_like(word))
    if agency:
        where.append("p.agency_code = ?")
        args.append(agency)
    if sector and not defects.on("search-sector-ignored"):  # DEFECT when on: the sector filter does nothing
        where.append("p.sector_code = ?")
        args.append(sector)
    if level:
        where.append("p.level = ?")
        args.append(level)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    total = conn.execute(f"SELECT count(*) FROM procedures p{clause}", args).fetchone()[0]
    page, page_size = max(page, 1), min(max(page_size, 1), 200)
    rows = conn.execute(f"{_LIST_SQL}{clause} ORDER BY p.sector_code, p.name LIMIT ? OFFSET ?",
                        [*args, page_size, (page - 1) * page_size]).fetchall()
    return [dict(r) for r in rows], total


def get(conn: sqlite3.Connection, code: str) -> dict | None:
    row = conn.execute(f"{_LIST_SQL} WHERE p.code = ?", (code,)).fetchone()
    if row is None:
        return None
    details = json.loads(conn.execute("SELECT details FROM procedures WHERE code = ?", (code,)).fetchone()[0])
    procedure = {**dict(row), **details}
    procedure["forms"] = [{"name": c["form"], "component_code": c["code"], "path": form_path(code, c["code"])}
                          for c in procedure["components"] if c.get("form")]
    procedure["fee_total"] = sum(f["amount"] for f in procedure["fees"])
    return procedure


def shown_name(name: str) -> str:
    """A procedure's name as the pages and the API show it."""
    if defects.on("catalogue-mismatch"):
        name = f"{name} (tên cũ)"  # DEFECT: an outdated name, not the national catalogue's
    if defects.on("nfd-text"):
        name = unicodedata.normalize("NFD", name)  # DEFECT: decomposed Unicode
    return name


def names_altered() -> bool:
    return defects.on("catalogue-mismatch") or defects.on("nfd-text")


def all_names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM procedures")]


def published(procedure: dict) -> dict:
    """The procedure as its page and the API publish it."""
    if defects.on("procedure-missing-fees"):
        return {**procedure, "fees": [], "legal_basis": []}  # DEFECT: fees and legal basis not published
    return procedure


def public_record(procedure: dict, base_url: str) -> dict:
    """The API shape of GET /api/procedures/{code} (API.md)."""
    procedure = published(procedure)
    forms = {f["component_code"]: base_url + f["path"] for f in procedure["forms"]}
    return {
        "code": procedure["code"], "name": shown_name(procedure["name"]),
        "agency_code": procedure["agency_code"], "agency_name": procedure["agency_name"],
        "sector_code": procedure["sector_code"], "sector_name": procedure["sector_name"],
        "level": procedure["level"], "online_mode": procedure["online_mode"],
        "steps": procedure["steps"], "methods": procedure["methods"],
        "components": [{"code": c["code"], "name": c["name"], "required": bool(c.get("required")),
                        "form_url": forms.get(c["code"])} for c in procedure["components"]],
        "processing_days": procedure["processing_days"],
        "applicants": procedure["applicants"], "result": procedure["result"],
        "fees": [{"code": f["code"], "name": f["name"], "amount": f["amount"]} for f in procedure["fees"]],
        "legal_basis": procedure["legal_basis"],
        "forms": [{"name": f["name"], "url": base_url + f["path"]} for f in procedure["forms"]],
        "guide_url": base_url + procedure_path(procedure["code"]) + "/huong-dan",
        "url": base_url + procedure_path(procedure["code"]),
    }


def list_item(row: dict, base_url: str) -> dict:
    return {k: row[k] for k in ("code", "agency_code", "agency_name", "sector_code", "sector_name",
                                "level", "online_mode")} | {"name": shown_name(row["name"]),
                                                            "url": base_url + procedure_path(row["code"])}


def agencies(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute("SELECT a.code, a.name, a.parent_code, a.short_name, "
                        "(SELECT count(*) FROM procedures p WHERE p.agency_code = a.code) AS procedure_count "
                        "FROM agencies a ORDER BY a.code").fetchall()
    return [dict(r) for r in rows]


def sectors(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute("SELECT s.code, s.name, (SELECT count(*) FROM procedures p WHERE p.sector_code = s.code) "
                        "AS procedure_count FROM sectors s ORDER BY s.name").fetchall()
    return [dict(r) for r in rows]


def agency(conn: sqlite3.Connection, code: str) -> dict | None:
    row = conn.execute("SELECT * FROM agencies WHERE code = ?", (code,)).fetchone()
    return dict(row) if row else None


def sector(conn: sqlite3.Connection, code: str) -> dict | None:
    row = conn.execute("SELECT * FROM sectors WHERE code = ?", (code,)).fetchone()
    return dict(row) if row else None


@lru_cache(maxsize=256)
def _form_bytes(portal_name: str, procedure_name: str, form_name: str) -> bytes:
    return documents.form_document(portal_name, procedure_name, form_name, FORM_FIELDS)


def form_file(conn: sqlite3.Connection, portal_name: str, procedure_code: str, component_code: str) -> tuple[str, bytes] | None:
    procedure = get(conn, procedure_code)
    if procedure is None:
        return None
    for component in procedure["components"]:
        if component["code"] == component_code and component.get("form"):
            name = f"{procedure_code}-{component_code}.docx"
            return name, _form_bytes(portal_name, procedure["name"], component["form"])
    return None
