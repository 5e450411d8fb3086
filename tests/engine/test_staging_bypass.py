"""The profile's staging_bypass (a staging CAPTCHA's bypass header): its value comes from the
environment, goes with every API request and every browser request to the target's own hosts, never
to a third party, never into evidence; it is refused on production and named when its variable is
unset. Real loopback servers that record the headers they get; a real Chromium."""
from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from harness.api import TargetClient
from harness.browser import context_arguments
from harness.browser_guard import guard_context
from harness.evidence import Redactor
from harness.profile import Profile

HEADER, VARIABLE, VALUE = "X-Captcha-Bypass", "DOKIEM_TEST_CAPTCHA_BYPASS", "bypass-7f3a9c21d4"


class Recorder(ThreadingHTTPServer):
    def __init__(self, page: str = ""):
        super().__init__(("127.0.0.1", 0), Handler)
        self.page, self.seen = page, []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.seen.append((self.path, self.headers.get(HEADER)))
        body = (self.server.page if self.path == "/" else "{}").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8" if self.path == "/" else "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def profile(url: str) -> Profile:
    return Profile(path=Path("/nonexistent/target.yaml"), sha256="0", data={
        "base_urls": {"portal": url}, "environment": "staging", "accounts": {},
        "limits": {"request_timeout_s": 10, "max_response_mb": 5, "requests_per_second": 50, "step_timeout_ms": 10000},
        "staging_bypass": {"headers_env": {HEADER: VARIABLE}}})


@pytest.fixture
def servers():
    third_party = Recorder()
    target = Recorder(f'<html lang="vi"><body><img src="{third_party.url}/logo.png"><p>Trang chủ</p></body></html>')
    yield target, third_party
    for server in (target, third_party):
        server.shutdown()
        server.server_close()


def test_the_api_client_sends_the_bypass_from_the_environment_and_redacts_it(servers, monkeypatch):
    target, _ = servers
    monkeypatch.setenv(VARIABLE, VALUE)
    target_profile = profile(target.url)
    assert target_profile.bypass_headers() == {HEADER: VALUE} and VALUE in target_profile.secrets()
    client = TargetClient(target_profile, Redactor(set(target_profile.secrets())))
    client.request("GET", target.url + "/api/x")
    assert target.seen == [("/api/x", VALUE)]
    assert VALUE not in client.transcript.render(), "the bypass is a secret: never in evidence"
    monkeypatch.delenv(VARIABLE)
    assert profile(target.url).bypass_headers() == {}, "unset: nothing is sent (the pre-flight names it)"


@pytest.mark.browser
def test_the_browser_sends_the_bypass_to_the_target_only(servers, monkeypatch, browser):
    target, third_party = servers
    monkeypatch.setenv(VARIABLE, VALUE)
    context = browser.new_context(**context_arguments({}))
    try:
        guard_context(context, profile(target.url))
        page = context.new_page()
        page.goto(target.url + "/", wait_until="networkidle")
    finally:
        context.close()
    assert ("/", VALUE) in target.seen
    assert third_party.seen and all(value is None for _, value in third_party.seen), third_party.seen


def test_a_bypass_on_production_is_refused_and_an_unset_variable_named(tmp_path):
    repo = Path(__file__).resolve().parents[2]
    data = yaml.safe_load((repo / "profiles" / "refportal.yaml").read_text(encoding="utf-8"))
    data["tls"].pop("ca_file", None)
    data["staging_bypass"] = {"headers_env": {HEADER: VARIABLE}}
    for environment, expected in (("production", "a CAPTCHA bypass belongs to a staging system"),
                                  ("staging", None)):
        path = tmp_path / f"{environment}.yaml"
        path.write_text(yaml.safe_dump({**data, "environment": environment}, allow_unicode=True), encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "harness.cli", "profile", "check", str(path), "--offline"],
                              cwd=repo, capture_output=True, text=True, timeout=120)
        if expected:
            assert done.returncode == 2 and expected in done.stdout, done.stdout
            assert f"{environment}.yaml:" in done.stdout.split(expected)[0].splitlines()[-1]  # file:line:column
        else:
            assert done.returncode == 0, done.stdout + done.stderr
