"""Check outcomes → criterion verdicts → scores → certification → exit code (harness/scoring.py)."""
from __future__ import annotations

import dataclasses

import pytest

from harness import scoring, selection
from harness.judging import require
from harness.outcomes import CheckOutcomes
from harness import Inconclusive

from reportkit import ALL_CHECKS, attestations, judge, passing, results

EVERYTHING_ATTESTED = (("GEN-01", "pass"), ("HS-02", "pass"), ("HS-06", "pass"))


def outcomes(**by_check) -> dict:
    """passing() with some checks changed: outcomes(code_format="failed")."""
    names = {c.split(".")[1]: c for c in ALL_CHECKS}
    changed = {c: "passed" for c in ALL_CHECKS}
    changed.update({names[k]: v for k, v in by_check.items()})
    return results(changed)


# --------------------------------------------------------------------------- pass_rule all

def test_all_every_check_passed_is_pass(edition):
    assert judge(edition).verdict("HS-04") == "PASS"


@pytest.mark.parametrize("public,avg,verdict", [
    ("failed", "error", "FAIL"),      # failing beats error
    ("error", "passed", "ERROR"),     # error beats pass
    ("missing", "passed", "ERROR"),   # a check nobody implemented is ERROR, never PASS
    ("skipped", "passed", "ERROR"),   # skipped for a reason other than an absent feature
    ("not_run", "passed", "NOT_RUN"),  # withheld by production safety
    ("error", "not_run", "ERROR"),
    ("passed", "failed", "FAIL"),
])
def test_all_rule(edition, public, avg, verdict):
    card = judge(edition, outcomes(public=public, avg_response=avg))
    assert card.verdict("HS-04") == verdict
    assert card.criteria["HS-04"].reason


def test_a_check_absent_from_the_results_is_missing_and_error(edition):
    partial_results = {k: v for k, v in passing().items() if k != "perf.avg_response"}
    result = judge(edition, partial_results).criteria["HS-04"]
    assert result.verdict == "ERROR"
    assert "no test implements" in result.reason


def test_an_empty_population_is_error_not_pass(edition):
    with pytest.raises(Inconclusive) as exc:
        require([], "gói tin — packets")
    rows = CheckOutcomes()
    rows.record(["dossier.code_format"], "suites/t.py::test", "error", f"Inconclusive: {exc.value}", 0.1)
    rows.record(["lookup.public"], "suites/t.py::test2", "passed", "", 0.1)
    rows.record(["perf.avg_response"], "suites/t.py::test3", "passed", "", 0.1)
    built = scoring.build_check_results(rows, ALL_CHECKS)
    card = judge(edition, built, attested=attestations(*EVERYTHING_ATTESTED))
    assert built["dossier.code_format"].outcome == "error"
    assert card.verdict("HS-01") == "ERROR" and "packets observed" in card.criteria["HS-01"].reason
    assert not card.certification["certified"] and card.exit_code == 1


# --------------------------------------------------------------------------- pass_rule any

@pytest.mark.parametrize("code,public,verdict", [
    ("passed", "failed", "PASS"),   # one alternative is enough
    ("error", "passed", "PASS"),    # an erroring alternative does not undo a passed one
    ("failed", "failed", "FAIL"),
    ("failed", "error", "ERROR"),   # could have passed: inconclusive
    ("missing", "failed", "ERROR"),
    ("not_run", "failed", "NOT_RUN"),
])
def test_any_rule(edition, code, public, verdict):
    assert judge(edition, outcomes(code_format=code, public=public)).verdict("HS-03") == verdict


# --------------------------------------------------------------------------- attestations

