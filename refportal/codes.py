"""Dossier codes in the TT 01/2018/TT-VPCP Điều 19 form: <receiving unit's QCVN 102 code>-YYMMDD-NNNN.

NNNN counts the dossiers one receiving unit registers on one day, from 0001. The counter lives in
the database and is advanced inside the caller's write transaction, so codes are unique and
rise in the order dossiers are registered.
"""
from __future__ import annotations

import re
import sqlite3
from datetime import datetime

from refportal import clock, defects

AGENCY_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
DOSSIER_CODE = re.compile(r"^(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(\d{6})-(\d{4})$")
PROCEDURE_CODE = re.compile(r"^\d\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?$")


def format_code(unit_code: str, day: datetime, sequence: int) -> str:
    if defects.on("dossier-code-format"):
        return f"{unit_code}-{day.astimezone(clock.VN):%Y%m%d}-{sequence:04d}"  # DEFECT: an 8-digit date
    return f"{unit_code}-{day.astimezone(clock.VN):%y%m%d}-{sequence:04d}"


def next_dossier_code(conn: sqlite3.Connection, unit_code: str, when: datetime) -> str:
    """Reserve the next code; call inside a write transaction (BEGIN IMMEDIATE)."""
    day = when.astimezone(clock.VN).strftime("%y%m%d")
    row = conn.execute("SELECT last FROM dossier_codes WHERE unit = ? AND day = ?", (unit_code, day)).fetchone()
    sequence = (row["last"] if row else 0) + 1
    if sequence > 9999:
        raise RuntimeError(f"Hết số thứ tự mã hồ sơ trong ngày cho đơn vị {unit_code} — more than 9999 dossiers in a day")
    conn.execute("INSERT INTO dossier_codes(unit, day, last) VALUES (?, ?, ?) "
                 "ON CONFLICT(unit, day) DO UPDATE SET last = excluded.last", (unit_code, day, sequence))
    return format_code(unit_code, when, sequence)
