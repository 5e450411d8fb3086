"""Configuration gaps are never FAIL (harness/gaps.py), proven through whole runs of the mini edition.

The suite here would FAIL its checks if the harness let it: the proof is that it does not. The
pre-flight's "will be ERROR" list (compliance.json target.not_configured) is a contract: it is
exactly the set of checks that end ERROR for want of configuration.
"""
from __future__ import annotations

import json

import pytest

from .test_run import PROFILE, fake, run, workspace, write_profile  # noqa: F401 - fixtures of the mini run

pytestmark = pytest.mark.slow

SUITE = '''
import pytest
from harness import gaps


@pytest.fixture(scope="session")
def dossier_life(dokiem):
    with dokiem.scenario("dossier_life") as sc:
        citizen = sc.client("citizen")
        result = citizen.try_call("submit_dossier", procedure_code="1.000001", form_data={"ghi_chu": dokiem.run_id},
                                  files=[{"name": "don.pdf", "content": b"%PDF-1.4"}])
        gaps.note_refusal(citizen, result)  # the scenario expected the submission to be taken
        yield {"ok": result.ok, "error": result.describe()}


@pytest.mark.check("dossier.code_format")
def test_code_format(dossier_life):
    assert dossier_life["ok"], f"nộp hồ sơ không được — the submission failed: {dossier_life['error']}"


@pytest.mark.check("lookup.public")
def test_lookup(dossier_life):
    assert False, "this check would FAIL whatever the target does"
'''

WITHOUT_SUBMIT = PROFILE.replace("""  submit_dossier:
    method: POST
    path: /api/upload
    multipart: {{fields: {{procedure_code: "${{procedure_code}}", form_data: "${{form_data|json}}"}}, files: {{files: files}}}}
    expect: [201]
    returns: {{dossier_code: code}}
""", "")


def _suite(workspace):
    (workspace / "suite" / "test_mini_suite.py").write_text(SUITE, encoding="utf-8")


def _record(workspace) -> dict:
    return json.loads((workspace / "out" / "compliance.json").read_text(encoding="utf-8"))


def _checks(doc: dict) -> dict[str, dict]:
    return {check["id"]: check for criterion in doc["criteria"] for check in criterion["checks"]}


@pytest.mark.proves("dossier.code_format")
def test_the_preflight_list_of_checks_that_will_be_error_is_the_set_that_ends_error(workspace, fake):
    fake.server.mode = "good"
    _suite(workspace)
    assert WITHOUT_SUBMIT != PROFILE
    proc = run(workspace, write_profile(workspace, fake.url, text=WITHOUT_SUBMIT.format(url=fake.url,
                                                                                        environment="staging")))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    doc = _record(workspace)
    announced = doc["target"]["not_configured"]
    assert set(announced) == {"dossier.code_format"}, announced
    checks = _checks(doc)
    for_want_of_configuration = {cid for cid, check in checks.items()
                                 if check["outcome"] == "error" and "does not configure" in check["reason"]}
    assert for_want_of_configuration == set(announced)
    assert "submit_dossier" in checks["dossier.code_format"]["reason"]  # the hint names what to map
    # a configured check of the same scenario is judged as usual: the scenario went on without the operation
    assert checks["lookup.public"]["outcome"] == "failed"


@pytest.mark.proves("dossier.code_format")
def test_a_refusal_for_want_of_the_role_is_error_with_what_to_map_not_fail(workspace, fake):
    fake.server.mode = "forbidden"  # the account mapped to 'citizen' is refused submit_dossier (HTTP 403)
    _suite(workspace)
    proc = run(workspace, write_profile(workspace, fake.url))
    checks = _checks(_record(workspace))
    assert checks["dossier.code_format"]["outcome"] == "error", proc.stdout + proc.stderr
    assert "accounts.citizen" in checks["dossier.code_format"]["reason"]
    assert checks["lookup.public"]["outcome"] == "failed"  # it does not need the refused operation


@pytest.mark.proves("dossier.code_format")
def test_a_target_that_breaks_still_fails(workspace, fake):
    fake.server.mode = "broken"  # HTTP 500: not a configuration gap, the target's own failure
    _suite(workspace)
    run(workspace, write_profile(workspace, fake.url))
    assert _checks(_record(workspace))["dossier.code_format"]["outcome"] == "failed"
