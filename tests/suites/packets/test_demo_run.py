"""End to end: the packet, notification, statistics, feedback and survey checks pass on the clean
reference portal (`--demo`), run in a subprocess exactly as a tester runs them.
The dossiers come from suites/dossier's `dossier_life` (suites/conftest.py), overdue one included.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SUITES = ["suites/packets", "suites/notify", "suites/stats", "suites/feedback"]
CRITERIA = ["GEN-05", "GEN-08", "CONN-01", "CONN-02", "CONN-03", "CONN-04", "CONN-05", "CONN-12", "CONN-13",
            "MC-08", "MC-09", "MC-10", "MC-16", "MC-17", "DVC-08", "DVC-11", "DVC-18", "DVC-22",
            "PKT-01", "PKT-02", "PKT-03", "PKT-04", "PKT-05", "PKT-06", "PKT-07", "PKT-08", "PKT-09"]
PASSING = ["packets.dossier_synced", "packets.progress_synced", "packets.order", "packets.delay",
           "packets.mandatory_fields", "packets.codes", "packets.status_codes", "packets.date_format",
           "packets.schema", "packets.session", "packets.error_handling", "packets.is_updating",
           "packets.attachments_by_url", "packets.fees", "packets.procedure_pull", "packets.lookup",
           "notify.mail", "notify.sms", "notify.apology_mail", "stats.page", "stats.json", "stats.agree_with_dossiers",
           "feedback.submit", "feedback.answered", "survey.answer"]

pytestmark = pytest.mark.slow


def test_the_checks_pass_on_the_clean_reference_portal(tmp_path):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "pytest", *SUITES, "--demo", "--out", str(out), "--only", ",".join(CRITERIA),
               "-q", "-p", "no:cacheprovider", "--no-allure-report"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert (out / "compliance.json").is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    compliance = json.loads((out / "compliance.json").read_text(encoding="utf-8"))
    outcomes = {check["id"]: (check["outcome"], check["reason"])
                for criterion in compliance["criteria"] for check in criterion["checks"]}
    wrong = {check: outcomes.get(check) for check in PASSING if outcomes.get(check, ("missing",))[0] != "passed"}
    assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1)
    for scenario in ("packet_log", "notifications", "stats_snapshot", "feedback_flow", "survey_flow"):
        assert (out / "evidence" / f"scenario-{scenario}" / "observations.json").is_file(), scenario
