"""The clean refportal passes every check of suites/accessibility, with its evidence in the record
(the "passes where it should" side of the proofs). Asserted on the defect matrix's clean baseline
run (tests/defects/test_defect_matrix.py), which drives the whole edition once for every suite."""
from __future__ import annotations

import json
from pathlib import Path

CHECKS = {"a11y.axe", "a11y.keyboard", "a11y.mobile_width", "navigation.journeys", "a11y.lang", "a11y.alt_text",
          "a11y.no_blink", "a11y.viewport_meta", "a11y.nfc", "a11y.english_page"}


def check(out: Path, doc: dict) -> None:
    outcomes = {check["id"]: (check["outcome"], check["reason"]) for criterion in doc["criteria"]
                for check in criterion["checks"] if check["id"] in CHECKS}
    assert outcomes == {check: ("passed", "") for check in CHECKS}, outcomes
    # criteria served by these checks alone are PASS (NFR-11 is informative: recorded, not scored)
    verdicts = {c["id"]: c["verdict"] for c in doc["criteria"]}
    assert verdicts["NFR-06"] == verdicts["DVC-24"] == verdicts["NFR-02"] == "PASS"
    # the evidence a tester reads: axe results per page, observations, phone-width screenshots, the axe table
    evidence = {path for criterion in doc["criteria"] for check in criterion["checks"] if check["id"] == "a11y.axe"
                for path in check["evidence"]}
    assert {"evidence/scenario-browser_pages/axe-home.json", "evidence/scenario-browser_pages/axe-lookup.json",
            "evidence/scenario-browser_pages/axe-feedback.json",
            "evidence/scenario-browser_pages/observations.json"} <= evidence
    assert any(p.startswith("evidence/scenario-browser_pages-mobile/mobile-") for p in evidence)
    assert all((out / p).is_file() for p in evidence)
    [table] = [t for t in doc["tables"] if t["id"] == "a11y-axe"]
    assert {row[0] for row in table["rows"]} >= {"home", "procedure-1", "lookup", "feedback"}
    public = json.loads((out / "evidence/scenario-public_pages/observations.json").read_text(encoding="utf-8"))
    assert public["english"]["found"].endswith("/en") and len(public["pages"]) >= 10
