"""The API client trusts the profile's CA file, also when REQUESTS_CA_BUNDLE names another bundle.

requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE replace a Session's own `verify`; many CI
machines set them. A target signed by a private CA (refportal, a vendor's staging) must still
be reached with the CA the profile names, and refused without it.
"""
from __future__ import annotations

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

from harness import catalog
from harness.api import TargetClient
from harness.evidence import Redactor
from harness.profile import load_profile

from .test_profile import CRITERIA

PROFILE = """\
profile_version: 1
id: tls
vendor: test
system: tls target
version: "1"
environment: staging
systems: [dvc]
base_urls: {portal: "URL"}
tls: {ca_file: ca.pem}
accounts:
  citizen:
    - {username: congdan1, password_env: TLS_PW}
session: {token: session}
operations:
  login: {method: POST, path: /login, json: {username: "${username}", password: "${password}"}, returns: {session: token}}
  list_my_dossiers: {method: GET, path: /private, returns: {dossiers: items}}
status_labels: {Mới: 1}
"""


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer({"token": "tls-token-1"})

    def do_GET(self):  # noqa: N802
        self._answer({"items": [1, 2]})


@pytest.fixture(scope="module")
def https_target():
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield ca, f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _client(tmp_path, monkeypatch, url: str, ca_pem: bytes | None) -> TargetClient:
    monkeypatch.setenv("TLS_PW", "Tls!pw-123")
    (tmp_path / "ca.pem").write_bytes(ca_pem or trustme.CA().cert_pem.bytes())  # another CA: must be refused
    path = tmp_path / "tls.yaml"
    path.write_text(PROFILE.replace("URL", url), encoding="utf-8")
    checks = catalog.load_checks(CRITERIA)
    profile = load_profile(path, catalog.load_edition(CRITERIA, None, checks), checks, CRITERIA)
    return TargetClient(profile, Redactor(), profile.account("citizen"))


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_the_profiles_ca_is_used_even_when_the_environment_names_another_bundle(
        tmp_path, monkeypatch, https_target, variable):
    ca, url = https_target
    monkeypatch.setenv(variable, str(tmp_path / "system-bundle.pem"))
    (tmp_path / "system-bundle.pem").write_bytes(trustme.CA().cert_pem.bytes())  # does not hold the target's CA
    client = _client(tmp_path, monkeypatch, url, ca.cert_pem.bytes())
    result = client.call("list_my_dossiers")  # logs in (anonymous request), then a session request
    assert result.ok, result.describe()
    assert result.vars["dossiers"] == [1, 2]


def test_a_target_signed_by_another_ca_is_refused(tmp_path, monkeypatch, https_target):
    _, url = https_target
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    client = _client(tmp_path, monkeypatch, url, None)
    client.token, client.logged_in = "x", True  # skip the login: the session request itself must be refused
    result = client.call("list_my_dossiers")
    assert not result.ok and "CERTIFICATE_VERIFY_FAILED" in result.error
