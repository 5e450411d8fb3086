"""The circuit breaker trips (and only then) when the target stops answering or a service dokiem
started dies: probes against hostile servers, a real child process, the API client's reports.
What a trip does to a whole run (exit 3, no record) is proven in tests/engine/test_abort.py."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from harness import breaker
from harness.procs import ReadyProcess
from tests.hostile import servers

WAIT_S = 30  # how long a test waits for what must happen (a busy machine is slow, never this slow)


def make(urls, services=(), **kwargs):
    tripped: list[str] = []
    done = threading.Event()

    def trip(reason):
        tripped.append(reason)
        done.set()
    return breaker.Breaker(urls, True, 1.0, list(services), trip=trip, **kwargs), tripped, done


def test_a_target_that_answers_anything_is_alive():
    with servers.ErrorPageServer() as server:  # even an error page is an answer
        watch, tripped, _ = make([server.url])
        for _ in range(5):
            watch.probe()
    assert not tripped and watch.failures == 0


@pytest.mark.parametrize("dead", ["refused", "black-hole"])
def test_probes_in_a_row_without_an_answer_trip_it(dead):
    hole = servers.BlackHoleServer().start()
    try:
        url = hole.url if dead == "black-hole" else f"http://127.0.0.1:{servers.free_port()}"
        watch, tripped, _ = make([url])
        for _ in range(breaker.FAILURES_TO_TRIP - 1):
            watch.probe()
        assert not tripped, "one failure short of the limit"
        watch.probe()
    finally:
        hole.stop()
    assert len(tripped) == 1 and "the target stopped answering: 3 health probes in a row" in tripped[0]


def test_one_answer_resets_the_count():
    with servers.EmptyJsonServer() as server:
        watch, tripped, _ = make([server.url])
        watch.failures = breaker.FAILURES_TO_TRIP - 1
        watch.probe()
    assert watch.failures == 0 and not tripped


def test_the_watcher_trips_when_a_service_dies():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    service = ReadyProcess("refportal", child, {})
    watch, tripped, done = make([], services=[service], interval_s=0.2)
    watch.start()
    try:
        time.sleep(1)
        assert not tripped, "a running service is fine"
        child.kill()
        assert done.wait(WAIT_S)
    finally:
        watch.stop()
        child.kill()
        child.wait()
    assert "the refportal service dokiem started has died" in tripped[0]


def test_the_watcher_trips_when_the_target_stops_answering():
    server = servers.RefuseAfterServer(answers=2).start()
    watch, tripped, done = make([server.url], interval_s=0.2)
    watch.start()
    try:
        assert done.wait(WAIT_S)
    finally:
        watch.stop()
    assert server.hits == 2 and "stopped answering" in tripped[0]


def test_api_requests_that_cannot_connect_trip_it_other_addresses_do_not():
    watch, tripped, _ = make(["https://portal.example"])
    for _ in range(5):
        watch.note("http://127.0.0.1:9/closed-on-purpose", connected=False)
    assert not tripped, "a probe of another address may expect a closed port"
    watch.note("https://portal.example/api/a", connected=False)
    watch.note("https://portal.example/api/b", connected=True)
    watch.note("https://portal.example/api/c", connected=False)
    watch.note("https://portal.example/api/d", connected=False)
    assert not tripped
    watch.note("https://portal.example/api/e", connected=False)
    assert tripped and "3 requests in a row could not connect" in tripped[0]


def test_a_probe_waits_its_turn_on_the_runs_rate_limit():
    """The breaker's probes are requests to the target like any other: the profile's rate binds them."""
    from harness.traffic import RateLimiter

    limiter = RateLimiter(2.0)  # one request every 0.5 s
    with servers.ErrorPageServer() as server:
        watch, _tripped, _ = make([server.url], limiter=limiter)
        started = time.monotonic()
        for _ in range(3):
            watch.probe()
        spent = time.monotonic() - started
    assert spent >= 0.9, f"three probes at 2 per second took {spent:.2f} s"
    assert limiter.waited() >= 0.9


def test_a_worker_that_cannot_connect_aborts_the_run_through_the_controller(tmp_path):
    """Under xdist a worker's refused exchanges trip its own breaker, which leaves its reason in the
    staging folder and sends SIGTERM to the controller; the controller's guard aborts with that reason."""
    import signal as signals_module

    import pytest as pytest_module

    from harness.signals import SignalGuard

    class Profile:
        verify_tls, limits = True, {"request_timeout_s": 5}

        @staticmethod
        def base_urls():
            return {"portal": "https://dich-vu-cong.example"}

    reason_file = tmp_path / "_run" / breaker.ABORT_REASON
    guard = SignalGuard().install()
    guard.reason_file = reason_file
    try:
        worker = breaker.worker_reporter(Profile, reason_file, os.getpid())
        worker.note("https://other.example/x", connected=False)  # another address: not the target
        for _ in range(breaker.FAILURES_TO_TRIP - 1):
            worker.note("https://dich-vu-cong.example/api", connected=False)
        assert not reason_file.exists()
        with pytest_module.raises(pytest_module.exit.Exception) as ended:
            worker.note("https://dich-vu-cong.example/api", connected=False)
            time.sleep(2)  # the signal arrives in this (the main) thread
        assert ended.value.returncode == 3
        assert "requests in a row could not connect" in guard.reason and "xdist worker" in guard.reason
        worker.note("https://dich-vu-cong.example/api", connected=False)  # tripped once: nothing more
        assert reason_file.read_text(encoding="utf-8").count("xdist worker") == 1
    finally:
        guard.uninstall()
    assert signals_module.getsignal(signals_module.SIGTERM) != guard._on_signal  # the previous handler is back
