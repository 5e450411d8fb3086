"""The defect matrix (issue "Check suites"): every refportal defect fails what it claims, and only that.

One clean baseline, then one run per defect of refportal/defects.yaml with the defect switched on
through refportal's test-control, re-running only the affected scenarios (tests/defects/matrix.py
says how). Each defect is one test here, so a broken row names its defect; the whole matrix is
printed as a table at the end of the session. `python -m tests.defects.matrix` runs it alone.
"""
from __future__ import annotations

import os

import pytest

from . import matrix

# The whole matrix is built once, in the first test's setup: it takes minutes, not the 300 s a
# single test is allowed. Its own runs are bounded (each dokiem run has its timeout), so this cap
# only stops a wedged matrix.
pytestmark = [pytest.mark.slow, pytest.mark.matrix, pytest.mark.timeout(2400)]
DEFECTS = matrix.load_defects()
LANES = int(os.environ.get("DOKIEM_MATRIX_LANES", "3"))


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    baseline, rows = matrix.run_matrix(tmp_path_factory.mktemp("matrix"), lanes=LANES)
    matrix.LAST_TABLE = matrix.table(rows)
    return baseline, {row.defect: row for row in rows}


def test_the_clean_baseline_passes_every_automated_criterion(result):
    baseline, _rows = result
    automated = {c["id"] for c in matrix.criteria.load_edition(matrix.REPO / "criteria").criteria
                 if c["method"] == "automated" and not c["informative"] and not c.get("optional_feature")}
    broken = {c: v for c, v in baseline.items() if c in automated and v != "PASS"}
    assert not broken, f"the clean refportal must pass every automated criterion: {broken}"


@pytest.mark.parametrize("defect", [d.name for d in DEFECTS])
def test_the_defect_fails_what_it_claims_and_nothing_else(result, defect):
    _baseline, rows = result
    row = rows[defect]
    assert row.ok, matrix.table([row])
