"""The circuit breaker: a run stops when the target or a service dokiem started stops answering.

A run that goes on against a dead target writes verdicts on nothing. While the checks run, a
watcher thread of the controller
- polls the services dokiem started (simulator, refportal): one that exits trips the breaker;
- probes the target's base URLs every PROBE_INTERVAL_S: any HTTP answer, whatever its status,
  is alive; no answer within the profile's request deadline, or no connection, is a failure;
  FAILURES_TO_TRIP failures in a row trip it;
and the API clients of the run report every exchange (`note`, through the run's traffic,
harness/traffic.py): FAILURES_TO_TRIP
exchanges in a row that could not connect trip it at once, without waiting for the probe.

Tripping aborts the run through harness/signals.py (its `trip`): exit 3, no record, the reason on stderr.
Under xdist the watcher runs in the controller only; each worker counts its own API exchanges
with a breaker that does not watch (`worker_reporter`) and, when it trips, writes its reason into
the run's staging folder and sends SIGTERM to the controller, whose signal guard reads the reason
there: the run aborts the same way, naming what the worker saw.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from harness import deadlines

PROBE_INTERVAL_S = 5.0
SERVICE_POLL_S = 0.5
FAILURES_TO_TRIP = 3
PROBE_MAX_BYTES = 1024 * 1024


class Breaker:
    def __init__(self, urls: list[str], verify, deadline_s: float, services: list, trip,
                 interval_s: float = PROBE_INTERVAL_S, failures_to_trip: int = FAILURES_TO_TRIP, limiter=None):
        self.urls, self.verify, self.deadline_s = sorted(set(urls)), verify, deadline_s
        self.services, self.trip = list(services), trip
        self.interval_s, self.failures_to_trip = interval_s, failures_to_trip
        self.limiter = limiter  # the run's rate limit (harness/traffic.py): a probe is a request like any other
        self.failures = 0            # probes in a row without an answer
        self.refused = 0             # API exchanges in a row that could not connect
        self.reason: str | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="dokiem-breaker", daemon=True)

    # ---------------------------------------------------------------- the watcher
    def start(self) -> "Breaker":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        next_probe = time.monotonic() + self.interval_s
        while not self._stop.wait(SERVICE_POLL_S):
            for service in self.services:
                code = service.popen.poll()
                if code is not None:
                    return self._trip(f"dịch vụ {service.name} do dokiem khởi động đã dừng (mã {code}) — the "
                                      f"{service.name} service dokiem started has died (exit code {code})")
            if self.urls and time.monotonic() >= next_probe:
                self.probe()
                next_probe = time.monotonic() + self.interval_s
            if self.reason:
                return

    def probe(self) -> None:
        """One round of probes: a failure when none of the base URLs answers."""
        errors = []
        for url in self.urls:
            try:
                if self.limiter is not None:
                    self.limiter.wait()
                deadlines.request(None, "GET", url, deadline_s=self.deadline_s, max_bytes=PROBE_MAX_BYTES,
                                  verify=self.verify, allow_redirects=False)
                self.failures = 0
                return
            except deadlines.AnswerTooLarge:
                self.failures = 0
                return
            except Exception as exc:  # any failure to get an answer: the target is not answering
                errors.append(f"{url}: {type(exc).__name__}")
        self.failures += 1
        if self.failures >= self.failures_to_trip:
            self._trip(f"hệ thống không phản hồi {self.failures} lần kiểm tra liên tiếp (mỗi lần tối đa "
                       f"{self.deadline_s:g} s) — the target stopped answering: {self.failures} health probes in "
                       f"a row got no answer ({'; '.join(errors)})")

    # ---------------------------------------------------------------- what the API clients saw
    def note(self, url: str, connected: bool) -> None:
        if not any(url.startswith(base) for base in self.urls):
            return  # a probe of another address (a closed port may be what a check expects)
        with self._lock:
            self.refused = 0 if connected else self.refused + 1
            refused = self.refused
        if refused >= self.failures_to_trip:
            self._trip(f"{refused} yêu cầu liên tiếp không kết nối được tới hệ thống — {refused} requests in a "
                       "row could not connect to the target")

    def _trip(self, reason: str) -> None:
        if self.reason is None and not self._stop.is_set():
            self.reason = reason
            self._stop.set()
            self.trip(reason)


def watch(profile, services: list, trip, limiter=None) -> Breaker:
    """Start watching the run's target (its base URLs) and the services dokiem started; `trip(reason)`
    aborts the run (harness.signals.SignalGuard.abort). The run keeps the breaker in its traffic,
    where its API clients report to it, and stops it when the checks are over. Its probes wait
    their turn on `limiter`, the run's rate limit."""
    return Breaker(list(profile.base_urls().values()), profile.verify_tls,
                   float(profile.limits["request_timeout_s"]), services, trip, limiter=limiter).start()


ENV_CONTROLLER_PID = "DOKIEM_CONTROLLER_PID"  # set by the controller for its xdist workers
ABORT_REASON = "abort-reason.txt"  # in the staging folder's run files: a worker's reason to abort


def worker_reporter(profile, reason_file: Path, controller_pid: int) -> Breaker:
    """A worker's breaker: it does not watch (the controller's does), it counts this worker's API
    exchanges and, at FAILURES_TO_TRIP refused in a row, tells the controller."""
    def tell_controller(reason: str) -> None:
        try:
            reason_file.parent.mkdir(parents=True, exist_ok=True)
            with open(reason_file, "x", encoding="utf-8") as out:  # the first worker's reason stands
                out.write(f"{reason} (xdist worker {os.environ.get('PYTEST_XDIST_WORKER', '?')})")
        except FileExistsError:
            pass
        try:
            os.kill(controller_pid, signal.SIGTERM)
        except ProcessLookupError:
            pass  # the controller is gone already: the run is over

    return Breaker(list(profile.base_urls().values()), profile.verify_tls, float(profile.limits["request_timeout_s"]),
                   [], tell_controller)
