"""User administration by the admin: list accounts, create officer accounts, disable and enable
them. A disabled account cannot log in and its sessions stop working at once."""
from __future__ import annotations

import sqlite3

from refportal import audit, clock, codes, db, security
from refportal.accounts import User, contact_problems, username_problems
from refportal.failures import ApiError
from refportal.text import nfc

OFFICER_ROLES_CREATED = ("receiving_officer", "specialist", "leader", "admin")
ROLE_LABELS = {"citizen": "Công dân", "business": "Doanh nghiệp", "receiving_officer": "Cán bộ Bộ phận Một cửa",
               "specialist": "Chuyên viên xử lý", "leader": "Lãnh đạo phê duyệt", "admin": "Quản trị hệ thống"}


def list_users(conn: sqlite3.Connection) -> list[dict]:
    rows = conn.execute("SELECT u.*, a.name AS agency_name, d.disabled_at FROM users u "
                        "LEFT JOIN agencies a ON a.code = u.agency_code "
                        "LEFT JOIN disabled_users d ON d.user_id = u.id ORDER BY u.role, u.username").fetchall()
    return [{"username": r["username"], "full_name": r["full_name"], "role": r["role"],
             "role_label": ROLE_LABELS.get(r["role"], r["role"]), "agency_code": r["agency_code"],
             "agency_name": r["agency_name"], "title": r["title"], "email": r["email"], "phone": r["phone"],
             "disabled": r["disabled_at"] is not None, "locked_until": r["locked_until"],
             "created_at": r["created_at"]} for r in rows]


def create(conn: sqlite3.Connection, admin: User, data: dict, ip: str | None) -> dict:
    """A new officer account; 422 with every problem, 409 when the name is taken."""
    data = {k: nfc(v.strip()) if isinstance(v, str) else v for k, v in data.items()}
    username = (data.get("username") or "").lower()
    problems = username_problems(username)
    if data.get("role") not in OFFICER_ROLES_CREATED:
        problems.append(f"Vai trò (role) là một trong {', '.join(OFFICER_ROLES_CREATED)} — role must be an officer role")
    if not data.get("full_name"):
        problems.append("Cần nhập họ và tên — full name is required")
    problems += security.password_problems(data.get("password") or "")
    agency = data.get("agency_code") or None
    if agency and (not codes.AGENCY_CODE.match(agency)
                   or conn.execute("SELECT 1 FROM agencies WHERE code = ?", (agency,)).fetchone() is None):
        problems.append("Mã cơ quan (agency_code) không có trong danh mục cơ quan — unknown agency code")
    problems += contact_problems(data)
    if problems:
        raise ApiError(422, "; ".join(problems), problems=problems)
    password_hash = security.hash_password(data["password"])
    with db.transaction(conn):
        if conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
            raise ApiError(409, "Tên đăng nhập đã được sử dụng — user name already taken")
        conn.execute("INSERT INTO users(username, password_hash, role, full_name, email, phone, agency_code, title, "
                     "created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                     (username, password_hash, data["role"], data["full_name"], data.get("email"), data.get("phone"),
                      agency, data.get("title"), clock.iso(clock.now())))
        audit.record(conn, admin.username, "user_create", username, ip)
    return next(u for u in list_users(conn) if u["username"] == username)


def set_disabled(conn: sqlite3.Connection, admin: User, username: str, disabled: bool, ip: str | None) -> dict:
    row = conn.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()
    if row is None:
        raise ApiError(404, "Không có tài khoản — unknown user")
    if username == admin.username and disabled:
        raise ApiError(409, "Không tự khóa tài khoản đang dùng — you cannot disable your own account")
    with db.transaction(conn):
        if disabled:
            conn.execute("INSERT OR IGNORE INTO disabled_users(user_id, disabled_at, disabled_by) VALUES (?,?,?)",
                         (row["id"], clock.iso(clock.now()), admin.username))
            conn.execute("DELETE FROM sessions WHERE user_id = ?", (row["id"],))
        else:
            conn.execute("DELETE FROM disabled_users WHERE user_id = ?", (row["id"],))
            conn.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", (row["id"],))
        audit.record(conn, admin.username, "user_disable" if disabled else "user_enable", username, ip)
    return next(u for u in list_users(conn) if u["username"] == username)
