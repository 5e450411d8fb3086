"""NpsClient: how scenarios and checks talk to the simulator's control and query API.

Waiting never raises on a timeout: `wait_for` returns what arrived and the caller judges (an
empty population is ERROR, a late packet is FAIL). Connection errors do raise: a simulator that
is gone is a harness fault, not something to judge the target by.
"""
from __future__ import annotations

import time
from urllib.parse import quote

import requests

from harness.nps.records import MAX_WAIT_S

CONTROL_TOKEN_HEADER = "X-Dokiem-Token"  # required on /_sim/ calls when the simulator has a token
ENV_CONTROL_TOKEN = "DOKIEM_NPS_TOKEN"    # where `dokiem nps serve` reads its default token
ORIGIN_HEADER = "X-Dokiem-Origin"         # on every call dokiem itself makes to a target-facing service


def own_call(probe: str) -> dict[str, str]:
    """Headers that mark a call to a target-facing service as dokiem's own probe `probe`: the
    simulator records it with origin "dokiem", and no judge reads it as the target's."""
    return {ORIGIN_HEADER: probe}


class NpsError(RuntimeError):
    """The simulator refused a control call; the message carries its explanation."""


class NpsClient:
    def __init__(self, base_url: str, timeout: float = 10.0, token: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        if token:
            self.session.headers[CONTROL_TOKEN_HEADER] = token

    # ------------------------------------------------------------------ plumbing
    def _call(self, method: str, path: str, timeout: float | None = None, **kwargs) -> dict:
        reply = self.session.request(method, self.base_url + path, timeout=timeout or self.timeout, **kwargs)
        try:
            body = reply.json()
        except ValueError:
            body = {"error": reply.text[:500]}
        if reply.status_code >= 400:
            raise NpsError(f"{method} {path} → HTTP {reply.status_code}: {body.get('error', body)}")
        return body

    # ------------------------------------------------------------------ queries
    def health(self) -> dict:
        return self._call("GET", "/_sim/health")

    def last_seq(self) -> int:
        """The newest record's seq: pass it as `since` to see only what comes after this moment."""
        return int(self.health()["last_seq"])

    def records(self, kind: str | None = None, service: str | None = None, since: int = 0, wait: float = 0,
                min: int = 1, match: str | None = None) -> list[dict]:  # noqa: A002 - the API's own name
        """Records with seq > since; with `wait` (≤ 60 s) the server holds the call until `min` match."""
        wait = max(0.0, min_(float(wait), MAX_WAIT_S))
        params = {"kind": kind, "service": service, "since": since, "wait": wait, "min": min, "match": match}
        params = {k: v for k, v in params.items() if v is not None}
        return self._call("GET", "/_sim/records", params=params, timeout=wait + self.timeout)["records"]

    def wait_for(self, kind: str | None = None, service: str | None = None, since: int = 0,
                 match: str | None = None, min: int = 1, timeout: float = 30.0) -> list[dict]:  # noqa: A002
        """Wait (bounded by `timeout`, in server-side waits of ≤ 60 s) until `min` records match;
        return what has arrived by then, enough or not."""
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            remaining = deadline - time.monotonic()
            found = self.records(kind, service, since, wait=max(0.0, remaining), min=min, match=match)
            if len(found) >= min or remaining <= MAX_WAIT_S:
                return found

    # ------------------------------------------------------------------ control
    def fault(self, service: str, error_code: str | None = None, delay_ms: int = 0, count: int = 1,
              message: str | None = None, http_status: int | None = None) -> dict:
        body = {"service": service, "error_code": error_code, "delay_ms": delay_ms, "count": count,
                "message": message, "http_status": http_status}
        return self._call("POST", "/_sim/faults", json={k: v for k, v in body.items() if v is not None})

    def clear_faults(self) -> None:
        self._call("DELETE", "/_sim/faults")

    def complete_payment(self, ref: str, outcome: str = "paid") -> dict:
        """Pay (or, with outcome="failed", cancel) as the citizen would; the answer includes the
        CONFIRM sent and what the target's callback answered."""
        return self._call("POST", f"/_sim/payments/{quote(ref, safe='')}/complete", json={"outcome": outcome},
                          timeout=self.timeout + 30)

    def payment(self, ref: str) -> dict:
        return self._call("GET", f"/_sim/payments/{quote(ref, safe='')}")

    def expire_sessions(self) -> int:
        return int(self._call("POST", "/_sim/sessions/expire")["expired"])

    def reset(self) -> None:
        self._call("POST", "/_sim/reset")


def min_(a: float, b: float) -> float:
    return a if a < b else b