@pytest.mark.parametrize("code,attested,verdict", [
    ("passed", None, "MANUAL_PENDING"),
    ("passed", "pass", "ATTESTED_PASS"),
    ("passed", "fail", "ATTESTED_FAIL"),
    ("failed", "pass", "FAIL"),        # an automated FAIL beats an attestation
    ("error", "pass", "ERROR"),        # an attestation cannot cover an inconclusive automated part
    ("error", "fail", "ATTESTED_FAIL"),
    ("not_run", "pass", "NOT_RUN"),
])
def test_checks_and_attestation(edition, code, attested, verdict):
    given = attestations(("HS-06", attested)) if attested else None
    result = judge(edition, outcomes(code_format=code), attested=given).criteria["HS-06"]
    assert result.verdict == verdict
    if code == "failed":
        assert "overrides the attestation" in result.reason


@pytest.mark.parametrize("attested,verdict", [(None, "MANUAL_PENDING"), ("pass", "ATTESTED_PASS"),
                                              ("fail", "ATTESTED_FAIL")])
def test_manual_criteria(edition, attested, verdict):
    given = attestations(("GEN-01", attested)) if attested else None
    result = judge(edition, attested=given).criteria["GEN-01"]
    assert result.verdict == verdict
    assert (result.attestation is not None) == bool(attested)
    if attested:
        assert "Nguyễn Văn An" in result.reason


# --------------------------------------------------------------------------- applicability

def test_only_an_absent_optional_feature_makes_a_criterion_not_applicable(edition):
    card = judge(edition, absent={"lookup"})
    assert card.verdict("HS-02") == "NOT_APPLICABLE" and not card.criteria["HS-02"].scored
    assert "HS-02" in [e["id"] for e in card.sections[1].excluded]
    assert judge(edition).verdict("HS-02") != "NOT_APPLICABLE"
    # a failing check does not make it not applicable either
    assert judge(edition, outcomes(public="skipped")).verdict("HS-02") == "ERROR"


def test_declaring_a_mandatory_feature_absent_is_fail(edition):
    card = judge(edition, absent={"postal"})
    assert card.verdict("HS-05") == "FAIL" and "mandatory" in card.criteria["HS-05"].reason
    assert card.criteria["HS-05"].scored
    assert judge(edition).verdict("HS-05") == "PASS"


def test_informative_criteria_are_never_judged_or_scored(edition):
    card = judge(edition)
    result = card.criteria["GEN-02"]
    assert result.verdict == "NOT_RUN" and not result.scored and "informative" in result.reason
    assert {"id": "GEN-02", "verdict": "NOT_RUN", "why": "informative"} in card.sections[0].excluded


# --------------------------------------------------------------------------- waivers

def test_a_waiver_turns_fail_into_waived_and_keeps_what_it_replaced(edition):
    given = attestations(*EVERYTHING_ATTESTED, waivers=[("HS-01", "Chờ cấp mã cơ quan — agency code pending")])
    card = judge(edition, outcomes(code_format="failed", public="passed"), attested=given)
    result = card.criteria["HS-01"]
    assert result.verdict == "WAIVED" and result.verdict_before_waiver == "FAIL"
    assert "agency code pending" in result.reason and "Trần Thị Bình" in result.reason
    counted = {c["id"]: c for c in card.sections[1].counted}
    assert counted["HS-01"]["earned"] == 3          # WAIVED earns its weight


def test_without_the_waiver_the_same_failure_blocks_certification(edition):
    card = judge(edition, outcomes(code_format="failed"), attested=attestations(*EVERYTHING_ATTESTED))
    assert card.verdict("HS-01") == "FAIL" and not card.certification["certified"]


def test_a_waiver_covers_error_but_is_not_used_on_a_pass(edition):
    given = attestations(waivers=[("HS-04", "Không đo được tải — load cannot be generated"),
                                  ("HS-01", "không cần — not needed")])
    card = judge(edition, outcomes(avg_response="error"), attested=given)
    assert card.verdict("HS-04") == "WAIVED" and card.criteria["HS-04"].verdict_before_waiver == "ERROR"
    assert card.verdict("HS-01") == "PASS" and "not needed" in card.criteria["HS-01"].reason


# --------------------------------------------------------------------------- scores and gates

