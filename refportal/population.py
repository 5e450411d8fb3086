"""Pre-filling from the national population database: here a local stand-in table
(seed/population.yaml), looked up by the 12-digit personal id number, the way a deployed
system asks CSDL quốc gia về dân cư through the data-sharing platform."""
from __future__ import annotations

import re
import sqlite3

from refportal import audit, clock, db
from refportal.failures import ApiError
from refportal.seeding import SEED_DIR, SeedError, _load

SOURCE = "CSDL quốc gia về dân cư (bản mô phỏng của refportal — refportal's stand-in)"
ID_NUMBER = re.compile(r"^\d{12}$")


def seed(conn: sqlite3.Connection) -> int:
    if db.get_setting(conn, "seeded_population_at"):
        return 0
    people = _load("population.yaml").get("people") or []
    with db.transaction(conn):
        for i, p in enumerate(people):
            if not isinstance(p, dict) or not ID_NUMBER.match(str(p.get("id_number", ""))) or not p.get("full_name") \
                    or not p.get("address"):
                raise SeedError(f"{SEED_DIR / 'population.yaml'}: people[{i}]: cần id_number (12 chữ số), full_name, "
                                "address — needs a 12-digit id_number, full_name and address")
            conn.execute("INSERT OR REPLACE INTO population(id_number, full_name, birth_date, gender, address) "
                         "VALUES (?,?,?,?,?)", (str(p["id_number"]), p["full_name"], str(p.get("birth_date") or ""),
                                                p.get("gender"), p["address"]))
        db.set_setting(conn, "seeded_population_at", clock.iso(clock.now()))
    return len(people)


def lookup(conn: sqlite3.Connection, id_number: str, username: str | None = None, ip: str | None = None) -> dict | None:
    id_number = (id_number or "").strip()
    if not ID_NUMBER.match(id_number):
        raise ApiError(422, "Số định danh cá nhân gồm 12 chữ số — a personal id number has 12 digits",
                       fields=[{"field": "id_number", "problem": "12 digits"}])
    row = conn.execute("SELECT * FROM population WHERE id_number = ?", (id_number,)).fetchone()
    if username:
        with db.transaction(conn):
            audit.record(conn, username, "population_lookup", id_number[:3] + "…" + id_number[-3:], ip,
                         success=row is not None)
    if row is None:
        return None
    return {"id_number": row["id_number"], "full_name": row["full_name"], "birth_date": row["birth_date"] or None,
            "gender": row["gender"], "address": row["address"], "source": SOURCE}
