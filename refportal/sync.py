"""Sync with the national portal (PROTOCOL.md §1): an outbox table and one worker thread.

Each dossier step writes its packets to the outbox inside the step's own transaction, so a
packet exists exactly when the step happened. The worker sends them oldest first; a packet the
portal refuses (or cannot take) blocks only its own dossier and is resent after
`--sync-retry-s` seconds, so every dossier's packets arrive in the order its steps happened.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
from datetime import timedelta

import requests

from refportal import clock, db, defects, packets
from refportal.context import Context

log = logging.getLogger("refportal.sync")

SESSION_INVALID = "-2"


class PortalError(Exception):
    """The national portal answered an error, or could not be reached (unreachable=True)."""

    def __init__(self, message: str, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable


class NationalPortalClient:
    """Session and calls of the national portal adapter (/dvcqg/auth, /dvcqg/integration)."""

    def __init__(self, base_url: str, username: str, password: str, madonvi: str, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.username, self.password, self.madonvi = username, password, madonvi
        self.timeout = timeout
        self.session: str | None = None
        self._http = requests.Session()
        self._lock = threading.Lock()

    def _post(self, path: str, body: dict) -> dict:
        try:
            answer = self._http.post(self.base_url + path, json=body, timeout=self.timeout)
            data = answer.json()
        except (requests.RequestException, ValueError) as exc:
            raise PortalError(f"không kết nối được Cổng DVC quốc gia — national portal unreachable: {exc}",
                              unreachable=True) from exc
        if not isinstance(data, dict):
            raise PortalError("Cổng DVC quốc gia trả lời không đúng định dạng — malformed answer")
        return data

    def authenticate(self) -> None:
        data = self._post("/dvcqg/auth", {"username": self.username, "password": self.password})
        if str(data.get("error_code")) != "0" or not data.get("session"):
            self.session = None
            raise PortalError(f"đăng nhập Cổng DVC quốc gia thất bại — auth failed: "
                              f"{data.get('error_code')} {data.get('message', '')}")
        self.session = data["session"]

    def call(self, service: str, **parameters) -> dict:
        """One service call; re-authenticates once when the session is reported invalid."""
        with self._lock:
            for attempt in (1, 2):
                if self.session is None:
                    self.authenticate()
                envelope = {"session": self.session, "madonvi": self.madonvi, "service": service, **parameters}
                data = self._post("/dvcqg/integration", envelope)
                code = str(data.get("error_code"))
                if code == SESSION_INVALID and attempt == 1:
                    self.session = None
                    continue
                if code != "0":
                    raise PortalError(f"{service}: error_code {code} {data.get('message', '')}".strip())
                return data
        raise PortalError(f"{service}: phiên không hợp lệ sau khi đăng nhập lại — session refused twice")


def enqueue(conn: sqlite3.Connection, ctx: Context, dossier: sqlite3.Row, procedure: dict,
            history: sqlite3.Row | None) -> None:
    """Write this step's packets (inside the caller's transaction): the dossier as it is now, and
    the progress line of the step."""
    if not ctx.settings.national_portal:
        return  # sync is off without --national-portal
    if defects.on("no-national-sync"):
        return  # DEFECT: the integration with the national portal is switched off, nothing is ever sent
    now = clock.iso(clock.now())
    conn.execute("INSERT INTO outbox(dossier_code, service, payload, created_at) VALUES (?,?,?,?)",
                 (dossier["code"], "DongBoHoSoMC",
                  json.dumps(packets.dossier_object(conn, ctx, dossier, procedure), ensure_ascii=False), now))
    if history is not None and not defects.on("progress-not-synced"):  # DEFECT when on: progress never pushed
        conn.execute("INSERT INTO outbox(dossier_code, service, payload, created_at) VALUES (?,?,?,?)",
                     (dossier["code"], "CapNhatTienDoHoSoMC",
                      json.dumps(packets.progress_object(dossier, history), ensure_ascii=False), now))


class SyncWorker:
    """The background sender. start() / stop(); wake() after a commit that added packets."""

    def __init__(self, ctx: Context, client: NationalPortalClient):
        self.ctx, self.client = ctx, client
        self.retry = timedelta(seconds=ctx.settings.sync_retry_s)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="refportal-sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        conn = self.ctx.connect()
        try:
            while not self._stop.is_set():
                try:
                    wait = self.drain(conn)
                except Exception:  # a bug must not kill sync for the rest of the process
                    log.exception("đồng bộ: lỗi không lường trước — unexpected sync error")
                    wait = self.retry.total_seconds()
                self._wake.wait(timeout=wait)
                self._wake.clear()
        finally:
            conn.close()

    def drain(self, conn: sqlite3.Connection) -> float:
        """Send every packet that is due; return how long to sleep before the next is due."""
        blocked: set[str] = set()
        next_due = None
        for row in conn.execute("SELECT * FROM outbox WHERE sent_at IS NULL ORDER BY id").fetchall():
            if self._stop.is_set():
                break
            code = row["dossier_code"]
            if code in blocked:
                continue
            due = clock.parse(row["next_attempt_at"])
            if due and due > clock.now():
                blocked.add(code)
                next_due = due if next_due is None else min(next_due, due)
                continue
            try:
                self._send(conn, row)
            except PortalError as exc:
                if defects.on("no-packet-resend"):
                    # DEFECT: a refused packet is dropped as if it had been delivered
                    log.warning("đồng bộ %s %s thất bại, bỏ qua — failed, dropped: %s", row["service"], code, exc)
                    with db.transaction(conn):
                        conn.execute("UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = ? "
                                     "WHERE id = ?", (clock.iso(clock.now()), str(exc)[:500], row["id"]))
                    continue
                due = clock.now() + self.retry
                log.warning("đồng bộ %s %s thất bại, gửi lại sau %ss — failed, will resend: %s",
                            row["service"], code, self.retry.total_seconds(), exc)
                with db.transaction(conn):
                    conn.execute("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
                                 "WHERE id = ?", (due.isoformat(), str(exc)[:500], row["id"]))  # to the microsecond
                blocked.add(code)
                next_due = due if next_due is None else min(next_due, due)
                if exc.unreachable:
                    break  # no use trying the other dossiers now
                continue
            with db.transaction(conn):
                conn.execute("UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                             (clock.iso(clock.now()), row["id"]))
        if next_due is None:
            return 5.0
        return min(max((next_due - clock.now()).total_seconds(), 0.05), 5.0)

    def _send(self, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
        payload = json.loads(row["payload"])
        code = row["dossier_code"]
        if row["service"] != "DongBoHoSoMC":
            self.client.call(row["service"], data=[payload])
            return
        already = conn.execute("SELECT 1 FROM nps_synced WHERE dossier_code = ?", (code,)).fetchone() is not None
        if not already and not defects.on("no-tracuu"):  # DEFECT when on: never asks TraCuuHoSo
            # before a dossier's first sync, ask the portal whether it knows the dossier already
            try:
                known = bool(self.client.call("TraCuuHoSo", mahoso=code).get("result"))
            except PortalError as exc:
                log.warning("TraCuuHoSo %s thất bại, coi như hồ sơ mới — lookup failed, treated as new: %s", code, exc)
                known = False
            already = known
        updating = "True" if already else "False"
        if defects.on("wrong-is-updating"):
            updating = "False"  # DEFECT: every sync claims the dossier is new
        self.client.call("DongBoHoSoMC", isUpdating=updating, data=[payload])
        with db.transaction(conn):
            conn.execute("INSERT OR IGNORE INTO nps_synced(dossier_code, first_synced_at) VALUES (?, ?)",
                         (code, clock.iso(clock.now())))


def status(conn: sqlite3.Connection, ctx: Context) -> dict:
    row = conn.execute("SELECT count(*) AS pending, min(created_at) AS oldest, sum(attempts > 0) AS retrying "
                       "FROM outbox WHERE sent_at IS NULL").fetchone()
    last = conn.execute("SELECT last_error FROM outbox WHERE last_error IS NOT NULL AND sent_at IS NULL "
                        "ORDER BY id DESC LIMIT 1").fetchone()
    sent = conn.execute("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL").fetchone()[0]
    return {"enabled": bool(ctx.settings.national_portal), "pending": row["pending"], "retrying": row["retrying"] or 0,
            "sent": sent, "oldest_pending": row["oldest"], "last_error": last["last_error"] if last else None}


def pull_procedure(ctx: Context, client: NationalPortalClient, procedure_code: str) -> dict:
    """LayThuTuc: the national record of one procedure, first element of `result`."""
    data = client.call("LayThuTuc", maTTHC=procedure_code)
    result = data.get("result")
    if isinstance(result, dict):
        result = [result]
    if not result:
        raise PortalError(f"LayThuTuc: không có thủ tục {procedure_code} — the national catalogue has no such procedure")
    return result[0]