def test_weighted_section_scores_with_derivation(edition):
    # HS-01 (3) passes, HS-03 (2) fails, HS-04 (1) errors, HS-05 (1) passes, HS-02 (1) and HS-06 (2) pending
    card = judge(edition, outcomes(public="failed", code_format="passed", avg_response="error"))
    # HS-03 `any`: code_format passed → PASS; HS-04 public failed → FAIL; HS-05 public failed → FAIL
    section = card.sections[1]
    assert {c["id"]: c["verdict"] for c in section.counted} == {
        "HS-01": "PASS", "HS-02": "FAIL", "HS-03": "PASS", "HS-04": "FAIL", "HS-05": "FAIL",
        "HS-06": "MANUAL_PENDING"}
    assert (section.earned, section.possible, section.percent) == (5, 10, 50.0)
    for cid in ("HS-01", "HS-06"):
        assert cid in section.derivation
    assert section.derivation.endswith("= 5/10 = 50 %")
    assert card.sections[0].possible == 2 and card.sections[0].earned == 0   # GEN-01 pending; GEN-02 excluded
    overall = card.overall
    assert (overall["earned"], overall["possible"]) == (5, 12)
    assert (overall["mandatory_earned"], overall["mandatory_possible"]) == (5, 10)
    assert overall["pass_mark_basis"] == "mandatory_weight" and overall["pass_mark_measured"] == 50.0
    assert not overall["pass_mark_met"]


def test_error_is_never_counted_as_pass(edition):
    everything_errors = results({c: "error" for c in ALL_CHECKS})
    card = judge(edition, everything_errors, attested=attestations(*EVERYTHING_ATTESTED))
    for cid in ("HS-01", "HS-03", "HS-04", "HS-05", "HS-06"):
        assert card.verdict(cid) == "ERROR"
    assert card.overall["mandatory_earned"] == 2      # GEN-01's attestation only
    assert not card.certification["certified"] and card.exit_code == 1


def test_the_gate_blocks_a_pass_mark_that_is_met(edition):
    points = _with_scoring(edition, model="points", pass_mark_percent=50)
    card = judge(points, outcomes(public="failed"), attested=attestations(*EVERYTHING_ATTESTED))
    assert card.overall["pass_mark_met"]              # 9/12 of all weight ≥ 50 %
    gate = card.gates[0]
    assert gate["fired"] and {"id": "HS-05", "verdict": "FAIL"} in gate["criteria"]
    assert not card.certification["certified"] and card.exit_code == 1
    assert any("mandatory criteria are not passing" in r for r in card.certification["reasons"])


def test_without_a_gate_the_pass_mark_decides(edition):
    no_gate = _with_scoring(edition, model="points", gate="none", pass_mark_percent=50,
                            grades=[{"grade": "A", "min_percent": 90}, {"grade": "C", "min_percent": 50}])
    card = judge(no_gate, outcomes(public="failed"), attested=attestations(*EVERYTHING_ATTESTED))
    assert card.gates == [] and card.certification["certified"] and card.exit_code == 0
    assert card.overall["grade"] == "C"
    strict = _with_scoring(edition, model="points", gate="none", pass_mark_percent=90)
    card = judge(strict, outcomes(public="failed"), attested=attestations(*EVERYTHING_ATTESTED))
    assert not card.certification["certified"] and "pass mark not met" in " ".join(card.certification["reasons"])


def _with_scoring(edition, **changes):
    meta = {**edition.meta, "scoring": {**edition.scoring, **changes}}
    return dataclasses.replace(edition, meta=meta)


# --------------------------------------------------------------------------- certification and exit codes

def test_everything_passed_and_attested_certifies_with_exit_0(edition):
    card = judge(edition, attested=attestations(*EVERYTHING_ATTESTED))
    assert card.certification["certified"] and card.exit_code == 0
    assert card.overall["mandatory_percent"] == 100.0
    assert not card.gates[0]["fired"]


