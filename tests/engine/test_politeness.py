"""`limits.requests_per_second` is a bound on everything dokiem sends, counted at the target.

A counting server keeps the arrival time of every request. Over any window of W seconds it must
see at most rate × W + burst requests, whichever sender made them: the API client (each redirect
hop is a request), the browser, both at once, and the load test's Locust processes. The bound is
asserted, not a speed; BURST allows the slot at the window's edge and delivery jitter on a busy
machine. A control run with the bound lifted shows the same senders do exceed it.
"""
from __future__ import annotations

import threading
import time

import pytest

from harness.api import TargetClient
from harness.evidence import Redactor
from harness.profile import Profile
from harness.traffic import Traffic

from .counting_server import CountingServer, max_in_window

RATE = 8.0
WINDOW_S = 2.0
BURST = 2
SEND_FOR_S = 3.0


@pytest.fixture
def server():
    with CountingServer() as running:
        yield running


def _profile(tmp_path, url: str, rate: float) -> Profile:
    data = {"profile_version": 1, "id": "polite", "vendor": "t", "system": "t", "version": "1",
            "environment": "staging", "systems": ["dvc"], "base_urls": {"portal": url},
            "accounts": {}, "status_labels": {"Mới": 1},
            "operations": {"x_hop": {"method": "GET", "path": "/redirect/3", "returns": {}}},
            "limits": {"requests_per_second": rate}}
    return Profile(tmp_path / "polite.yaml", data, "0")


def _hammer_api(profile, stop_at: float, traffic: Traffic | None = None) -> None:
    client = TargetClient(profile, Redactor(), traffic=traffic)
    while time.monotonic() < stop_at:
        client.call("x_hop")  # four requests: three redirects and the answer


def bound(rate: float) -> int:
    return int(rate * WINDOW_S) + BURST


def test_redirects_are_counted_by_the_rate_limit(tmp_path, server):
    profile = _profile(tmp_path, server.url, RATE)
    _hammer_api(profile, time.monotonic() + SEND_FOR_S)
    times = [t for t, _m, _p in server.seen]
    assert len(times) >= 4, "each call went through its redirects"
    assert max_in_window(times, WINDOW_S) <= bound(RATE), "redirect hops went past the rate limit"


def test_without_the_bound_the_same_sender_exceeds_it(tmp_path, server):
    """The control: what the limit prevents does happen without it (the test above can fail)."""
    profile = _profile(tmp_path, server.url, 10_000.0)
    _hammer_api(profile, time.monotonic() + SEND_FOR_S)
    assert max_in_window([t for t, _m, _p in server.seen], WINDOW_S) > bound(RATE)


@pytest.mark.browser
def test_the_browser_and_the_api_share_one_bound(tmp_path, server, browser):
    from harness.browser_guard import guard_context

    profile = _profile(tmp_path, server.url, RATE)
    traffic = Traffic(profile)  # the run's: every sender of it shares the bound
    stop_at = time.monotonic() + SEND_FOR_S
    worker = threading.Thread(target=_hammer_api, args=(profile, stop_at, traffic))
    context = browser.new_context()
    try:
        guard_context(context, profile, traffic)
        page = context.new_page()
        worker.start()
        while time.monotonic() < stop_at:
            page.goto(server.url + "/trang")
    finally:
        worker.join()
        context.close()
    seen = server.seen
    assert any(p == "/trang" for _t, _m, p in seen) and any(p.startswith("/redirect/") for _t, _m, p in seen)
    assert max_in_window([t for t, _m, _p in seen], WINDOW_S) <= bound(RATE)


def test_the_senders_of_one_run_share_its_limiter_and_nothing_else_does(tmp_path, server):
    profile = _profile(tmp_path, server.url, RATE)
    traffic = Traffic(profile)
    assert TargetClient(profile, Redactor(), traffic=traffic).limiter is traffic.limiter
    assert TargetClient(profile, Redactor(), traffic=traffic).limiter is traffic.limiter
    # a client on its own (outside a run) keeps to a bound of its own: no state between runs of a process
    assert TargetClient(profile, Redactor()).limiter is not TargetClient(profile, Redactor()).limiter


@pytest.mark.slow
@pytest.mark.parametrize("hops", [0, 3])
def test_the_load_test_keeps_to_the_rate_across_users_and_processes(tmp_path, server, monkeypatch, hops):
    from suites.performance import plan, runner
    from tests.suites.performance.load_target import profile_data

    monkeypatch.setenv("DOKIEM_TEST_LOAD_PW", "unused")
    rate, users, processes = 6.0, 6, 2
    data = profile_data(server.url, wait_s=[0.01, 0.02], processes=processes)
    data.pop("tls")
    data["limits"]["requests_per_second"] = rate
    if hops:
        data["operations"]["list_procedures"]["path"] = f"/redirect/{hops}"
    profile = Profile(tmp_path / "target.yaml", data, "0")
    params = {"perf.concurrent_users": users, "perf.duration_s": 3}
    settings, _notes = plan.settings_for(profile, params.__getitem__, [])
    samples = {"procedure_codes": ["1.001"], "search_keywords": ["giấy phép"], "lookup_codes": ["HS-1"]}
    the_plan = plan.build_plan(profile, settings, samples, "run-polite")
    locustfile = tmp_path / "locustfile.py"
    locustfile.write_text(plan.locustfile_source(the_plan), encoding="utf-8")
    run = runner.run_locust(locustfile, tmp_path / "locust", settings, the_plan["host"])
    assert not run.killed, run.text("log")
    times = [t for t, _m, _p in server.seen]
    assert len(times) >= 3, run.text("log")  # the load was generated
    assert not hops or any(p.startswith("/redirect/") for _t, _m, p in server.seen), "hops were sent"
    # 6 users waiting 10-20 ms would send hundreds a second. Each process keeps its share of the
    # rate (one slot at each window edge); a request's redirect hops arrive before the process
    # pays for them, so each user may have `hops` requests in advance.
    assert max_in_window(times, WINDOW_S) <= rate * WINDOW_S + processes + 1 + users * hops  # + 1: delivery jitter
