"""The clean refportal passes every check of the dossier_life scenario (as many as checks.yaml
gives it) — the "passes where it should" side of the proofs in test_dossier_proofs.py. Asserted
on the defect matrix's clean baseline run (tests/defects/test_defect_matrix.py)."""
from __future__ import annotations

import json
from pathlib import Path

from harness import criteria

REPO = Path(__file__).resolve().parents[3]
SCENARIO = "dossier_life"


def check(out: Path, doc: dict) -> None:
    mine = {cid for cid, item in criteria.load_checks(REPO / "criteria").checks.items() if item.scenario == SCENARIO}
    assert mine
    outcomes = {check["id"]: (check["outcome"], check["reason"]) for criterion in doc["criteria"]
                for check in criterion["checks"]}
    not_passed = {cid: outcomes.get(cid) for cid in sorted(mine) if (outcomes.get(cid) or ("missing",))[0] != "passed"}
    assert not not_passed, json.dumps(not_passed, ensure_ascii=False, indent=1)[:6000]
    observations = json.loads((out / "evidence" / f"scenario-{SCENARIO}" / "observations.json").read_text(encoding="utf-8"))
    assert {d["key"] for d in observations["dossiers"] if d["code"]} == {
        "online_full", "online_browser", "counter", "postal", "refused", "withdrawn", "stopped", "delayed"}
