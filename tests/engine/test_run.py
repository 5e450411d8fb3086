"""A whole run through the plugin, end to end, on the mini edition and a fake target.

The suite here is tiny and lives in a temporary folder; it is run with plain `pytest --target`
(the plugin sets the exit codes of harness/exitcodes.py for plain pytest too). What is proven: verdicts and
exit codes both ways, no half-written report on bad input, a dead target aborts within 30 s with
exit 3, the password planted for the run is in no output file, and the output verifies.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from .fake_target import PASSWORD, FakeTarget

REPO = Path(__file__).resolve().parent.parent.parent
MINI = REPO / "tests" / "criteria" / "mini-criteria"

pytestmark = pytest.mark.slow

SUITE = '''
import re
import pytest
from harness import Inconclusive

PATTERN = r"^\\d{3}\\.\\d{2}\\.\\d{2}\\.[A-Z]\\d{2}-\\d{6}-\\d{4}$"


@pytest.fixture(scope="session")
def dossier_life(dokiem):
    with dokiem.scenario("dossier_life") as sc:
        citizen = sc.client("citizen")
        result = citizen.must("submit_dossier", procedure_code="1.000001", form_data={"ghi_chu": dokiem.run_id},
                              files=[{"name": "don.pdf", "content": b"%PDF-1.4"}])
        sc.evidence.write_json("observations.json", {"code": result.vars["dossier_code"]})
        dokiem.evidence_for("scenario-dossier_life-browser").write_text("screenshot.txt", "as a BrowserSession would")
        yield {"code": result.vars["dossier_code"]}


@pytest.mark.check("dossier.code_format")
def test_code_format(dossier_life):
    if dossier_life["code"].endswith("-0000"):
        raise Inconclusive("không quyết định được — cannot decide")
    assert re.match(PATTERN, dossier_life["code"]), f"mã hồ sơ sai cấu trúc — bad code {dossier_life['code']}"


@pytest.mark.check("lookup.public")
def test_lookup(dossier_life):
    assert dossier_life["code"]


@pytest.mark.check("perf.avg_response")
def test_perf(param):
    assert param("perf.avg_response_ms") == 2000
'''

PROFILE = """\
profile_version: 1
id: fake
vendor: Công ty Thử nghiệm
system: Hệ thống giả lập
version: "1.0"
environment: {environment}
systems: [dvc, mcdt]
base_urls: {{portal: "{url}"}}
accounts:
  citizen:
    - {{username: congdan1, password_env: FAKE_RUN_PW}}
session: {{login_operation: x_login, token: session}}
operations:
  x_login: {{method: POST, path: /api/login, json: {{username: "${{username}}", password: "${{password}}"}},
            returns: {{session: token}}}}
  submit_dossier:
    method: POST
    path: /api/upload
    multipart: {{fields: {{procedure_code: "${{procedure_code}}", form_data: "${{form_data|json}}"}}, files: {{files: files}}}}
    expect: [201]
    returns: {{dossier_code: code}}
