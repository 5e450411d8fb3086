"""Public statistics, counted from the dossiers themselves at the moment of the request.

The population is the dossiers received in the period (by receipt date). Of them: resolved =
reached status 9 or 10; on time = resolved no later than the appointment date (the day itself
counts, Vietnam time, as stored); late = resolved after it; pending = neither resolved nor closed (refused, withdrawn, stopped). So resolved =
on_time + late and received ≥ resolved + pending always hold.
"""
from __future__ import annotations

import sqlite3

from refportal import defects

_COUNTS = ("count(*) AS received, "
           "sum(d.resolved_at IS NOT NULL) AS resolved, "
           "sum(d.resolved_at IS NOT NULL AND substr(d.resolved_at, 1, 10) <= d.appointment_date) AS on_time, "
           "sum(d.resolved_at IS NOT NULL AND substr(d.resolved_at, 1, 10) > d.appointment_date) AS late, "
           "sum(d.resolved_at IS NULL AND d.closed_at IS NULL) AS pending")
_FIELDS = ("received", "resolved", "on_time", "late", "pending")


# DEFECT stats-counter-late: "on time" read from a date only online dossiers carry, so a dossier
# received at the counter or by post and resolved on time counts as late
_COUNTS_ONLINE_ONLY = _COUNTS.replace(
    "sum(d.resolved_at IS NOT NULL AND substr(d.resolved_at, 1, 10) <= d.appointment_date) AS on_time, "
    "sum(d.resolved_at IS NOT NULL AND substr(d.resolved_at, 1, 10) > d.appointment_date) AS late, ",
    "sum(d.resolved_at IS NOT NULL AND d.channel = 'online' AND substr(d.resolved_at, 1, 10) <= d.appointment_date) "
    "AS on_time, sum(d.resolved_at IS NOT NULL AND NOT (d.channel = 'online' AND substr(d.resolved_at, 1, 10) <= "
    "d.appointment_date)) AS late, ")


def _numbers(row: sqlite3.Row) -> dict:
    return {k: int(row[k] or 0) for k in _FIELDS}


_frozen: dict[tuple, dict] = {}


def statistics(conn: sqlite3.Connection, date_from: str | None = None, date_to: str | None = None,
               agency: str | None = None) -> dict:
    key = (date_from, date_to, agency)
    if defects.on("stats-disagree"):
        # DEFECT: the figures are computed once and never refreshed
        if key not in _frozen:
            _frozen[key] = _count(conn, date_from, date_to, agency)
        return _frozen[key]
    return _count(conn, date_from, date_to, agency)


def _count(conn: sqlite3.Connection, date_from: str | None, date_to: str | None, agency: str | None) -> dict:
    where, args = ["d.received_at IS NOT NULL"], []
    if date_from:
        where.append("substr(d.received_at, 1, 10) >= ?")
        args.append(date_from)
    if date_to:
        where.append("substr(d.received_at, 1, 10) <= ?")
        args.append(date_to)
    if agency:
        where.append("p.agency_code = ?")
        args.append(agency)
    condition = " AND ".join(where)

    def query(columns: str, join: str = "", group: str = ""):
        counts = _COUNTS_ONLINE_ONLY if defects.on("stats-counter-late") else _COUNTS
        return conn.execute(f"SELECT {columns}{counts} FROM dossiers d JOIN procedures p ON p.code = d.procedure_code "
                            f"{join} WHERE {condition} {group}", args)

    total = _numbers(query("").fetchone())
    by_agency = [{"agency_code": r["code"], "agency_name": r["name"], **_numbers(r)} for r in query(
        "a.code, a.name, ", "JOIN agencies a ON a.code = p.agency_code", "GROUP BY a.code ORDER BY a.code")]
    by_sector = [{"sector_code": r["code"], "sector_name": r["name"], **_numbers(r)} for r in query(
        "s.code, s.name, ", "JOIN sectors s ON s.code = p.sector_code", "GROUP BY s.code ORDER BY s.name")]
    by_month = [{"month": r["month"], **_numbers(r)} for r in query(
        "substr(d.received_at, 1, 7) AS month, ", "", "GROUP BY month ORDER BY month")]
    return {**total, "date_from": date_from, "date_to": date_to, "agency": agency,
            "by_agency": by_agency, "by_sector": by_sector, "by_month": by_month}


def ratings(conn: sqlite3.Connection) -> dict:
    """Satisfaction ratings of dossiers, by agency and by the officer who processed them (the
    specialist of the "process" step; the approver when there was none)."""
    def numbers(row) -> dict:
        return {"count": int(row["n"]), "average": round(row["average"], 2) if row["average"] is not None else None}

    total = conn.execute("SELECT count(*) AS n, avg(rating) AS average FROM dossiers WHERE rating IS NOT NULL").fetchone()
    by_agency = [{"agency_code": r["code"], "agency_name": r["name"], **numbers(r)} for r in conn.execute(
        "SELECT a.code, a.name, count(*) AS n, avg(d.rating) AS average FROM dossiers d "
        "JOIN procedures p ON p.code = d.procedure_code JOIN agencies a ON a.code = p.agency_code "
        "WHERE d.rating IS NOT NULL GROUP BY a.code ORDER BY a.code")]
    handler = ("coalesce((SELECT h.username FROM history h WHERE h.dossier_id = d.id AND h.status = 4 "
               "ORDER BY h.id LIMIT 1), (SELECT h.username FROM history h WHERE h.dossier_id = d.id AND h.status = 9 "
               "ORDER BY h.id LIMIT 1))")
    by_officer = [{"username": r["handler"], "full_name": r["full_name"], **numbers(r)} for r in conn.execute(
        f"SELECT {handler} AS handler, u.full_name, count(*) AS n, avg(d.rating) AS average FROM dossiers d "
        f"LEFT JOIN users u ON u.username = {handler} WHERE d.rating IS NOT NULL GROUP BY handler ORDER BY handler")]
    return {**numbers(total), "by_agency": by_agency, "by_officer": by_officer}
