"""The outcome rules (docs/ARCHITECTURE.md, "Outcomes and verdicts") on real pytest reports: failed, error, skipped, and the aggregate per check."""
from __future__ import annotations

import json

import pytest

from harness.judging import require
from harness.outcomes import CheckOutcomes
from harness import Inconclusive

CLASSIFYING_CONFTEST = '''
import json, pytest
from harness import outcomes

RESULTS = []

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    if report.when == "call" or report.outcome != "passed":
        RESULTS.append((item.name, report.when) + outcomes.classify(report, call.excinfo))

def pytest_sessionfinish(session):
    with open("classified.json", "w") as f:
        json.dump(RESULTS, f)
'''

SUITE = '''
import pytest
from harness import Inconclusive
from harness.judging import require

@pytest.fixture
def broken_scenario():
    raise ConnectionError("target closed the connection")

def test_assertion():
    assert 1 == 2, "code 000.00.00.H29-261124-01 does not match"

def test_inconclusive():
    raise Inconclusive("journey 'lookup' step 2: button not found")

def test_other_exception():
    {}["missing"]

def test_empty_population():
    require([], "packets")

def test_scenario_breaks(broken_scenario):
    pass

def test_skipped():
    pytest.skip("not authorised on production")

def test_passes():
    assert True
'''


def test_classification_follows_design(pytester):
    pytester.makeconftest(CLASSIFYING_CONFTEST)
    pytester.makepyfile(test_suite=SUITE)
    pytester.runpytest_subprocess("-p", "no:cacheprovider")
    rows = {name: (when, outcome, reason) for name, when, outcome, reason in
            json.loads((pytester.path / "classified.json").read_text())}
    assert rows["test_assertion"][1] == "failed" and "does not match" in rows["test_assertion"][2]
    assert rows["test_inconclusive"][1] == "error" and "button not found" in rows["test_inconclusive"][2]
    assert rows["test_other_exception"][1] == "error" and "KeyError" in rows["test_other_exception"][2]
    assert rows["test_empty_population"][1] == "error" and "no packets observed" in rows["test_empty_population"][2]
    assert rows["test_scenario_breaks"][:2] == ("setup", "error")
    assert rows["test_skipped"][1:] == ("skipped", "not authorised on production")
    assert rows["test_passes"][1] == "passed"


def test_inconclusive_is_not_an_assertion_failure():
    # harness.Inconclusive must never be caught as an AssertionError by accident
    assert not issubclass(Inconclusive, AssertionError)


def test_require_returns_population_or_raises():
    assert require([1], "pages") == [1]
    with pytest.raises(Inconclusive):
        require([], "pages")


def test_aggregate_worst_outcome_wins_and_missing_is_reported():
    out = CheckOutcomes()
    out.record(["dossier.code_format"], "a", "passed", "", 0.1)
    out.record(["dossier.code_format"], "b", "error", "timeout", 0.2)
    assert out.aggregate("dossier.code_format")[0] == "error"
    out.record(["dossier.code_format"], "c", "failed", "bad code", 0.1)
    outcome, reason, rows = out.aggregate("dossier.code_format")
    assert outcome == "failed" and "bad code" in reason and len(rows) == 3
    assert out.aggregate("packets.schema")[0] == "missing"
    out.record(["x.y"], "d", "skipped", "production", 0)
    assert out.aggregate("x.y") == ("skipped", "production", out.aggregate("x.y")[2])


def test_teardown_error_after_pass_turns_the_test_to_error():
    out = CheckOutcomes()
    out.record(["a.b"], "t", "passed", "", 0.1)   # call phase
    out.record(["a.b"], "t", "error", "teardown failed", 0.0)
    assert out.aggregate("a.b")[0] == "error"