status_labels: {{Mới: 1}}
"""


@pytest.fixture(scope="module")
def fake():
    with FakeTarget() as target:
        yield target


@pytest.fixture
def workspace(tmp_path, fake):
    criteria = tmp_path / "criteria"
    shutil.copytree(MINI, criteria)
    shutil.copytree(REPO / "criteria" / "schema", criteria / "schema")
    shutil.copytree(REPO / "criteria" / "cv255-2018" / "packets", criteria / "mini" / "packets")  # for the simulator
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_mini_suite.py").write_text(SUITE, encoding="utf-8")
    return tmp_path


def write_profile(workspace: Path, url: str, environment: str = "staging", text: str | None = None) -> Path:
    path = workspace / "fake-profile.yaml"
    path.write_text(text or PROFILE.format(url=url, environment=environment), encoding="utf-8")
    return path


def run(workspace: Path, profile: Path, *extra: str, timeout: float = 240,
        reports: bool = False) -> subprocess.CompletedProcess:
    """A run of the fake suite; the Allure HTML report and the PDF (seconds each, tested in
    tests/report/) are built only where the test reads them (`reports=True`)."""
    env = {**os.environ, "FAKE_RUN_PW": PASSWORD}
    if not reports:
        extra = (*extra, "--no-allure-report", "--no-pdf")
    env.pop("DOKIEM_RUN_ID", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(workspace / "suite"), "-p", "no:cacheprovider", "-q",
         "--rootdir", str(workspace), "--target", str(profile), "--criteria-dir", str(workspace / "criteria"),
         "--out", str(workspace / "out"), *extra],
        capture_output=True, text=True, cwd=workspace, env=env, timeout=timeout)


def every_byte(folder: Path):
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            yield path, data
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as archive:
                    for name in archive.namelist():
                        yield path / name, archive.read(name)


def verdicts(out: Path) -> dict[str, str]:
    doc = json.loads((out / "compliance.json").read_text(encoding="utf-8"))
    return {c["id"]: c["verdict"] for c in doc["criteria"]}


def test_a_conforming_target_passes_its_automated_criteria_and_waits_for_the_manual_ones(workspace, fake):
    fake.server.mode = "good"
    proc = run(workspace, write_profile(workspace, fake.url), reports=True)  # every output is read for secrets
    out = workspace / "out"
    assert proc.returncode == 4, proc.stdout + proc.stderr  # automated passed, manual pending
    assert verdicts(out) == {"GEN-01": "MANUAL_PENDING", "GEN-02": "NOT_RUN", "HS-01": "PASS", "HS-02": "MANUAL_PENDING"}
    doc = json.loads((out / "compliance.json").read_text(encoding="utf-8"))
    schema = json.loads((REPO / "criteria" / "schema" / "result.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    assert subprocess.run([sys.executable, "-m", "harness.cli", "verify", str(out)]).returncode == 0
    # the scenario's evidence (transcript, observations) is linked from the check, and exists
    hs01 = next(c for c in doc["criteria"] if c["id"] == "HS-01")
    evidence = next(c for c in hs01["checks"] if c["id"] == "dossier.code_format")["evidence"]
    assert any(p.endswith("observations.json") for p in evidence)
    assert any("transcript" in p for p in evidence)
    assert "evidence/scenario-dossier_life-browser/screenshot.txt" in evidence  # the scenario's browser sessions
    assert all((out / p).is_file() for p in evidence)
    # no secret reached any file, archives included
    for path, data in every_byte(out):
        assert PASSWORD.encode() not in data, f"password found in {path}"
    assert not list(workspace.glob(".out.partial-*"))


def test_a_broken_target_fails_the_criterion_its_check_serves(workspace, fake):
    fake.server.mode = "bad-code"
    proc = run(workspace, write_profile(workspace, fake.url))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert verdicts(workspace / "out")["HS-01"] == "FAIL"
    assert "bad code" in (workspace / "out" / "compliance.json").read_text(encoding="utf-8")


def test_as_dokiem_run_prints_it_the_terminal_agrees_with_the_record_and_ci_gets_its_files(workspace, fake):
    from harness.run_command import QUIET

    fake.server.mode = "bad-code"
    junit, summary = workspace / "ci" / "junit.xml", workspace / "ci" / "summary.md"
    proc = run(workspace, write_profile(workspace, fake.url), *QUIET, "--criteria-junit-xml", str(junit),
               "--summary-md", str(summary))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    said = proc.stdout + proc.stderr
    # no pytest traceback, letters or totals ("1 failed, 2 passed"): the record's words only
    assert "Traceback" not in said and "AssertionError" not in said and " passed" not in said, said
    assert "[dokiem]   HS-01    FAIL" in proc.stdout and "CHƯA ĐẠT — not certified" in proc.stdout
    assert str(workspace / "out" / "compliance.html") in proc.stdout
    assert "HS-01" in junit.read_text(encoding="utf-8") and "| HS-01 " in summary.read_text(encoding="utf-8")


def test_a_check_that_cannot_decide_is_error_never_pass(workspace, fake, monkeypatch):
    fake.server.mode = "undecidable"
    # --open on a machine without a display: the record's path is printed, no browser is started
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    proc = run(workspace, write_profile(workspace, fake.url), "--open")  # the helper adds --no-allure-report
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert verdicts(workspace / "out")["HS-01"] == "ERROR"
    # --no-allure-report: the results are there for a later build, the HTML report is not
    assert (workspace / "out" / "allure-results").is_dir() and not (workspace / "out" / "allure-report").exists()
    if sys.platform.startswith("linux"):
        assert (workspace / "out" / "compliance.html").as_uri() in proc.stdout


def test_attestations_complete_the_certificate(workspace, fake):
    fake.server.mode = "good"
    evidence = workspace / "bien-ban.txt"
    evidence.write_text("Biên bản kiểm tra tài liệu", encoding="utf-8")
    digest = hashlib.sha256(evidence.read_bytes()).hexdigest()
    entries = "".join(
        f"  - {{criterion: {c}, result: pass, tester: Nguyễn Thị Kiểm, date: '2026-01-05', expiry: '2099-01-01', "
        f"evidence: [{{path: bien-ban.txt, sha256: {digest}}}]}}\n" for c in ("GEN-01", "HS-02"))
    att = workspace / "att.yaml"
    att.write_text(f"edition: mini\ntarget: {{vendor: Công ty Thử nghiệm, system: Hệ thống giả lập, version: '1.0'}}\n"
                   f"attestations:\n{entries}", encoding="utf-8")
    proc = run(workspace, write_profile(workspace, fake.url), "--attestations", str(att))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert verdicts(workspace / "out")["GEN-01"] == "ATTESTED_PASS"


def test_an_attestation_for_another_target_is_bad_input(workspace, fake):
    att = workspace / "att.yaml"
    att.write_text("edition: mini\ntarget: {vendor: Công ty Khác, system: Hệ thống giả lập, version: '1.0'}\n"
                   "attestations: []\n", encoding="utf-8")
    proc = run(workspace, write_profile(workspace, fake.url), "--attestations", str(att))
    assert proc.returncode == 2 and "att.yaml" in proc.stderr + proc.stdout
    assert not (workspace / "out").exists() and not list(workspace.glob(".out.partial-*"))


def test_a_profile_with_a_missing_field_is_bad_input_naming_it(workspace, fake):
    text = PROFILE.format(url=fake.url, environment="staging").replace("version: \"1.0\"\n", "")
    proc = run(workspace, write_profile(workspace, fake.url, text=text))
    assert proc.returncode == 2
    assert "fake-profile.yaml:1:1" in proc.stderr and "'version' is required" in proc.stderr
    assert not (workspace / "out").exists()


def test_a_dead_target_aborts_with_exit_3_and_nothing_written(workspace):
    # the pre-flight's deadline is proven where it is timed alone (tests/engine/test_deadlines.py); here
    # it is the profile's (limits.reach_deadline_s) and the whole run, Python and the simulator starting included, only has to end (a busy
    # machine takes a while to start them, never minutes)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    text = PROFILE.format(url=f"http://127.0.0.1:{port}", environment="staging") + "limits: {reach_deadline_s: 2}\n"
    proc = run(workspace, write_profile(workspace, "", text=text), timeout=120)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "does not answer" in proc.stderr
    assert not (workspace / "out").exists() and not list(workspace.glob(".out.partial-*"))


def test_on_production_without_authorisation_mutating_checks_do_not_run(workspace, fake):
    fake.server.mode = "good"
    proc = run(workspace, write_profile(workspace, fake.url, environment="production"))
    result = verdicts(workspace / "out")
    assert result["HS-01"] == "NOT_RUN" and proc.returncode == 1, proc.stdout + proc.stderr
    assert "production" in (workspace / "out" / "compliance.json").read_text(encoding="utf-8")


def test_parallel_workers_reach_the_same_verdicts_driving_each_scenario_once(workspace, fake):
    fake.server.mode = "good"
    before = sum(1 for method, path, _ in fake.seen if path == "/api/upload")
    proc = run(workspace, write_profile(workspace, fake.url), "-n", "2", "--dist", "loadgroup")
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert verdicts(workspace / "out")["HS-01"] == "PASS"
    # both checks of dossier_life ran on one worker: the scenario submitted one dossier, not two
    assert sum(1 for method, path, _ in fake.seen if path == "/api/upload") - before == 1


def test_a_run_can_use_a_simulator_started_beforehand(workspace, fake):
    from harness.nps.client import NpsClient
    from harness.nps.process import start_simulator

    fake.server.mode = "good"
    simulator = start_simulator("shared", REPO / "criteria" / "cv255-2018")
    try:
        url = simulator.ready["url"]
        text = PROFILE.format(url=fake.url, environment="staging") + f"simulator: {{url: \"{url}\"}}\n"
        proc = run(workspace, write_profile(workspace, fake.url, text=text))
        assert proc.returncode == 4, proc.stdout + proc.stderr
        assert url in proc.stdout
        assert NpsClient(url).health()["status"] == "ok"  # the run did not stop what it did not start
    finally:
        simulator.stop()



def test_nightly_history_keeps_runs_and_diff_names_what_was_lost(workspace, fake, tmp_path):
    history = tmp_path / "history"
    fake.server.mode = "good"
    first = run(workspace, write_profile(workspace, fake.url), "--history", str(history), reports=True)
    assert first.returncode == 4, first.stdout + first.stderr
    shutil.move(str(workspace / "out"), str(tmp_path / "night-1"))
    fake.server.mode = "bad-code"
    second = run(workspace, write_profile(workspace, fake.url), "--history", str(history), reports=True)
    assert second.returncode == 1, second.stdout + second.stderr
    assert len(list((history / "runs").glob("*.json"))) == 2
    assert (history / "allure-history.jsonl").is_file() or not shutil.which("node")
    diff = subprocess.run([sys.executable, "-m", "harness.cli", "diff", str(tmp_path / "night-1"), str(workspace / "out")],
                          capture_output=True, text=True)
    assert diff.returncode == 1 and "HS-01" in diff.stdout and "FAIL" in diff.stdout, diff.stdout + diff.stderr
    same = subprocess.run([sys.executable, "-m", "harness.cli", "diff", str(tmp_path / "night-1"), str(tmp_path / "night-1")],
                          capture_output=True, text=True)
    assert same.returncode == 0, same.stdout + same.stderr
