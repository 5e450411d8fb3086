"""The clean refportal passes every check the security and access suites implement — the "passes
where it should" side of the proofs (the judges' tests are the other). Asserted on the defect
matrix's clean baseline run (tests/defects/test_defect_matrix.py)."""
from __future__ import annotations

from pathlib import Path

OUR_CHECKS = {
    "security.headers", "security.cookies", "security.https_redirect", "security.error_pages",
    "security.role_access", "security.tls_version", "security.tls_certificate", "security.xss",
    "security.sqli", "security.csrf", "access.login", "access.registration", "audit.failed_logins",
    "security.lockout", "security.password_policy", "security.session_end", "access.cross_citizen",
    "access.roles", "access.step_order",
}


def check(out: Path, doc: dict) -> None:
    outcomes = {check["id"]: (check["outcome"], check["reason"]) for criterion in doc["criteria"]
                for check in criterion["checks"]}
    not_passed = {c: outcomes.get(c) for c in OUR_CHECKS if (outcomes.get(c) or ("missing",))[0] != "passed"}
    assert not not_passed, not_passed
    # every scenario left its observations for the tester
    for scenario in ("security_sweep", "tls_probe", "injection_probe", "auth_probe", "access_probe"):
        assert (out / "evidence" / f"scenario-{scenario}" / "observations.json").is_file()
