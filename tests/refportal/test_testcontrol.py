"""Test control: switching defects and moving the clock at run time, only with --test-control and
only from loopback peers; the same at start with --defects and --clock-offset."""
from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import requests

from harness.procs import start_ready_process
from refportal import defects
from refportal.__main__ import parse_args
from tests.refportal.conftest import REPO

OUTSIDE = ("203.0.113.7", 40000)   # TEST-NET-3: never a loopback address
LOOPBACK = ("127.0.0.1", 40001)


def test_defects_are_listed_switched_and_unknown_names_refused(portal):
    http = portal.session()
    state = http.get(portal.url + "/_test/defects").json()
    assert state == {"available": defects.names(), "on": []} and len(state["available"]) >= 25
    try:
        assert portal.control("defects", {"on": ["no-lang", "no-rating"]})["on"] == ["no-lang", "no-rating"]
        assert portal.control("defects", {"off": ["no-lang"]})["on"] == ["no-rating"]
        assert portal.control("defects", {"set": ["no-receipt"]})["on"] == ["no-receipt"]
        unknown = http.post(portal.url + "/_test/defects", json={"on": ["no-lang", "khong-co-loi-nay"]})
        assert unknown.status_code == 422
        body = unknown.json()
        assert body["unknown"] == ["khong-co-loi-nay"] and body["known"] == defects.names()
        assert "khong-co-loi-nay" in body["error"] and "no-receipt" in body["error"]
        assert http.get(portal.url + "/_test/defects").json()["on"] == ["no-receipt"]  # nothing half-applied
        for bad in ({}, {"on": "no-lang"}, [1, 2]):
            assert http.post(portal.url + "/_test/defects", json=bad).status_code == 422
    finally:
        portal.control("defects", {"set": []})


def test_the_clock_moves_and_comes_back(portal):
    http = portal.session()
    try:
        moved = portal.control("clock", {"offset_days": 10.5})
        now = datetime.fromisoformat(moved["now"])
        assert moved["offset_days"] == 10.5
        assert abs((now - datetime.now(now.tzinfo)) - timedelta(days=10.5)) < timedelta(minutes=5)
        for bad in ({"offset_days": "10"}, {"offset_days": 1e9}, {"days": 1}, {"offset_days": True}):
            assert http.post(portal.url + "/_test/clock", json=bad).status_code == 422, bad
    finally:
        back = portal.control("clock", {"offset_days": 0})
    assert back["offset_days"] == 0
    assert abs(datetime.fromisoformat(back["now"]) - datetime.now(datetime.fromisoformat(back["now"]).tzinfo)) \
        < timedelta(minutes=5)


# --- in-process: the peer address decides, and without --test-control nothing is there ----------------

def _call(app, method: str, path: str, client: tuple[str, int], body: bytes = b"", headers=()) -> tuple[int, dict, bytes]:
    """One request straight into the ASGI app, from the given peer address (the socket's, as uvicorn
    passes it in scope["client"])."""
    async def run():
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"refportal.test"), (b"content-type", b"application/json"), *headers],
                 "client": client, "server": ("127.0.0.1", 80)}
        inbox = [{"type": "http.request", "body": body, "more_body": False}]
        sent = []

        async def receive():
            return inbox.pop(0) if inbox else {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        await app(scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        data = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, data

    # in a thread of its own: after the browser tests, Playwright's loop runs in this one
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result(timeout=30)


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    """Two apps over one database: with and without --test-control."""
    from refportal.app import create_app
    from refportal.server import build_context

    state = tmp_path_factory.mktemp("inprocess")
    ctx = build_context(parse_args(["--http", "--port", "0", "--state-dir", str(state)]))
    with_control = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, test_control=True))
    yield {"on": create_app(with_control), "off": create_app(ctx)}
    defects.set_active([])


