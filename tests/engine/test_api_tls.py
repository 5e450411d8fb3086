"""A session with the target trusts the profile's CA file even when the environment names
another CA bundle (requests lets REQUESTS_CA_BUNDLE override a session's own `verify`)."""
from __future__ import annotations

import ssl
import textwrap

import pytest
import trustme

from harness import catalog
from harness.api import TargetClient
from harness.evidence import Redactor
from harness.profile import load_profile

from .fake_target import PASSWORD, FakeTarget
from .test_profile import CRITERIA


@pytest.fixture
def https_target(tmp_path):
    ca = trustme.CA()
    with FakeTarget() as target:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        target.server.socket = context.wrap_socket(target.server.socket, server_side=True)
        ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        yield target.url.replace("http://", "https://"), tmp_path / "ca.pem"


def _profile(tmp_path, url, monkeypatch):
    monkeypatch.setenv("FAKE_PW", PASSWORD)
    path = tmp_path / "tls.yaml"
    path.write_text(textwrap.dedent(f"""\
        profile_version: 1
        id: fake
        vendor: test
        system: fake target
        version: "1"
        environment: staging
        systems: [dvc]
        base_urls: {{portal: "{url}"}}
        tls: {{ca_file: ca.pem}}
        accounts:
          citizen:
            - {{username: congdan1, password_env: FAKE_PW}}
        session: {{token: session}}
        operations:
          login: {{method: POST, path: /api/login, json: {{username: "${{username}}", password: "${{password}}"}},
                  returns: {{session: token}}}}
          list_my_dossiers: {{method: GET, path: /api/private, returns: {{dossiers: items}}}}
        status_labels: {{Mới: 1}}
        """), encoding="utf-8")
    checks = catalog.load_checks(CRITERIA)
    return load_profile(path, catalog.load_edition(CRITERIA, None, checks), checks, CRITERIA)


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_session_calls_use_the_profile_ca_despite_the_environment(https_target, tmp_path, monkeypatch, variable):
    url, _ca = https_target
    other = trustme.CA()
    other.cert_pem.write_to_path(str(tmp_path / "other.pem"))
    monkeypatch.setenv(variable, str(tmp_path / "other.pem"))  # a CA that did not issue the target's certificate
    profile = _profile(tmp_path, url, monkeypatch)
    client = TargetClient(profile, Redactor(), profile.account("citizen"))
    result = client.call("list_my_dossiers")  # logs in (anonymous request), then the session's call
    assert result.ok, result.describe()


def test_without_the_profile_ca_the_session_refuses_the_certificate(https_target, tmp_path, monkeypatch):
    url, _ca = https_target
    profile = _profile(tmp_path, url, monkeypatch)
    profile.overrides["ca_file"] = str(tmp_path / "missing-ca.pem")
    other = trustme.CA()
    other.cert_pem.write_to_path(str(tmp_path / "missing-ca.pem"))
    client = TargetClient(profile, Redactor(), None)
    response = client.request("GET", url + "/api/private")
    assert response is None  # no answer: the certificate is not trusted
