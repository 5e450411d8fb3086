"""What a running refportal knows: its settings (from the command line) and the shared services
(database path, signer, sync worker, notifier). One Context per process, kept in app.state."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from refportal import db


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8800
    db_path: Path = Path(".refportal/refportal.sqlite3")
    state_dir: Path = Path(".refportal")
    https: bool = True
    public_url: str = ""                    # set once the port is bound
    national_portal: str | None = None      # base URL of the national portal adapter + payment platform
    nps_user: str = "dokiem"
    nps_password: str = "dokiem-nps"
    payment_partner: str = "DOKIEM"
    payment_secret: str = "dokiem-secret"
    smtp: tuple[str, int] | None = None
    sms_gateway: str | None = None
    postal_gateway: str | None = None       # the postal operator's order API (postal.py)
    sync_retry_s: float = 5.0
    lockout_attempts: int = 5
    lockout_minutes: float = 15.0
    session_hours: float = 8.0
    max_upload_bytes: int = 10 * 1024 * 1024
    test_control: bool = False              # /_test/* endpoints (loopback only)


@dataclass
class Portal:
    """The province refportal plays (seed/portal.yaml, as stored in the database)."""
    code: str
    name: str
    portal_name: str
    portal_name_en: str
    mail_from: str
    sms_sender: str
    hotline: str
    address: str

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> "Portal":
        return cls(**{k: db.get_setting(conn, f"portal.{k}") or "" for k in cls.__dataclass_fields__})


@dataclass
class Context:
    settings: Settings
    portal: Portal
    url_secret: str
    signer: object                      # pki.Issued: signs electronic results
    ca: object | None = None            # pki.Issued: the local CA (issues the HTTPS certificate)
    holidays: set[date] = field(default_factory=set)
    sync: object | None = None          # sync.SyncWorker
    notifier: object | None = None      # notify.Notifier

    def connect(self) -> sqlite3.Connection:
        return db.connect(self.settings.db_path)

    @property
    def public_url(self) -> str:
        return self.settings.public_url
