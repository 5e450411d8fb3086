"""Proofs of the TLS checks: on recordings, and live against TLS servers on 127.0.0.1 (a TLS 1.0-only
server FAILS, a TLS 1.2+ server PASSES, a certificate about to expire FAILS)."""
import datetime as dt

import pytest
import trustme

from harness import Inconclusive
from harness.measured import Measurements
from suites.security import judges, tls

from .recordings import recorded
from .tls_servers import LoopbackProfile, TlsServer

MIN_DAYS = 14


@pytest.fixture
def probe():
    return recorded("tls_probe")


def versions(obs) -> dict:
    return {row["version"]: row for row in obs["endpoints"][0]["versions"]}


# --- recordings -------------------------------------------------------------------------------
def test_tls_checks_pass_on_the_clean_recording(probe):
    measured = Measurements()
    judges.tls_version(probe, "1.2")
    judges.tls_certificate(probe, MIN_DAYS, measured=measured)
    noted = measured.take()  # the days left, beside the verdict in the record
    assert noted and all(n["ok"] and n["value"] >= MIN_DAYS and n["limit"] == MIN_DAYS for n in noted)


@pytest.mark.proves("security.tls_version")
@pytest.mark.parametrize("old", ["1.0", "1.1"])
def test_tls_version_fails_when_an_old_version_is_accepted(probe, old):
    versions(probe)[old].update(outcome="accepted", negotiated=f"TLSv{old}")
    with pytest.raises(AssertionError, match=f"accepts TLS {old}"):
        judges.tls_version(probe, "1.2")


@pytest.mark.proves("security.tls_version")
def test_tls_version_fails_when_the_minimum_is_refused(probe):
    versions(probe)["1.2"].update(outcome="refused", negotiated=None)
    with pytest.raises(AssertionError, match="refuses the minimum version"):
        judges.tls_version(probe, "1.2")


def test_a_version_this_machine_cannot_speak_is_error_never_pass(probe):
    versions(probe)["1.0"].update(outcome="cannot_measure", detail="this machine cannot offer it")
    with pytest.raises(Inconclusive, match="cannot offer it"):
        judges.tls_version(probe, "1.2")


def test_a_plain_http_endpoint_fails_both_tls_checks(probe):
    probe["endpoints"][0].update(scheme="http", url="http://127.0.0.1:8800", versions=[], certificate=None)
    with pytest.raises(AssertionError, match="not served over TLS"):
        judges.tls_version(probe, "1.2")
    with pytest.raises(AssertionError, match="not HTTPS"):
        judges.tls_certificate(probe, MIN_DAYS, measured=Measurements())


@pytest.mark.proves("security.tls_certificate")
def test_tls_certificate_fails_on_an_untrusted_chain(probe):
    probe["endpoints"][0]["certificate"].update(chain_ok=False, chain_error="self-signed certificate in certificate chain")
    with pytest.raises(AssertionError, match="chain not trusted: self-signed"):
        judges.tls_certificate(probe, MIN_DAYS, measured=Measurements())


@pytest.mark.proves("security.tls_certificate")
def test_tls_certificate_fails_when_it_names_another_host(probe):
    probe["endpoints"][0]["certificate"].update(dns_names=["dvc.example.gov.vn"], ip_addresses=["10.0.0.1"])
    with pytest.raises(AssertionError, match="does not match the host name"):
        judges.tls_certificate(probe, MIN_DAYS, measured=Measurements())


@pytest.mark.proves("security.tls_certificate")
def test_tls_certificate_fails_when_it_expires_within_the_minimum(probe):
    cert = probe["endpoints"][0]["certificate"]
    soon = dt.datetime.fromisoformat(cert["probed_at"]) + dt.timedelta(days=MIN_DAYS - 1)
    cert["not_after"] = soon.isoformat()
    with pytest.raises(AssertionError, match="expires in 13.0 days"):
        judges.tls_certificate(probe, MIN_DAYS, measured=Measurements())


@pytest.mark.parametrize("host, dns, ips, expected", [
    ("dvc.example.gov.vn", ["dvc.example.gov.vn"], [], True),
    ("DVC.example.gov.vn", ["*.example.gov.vn"], [], True),
    ("a.b.example.gov.vn", ["*.example.gov.vn"], [], False),
    ("example.gov.vn", ["*.example.gov.vn"], [], False),
    ("127.0.0.1", ["localhost"], ["127.0.0.1"], True),
    ("127.0.0.1", ["127.0.0.1"], [], False),  # an address must be an IP name, not a DNS name
])
def test_host_name_matching(host, dns, ips, expected):
    assert tls.hostname_matches(host, dns, ips) is expected


# --- live, on loopback ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    authority = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return authority, path


def observe(server: TlsServer, ca_file) -> dict:
    return tls.observe(LoopbackProfile(server.port, ca_file), timeout=5)


def test_the_client_can_still_speak_every_version_here():
    # if this fails, the machine's OpenSSL lost TLS 1.0/1.1: the checks then say ERROR, as they must
    assert all(tls.client_can_speak(v)[0] for v in tls.VERSIONS)


@pytest.mark.proves("security.tls_version")
def test_a_tls_1_0_only_server_fails_the_version_check(ca):
    authority, ca_file = ca
    with TlsServer(authority.issue_cert("127.0.0.1"), "1.0", "1.0") as server:
        obs = observe(server, ca_file)
    rows = {r["version"]: r["outcome"] for r in obs["endpoints"][0]["versions"]}
    assert rows == {"1.0": "accepted", "1.1": "refused", "1.2": "refused", "1.3": "refused"}
    with pytest.raises(AssertionError, match="accepts TLS 1.0") as failure:
        judges.tls_version(obs, "1.2")
    assert "refuses the minimum version" in str(failure.value)
    judges.tls_certificate(obs, MIN_DAYS, measured=Measurements())  # the certificate itself is fine, whatever the version


def test_a_tls_1_2_or_newer_server_passes_both_checks(ca):
    authority, ca_file = ca
    with TlsServer(authority.issue_cert("127.0.0.1"), "1.2", "1.3") as server:
        obs = observe(server, ca_file)
    judges.tls_version(obs, "1.2")
    judges.tls_certificate(obs, MIN_DAYS, measured=Measurements())
    assert obs["endpoints"][0]["certificate"]["chain_ok"] is True


@pytest.mark.proves("security.tls_certificate")
def test_a_certificate_that_expires_soon_fails(ca):
    authority, ca_file = ca
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    with TlsServer(authority.issue_cert("127.0.0.1", not_after=soon), "1.2", "1.3") as server:
        obs = observe(server, ca_file)
    with pytest.raises(AssertionError, match=r"expires in (2|3)\.\d days"):
        judges.tls_certificate(obs, MIN_DAYS, measured=Measurements())


@pytest.mark.proves("security.tls_certificate")
def test_a_certificate_from_another_ca_or_for_another_name_fails(ca, tmp_path):
    authority, _ = ca
    stranger = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(stranger))
    with TlsServer(authority.issue_cert("dvc.example.gov.vn"), "1.2", "1.3") as server:
        obs = observe(server, stranger)
    with pytest.raises(AssertionError) as failure:
        judges.tls_certificate(obs, MIN_DAYS, measured=Measurements())
    assert "chain not trusted" in str(failure.value) and "does not match the host name" in str(failure.value)
