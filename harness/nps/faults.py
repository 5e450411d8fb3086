"""Faults the harness orders so a target's error handling can be judged (PROTOCOL.md §5).

A fault is set per service and applies to that service's next `count` calls: an error answer
(error_code and/or message, optionally with an HTTP status), a delay, or both. Setting a fault for
a service replaces the one it had. Each call takes one use; when none is left the service recovers.
"""
from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

# The services a fault can be set on, with the error code used when only a message is given.
SERVICES = {
    "auth": "-1", "DongBoHoSoMC": "-1", "CapNhatTienDoHoSoMC": "-1", "LayThuTuc": "-1",
    "LayDanhSachTTHC": "-1", "TraCuuHoSo": "-1",
    "INIT": "99", "QUERY": "99",  # payment platform, MaLoi
    "sms": "-1",
    "smtp": "451",  # an SMTP reply code: 4xx temporary, 5xx permanent
}
MAX_DELAY_MS = 60_000
MAX_COUNT = 10_000


class FaultError(ValueError):
    """A fault request the simulator cannot honour; the message says which field and why."""


@dataclass(frozen=True)
class Fault:
    service: str
    error_code: str | None = None
    message: str | None = None
    delay_ms: int = 0
    http_status: int | None = None
    count: int = 1

    @property
    def is_error(self) -> bool:
        return self.error_code is not None or self.message is not None or self.http_status is not None

    @property
    def code(self) -> str:
        return self.error_code if self.error_code is not None else SERVICES[self.service]

    def describe(self) -> dict:
        return asdict(self)


def parse_fault(body) -> Fault:
    """Build a Fault from the JSON of POST /_sim/faults; FaultError names the bad field."""
    if not isinstance(body, dict):
        raise FaultError("thân yêu cầu phải là đối tượng JSON — body must be a JSON object")
    service = body.get("service")
    if service not in SERVICES:
        raise FaultError(f"'service' = {service!r} không hỗ trợ — unknown service; use one of {', '.join(SERVICES)}")
    error_code = body.get("error_code")
    if error_code is not None:
        if isinstance(error_code, int) and not isinstance(error_code, bool):
            error_code = str(error_code)
        if not isinstance(error_code, str) or not error_code:
            raise FaultError("'error_code' phải là chuỗi không rỗng — 'error_code' must be a non-empty string")
        if service == "smtp" and not (len(error_code) == 3 and error_code.isdigit() and error_code[0] in "45"):
            raise FaultError("'error_code' của smtp phải là mã 4xx hoặc 5xx — for smtp, 'error_code' must be "
                             "an SMTP reply code 4xx or 5xx, e.g. \"451\"")
    message = body.get("message")
    if message is not None and not isinstance(message, str):
        raise FaultError("'message' phải là chuỗi — 'message' must be a string")
    delay_ms = _integer(body, "delay_ms", 0, 0, MAX_DELAY_MS)
    count = _integer(body, "count", 1, 1, MAX_COUNT)
    http_status = body.get("http_status")
    if http_status is not None:
        if service == "smtp":
            raise FaultError("'http_status' không áp dụng cho smtp — 'http_status' does not apply to smtp")
        http_status = _integer(body, "http_status", None, 400, 599)
    fault = Fault(service, error_code, message, delay_ms, http_status, count)
    if not fault.is_error and not delay_ms:
        raise FaultError("cần ít nhất một trong error_code, message, http_status, delay_ms — give at least one "
                         "of error_code, message, http_status or delay_ms")
    return fault


def _integer(body: dict, name: str, default, low: int, high: int):
    value = body.get(name, default)
    if value is None and default is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FaultError(f"'{name}' phải là số nguyên từ {low} đến {high} — '{name}' must be an integer "
                         f"from {low} to {high}")
    return value


class FaultTable:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults: dict[str, list] = {}  # service -> [fault, uses left]

    def set(self, fault: Fault) -> None:
        with self._lock:
            self._faults[fault.service] = [fault, fault.count]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, service: str) -> Fault | None:
        """The fault that applies to this call of `service`, using one of its uses; None when healthy."""
        with self._lock:
            entry = self._faults.get(service)
            if entry is None:
                return None
            entry[1] -= 1
            if entry[1] <= 0:
                del self._faults[service]
            return entry[0]

    def active(self) -> list[dict]:
        with self._lock:
            return [{**fault.describe(), "remaining": left} for fault, left in self._faults.values()]
