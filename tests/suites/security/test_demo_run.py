"""End to end: the security and access suites against the clean refportal (`--demo`) PASS every check
they implement — the "passes where it should" side of the proofs (the judges' tests are the other)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
CRITERIA = "SEC-03,SEC-05,SEC-06,SEC-07,SEC-08,DVC-06,DVC-13,MC-13"
OUR_CHECKS = {
    "security.headers", "security.cookies", "security.https_redirect", "security.error_pages",
    "security.role_access", "security.tls_version", "security.tls_certificate", "security.xss",
    "security.sqli", "access.login", "access.registration", "audit.failed_logins", "security.lockout",
    "security.password_policy", "security.session_end", "access.cross_citizen", "access.roles",
}


@pytest.mark.slow
@pytest.mark.browser
def test_the_security_suites_pass_on_the_clean_refportal(tmp_path):
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "suites/security", "suites/access", "--demo", "--out", str(out),
         "--only", CRITERIA, "-q", "-p", "no:cacheprovider"],
        cwd=REPO, capture_output=True, text=True, timeout=180)
    record = out / "compliance.json"
    assert record.is_file(), run.stdout[-3000:] + run.stderr[-3000:]
    outcomes = {check["id"]: (check["outcome"], check["reason"])
                for criterion in json.loads(record.read_text(encoding="utf-8"))["criteria"]
                for check in criterion["checks"]}
    not_passed = {c: outcomes.get(c) for c in OUR_CHECKS if (outcomes.get(c) or ("missing",))[0] != "passed"}
    assert not not_passed, f"{not_passed}\n{run.stdout[-3000:]}"
    # every scenario left its observations for the tester
    for scenario in ("security_sweep", "tls_probe", "injection_probe", "auth_probe", "access_probe"):
        assert (out / "evidence" / f"scenario-{scenario}" / "observations.json").is_file()
