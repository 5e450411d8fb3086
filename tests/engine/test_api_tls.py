"""The API client trusts the profile's CA file even when the environment names another bundle.

requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a Session's `verify`
(psf/requests#3829); CI machines and corporate desktops often set them. The client passes the
profile's CA per request, so a target with a private CA stays reachable.
"""
from __future__ import annotations

import ssl

import pytest
import trustme

from harness import criteria
from harness.api import TargetClient
from harness.evidence import Redactor
from harness.profile import load_profile

from .fake_target import FakeTarget
from .test_profile import CRITERIA

PROFILE = """\
profile_version: 1
id: tls
vendor: test
system: fake target over TLS
version: "1"
environment: staging
systems: [dvc]
base_urls: {portal: "URL"}
accounts: {citizen: [{username: congdan1, token_env: TLS_TEST_TOKEN}]}
TLS_BLOCK
operations:
  lookup_dossier: {method: GET, path: "/api/echo/${dossier_code}", returns: {raw: "$text"}}
status_labels: {Mới: 1}
"""


@pytest.fixture(scope="module")
def tls_target(tmp_path_factory):
    ca = trustme.CA()
    folder = tmp_path_factory.mktemp("tls")
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    with FakeTarget() as target:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        target.server.socket = context.wrap_socket(target.server.socket, server_side=True)
        yield target.url.replace("http://", "https://"), ca_file


def _client(tmp_path, url, tls_block):
    path = tmp_path / "tls.yaml"
    path.write_text(PROFILE.replace("URL", url).replace("TLS_BLOCK", tls_block), encoding="utf-8")
    checks = criteria.load_checks(CRITERIA)
    profile = load_profile(path, criteria.load_edition(CRITERIA, None, checks), checks, CRITERIA)
    return TargetClient(profile, Redactor())


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_the_profiles_ca_wins_over_a_bundle_from_the_environment(tmp_path, tls_target, monkeypatch, variable):
    url, ca_file = tls_target
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))  # a bundle that does not know the target's CA
    monkeypatch.setenv(variable, str(other))
    result = _client(tmp_path, url, f"tls: {{ca_file: {ca_file}}}").call("lookup_dossier", dossier_code="X")
    assert result.ok, result.describe()


def test_without_the_ca_file_the_same_target_is_refused(tmp_path, tls_target, monkeypatch):
    url, _ca_file = tls_target
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    result = _client(tmp_path, url, "").call("lookup_dossier", dossier_code="X")
    assert not result.ok and "CERTIFICATE_VERIFY_FAILED" in result.error
