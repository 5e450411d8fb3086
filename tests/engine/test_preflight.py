"""Pre-flight: a dead target aborts (exit 3), a broken profile is refused (exit 2) line by line."""
from __future__ import annotations

import datetime as dt
import socket
import time

import pytest

from harness import criteria, preflight
from harness.evidence import Redactor
from harness.preflight import VIETNAM, run_preflight

from .fake_target import PASSWORD, FakeTarget
from .test_api_client import PROFILE
from .test_profile import CRITERIA


@pytest.fixture(scope="module")
def checks():
    return criteria.load_checks(CRITERIA)


@pytest.fixture(scope="module")
def fake():
    with FakeTarget() as target:
        yield target


def make_profile(tmp_path, url, extra=""):
    from harness.profile import load_profile

    path = tmp_path / "fake.yaml"
    path.write_text(PROFILE.replace("URL", url) + extra, encoding="utf-8")
    checks = criteria.load_checks(CRITERIA)
    return load_profile(path, criteria.load_edition(CRITERIA, None, checks), checks, CRITERIA)


def test_a_reachable_target_with_good_accounts_passes(tmp_path, fake, checks, monkeypatch):
    monkeypatch.setenv("FAKE_PW", PASSWORD)
    monkeypatch.setenv("FAKE_PW_WRONG", PASSWORD)
    profile = make_profile(tmp_path, fake.url)
    profile.data["accounts"]["citizen"][1]["username"] = "congdan1"  # both log in
    result = run_preflight(profile, checks, ["lookup.public_by_code"], Redactor())
    assert result.exit_code == 0, result.problems
    # the fake target maps none of the officer operations these checks need: ERROR, said up front
    assert "receive_dossier" in " ".join(result.not_configured.get("dossier.code_format", ["receive_dossier"]))


def closed_port_profile(tmp_path, monkeypatch):
    """A profile whose base URL is a port nobody listens on."""
    monkeypatch.setenv("FAKE_PW", PASSWORD)
    monkeypatch.setenv("FAKE_PW_WRONG", PASSWORD)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return make_profile(tmp_path, f"http://127.0.0.1:{port}")


def test_a_closed_port_is_exit_3_within_the_deadline(tmp_path, checks, monkeypatch):
    profile = closed_port_profile(tmp_path, monkeypatch)
    monkeypatch.setattr(preflight, "REACH_DEADLINE_S", 1.0)
    result = run_preflight(profile, checks, [], Redactor())
    assert result.exit_code == 3 and "does not answer" in result.unreachable[0]


def test_missing_secrets_and_wrong_passwords_are_problems(tmp_path, fake, checks, monkeypatch):
    monkeypatch.setenv("FAKE_PW", PASSWORD)
    monkeypatch.delenv("FAKE_PW_WRONG", raising=False)
    profile = make_profile(tmp_path, fake.url)
    result = run_preflight(profile, checks, ["lookup.public_by_code"], Redactor())
    assert result.exit_code == 2
    assert any("FAKE_PW_WRONG is not set" in p for p in result.problems)
    monkeypatch.setenv("FAKE_PW_WRONG", "wrong")
    result = run_preflight(profile, checks, ["lookup.public_by_code"], Redactor())
    assert result.exit_code == 2 and any("congdan9" in p and "cannot log in" in p for p in result.problems)


def test_outside_the_allowed_hours_the_run_is_refused(tmp_path, fake, checks, monkeypatch):
    monkeypatch.setenv("FAKE_PW", PASSWORD)
    monkeypatch.setenv("FAKE_PW_WRONG", PASSWORD)
    profile = make_profile(tmp_path, fake.url, "limits: {allowed_hours: '22:00-06:00'}\n")
    noon = dt.datetime(2026, 11, 25, 12, 0, tzinfo=VIETNAM)
    night = dt.datetime(2026, 11, 25, 23, 30, tzinfo=VIETNAM)
    assert any("allowed_hours" in p for p in run_preflight(profile, checks, [], Redactor(), now=noon, log_in=False).problems)
    assert not run_preflight(profile, checks, [], Redactor(), now=night, log_in=False).problems


def test_gaps_name_each_check_and_what_it_lacks(tmp_path, fake, checks, monkeypatch):
    monkeypatch.setenv("FAKE_PW", PASSWORD)
    profile = make_profile(tmp_path, fake.url)
    gaps = preflight.configuration_gaps(profile, checks, ["dossier.receipt", "lookup.public_by_code", "a11y.lang"])
    assert "a11y.lang" not in gaps  # needs nothing
    assert any("counter_intake" in g for g in gaps["dossier.receipt"])
    assert any("receiving_officer" in g for g in gaps["dossier.receipt"])
    assert "lookup.public_by_code" not in gaps  # its operations are mapped and its journey has a default


def test_an_account_reserved_for_the_lockout_is_not_logged_in(tmp_path, fake, checks, monkeypatch):
    # the lockout check leaves its account locked on purpose: the next run must not need it
    monkeypatch.setenv("FAKE_PW", PASSWORD)
    monkeypatch.setenv("FAKE_PW_WRONG", "wrong")  # congdan9 cannot log in, as if locked
    profile = make_profile(tmp_path, fake.url)
    profile.data["accounts"]["citizen"][1]["reserved_for"] = "lockout"
    result = run_preflight(profile, checks, ["lookup.public_by_code"], Redactor())
    assert result.exit_code == 0, result.problems


def test_the_logins_share_one_rate_limit_even_outside_a_run(tmp_path, fake, checks, monkeypatch):
    """`dokiem profile check` has no run: its logins still keep to one rate limit together."""
    monkeypatch.setenv("FAKE_PW", PASSWORD)
    monkeypatch.setenv("FAKE_PW_WRONG", PASSWORD)
    profile = make_profile(tmp_path, fake.url)
    profile.data["accounts"]["citizen"][1]["username"] = "congdan1"  # both log in
    limiters = []
    real = preflight.TargetClient

    def client(*args, **kwargs):
        made = real(*args, **kwargs)
        limiters.append(made.limiter)
        return made
    monkeypatch.setattr(preflight, "TargetClient", client)
    assert run_preflight(profile, checks, ["lookup.public_by_code"], Redactor()).exit_code == 0
    assert len(limiters) >= 2 and all(limiter is limiters[0] for limiter in limiters)


def test_the_profile_sets_how_long_the_pre_flight_waits(tmp_path, checks, monkeypatch):
    """limits.reach_deadline_s: a target still starting gets that long (the default, 20 s, is not waited)."""
    profile = closed_port_profile(tmp_path, monkeypatch)
    profile.data.setdefault("limits", {})["reach_deadline_s"] = 1.5
    started = time.monotonic()
    unreachable, _ = preflight.check_reachable(profile)
    waited = time.monotonic() - started
    assert unreachable and 1.0 <= waited < 15  # retried for its own deadline, far from the default's 20 s
