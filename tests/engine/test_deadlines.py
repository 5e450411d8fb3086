"""Hard limits on every HTTP exchange, against hostile servers (tests/hostile): a server that drips
one byte a second, one that accepts TCP and never answers, one that sends 100 MB. Each exchange
ends by its wall-clock deadline (not per read), the answer is not read past its cap, and the
pre-flight probes every base URL at once under one deadline: exit 3 for targets that do not answer.

The time bounds asserted are generous multiples of the deadlines (a busy machine adds seconds,
never minutes); without the deadlines each of these exchanges takes 80 s or for ever.
"""
from __future__ import annotations

import time
import tracemalloc

import pytest
import requests

from harness import deadlines, preflight
from harness.api import TargetClient
from harness.evidence import Redactor
from harness.traffic import Traffic
from tests.hostile import servers

from .test_preflight import make_profile

DEADLINE_S = 2.0
BOUND_S = 15.0  # the drip server's answer takes 80 s; a black hole, for ever


@pytest.fixture
def profile_for(tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_PW", "x")
    monkeypatch.setenv("FAKE_PW_WRONG", "y")

    def make(url, **limits):
        profile = make_profile(tmp_path, url)
        profile.data["limits"] = {"request_timeout_s": DEADLINE_S, **limits}
        return profile
    return make


@pytest.mark.parametrize("hostile", [servers.DripServer, servers.BlackHoleServer], ids=["drip", "black-hole"])
def test_an_exchange_ends_at_its_deadline_not_per_read(profile_for, hostile):
    with hostile() as server:
        client = TargetClient(profile_for(server.url), Redactor())
        started = time.monotonic()
        result = client.call("lookup_dossier", dossier_code="X", keyword="k")
        elapsed = time.monotonic() - started
    assert result.status is None and not result.ok
    assert "timeout after 2 s" in result.error or "timed out" in result.error, result.error
    assert elapsed < BOUND_S
    assert client.transcript.exchanges[-1].note == result.error, "the transcript says why there is no answer"


def test_a_100_mb_answer_is_not_read_past_the_cap(profile_for):
    with servers.HugeServer(size=100 * deadlines.MEGABYTE) as server:
        client = TargetClient(profile_for(server.url, max_response_mb=1), Redactor())
        tracemalloc.start()
        result = client.call("lookup_dossier", dossier_code="X", keyword="k")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert result.status is None and "answer over 1 MB" in result.error, result.error
    assert peak < 20 * deadlines.MEGABYTE, f"peak {peak / deadlines.MEGABYTE:.0f} MB for a 1 MB cap"
    assert server.sent < 50 * deadlines.MEGABYTE, "the client stopped reading"


def test_an_answer_without_a_declared_length_is_cut_at_the_cap():
    class Chunked(servers.HostileServer):
        def answer(self, handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            try:
                for _ in range(2000):
                    handler.wfile.write(b"10000\r\n" + b" " * 0x10000 + b"\r\n")
            except OSError:
                pass
            handler.close_connection = True

    with Chunked() as server:
        with pytest.raises(deadlines.AnswerTooLarge):
            deadlines.request(None, "GET", server.url, deadline_s=30, max_bytes=deadlines.MEGABYTE)


def test_a_good_answer_within_the_limits_is_read_whole_and_the_session_kept():
    with servers.EchoServer() as server:
        http = deadlines.session()
        response = deadlines.request(http, "POST", server.url + "/a?b=1", json={"c": "đ"}, deadline_s=5,
                                     max_bytes=deadlines.MEGABYTE)
        again = deadlines.request(http, "GET", server.url + "/b", deadline_s=5, max_bytes=deadlines.MEGABYTE)
    assert response.status_code == 200 and response.json()["body"] == '{"c": "\\u0111"}'
    assert again.json()["path"] == "/b"


def test_a_redirect_loop_is_an_error_not_a_hang():
    with servers.RedirectLoopServer() as server:
        with pytest.raises(requests.TooManyRedirects):
            deadlines.request(None, "GET", server.url, deadline_s=5, max_bytes=deadlines.MEGABYTE)


def test_preflight_probes_every_base_url_at_once_under_one_deadline(profile_for, monkeypatch):
    monkeypatch.setattr(preflight, "REACH_DEADLINE_S", 4.0)
    with servers.BlackHoleServer() as hole, servers.DripServer() as drip:
        refused = f"http://127.0.0.1:{servers.free_port()}"
        profile = profile_for(hole.url)
        profile.data["base_urls"] = {"portal": hole.url, "backoffice": drip.url, "api": refused}
        started = time.monotonic()
        result = preflight.run_preflight(profile, preflight_checks(), [], Redactor())
        elapsed = time.monotonic() - started
    assert result.exit_code == 3
    assert sorted(line.split(":")[0] for line in result.unreachable) == [
        "base_urls.api", "base_urls.backoffice", "base_urls.portal"]
    # one after another, the three would take at least 3 × 4 s
    assert elapsed < 3 * 4.0, elapsed


def preflight_checks():
    from harness import criteria

    from .test_profile import CRITERIA
    return criteria.load_checks(CRITERIA)


class _Bases:
    """What the security sweep's plain-HTTP probe reads of a profile."""

    def __init__(self, urls: dict, max_mb: float = 1):
        self.urls, self.limits = urls, {"max_response_mb": max_mb, "requests_per_second": 20}

    def base_url(self, name):
        return self.urls[name]


def test_the_security_sweep_plain_http_probe_is_bounded_too():
    from suites.security.sweep import http_probes

    with servers.BlackHoleServer() as hole, servers.HugeServer() as huge, servers.EchoServer() as echo:
        started = time.monotonic()
        bases = _Bases({"portal": hole.url, "api": huge.url, "backoffice": echo.url})
        rows = http_probes(bases, DEADLINE_S, Traffic(bases).limiter)
        elapsed = time.monotonic() - started
    outcomes = {row["base"]: row["outcome"] for row in rows}
    assert outcomes == {"portal": "refused", "api": "content", "backoffice": "content"}, rows
    assert elapsed < BOUND_S and huge.sent < 50 * deadlines.MEGABYTE
