"""The national portal adapter (Cổng DVC quốc gia), PROTOCOL.md §1: sessions and the five services.

Pure logic, no HTTP: the web layer (app.py) parses bodies, applies faults and records calls.
The adapter keeps the last synced object of every dossier so TraCuuHoSo can answer with it.
"""
from __future__ import annotations

import secrets
import threading
import time

from harness.nps.catalogue import NationalCatalogue

SESSION_SECONDS = 30 * 60
SERVICES = ("DongBoHoSoMC", "CapNhatTienDoHoSoMC", "LayThuTuc", "LayDanhSachTTHC", "TraCuuHoSo")
INVALID_SESSION = {"error_code": "-2", "message": "session không hợp lệ — unknown or expired session, "
                                                  "authenticate again at /dvcqg/auth"}


def error(message: str, code: str = "-1") -> dict:
    return {"error_code": code, "message": message}


class NationalPortal:
    def __init__(self, users: dict[str, str], catalogue: NationalCatalogue,
                 session_seconds: float = SESSION_SECONDS):
        self.users = dict(users)
        self.catalogue = catalogue
        self.session_seconds = session_seconds
        self._lock = threading.Lock()
        self._sessions: dict[str, float] = {}  # token -> monotonic expiry
        self._dossiers: dict[str, dict] = {}   # MaHoSo -> dossier object as last synced

    # ------------------------------------------------------------------ sessions
    def authenticate(self, body) -> dict:
        if not isinstance(body, dict):
            return error("thân yêu cầu phải là đối tượng JSON {username, password} — body must be a JSON "
                         "object {username, password}")
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or self.users.get(username) != password:
            return error("sai tên đăng nhập hoặc mật khẩu — wrong username or password")
        token = secrets.token_urlsafe(24)
        with self._lock:
            now = time.monotonic()
            self._sessions = {t: exp for t, exp in self._sessions.items() if exp > now}  # forget the dead
            self._sessions[token] = now + self.session_seconds
        return {"error_code": "0", "session": token,
                "message": f"xác thực thành công, phiên có hiệu lực {self.session_seconds / 60:g} phút — "
                           f"authenticated, the session lasts {self.session_seconds / 60:g} minutes"}

    def session_valid(self, token) -> bool:
        if not isinstance(token, str):
            return False
        with self._lock:
            expiry = self._sessions.get(token)
            return expiry is not None and expiry > time.monotonic()

    def expire_sessions(self) -> int:
        """End every session now (the harness tests re-authentication); returns how many were live."""
        with self._lock:
            live = sum(1 for exp in self._sessions.values() if exp > time.monotonic())
            self._sessions.clear()
        return live

    def reset(self) -> None:
        with self._lock:
            self._dossiers.clear()

    # ------------------------------------------------------------------ services
    def call(self, body: dict) -> dict:
        """Answer one integration call whose session was already accepted."""
        service = body.get("service")
        handler = {"DongBoHoSoMC": self._sync, "CapNhatTienDoHoSoMC": self._progress,
                   "LayThuTuc": self._procedure, "LayDanhSachTTHC": self._procedure_list,
                   "TraCuuHoSo": self._lookup}.get(service)
        if handler is None:
            return error(f"service {service!r} không được hỗ trợ — unknown service; use one of {', '.join(SERVICES)}")
        return handler(body)

    def _sync(self, body: dict) -> dict:
        data = body.get("data")
        if not isinstance(data, list) or not data:
            return error("'data' phải là mảng hồ sơ không rỗng — 'data' must be a non-empty array of dossiers")
        stored = 0
        with self._lock:
            for item in data:
                if isinstance(item, dict) and isinstance(item.get("MaHoSo"), str) and item["MaHoSo"]:
                    self._dossiers[item["MaHoSo"]] = item
                    stored += 1
        if not stored:
            return error("không hồ sơ nào có 'MaHoSo' — no dossier in 'data' has a 'MaHoSo'")
        return {"error_code": "0", "message": f"đồng bộ thành công {stored} hồ sơ — {stored} dossier(s) synced"}

    def _progress(self, body: dict) -> dict:
        data = body.get("data")
        if not isinstance(data, list) or not data:
            return error("'data' phải là mảng tiến độ không rỗng — 'data' must be a non-empty array of progress objects")
        return {"error_code": "0",
                "message": f"cập nhật tiến độ thành công ({len(data)}) — {len(data)} progress item(s) recorded"}

    def _procedure(self, body: dict) -> dict:
        code = body.get("maTTHC")
        if not isinstance(code, str) or not code:
            return error("thiếu tham số 'maTTHC' — parameter 'maTTHC' (national procedure code) is missing")
        procedure = self.catalogue.get(code)
        return {"error_code": "0", "result": [procedure] if procedure else []}

    def _procedure_list(self, body: dict) -> dict:
        unit = body.get("madonvi")
        if not isinstance(unit, str) or not unit:
            return error("thiếu tham số 'madonvi' — parameter 'madonvi' is missing")
        return {"error_code": "0",
                "result": [{"MATTHC": p["MATTHC"], "TENTTHC": p["TENTTHC"]} for p in self.catalogue.for_unit(unit)]}

    def _lookup(self, body: dict) -> dict:
        code = body.get("mahoso")
        if not isinstance(code, str) or not code:
            return error("thiếu tham số 'mahoso' — parameter 'mahoso' (dossier code) is missing")
        with self._lock:
            dossier = self._dossiers.get(code)
        return {"error_code": "0", "result": [dossier] if dossier else []}
