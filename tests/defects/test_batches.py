"""The defect matrix's batches: defects share a run only when they cannot meet (matrix.batches)."""
from __future__ import annotations

import pytest

from . import matrix

CHECKS = matrix.criteria.load_checks(matrix.REPO / "criteria")
EDITION = matrix.criteria.load_edition(matrix.REPO / "criteria", None, CHECKS)
DEFECTS = matrix.load_defects()


def rerun(defect: matrix.Defect) -> set[str]:
    return set(matrix.affected_criteria(defect, EDITION, CHECKS))


def test_every_defect_is_in_exactly_one_batch_and_batches_save_runs():
    groups = matrix.batches(DEFECTS, EDITION, CHECKS)
    names = [d.name for g in groups for d in g]
    assert sorted(names) == sorted(d.name for d in DEFECTS)
    assert len(groups) < len(DEFECTS), "no two defects could share a run"


@pytest.mark.parametrize("group", [g for g in matrix.batches(DEFECTS, EDITION, CHECKS) if len(g) > 1],
                         ids=lambda g: "+".join(d.name for d in g))
def test_members_of_a_batch_cannot_meet(group):
    for a in group:
        for b in group:
            if a is b:
                continue
            shared = (matrix.scenarios_of(sorted(rerun(a)), EDITION, CHECKS)
                      & matrix.scenarios_of(sorted(rerun(b)), EDITION, CHECKS))
            assert not shared, f"{a.name} and {b.name} both drive {shared}"
            assert not rerun(a) & rerun(b), f"{a.name} and {b.name} re-run the same criteria"
            assert not set(a.may_change) & rerun(b), f"{a.name} may move what {b.name} re-runs"


def by_name(name: str) -> matrix.Defect:
    return next(d for d in DEFECTS if d.name == name)


def test_defects_of_one_scenario_never_share_a_run():
    packets = [by_name("packet-missing-field"), by_name("packet-date-format")]  # both packet_log
    assert [len(g) for g in matrix.batches(packets, EDITION, CHECKS)] == [1, 1]


def test_a_declared_side_effect_keeps_two_defects_apart():
    slow, sector = by_name("slow-search"), by_name("search-sector-ignored")  # load_test, search_probe
    quiet = matrix.Defect("quiet", "", slow.checks, slow.must_fail, [])
    assert len(matrix.batches([quiet, sector], EDITION, CHECKS)) == 1
    loud = matrix.Defect("loud", "", slow.checks, slow.must_fail, sorted(rerun(sector))[:1])
    assert len(matrix.batches([loud, sector], EDITION, CHECKS)) == 2
