"""What every sender of one run shares, in one process, while it talks to the target.

The API clients, the browser contexts' request guard and the security sweep's own probes of a run
hold one `Traffic` (the run creates it; `dokiem.traffic` in a suite):
- the rate limit: one `RateLimiter` at the profile's `limits.requests_per_second`, so the API and
  the browser together keep to it (shared by all xdist workers: each takes its share);
- the circuit breaker (harness/breaker.py) every exchange reports to, on the controller;
- the operations the target refused dokiem for want of a role (harness/gaps.py), which turn a
  FAIL that needed them into ERROR.

A client made on its own (the harness's tests, `dokiem profile check`) gets a Traffic of its own.
"""
from __future__ import annotations

import os
import threading
import time

import requests

from harness import deadlines


class RateLimiter:
    """Spacing between requests of this process; the profile's rate is shared by all xdist workers."""

    def __init__(self, per_second: float):
        workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
        self.interval = max(workers, 1) / per_second
        self._next = 0.0
        self._lock = threading.Lock()
        self._waited = threading.local()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            time.sleep(delay)
            self._waited.total = self.waited() + delay

    def waited(self) -> float:
        """Seconds this thread has spent waiting its turn: taken out of measured response times."""
        return getattr(self._waited, "total", 0.0)


class PoliteAdapter(deadlines.DeadlineAdapter):
    """Every request that goes on the wire waits its turn, redirects and connection retries
    included (requests follows redirects inside one call, past any limiter outside the adapter)."""

    def __init__(self, limiter: RateLimiter):
        super().__init__()
        self.limiter = limiter

    def send(self, request, **kwargs):
        self.limiter.wait()
        return super().send(request, **kwargs)


def polite_session(limiter: RateLimiter) -> requests.Session:
    session = requests.Session()
    adapter = PoliteAdapter(limiter)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class Traffic:
    def __init__(self, profile):
        self.limiter = RateLimiter(float(profile.limits["requests_per_second"]))
        self.breaker = None  # harness.breaker.Breaker, while the controller's watches the target
        self.refusals: dict[str, str] = {}  # operation -> hint: refused for want of a role (harness.gaps)

    def exchanged(self, url: str, connected: bool) -> None:
        """An API exchange to `url` reached the target (True) or could not connect (False)."""
        if self.breaker is not None:
            self.breaker.note(url, connected)
