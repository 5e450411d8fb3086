"""The clean refportal passes every perf.* check under the edition's 20 users for the duration its
profile sets (the matrix lowers it), and the record shows the load. PERF-03 also needs an
attestation, PERF-05 is manual: only the checks are asserted. Asserted on the defect matrix's
clean baseline run (tests/defects/test_defect_matrix.py)."""
from __future__ import annotations

import json
from pathlib import Path

CHECKS = {"perf.avg_response", "perf.max_response", "perf.error_rate", "perf.concurrent_users",
          "perf.search_response"}


def check(out: Path, doc: dict) -> None:
    outcomes = {check["id"]: (check["outcome"], check["reason"])
                for criterion in doc["criteria"] for check in criterion["checks"]}
    assert CHECKS <= set(outcomes)
    assert {c: outcomes[c] for c in CHECKS} == {c: ("passed", "") for c in CHECKS}
    verdicts = {c["id"]: c["verdict"] for c in doc["criteria"] if c["selected"]}
    assert verdicts["PERF-01"] == verdicts["PERF-02"] == verdicts["PERF-04"] == "PASS"
    table = next(t for t in doc["tables"] if t["id"] == "perf-load")
    assert {row[0] for row in table["rows"]} >= {"list_procedures", "get_procedure", "search_procedures",
                                                 "lookup_dossier", "login", "list_my_dossiers"}
    evidence = out / "evidence" / "scenario-load_test"
    for name in ("locustfile.py", "locust_stats.csv", "locust_stats_history.csv", "locust.log", "observations.json"):
        assert (evidence / name).is_file(), name
    observations = json.loads((evidence / "observations.json").read_text(encoding="utf-8"))
    settings = observations["settings"]
    assert settings["users"] == 20 and settings["duration_s"] > 0
    assert observations["generator"]["sustained_s"] >= settings["duration_s"]
