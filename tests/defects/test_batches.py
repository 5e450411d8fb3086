"""The defect matrix's batches: defects share a run only when their declarations cannot be
confused (matrix.batches), and each member is judged as if alone (matrix.judge)."""
from __future__ import annotations

import pytest

from . import matrix

CHECKS = matrix.criteria.load_checks(matrix.REPO / "criteria")
EDITION = matrix.criteria.load_edition(matrix.REPO / "criteria", None, CHECKS)
DEFECTS = matrix.load_defects()


def rerun(defect: matrix.Defect) -> set[str]:
    return set(matrix.affected_criteria(defect, EDITION, CHECKS))


def scenarios(defect: matrix.Defect) -> set[str]:
    return matrix.scenarios_of(sorted(rerun(defect)), EDITION, CHECKS)


def test_every_defect_is_in_exactly_one_batch_and_batches_save_runs():
    groups = matrix.batches(DEFECTS, EDITION, CHECKS)
    names = [d.name for g in groups for d in g]
    assert sorted(names) == sorted(d.name for d in DEFECTS)
    assert len(groups) < len(DEFECTS), "no two defects could share a run"


@pytest.mark.parametrize("group", [g for g in matrix.batches(DEFECTS, EDITION, CHECKS) if len(g) > 1],
                         ids=lambda g: "+".join(d.name for d in g))
def test_members_of_a_batch_cannot_be_confused(group):
    for a in group:
        for b in group:
            if a is not b:
                assert not matrix.declared(a) & matrix.declared(b), f"{a.name} and {b.name} declare the same criteria"
                assert not set(a.checks) & set(b.checks), f"{a.name} and {b.name} prove the same checks"
    assert len(group) <= matrix.MAX_MEMBERS
    for scenario in {s for d in group for s in scenarios(d)}:
        drivers = [d.name for d in group if scenario in scenarios(d)]
        assert len(drivers) <= matrix.MAX_PER_SCENARIO, f"{drivers} all drive {scenario}"


def by_name(name: str) -> matrix.Defect:
    return next(d for d in DEFECTS if d.name == name)


def test_two_defects_declaring_one_criterion_never_share_a_run():
    stats, sector = by_name("stats-disagree"), by_name("search-sector-ignored")  # stats_snapshot, search_probe
    assert len(matrix.batches([stats, sector], EDITION, CHECKS)) == 1
    loud = matrix.Defect("loud", "", stats.checks, stats.must_fail, sector.must_fail[:1])  # also may move DVC-10
    assert len(matrix.batches([loud, sector], EDITION, CHECKS)) == 2
    twin = matrix.Defect("twin", "", sector.checks, [], [])  # proves the same check, declares nothing
    assert len(matrix.batches([twin, sector], EDITION, CHECKS)) == 2


def test_one_scenario_holds_at_most_max_per_scenario_members():
    # defects that each must fail a different criterion judged by dossier_life alone: nothing but
    # the cap keeps them apart
    flow_only = [c["id"] for c in EDITION.criteria
                 if c["checks"] and matrix.scenarios_of([c["id"]], EDITION, CHECKS) == {"dossier_life"}]
    alike = [matrix.Defect(f"d{n}", "", [], [crit], []) for n, crit in enumerate(flow_only[:matrix.MAX_PER_SCENARIO + 1])]
    assert len(alike) == matrix.MAX_PER_SCENARIO + 1
    groups = matrix.batches(alike, EDITION, CHECKS)
    assert sorted(len(g) for g in groups) == [1, matrix.MAX_PER_SCENARIO]


def test_a_mate_s_declared_change_is_allowed_and_an_undeclared_one_is_not():
    a = matrix.Defect("a", "", [], ["A-1"], ["A-2"])
    baseline = {"A-1": "PASS", "A-2": "PASS", "B-1": "PASS", "C-1": "PASS"}
    doc = {"criteria": [{"id": c, "verdict": v, "checks": []} for c, v in
                        {"A-1": "FAIL", "A-2": "ERROR", "B-1": "FAIL", "C-1": "FAIL"}.items()]}
    rerun_a = ["A-1", "A-2", "B-1", "C-1"]
    alone = matrix.judge(a, baseline, doc, rerun_a)
    assert set(alone.unexpected) == {"B-1", "C-1"}
    with_mate = matrix.judge(a, baseline, doc, rerun_a, frozenset({"B-1"}))
    assert set(with_mate.unexpected) == {"C-1"} and not with_mate.not_failing
