"""The embedded database: one SQLite file (WAL), created with its schema on first start.

Every request opens its own connection (cheap for SQLite) in autocommit mode; writes that must
be atomic run inside `transaction()`, which takes the write lock up front (BEGIN IMMEDIATE) so
two requests never interleave a read-check-write on the same dossier.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agencies (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, parent_code TEXT, short_name TEXT, address TEXT);
CREATE TABLE IF NOT EXISTS sectors (code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS procedures (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, name_folded TEXT NOT NULL,
    agency_code TEXT NOT NULL REFERENCES agencies(code), sector_code TEXT NOT NULL REFERENCES sectors(code),
    level INTEGER NOT NULL, online_mode TEXT, processing_days INTEGER NOT NULL,
    details TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS procedures_agency ON procedures(agency_code);
CREATE INDEX IF NOT EXISTS procedures_sector ON procedures(sector_code);
CREATE TABLE IF NOT EXISTS holidays (day TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
    role TEXT NOT NULL, full_name TEXT NOT NULL, email TEXT, phone TEXT, id_number TEXT,
    birth_date TEXT, address TEXT, agency_code TEXT, title TEXT,
    failed_logins INTEGER NOT NULL DEFAULT 0, locked_until TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dossier_codes (unit TEXT NOT NULL, day TEXT NOT NULL, last INTEGER NOT NULL,
    PRIMARY KEY (unit, day));
CREATE TABLE IF NOT EXISTS dossiers (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, procedure_code TEXT NOT NULL REFERENCES procedures(code),
    owner_id INTEGER REFERENCES users(id), channel TEXT NOT NULL, status INTEGER NOT NULL,
    came_from INTEGER, payment_amount INTEGER, applicant TEXT NOT NULL, form_data TEXT NOT NULL, return_by_post INTEGER NOT NULL DEFAULT 0,
    receiving_unit TEXT NOT NULL, submitted_at TEXT NOT NULL, received_at TEXT, appointment_date TEXT,
    resolved_at TEXT, returned_at TEXT, closed_at TEXT, status_reason TEXT,
    rating INTEGER, rating_comment TEXT, rated_at TEXT);
CREATE INDEX IF NOT EXISTS dossiers_owner ON dossiers(owner_id);
CREATE INDEX IF NOT EXISTS dossiers_received ON dossiers(received_at);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY, dossier_id INTEGER NOT NULL REFERENCES dossiers(id), time TEXT NOT NULL,
    username TEXT NOT NULL, full_name TEXT NOT NULL, title TEXT, department TEXT, action TEXT NOT NULL,
    status INTEGER NOT NULL, note TEXT);
CREATE INDEX IF NOT EXISTS history_dossier ON history(dossier_id);
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY, dossier_id INTEGER NOT NULL REFERENCES dossiers(id), name TEXT NOT NULL,
    component_code TEXT, content_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
    data BLOB NOT NULL, supplement_id INTEGER, deleted INTEGER NOT NULL DEFAULT 0, uploaded_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS attachments_dossier ON attachments(dossier_id);
CREATE TABLE IF NOT EXISTS supplements (
    id INTEGER PRIMARY KEY, dossier_id INTEGER NOT NULL REFERENCES dossiers(id), requested_at TEXT NOT NULL,
    requested_by TEXT NOT NULL, reason TEXT NOT NULL, supplied_at TEXT, note TEXT);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY, dossier_id INTEGER NOT NULL REFERENCES dossiers(id), time TEXT NOT NULL,
    username TEXT NOT NULL, full_name TEXT NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS payments (
    reference TEXT PRIMARY KEY, dossier_id INTEGER NOT NULL REFERENCES dossiers(id), amount INTEGER NOT NULL,
    status TEXT NOT NULL, mode TEXT NOT NULL, payment_url TEXT, created_at TEXT NOT NULL, paid_at TEXT,
    transaction_id TEXT, bank TEXT);
CREATE TABLE IF NOT EXISTS results (
    dossier_id INTEGER PRIMARY KEY REFERENCES dossiers(id), file_name TEXT NOT NULL, pdf BLOB NOT NULL,
    signature BLOB NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY, dossier_code TEXT NOT NULL, service TEXT NOT NULL, payload TEXT NOT NULL,
    created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT,
    last_error TEXT, sent_at TEXT);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(sent_at, dossier_code, id);
CREATE TABLE IF NOT EXISTS nps_synced (dossier_code TEXT PRIMARY KEY, first_synced_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY, tracking_code TEXT NOT NULL UNIQUE, title TEXT NOT NULL, content TEXT NOT NULL,
    name TEXT, email TEXT, created_at TEXT NOT NULL, answer TEXT, answered_at TEXT, answered_by TEXT);
CREATE TABLE IF NOT EXISTS surveys (
    id INTEGER PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL, questions TEXT NOT NULL,
    is_open INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS survey_answers (
    id INTEGER PRIMARY KEY, survey_id INTEGER NOT NULL REFERENCES surveys(id), answers TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, time TEXT NOT NULL, username TEXT, action TEXT NOT NULL, target TEXT,
    ip TEXT, success INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS audit_time ON audit(time);
CREATE TABLE IF NOT EXISTS apologies (
    id INTEGER PRIMARY KEY, dossier_id INTEGER NOT NULL REFERENCES dossiers(id), issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL, issued_by_name TEXT NOT NULL, reason TEXT NOT NULL, old_appointment TEXT NOT NULL,
    new_appointment TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS apologies_dossier ON apologies(dossier_id);
CREATE TABLE IF NOT EXISTS assignments (
    id INTEGER PRIMARY KEY, dossier_id INTEGER NOT NULL REFERENCES dossiers(id), assigned_at TEXT NOT NULL,
    assigned_by TEXT NOT NULL, assignee TEXT NOT NULL, note TEXT);
CREATE INDEX IF NOT EXISTS assignments_dossier ON assignments(dossier_id);
CREATE TABLE IF NOT EXISTS page_views (day TEXT NOT NULL, path TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (day, path));
CREATE TABLE IF NOT EXISTS population (
    id_number TEXT PRIMARY KEY, full_name TEXT NOT NULL, birth_date TEXT, gender TEXT, address TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reused_attachments (
    attachment_id INTEGER PRIMARY KEY REFERENCES attachments(id), source_attachment_id INTEGER NOT NULL,
    source_dossier_code TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS postal_dispatches (
    dossier_id INTEGER PRIMARY KEY REFERENCES dossiers(id), consignment TEXT NOT NULL, dispatched_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS disabled_users (
    user_id INTEGER PRIMARY KEY REFERENCES users(id), disabled_at TEXT NOT NULL, disabled_by TEXT NOT NULL);
"""


def connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=15, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 15000")
    return conn


def initialise(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database file with its schema, in WAL mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(SCHEMA)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection):
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def get_setting(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row["value"] if row else None


def set_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 (key, value))
