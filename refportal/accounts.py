"""Accounts and sessions: log in (with lockout), log out, register, find the user of a token."""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from refportal import audit, clock, db, defects, security
from refportal.context import Settings
from refportal.failures import ApiError
from refportal.text import nfc

WRONG_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng — wrong user name or password"
OFFICER_ROLES = frozenset({"receiving_officer", "specialist", "leader", "admin"})
APPLICANT_ROLES = frozenset({"citizen", "business"})
USERNAME = re.compile(r"^[a-z0-9_.]{3,40}$")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE = re.compile(r"0\d{9}")
INVALID_EMAIL = "Thư điện tử không hợp lệ — invalid e-mail address"


def username_problems(username: str) -> list[str]:
    """Why a new account's user name is refused (citizens and officers follow the same rule)."""
    if USERNAME.match(username):
        return []
    return ["Tên đăng nhập 3–40 ký tự: chữ thường không dấu, chữ số, '_' hoặc '.' — user name: 3–40 of a-z, 0-9, "
            "_ or ."]


def contact_problems(data: dict) -> list[str]:
    """Why a new account's e-mail address or phone number is refused (both optional)."""
    problems = []
    if data.get("email") and not EMAIL.fullmatch(data["email"]):
        problems.append(INVALID_EMAIL)
    if data.get("phone") and not PHONE.fullmatch(data["phone"]):
        problems.append("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 — phone: 10 digits starting with 0")
    return problems


def is_disabled(conn: sqlite3.Connection, user_id: int) -> bool:
    """Disabled by the admin (users.disable): no login, and the sessions stop working."""
    return conn.execute("SELECT 1 FROM disabled_users WHERE user_id = ?", (user_id,)).fetchone() is not None


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    full_name: str
    email: str | None
    phone: str | None
    id_number: str | None
    birth_date: str | None
    address: str | None
    agency_code: str | None
    title: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "User":
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})

    @property
    def is_officer(self) -> bool:
        return self.role in OFFICER_ROLES

    def public(self) -> dict:
        return {"username": self.username, "full_name": self.full_name, "role": self.role}


def login(conn: sqlite3.Connection, settings: Settings, username: str, password: str, ip: str | None) -> tuple[str, User]:
    """A new session token for the account; ApiError 401 (wrong) or 423 (locked)."""
    now = clock.now()
    row = conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
    if row is None:
        security.verify_password(password, security.DUMMY_HASH)  # same time as a real check
        with db.transaction(conn):
            audit.record(conn, username, "login", None, ip, success=False)
        raise ApiError(401, WRONG_CREDENTIALS)
    if is_disabled(conn, row["id"]):
        with db.transaction(conn):
            audit.record(conn, username, "login_disabled", None, ip, success=False)
        raise ApiError(423, "Tài khoản đã bị quản trị viên khóa, liên hệ quản trị hệ thống — account disabled by the "
                            "administrator")
    locked_until = clock.parse(row["locked_until"])
    if locked_until and locked_until > now:
        with db.transaction(conn):
            audit.record(conn, username, "login_locked", None, ip, success=False)
        minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        raise ApiError(423, f"Tài khoản tạm khóa do đăng nhập sai nhiều lần, thử lại sau {minutes} phút — "
                            f"account locked after repeated failed logins; try again in {minutes} min",
                       locked_until=clock.iso(locked_until))
    ok = security.verify_password(password, row["password_hash"])
    with db.transaction(conn):
        if not ok:
            # re-read under the write lock: concurrent wrong attempts must all count
            current = conn.execute("SELECT failed_logins, locked_until FROM users WHERE id = ?", (row["id"],)).fetchone()
            failures = (0 if current["locked_until"] else current["failed_logins"]) + 1
            lock = None
            if failures >= settings.lockout_attempts and not defects.on("no-lockout"):  # DEFECT when on: never locks
                lock = clock.iso(now + timedelta(minutes=settings.lockout_minutes))
                failures = 0
            conn.execute("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", (failures, lock, row["id"]))
            audit.record(conn, username, "login", None, ip, success=False)
        else:
            token = security.new_token()
            conn.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", (row["id"],))
            conn.execute("INSERT INTO sessions(token_hash, user_id, created_at, expires_at) VALUES (?,?,?,?)",
                         (security.token_hash(_kept(token)), row["id"], clock.iso(now),
                          clock.iso(now + timedelta(hours=settings.session_hours))))
            # DEFECT when on: the successful login is logged as a failure
            audit.record(conn, username, "login", None, ip, success=not defects.on("login-logged-as-failed"))
    if not ok:
        raise ApiError(401, WRONG_CREDENTIALS)
    return token, User.from_row(row)


def first_of_role(conn: sqlite3.Connection, role: str) -> User:
    """The first account of a role (defect forms-open prints as it)."""
    return User.from_row(conn.execute("SELECT * FROM users WHERE role = ? ORDER BY id LIMIT 1", (role,)).fetchone())


def _kept(token: str) -> str:
    """What of a session token is stored (hashed) and matched: all of it."""
    if defects.on("session-token-truncated"):
        return token[:24]  # DEFECT: as a too-short column keeps it; the rest of the token is never checked
    return token


def user_for_token(conn: sqlite3.Connection, token: str | None) -> User | None:
    if not token:
        return None
    row = conn.execute("SELECT u.*, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
                       "WHERE s.token_hash IN (?, ?)",
                       (security.token_hash(token), security.token_hash(_kept(token)))).fetchone()
    if row is None or clock.parse(row["expires_at"]) <= clock.now():
        return None
    return User.from_row(row)


def logout(conn: sqlite3.Connection, token: str | None, user: User | None, ip: str | None) -> None:
    with db.transaction(conn):
        if token and not defects.on("session-after-logout"):  # DEFECT when on: the session lives on
            conn.execute("DELETE FROM sessions WHERE token_hash IN (?, ?)",
                         (security.token_hash(token), security.token_hash(_kept(token))))
        audit.record(conn, user.username if user else None, "logout", None, ip)


def register(conn: sqlite3.Connection, data: dict, ip: str | None) -> int:
    """Create a citizen account; ApiError 422 (invalid, weak password) or 409 (name taken)."""
    data = {k: nfc(v.strip()) if isinstance(v, str) else v for k, v in data.items()}
    username = (data.get("username") or "").lower()
    problems = username_problems(username)
    problems += security.password_problems(data.get("password") or "")
    if not data.get("full_name"):
        problems.append("Cần nhập họ và tên — full name is required")
    problems += contact_problems(data)
    if data.get("id_number") and not re.fullmatch(r"\d{12}", data["id_number"]):
        problems.append("Số định danh cá nhân gồm 12 chữ số — personal id number: 12 digits")
    if data.get("birth_date") and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["birth_date"]):
        problems.append("Ngày sinh theo dạng YYYY-MM-DD — birth date as YYYY-MM-DD")
    if problems:
        raise ApiError(422, "; ".join(problems), problems=problems)
    password_hash = security.hash_password(data["password"])
    with db.transaction(conn):
        if conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
            audit.record(conn, username, "register", None, ip, success=False)
            raise ApiError(409, "Tên đăng nhập đã được sử dụng — user name already taken")
        cur = conn.execute(
            "INSERT INTO users(username, password_hash, role, full_name, email, phone, id_number, birth_date, "
            "address, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (username, password_hash, "citizen", data["full_name"], data.get("email"), data.get("phone"),
             data.get("id_number"), data.get("birth_date"), data.get("address"), clock.iso(clock.now())))
        audit.record(conn, username, "register", username, ip)
    return cur.lastrowid