def test_test_control_answers_loopback_peers_only(apps):
    app = apps["on"]
    assert _call(app, "GET", "/_test/defects", LOOPBACK)[0] == 200
    assert _call(app, "GET", "/_test/defects", ("::1", 40002))[0] == 200
    for method, path, body in (("GET", "/_test/defects", b""), ("POST", "/_test/defects", b'{"set": ["no-lang"]}'),
                               ("GET", "/_test/clock", b""), ("POST", "/_test/clock", b'{"offset_days": 3}')):
        status, _, answer = _call(app, method, path, OUTSIDE, body)
        assert status == 403 and "loopback" in json.loads(answer)["error"], (method, path)
    # a forwarding header names loopback, but the socket's peer is outside: still refused
    forged = _call(app, "POST", "/_test/defects", OUTSIDE, b'{"set": ["no-lang"]}',
                   headers=[(b"x-forwarded-for", b"127.0.0.1"), (b"x-real-ip", b"127.0.0.1")])
    assert forged[0] == 403 and defects.active() == []
    assert _call(app, "POST", "/_test/defects", LOOPBACK, b'{"set": ["no-lang"]}')[0] == 200
    assert defects.active() == ["no-lang"]
    assert _call(app, "POST", "/_test/defects", LOOPBACK, b'{"set": []}')[0] == 200
    assert _call(app, "GET", "/healthz", OUTSIDE)[0] == 200  # the rest of the portal answers everyone


def test_without_test_control_the_paths_are_unknown(apps):
    app = apps["off"]
    unknown = _call(app, "GET", "/khong-co-trang-nay", LOOPBACK)
    for method, path in (("GET", "/_test/defects"), ("POST", "/_test/defects"), ("POST", "/_test/clock")):
        status, headers, body = _call(app, method, path, LOOPBACK, b'{"set": ["no-lang"]}')
        assert status == 404 and headers["content-type"] == unknown[1]["content-type"], path
        assert "Không tìm thấy trang" in body.decode()
    assert defects.active() == []


# --- at start ----------------------------------------------------------------------------------------

def test_unknown_defect_at_start_is_exit_2_naming_the_known_ones():
    result = subprocess.run([sys.executable, "-m", "refportal", "--defects", "no-lang,khong-co-loi-nay"],
                            capture_output=True, text=True, timeout=60, cwd=str(REPO), env=dict(os.environ))
    assert result.returncode == 2 and not result.stdout
    assert "khong-co-loi-nay" in result.stderr and "no-receipt" in result.stderr and "--defects" in result.stderr
    assert subprocess.run([sys.executable, "-m", "refportal", "--clock-offset", "1e9"], capture_output=True,
                          timeout=60, cwd=str(REPO)).returncode == 2


def test_defects_and_clock_offset_at_start(tmp_path):
    process = start_ready_process("refportal --defects", [
        sys.executable, "-m", "refportal", "--http", "--port", "0", "--state-dir", str(tmp_path),
        "--defects", "no-lang,no-rating", "--clock-offset", "-2.5"], cwd=str(REPO), timeout=60)
    try:
        ready = process.ready
        assert ready["defects"] == ["no-lang", "no-rating"] and ready["clock_offset_days"] == -2.5
        assert ready["test_control"] is False
        http = requests.Session()
        http.trust_env = False
        home = http.get(ready["url"] + "/", timeout=10).text
        assert home.startswith("<!doctype html>") and "<html>" in home and 'lang="vi"' not in home.split("<head>")[0]
        assert http.get(ready["url"] + "/_test/defects", timeout=10).status_code == 404
        seeded = http.post(ready["url"] + "/api/auth/login", timeout=10,
                           json={"username": "motcua1", "password": "MotCua1@2024"}).json()["token"]
        items = http.get(ready["url"] + "/api/dossiers", params={"overdue": "1"}, timeout=10,
                         headers={"Authorization": f"Bearer {seeded}"}).json()["items"]
        # the seed's dossiers are dated by the shifted clock: received some working days before it
        received = datetime.fromisoformat(items[0]["received_at"])
        assert received < datetime.now(received.tzinfo) - timedelta(days=2)
    finally:
        process.stop()
