"""The clean refportal passes the packet, notification, statistics, feedback and survey checks,
each scenario leaving its observations. The dossiers come from suites/dossier's `dossier_life`
(suites/conftest.py), overdue one included. Asserted on the defect matrix's clean baseline run
(tests/defects/test_defect_matrix.py)."""
from __future__ import annotations

import json
from pathlib import Path

PASSING = ["packets.dossier_synced", "packets.progress_synced", "packets.order", "packets.delay",
           "packets.mandatory_fields", "packets.codes", "packets.status_codes", "packets.date_format",
           "packets.schema", "packets.session", "packets.error_handling", "packets.is_updating",
           "packets.attachments_by_url", "packets.fees", "packets.procedure_pull", "packets.lookup",
           "notify.mail", "notify.sms", "notify.apology_mail", "stats.page", "stats.json", "stats.agree_with_dossiers",
           "feedback.submit", "feedback.answered", "survey.answer"]


def check(out: Path, doc: dict) -> None:
    outcomes = {check["id"]: (check["outcome"], check["reason"])
                for criterion in doc["criteria"] for check in criterion["checks"]}
    wrong = {check: outcomes.get(check) for check in PASSING if outcomes.get(check, ("missing",))[0] != "passed"}
    assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1)
    for scenario in ("packet_log", "notifications", "stats_snapshot", "feedback_flow", "survey_flow"):
        assert (out / "evidence" / f"scenario-{scenario}" / "observations.json").is_file(), scenario
