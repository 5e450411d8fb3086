"""The audit log: who did what, when, from where, and whether it succeeded."""
from __future__ import annotations

import sqlite3
from datetime import timezone

from refportal import clock, defects


def record(conn: sqlite3.Connection, username: str | None, action: str, target: str | None,
           ip: str | None, success: bool = True) -> None:
    if defects.on("no-audit-log"):
        return  # DEFECT: nothing is logged
    when = clock.iso(clock.now())
    if defects.on("audit-time-utc"):  # DEFECT: the server's UTC clock, written without its offset
        when = clock.now().astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")
    conn.execute("INSERT INTO audit(time, username, action, target, ip, success) VALUES (?,?,?,?,?,?)",
                 (when, username, action, target, ip, 1 if success else 0))


def entries(conn: sqlite3.Connection, date_from: str | None, date_to: str | None, limit: int = 5000) -> list[dict]:
    sql, args = "SELECT time, username, action, target, ip, success FROM audit WHERE 1=1", []
    if date_from:
        sql += " AND substr(time, 1, 10) >= ?"
        args.append(date_from)
    if date_to:
        sql += " AND substr(time, 1, 10) <= ?"
        args.append(date_to)
    sql += " ORDER BY id DESC LIMIT ?"
    args.append(limit)
    return [{"time": r["time"], "user": r["username"], "action": r["action"], "target": r["target"],
             "ip": r["ip"], "success": bool(r["success"])} for r in conn.execute(sql, args)]
