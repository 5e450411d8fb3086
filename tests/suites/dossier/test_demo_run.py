"""End to end: suites/dossier against the bundled refportal (--demo) in a subprocess. Every check of
the dossier_life scenario passes on the clean reference portal — the "passes where it should" side
of the proofs in test_dossier_proofs.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness import criteria

REPO = Path(__file__).resolve().parents[3]
SCENARIO = "dossier_life"


def _scenario_checks_and_criteria():
    checks = criteria.load_checks(REPO / "criteria")
    edition = criteria.load_edition(REPO / "criteria", "cv255-2018", checks)
    mine = {cid for cid, check in checks.checks.items() if check.scenario == SCENARIO}
    named = sorted(c["id"] for c in edition.criteria if mine & set(c["checks"]))
    return mine, named


@pytest.mark.slow
def test_every_dossier_check_passes_on_the_clean_reference_portal(tmp_path):
    mine, named = _scenario_checks_and_criteria()  # as many as checks.yaml gives the scenario
    assert mine and named
    out = tmp_path / "run"
    # a clean environment: no run of another test leaks its run id, staging folder or simulator
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOKIEM_", "PYTEST_"))}
    done = subprocess.run([sys.executable, "-m", "pytest", "suites/dossier", "--demo", "--out", str(out),
                           "--only", ",".join(named), "-p", "no:cacheprovider", "--no-allure-report", "-q"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=240)
    record = out / "compliance.json"
    assert record.is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    outcomes = {}
    for criterion in json.loads(record.read_text(encoding="utf-8"))["criteria"]:
        for check in criterion["checks"]:
            outcomes[check["id"]] = (check["outcome"], check["reason"])
    not_passed = {cid: outcomes.get(cid) for cid in sorted(mine) if (outcomes.get(cid) or ("missing",))[0] != "passed"}
    assert not not_passed, json.dumps(not_passed, ensure_ascii=False, indent=1)[:6000]
    observations = json.loads((out / "evidence" / f"scenario-{SCENARIO}" / "observations.json").read_text(encoding="utf-8"))
    assert {d["key"] for d in observations["dossiers"] if d["code"]} == {
        "online_full", "online_browser", "counter", "postal", "refused", "withdrawn", "stopped"}
