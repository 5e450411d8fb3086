"""The defect matrix (issue "Check suites"): every refportal defect fails what it claims, and only that.

One clean baseline, then runs with the defects of refportal/defects.yaml switched on through
refportal's test-control, re-running only the affected scenarios; defects whose declarations
cannot be confused share a run, and any doubt is settled by a run of the defect alone
(tests/defects/matrix.py says how; DOKIEM_MATRIX_ISOLATED=1 runs every defect alone). Each defect is one test here, so a broken row
names its defect; the whole matrix is printed as a table at the end of the session.
`python -m tests.defects.matrix` runs it alone.

The clean baseline is also the "passes where it should" side of every suite: one run of the whole
edition against the clean refportal, read by each suite's `clean_run.check` (tests/suites/*/),
instead of one run per suite.
"""
from __future__ import annotations

import importlib
import json
import os

import pytest

from . import matrix

# The whole matrix is built once, in the first test's setup: it takes minutes, not the 300 s a
# single test is allowed. Its own runs are bounded (each dokiem run has its timeout), so this cap
# only stops a wedged matrix.
pytestmark = [pytest.mark.slow, pytest.mark.matrix, pytest.mark.timeout(2400)]
DEFECTS = matrix.load_defects()
LANES = int(os.environ.get("DOKIEM_MATRIX_LANES", "3"))  # four were tried: no faster on 2 cores
ISOLATED = os.environ.get("DOKIEM_MATRIX_ISOLATED", "") not in ("", "0")
SUITES = ["accessibility", "catalogue", "dossier", "packets", "performance", "security"]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    outcome = matrix.run_matrix(tmp_path_factory.mktemp("matrix"), lanes=LANES, isolated=ISOLATED)
    matrix.LAST_TABLE = matrix.table(outcome.rows, outcome.split)
    return outcome


@pytest.fixture(scope="module")
def clean(result):
    return result.baseline_out, json.loads((result.baseline_out / "compliance.json").read_text(encoding="utf-8"))


def test_the_clean_baseline_passes_every_automated_criterion(result):
    automated = {c["id"] for c in matrix.criteria.load_edition(matrix.REPO / "criteria").criteria
                 if c["method"] == "automated" and not c["informative"] and not c.get("optional_feature")}
    broken = {c: v for c, v in result.baseline.items() if c in automated and v != "PASS"}
    assert not broken, f"the clean refportal must pass every automated criterion: {broken}"


def test_every_check_of_the_edition_passes_on_the_clean_refportal(clean):
    _out, doc = clean
    outcomes = {check["id"]: (check["outcome"], check["reason"][:300])
                for criterion in doc["criteria"] for check in criterion["checks"]}
    registry = matrix.criteria.load_checks(matrix.REPO / "criteria").checks
    named = {c for crit in matrix.criteria.load_edition(matrix.REPO / "criteria").criteria for c in crit["checks"]
             if c in registry}
    assert named <= set(outcomes), f"checks the run did not report: {sorted(named - set(outcomes))}"
    not_passed = {c: o for c, o in outcomes.items() if o[0] != "passed"}
    assert not not_passed, json.dumps(not_passed, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("suite", SUITES)
def test_each_suite_passes_on_the_clean_refportal_with_its_evidence(clean, suite):
    out, doc = clean
    importlib.import_module(f"tests.suites.{suite}.clean_run").check(out, doc)


@pytest.mark.parametrize("defect", [d.name for d in DEFECTS])
def test_the_defect_fails_what_it_claims_and_nothing_else(result, defect):
    row = {row.defect: row for row in result.rows}[defect]
    assert row.ok, matrix.table([row])
