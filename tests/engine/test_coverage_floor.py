"""Every verdict carries its coverage, and a PASS below the edition's floor is ERROR (harness/exercise.py)."""
from __future__ import annotations

import json
from types import SimpleNamespace

from harness import exercise
from harness.ledger import RUN_FILES
from harness.scoring import CheckResult

NEEDS = {"operations": ["submit_dossier", "receive_dossier", "get_statistics"], "journeys": ["lookup_dossier"],
         "roles": ["citizen", "receiving_officer"]}
ROWS = [
    {"kind": "operation", "name": "submit_dossier", "role": "citizen", "status": 201},
    {"kind": "operation", "name": "receive_dossier", "role": "receiving_officer", "status": 403},
    {"kind": "journey", "name": "lookup_dossier", "ok": True, "page": "/tra-cuu"},
]


class Profile:
    operations = {"submit_dossier": {}, "receive_dossier": {}}

    def account(self, role, index=0, reserved_for=None):
        return object() if role in ("citizen", "receiving_officer") else None


def test_coverage_names_what_was_exercised_and_why_the_rest_was_not():
    cov = exercise.coverage(NEEDS, ROWS, Profile())
    assert cov["exercised"] == {"operations": ["submit_dossier"], "roles": ["citizen"],
                                "journeys": ["lookup_dossier"], "pages": ["/tra-cuu"]}
    assert cov["not_exercised"]["operation get_statistics"] == "unmapped"
    assert cov["not_exercised"]["operation receive_dossier"] == "refused"
    assert cov["not_exercised"]["role receiving_officer"] == "refused"  # logged in, but every answer refused it
    assert cov["percent"] == 50
    assert "chưa kiểm tra" in exercise.summary(cov) and "get_statistics (unmapped)" in exercise.summary(cov)
    withheld = exercise.coverage(NEEDS, ROWS, Profile(), withheld="production")
    assert set(withheld["not_exercised"].values()) == {"withheld"}


def _apply(tmp_path, outcome: str, floor):
    (tmp_path / RUN_FILES).mkdir(exist_ok=True)
    (tmp_path / RUN_FILES / exercise.FILE).write_text("\n".join(json.dumps(r) for r in ROWS) + "\n", encoding="utf-8")
    registry = SimpleNamespace(checks={"dossier.x": SimpleNamespace(needs=NEEDS)})
    results = {"dossier.x": CheckResult("dossier.x", outcome)}
    exercise.apply(results, registry, Profile(), tmp_path, floor, {})
    return results["dossier.x"]


def test_a_pass_below_the_floor_is_error_naming_what_was_not_exercised(tmp_path):
    result = _apply(tmp_path, "passed", 80)
    assert result.outcome == "error"
    assert "receive_dossier (refused)" in result.reason and "50%" in result.reason
    assert result.to_dict()["coverage"]["percent"] == 50


def test_at_or_above_the_floor_a_pass_stands_and_carries_its_coverage(tmp_path):
    result = _apply(tmp_path, "passed", 50)
    assert result.outcome == "passed" and result.to_dict()["coverage"]["percent"] == 50
    assert _apply(tmp_path, "passed", None).outcome == "passed"  # an edition without a floor


def test_a_fail_stays_a_fail_whatever_its_coverage(tmp_path):
    assert _apply(tmp_path, "failed", 100).outcome == "failed"


def test_outside_a_run_nothing_is_noted():
    exercise.note_operation("submit_dossier", "citizen", 201)  # no run state: a no-op, no error


def test_a_journey_that_logged_in_with_a_roles_account_exercises_that_role():
    needs = {"operations": [], "journeys": ["login"], "roles": ["citizen"]}
    logged_in = [{"kind": "journey", "name": "login", "ok": True, "page": "/", "role": "citizen"}]
    assert exercise.coverage(needs, logged_in, Profile())["percent"] == 100
    failed = [{**logged_in[0], "ok": False}]
    assert exercise.coverage(needs, failed, Profile())["not_exercised"] == {"journey login": "failed",
                                                                            "role citizen": "not_reached"}
    anonymous = [{**logged_in[0], "role": None}]
    assert exercise.coverage(needs, anonymous, Profile())["not_exercised"] == {"role citizen": "not_reached"}


def test_a_journey_notes_the_role_whose_account_it_typed():
    from harness.browser import JourneyRun

    account = SimpleNamespace(role="citizen", username="congdan01")
    profile = SimpleNamespace(all_accounts=lambda: [account], limits={"step_timeout_ms": 1000}, test_data={})
    run = JourneyRun(page=None, profile=profile)
    assert run._role_of("congdan01") == "citizen"
    assert run._role_of("someone-else") is None and run._role_of(None) is None
