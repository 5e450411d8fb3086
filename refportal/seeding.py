"""Create the seed data (province, agencies, sectors, procedures, accounts, surveys, holidays)
from the YAML tables in refportal/seed/, once, when the database is first made.

Every value is checked before anything is written; a bad table stops the start with a message
naming the file, the entry and the field, and what to do.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
from datetime import date
from pathlib import Path

import yaml

from refportal import clock, codes, db, security
from refportal.accounts import PHONE
from refportal.text import fold, nfc

SEED_DIR = Path(__file__).parent / "seed"
ROLES = ("citizen", "business", "receiving_officer", "specialist", "leader", "admin")
LEVELS = (2, 3, 4)
ONLINE_MODES = ("toan_trinh", "mot_phan")
SECTOR_CODE = re.compile(r"^[A-Z]\d{2}-[A-Z0-9]+$")


class SeedError(ValueError):
    """A seed table is wrong; the message says where and what to do."""


def _load(name: str) -> dict:
    path = SEED_DIR / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError(f"{path}: không đọc được tệp YAML — cannot read the YAML file: {exc}") from exc
    if not isinstance(data, dict):
        raise SeedError(f"{path}: phải là một ánh xạ YAML — must be a YAML mapping")
    return _nfc_all(data)


def _nfc_all(value):
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc_all(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc_all(v) for k, v in value.items()}
    return value


def _need(entry: dict, field: str, where: str, kind=str, pattern: re.Pattern | None = None, hint: str = ""):
    value = entry.get(field)
    if kind is str and isinstance(value, (date, int)) and not isinstance(value, bool):
        value = str(value)
    if value is None or (kind is str and not str(value).strip()) or not isinstance(value, kind):
        raise SeedError(f"{where}.{field}: thiếu hoặc sai kiểu (cần {kind.__name__}) — missing or not a "
                        f"{kind.__name__}; {hint or 'add it'}")
    if pattern is not None and not pattern.match(value):
        raise SeedError(f"{where}.{field}: '{value}' sai định dạng — wrong format; {hint}")
    return value


def _no_unknown_keys(entry: dict, known: set[str], where: str, hint: str = "quote a name that contains a comma") -> None:
    unknown = set(entry) - known
    if unknown:
        # an unquoted comma in a YAML flow mapping ({name: Thi đua, khen thưởng}) makes a stray key
        raise SeedError(f"{where}: khóa lạ {sorted(unknown)} — unknown keys; {hint}")


def check_procedure(entry: dict, where: str, agencies: set[str], sectors: set[str]) -> dict:
    """Validate one procedure entry (also used for procedures pulled from the national portal)."""
    _need(entry, "code", where, pattern=codes.PROCEDURE_CODE,
          hint="use a national procedure code such as 1.001234.000.00.00.H29")
    _need(entry, "name", where)
    agency = _need(entry, "agency", where, pattern=codes.AGENCY_CODE, hint="use a QCVN 102 code such as 000.00.10.H29")
    if agency not in agencies:
        raise SeedError(f"{where}.agency: '{agency}' không có trong agencies.yaml — add the agency there first")
    sector = _need(entry, "sector", where)
    if sector not in sectors:
        raise SeedError(f"{where}.sector: '{sector}' không có trong agencies.yaml (sectors) — add the sector there first")
    level = entry.get("level")
    if level not in LEVELS:
        raise SeedError(f"{where}.level: '{level}' — mức độ phải là 2, 3 hoặc 4 (level must be 2, 3 or 4)")
    # NĐ 42/2022 Điều 11 groups online services: level 4 → toàn trình, level 3 → một phần; a level-2
    # procedure (forms to download) is not an online service and has no mode
    mode = entry.get("online_mode") or {4: "toan_trinh", 3: "mot_phan"}.get(level)
    if level == 2 and mode is not None:
        raise SeedError(f"{where}.online_mode: '{mode}' — mức độ 2 không phải dịch vụ công trực tuyến, không có "
                        "hình thức (a level-2 procedure is not an online service and has no online mode)")
    if mode is not None and mode not in ONLINE_MODES:
        raise SeedError(f"{where}.online_mode: '{mode}' — must be toan_trinh or mot_phan")
    days = entry.get("processing_days")
    if not isinstance(days, int) or days < 1:
        raise SeedError(f"{where}.processing_days: '{days}' — số ngày làm việc ≥ 1 (a whole number of working days, at least 1)")
    for field in ("steps", "methods", "legal_basis"):
        values = entry.get(field)
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise SeedError(f"{where}.{field}: cần danh sách văn bản không rỗng — needs a non-empty list of texts")
    for field in ("applicants", "result"):
        _need(entry, field, where)
    components = entry.get("components")
    if not isinstance(components, list) or not components:
        raise SeedError(f"{where}.components: cần ít nhất một thành phần hồ sơ — needs at least one dossier component")
    seen = set()
    for i, comp in enumerate(components):
        cwhere = f"{where}.components[{i}]"
        if not isinstance(comp, dict):
            raise SeedError(f"{cwhere}: phải là ánh xạ {{code, name, required}} — must be a mapping")
        _no_unknown_keys(comp, {"code", "name", "required", "form"}, cwhere,
                         'quote a name or form that contains a comma: name: "A, B"')
        ccode = _need(comp, "code", cwhere, pattern=re.compile(r"^[A-Za-z0-9_-]+$"), hint="letters, digits, - or _")
        if ccode in seen:
            raise SeedError(f"{cwhere}.code: '{ccode}' trùng — duplicate component code")
        seen.add(ccode)
        _need(comp, "name", cwhere)
    if level >= 2 and not any(c.get("form") for c in components):
        raise SeedError(f"{where}.components: thủ tục mức độ {level} cần ít nhất một biểu mẫu (form) — "
                        "a level-2+ procedure needs at least one downloadable form")
    fees = entry.get("fees")
    if not isinstance(fees, list) or not fees:
        raise SeedError(f"{where}.fees: cần ít nhất một dòng phí, lệ phí (amount 0 khi miễn) — "
                        "needs at least one fee line (amount 0 when free)")
    for i, fee in enumerate(fees):
        fwhere = f"{where}.fees[{i}]"
        if isinstance(fee, dict):
            _no_unknown_keys(fee, {"code", "name", "amount", "kind"}, fwhere,
                             'quote a name that contains a comma: name: "A, B"')
        _need(fee, "code", fwhere)
        _need(fee, "name", fwhere)
        if not isinstance(fee.get("amount"), int) or fee["amount"] < 0:
            raise SeedError(f"{fwhere}.amount: số tiền VNĐ nguyên, không âm — a whole, non-negative VND amount")
        if fee.get("kind", "le_phi") not in ("le_phi", "phi"):
            raise SeedError(f"{fwhere}.kind: le_phi hoặc phi — must be le_phi or phi")
    return {**entry, "online_mode": mode}


def insert_procedure(conn: sqlite3.Connection, entry: dict) -> None:
    details = {k: entry.get(k) for k in ("steps", "methods", "components", "applicants", "result", "fees", "legal_basis")}
    for fee in details["fees"]:
        fee.setdefault("kind", "le_phi")
    conn.execute(
        "INSERT INTO procedures(code, name, name_folded, agency_code, sector_code, level, online_mode, "
        "processing_days, details, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(code) DO UPDATE SET "
        "name=excluded.name, name_folded=excluded.name_folded, agency_code=excluded.agency_code, "
        "sector_code=excluded.sector_code, level=excluded.level, online_mode=excluded.online_mode, "
        "processing_days=excluded.processing_days, details=excluded.details, updated_at=excluded.updated_at",
        (entry["code"], entry["name"], fold(entry["name"]), entry["agency"], entry["sector"], entry["level"],
         entry["online_mode"], entry["processing_days"], json.dumps(details, ensure_ascii=False),
         clock.iso(clock.now())))


def _password_overrides() -> dict[str, str]:
    raw = os.environ.get("REFPORTAL_PASSWORDS")
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise SeedError(f"REFPORTAL_PASSWORDS: không phải JSON — not JSON ({exc}); "
                        'use {"username": "password", ...}') from exc
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise SeedError('REFPORTAL_PASSWORDS: cần một đối tượng JSON {"username": "password"} — '
                        'must be a JSON object of user name to password')
    return value


def load_accounts() -> list[dict]:
    accounts = _load("accounts.yaml").get("accounts")
    if not isinstance(accounts, list) or not accounts:
        raise SeedError(f"{SEED_DIR / 'accounts.yaml'}: accounts: cần danh sách tài khoản — needs a list of accounts")
    overrides = _password_overrides()
    result, names = [], set()
    for i, acc in enumerate(accounts):
        where = f"{SEED_DIR / 'accounts.yaml'}: accounts[{i}]"
        name = _need(acc, "username", where)
        if name in names:
            raise SeedError(f"{where}.username: '{name}' trùng — duplicate user name")
        names.add(name)
        if acc.get("role") not in ROLES:
            raise SeedError(f"{where}.role: '{acc.get('role')}' — one of {', '.join(ROLES)}")
        for field in ("full_name", "email", "phone", "id_number", "birth_date", "address"):
            _need(acc, field, where)
        if not PHONE.fullmatch(str(acc["phone"])):
            raise SeedError(f"{where}.phone: '{acc['phone']}' — 10 chữ số bắt đầu bằng 0 (10 digits starting with 0)")
        password = overrides.get(name, acc.get("password"))
        problems = security.password_problems(password or "")
        if problems:
            source = "REFPORTAL_PASSWORDS" if name in overrides else f"{where}.password"
            raise SeedError(f"{source} ({name}): {'; '.join(problems)}")
        result.append({**acc, "password": password, "birth_date": str(acc["birth_date"])})
    unknown = set(overrides) - names
    if unknown:
        raise SeedError(f"REFPORTAL_PASSWORDS: tài khoản không có trong accounts.yaml — unknown accounts: {sorted(unknown)}")
    return result


def load_catalogue() -> tuple[dict, list[dict], list[dict], list[dict]]:
    portal = _load("portal.yaml")
    for field in ("code", "name", "portal_name", "portal_name_en", "mail_from", "sms_sender"):
        _need(portal, field, f"{SEED_DIR / 'portal.yaml'}")
    tables = _load("agencies.yaml")
    where_a = f"{SEED_DIR / 'agencies.yaml'}"
    agencies, sectors = tables.get("agencies") or [], tables.get("sectors") or []
    for i, a in enumerate(agencies):
        _need(a, "code", f"{where_a}: agencies[{i}]", pattern=codes.AGENCY_CODE, hint="use the QCVN 102 form 000.00.10.H29")
        _need(a, "name", f"{where_a}: agencies[{i}]")
        _no_unknown_keys(a, {"code", "name", "short_name", "parent"}, f"{where_a}: agencies[{i}]")
    for i, s in enumerate(sectors):
        _need(s, "code", f"{where_a}: sectors[{i}]", pattern=SECTOR_CODE, hint="use the TT 01/2018 form H29-HT")
        _need(s, "name", f"{where_a}: sectors[{i}]")
        _no_unknown_keys(s, {"code", "name"}, f"{where_a}: sectors[{i}]")
    agency_codes = {a["code"] for a in agencies}
    sector_codes = {s["code"] for s in sectors}
    raw = _load("procedures.yaml").get("procedures") or []
    procedures, seen = [], set()
    for i, p in enumerate(raw):
        where = f"{SEED_DIR / 'procedures.yaml'}: procedures[{i}]"
        checked = check_procedure(p, where, agency_codes, sector_codes)
        if checked["code"] in seen:
            raise SeedError(f"{where}.code: '{checked['code']}' trùng — duplicate procedure code")
        seen.add(checked["code"])
        procedures.append(checked)
    return portal, agencies, sectors, procedures


def seed(conn: sqlite3.Connection) -> bool:
    """Fill a new database; does nothing when it was seeded before. Returns True when it seeded."""
    if db.get_setting(conn, "seeded_at"):
        return False
    portal, agencies, sectors, procedures = load_catalogue()
    accounts = load_accounts()
    holidays = _load("holidays.yaml").get("holidays") or []
    surveys = _load("surveys.yaml").get("surveys") or []
    hashed = [(a, security.hash_password(a["password"])) for a in accounts]  # slow part, outside the lock
    now = clock.iso(clock.now())
    with db.transaction(conn):
        for key in ("code", "name", "portal_name", "portal_name_en", "mail_from", "sms_sender", "hotline", "address"):
            db.set_setting(conn, f"portal.{key}", str(portal.get(key, "")))
        db.set_setting(conn, "url_secret", secrets.token_hex(32))
        for a in agencies:
            conn.execute("INSERT INTO agencies(code, name, parent_code, short_name) VALUES (?,?,?,?)",
                         (a["code"], a["name"], a.get("parent"), a.get("short_name") or a["name"]))
        for s in sectors:
            conn.execute("INSERT INTO sectors(code, name) VALUES (?,?)", (s["code"], s["name"]))
        for p in procedures:
            insert_procedure(conn, p)
        for h in holidays:
            conn.execute("INSERT OR IGNORE INTO holidays(day, name) VALUES (?,?)", (str(h["day"]), h["name"]))
        for a, password_hash in hashed:
            conn.execute(
                "INSERT INTO users(username, password_hash, role, full_name, email, phone, id_number, birth_date, "
                "address, agency_code, title, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (a["username"], password_hash, a["role"], a["full_name"], a["email"], str(a["phone"]),
                 str(a["id_number"]), a["birth_date"], a["address"], a.get("agency"), a.get("title"), now))
        for s in surveys:
            conn.execute("INSERT INTO surveys(title, description, questions) VALUES (?,?,?)",
                         (s["title"], s["description"], json.dumps(s["questions"], ensure_ascii=False)))
        db.set_setting(conn, "seeded_at", now)
    return True


def account_names() -> dict[str, list[str]]:
    """User names per role, as the ready line announces them (from the seed table)."""
    by_role: dict[str, list[str]] = {role: [] for role in ROLES}
    for acc in _load("accounts.yaml").get("accounts") or []:
        by_role.setdefault(acc["role"], []).append(acc["username"])
    return by_role
