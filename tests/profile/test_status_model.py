"""The dossier's life goes on past the national steps a target does not have (status_model), and a
label standing for several national codes reads as the code of the step just taken."""
from __future__ import annotations

from types import SimpleNamespace

from suites.dossier.driver import Driver
from tests.suites.dossier.test_read_only import StubScenario


def driver(implicit=None, absent=()):
    sc = StubScenario("staging")
    sc.profile.implicit_step = lambda step: (implicit or {}).get(step)
    sc.profile.step_absent = lambda step: step in absent
    return sc, Driver(sc, SimpleNamespace(last_seq=lambda: 0), "r1")


def test_an_implicit_receive_is_taken_with_the_submission_and_nothing_is_sent_for_it():
    sc, life = driver(implicit={"receive": "on_submit"})
    d = life.new_dossier("online_full", "online", "1.001233.000.00.00.H29", role=None)
    d["code"] = "000.00.10.H29-261207-0001"
    submitted = life.step(d, "submit", "submit_dossier", "citizen")
    assert submitted["expected_code"] == 2  # the target receives it as it is submitted
    calls = len(sc.calls)
    received = life.step(d, "receive", "receive_dossier", "receiving_officer")
    assert received["skipped"] == "implicit" and received["expected_code"] is None and received["ok"]
    assert len(sc.calls) == calls  # nothing was sent, no view read
    assert life.current_code(d) == 2


def test_an_absent_step_is_skipped_and_the_status_stays():
    sc, life = driver(absent=("request_payment",))
    d = life.new_dossier("online_full", "online", "1.001233.000.00.00.H29", role=None)
    d["code"] = "000.00.10.H29-261207-0002"
    life.step(d, "receive", "receive_dossier", "receiving_officer")
    skipped = life.step(d, "request_payment", "request_payment", "specialist")
    assert skipped["skipped"] == "absent" and "request_payment" not in sc.calls
    assert life.current_code(d) == 2


def test_without_a_status_model_every_step_is_sent():
    sc, life = driver()
    d = life.new_dossier("online_full", "online", "1.001233.000.00.00.H29", role=None)
    d["code"] = "000.00.10.H29-261207-0003"
    record = life.step(d, "receive", "receive_dossier", "receiving_officer")
    assert "skipped" not in record and "receive_dossier" in sc.calls and record["expected_code"] == 2
