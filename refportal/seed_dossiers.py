"""The seed's dossiers (seed/dossiers.yaml): made once, dated by refportal's clock at the first
start, so that an overdue dossier exists from the beginning (the back office's overdue list and
dokiem's `overdue_dossier` fixture) without waiting for days."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, time

from refportal import catalogue, clock, codes, db, documents, dossiers, status, workdays
from refportal.accounts import User
from refportal.dossiers import Actor
from refportal.seeding import SEED_DIR, SeedError, _load

STATES = {"received": status.DA_TIEP_NHAN, "processing": status.DANG_GIAI_QUYET}


def load_entries() -> list[dict]:
    entries = _load("dossiers.yaml").get("dossiers") or []
    where = SEED_DIR / "dossiers.yaml"
    for i, e in enumerate(entries):
        at = f"{where}: dossiers[{i}]"
        if not isinstance(e, dict):
            raise SeedError(f"{at}: phải là ánh xạ — must be a mapping")
        for key in ("owner", "procedure", "receiver", "handler"):
            if not isinstance(e.get(key), str) or not e[key]:
                raise SeedError(f"{at}.{key}: thiếu — missing; a user name or procedure code")
        if not isinstance(e.get("received_days_ago"), int) or e["received_days_ago"] < 2:
            raise SeedError(f"{at}.received_days_ago: số ngày làm việc ≥ 2 — a whole number of working days, at least 2")
        if e.get("status") not in STATES:
            raise SeedError(f"{at}.status: '{e.get('status')}' — one of {', '.join(STATES)}")
    return entries


def seed(conn) -> int:
    """Create the seed's dossiers once; returns how many were made now (0 when done before)."""
    if db.get_setting(conn, "seeded_dossiers_at"):
        return 0
    entries = load_entries()
    holidays = dossiers.holidays(conn)
    now = clock.now()
    with db.transaction(conn):
        for i, entry in enumerate(entries):
            _create(conn, entry, f"{SEED_DIR / 'dossiers.yaml'}: dossiers[{i}]", holidays, now)
        db.set_setting(conn, "seeded_dossiers_at", clock.iso(now))
    return len(entries)


def _user(conn, username: str, where: str) -> User:
    row = conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
    if row is None:
        raise SeedError(f"{where}: không có tài khoản '{username}' trong accounts.yaml — unknown account")
    return User.from_row(row)


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clock.VN)


def _create(conn, entry: dict, where: str, holidays, now: datetime) -> None:
    procedure = catalogue.get(conn, entry["procedure"])
    if procedure is None:
        raise SeedError(f"{where}.procedure: '{entry['procedure']}' không có trong procedures.yaml — unknown procedure")
    owner = _user(conn, entry["owner"], f"{where}.owner")
    receiver = _user(conn, entry["receiver"], f"{where}.receiver")
    handler = _user(conn, entry["handler"], f"{where}.handler")
    received_day = workdays.working_days_before(now, entry["received_days_ago"], holidays)
    submitted, received = _at(received_day, 8, 30), _at(received_day, 9)
    appointment = workdays.add_working_days(received, procedure["processing_days"], holidays)
    if appointment >= now:
        raise SeedError(f"{where}.received_days_ago: {entry['received_days_ago']} ngày chưa quá hạn thủ tục "
                        f"{procedure['processing_days']} ngày — must exceed the procedure's processing_days "
                        "so that the dossier is overdue")
    applicant = {k: getattr(owner, k) for k in dossiers.APPLICANT_FIELDS}
    applicant["type"] = "citizen"
    form_data = {k: entry[k] for k in ("trich_yeu", "ghi_chu") if entry.get(k)}
    code = codes.next_dossier_code(conn, procedure["agency_code"], received)
    target = STATES[entry["status"]]
    cur = conn.execute(
        "INSERT INTO dossiers(code, procedure_code, owner_id, channel, status, applicant, form_data, return_by_post, "
        "receiving_unit, submitted_at, received_at, appointment_date) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (code, procedure["code"], owner.id, "online", target, json.dumps(applicant, ensure_ascii=False),
         json.dumps(form_data, ensure_ascii=False), 0, procedure["agency_code"], clock.iso(submitted),
         clock.iso(received), clock.iso(appointment)))
    dossier_id = cur.lastrowid
    paper = documents.pdf("TO KHAI", [f"Ho so {code}", procedure["name"], owner.full_name])
    conn.execute("INSERT INTO attachments(dossier_id, name, component_code, content_type, size, sha256, data, "
                 "uploaded_at) VALUES (?,?,?,?,?,?,?,?)",
                 (dossier_id, "to-khai.pdf", procedure["components"][0]["code"], "application/pdf", len(paper),
                  hashlib.sha256(paper).hexdigest(), paper, clock.iso(submitted)))
    steps = [(submitted, owner, "submit", status.MOI_DANG_KY), (received, receiver, "receive", status.DA_TIEP_NHAN)]
    if target == status.DANG_GIAI_QUYET:
        next_day = workdays.add_working_days(received, 1, holidays).date()
        steps.append((_at(next_day, 10), handler, "process", status.DANG_GIAI_QUYET))
    for moment, user, step, state in steps:
        actor = Actor.of(conn, user)
        conn.execute("INSERT INTO history(dossier_id, time, username, full_name, title, department, action, status, "
                     "note) VALUES (?,?,?,?,?,?,?,?,?)",
                     (dossier_id, clock.iso(min(moment, now)), actor.username, actor.full_name, actor.title,
                      actor.department, status.STEPS[step].action, state, None))