def test_automated_passed_but_manual_pending_exits_4(edition):
    card = judge(edition)
    assert not card.certification["certified"] and card.exit_code == 4


def test_pending_and_a_failure_exits_1(edition):
    assert judge(edition, outcomes(code_format="failed")).exit_code == 1


def test_a_pending_optional_criterion_does_not_block_certification(edition):
    card = judge(edition, attested=attestations(("GEN-01", "pass"), ("HS-06", "pass")))
    assert card.verdict("HS-02") == "MANUAL_PENDING" and card.exit_code == 0


@pytest.mark.parametrize("only,changes,code", [
    ("HS-01", {}, 0),
    ("HS-01", {"code_format": "failed"}, 1),
    ("HS-01", {"code_format": "not_run"}, 1),     # not run is never a pass
    ("HS-01,HS-06", {}, 4),
    ("GEN-02", {}, 1),                            # nothing judged: not a pass
])
def test_partial_runs(edition, only, changes, code):
    card = judge(edition, outcomes(**changes), only=only)
    assert card.partial and card.exit_code == code
    assert not card.certification["certified"]
    assert card.certification["reasons"][0].endswith("a partial run never certifies")


def test_criteria_outside_the_selection_are_not_run_and_not_scored(edition):
    card = judge(edition, outcomes(code_format="failed"), section="1",
                 attested=attestations(("GEN-01", "pass"), ("HS-06", "pass")))
    assert card.verdict("HS-01") == "NOT_RUN" and not card.criteria["HS-01"].scored
    assert card.criteria["HS-06"].attestation is None     # nothing outside the selection is merged
    assert card.sections[1].possible == 0 and card.sections[1].percent is None
    assert card.exit_code == 0 and card.verdict("GEN-01") == "ATTESTED_PASS"


def test_a_demo_run_is_marked_as_a_demonstration(edition):
    card = judge(edition, attested=attestations(*EVERYTHING_ATTESTED), demo=True)
    assert card.certification["demonstration"] and card.demo
    assert any("DEMONSTRATION" in r for r in card.certification["reasons"])
    assert not judge(edition).certification["demonstration"]


# --------------------------------------------------------------------------- building check results

def test_build_check_results_reads_outcomes_safety_and_evidence(check_registry):
    rows = CheckOutcomes()
    rows.record(["dossier.code_format"], "t.py::a", "passed", "", 0.2)
    rows.record(["perf.avg_response"], "t.py::b", "skipped", "production", 0.0)
    decided = selection.decide(check_registry, ALL_CHECKS, "production", authorised=False)
    withheld = {c: d.withheld for c, d in decided.items() if d.withheld}
    assert set(withheld) == {"dossier.code_format", "lookup.public", "perf.avg_response"}  # scenario flags too
    assert not any(d.withheld for d in selection.decide(check_registry, ALL_CHECKS, "production", True).values())
    assert not any(d.withheld for d in selection.decide(check_registry, ALL_CHECKS, "staging", False).values())
    evidence = {"dossier.code_format": ["evidence/dossier.code_format/codes.txt"]}
    built = scoring.build_check_results(rows, ALL_CHECKS, evidence, {"perf.avg_response": "not on production"})
    assert built["dossier.code_format"].outcome == "passed"
    assert built["dossier.code_format"].evidence == ["evidence/dossier.code_format/codes.txt"]
    assert built["perf.avg_response"].outcome == "not_run"
    assert built["perf.avg_response"].reason == "not on production"
    assert built["lookup.public"].outcome == "missing"


def test_checks_of_unselected_criteria_are_not_run_rather_than_missing(edition):
    card = judge(edition, {}, only="GEN-01")
    assert [c.outcome for c in card.criteria["HS-04"].checks] == ["not_run", "not_run"]
    assert [c.outcome for c in judge(edition, {}, only="HS-04").criteria["HS-04"].checks] == ["missing", "missing"]
