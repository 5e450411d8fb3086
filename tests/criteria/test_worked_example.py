"""docs/ARCHITECTURE.md, "Worked example: adding a criterion with one automated check", done for
real in a temporary copy of criteria/, suites/ and tests/: five edits at most (here four: the
observations already hold what the judge needs), then `criteria validate` and
`criteria coverage --strict` pass; without the proof, --strict fails and names the check and the
criterion that would otherwise count as manual."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECK = "dossier.appointment_after_receipt"
CRITERION = "DVC-26"

CRITERION_YAML = """\
  - id: DVC-26
    title_vi: Ngày hẹn trả không trước ngày tiếp nhận
    title_en: The appointment date is not before the receipt
    requirement: >-
      Hồ sơ đã tiếp nhận có ngày hẹn trả kết quả, không sớm hơn thời điểm tiếp nhận.
    requirement_en: >-
      A received dossier has a date for returning the result, not earlier than its receipt.
    applies_to: [mcdt, dvc]
    basis: ["NĐ 61/2018/NĐ-CP Điều 19"]
    provenance: {source: inferred, note: "worked example of docs/ARCHITECTURE.md"}
    informative: false
    mandatory: false
    weight: 1
    method: automated
    checks: [dossier.appointment_after_receipt]
    pass_rule: all
"""

CHECK_YAML = """\
  - id: dossier.appointment_after_receipt
    title_vi: Ngày hẹn trả sau ngày tiếp nhận
    title_en: Appointment after receipt
    judges: Every received dossier has an appointment date on or after the moment it was received.
    scenario: dossier_life
    judge: suites.dossier.judges:appointment_after_receipt
    observes: life
    needs: {operations: [submit_dossier, receive_dossier], journeys: [], roles: [citizen, receiving_officer]}
    parameters: []
    flags: [mutates]
"""

JUDGE = '''

def appointment_after_receipt(obs: dict) -> None:
    """dossier.appointment_after_receipt"""
    received = require([d for d in obs.get("dossiers") or [] if (d.get("times") or {}).get("received_at")],
                       "hồ sơ đã tiếp nhận (received dossiers)")
    problems = []
    for d in received:
        times = d["times"]
        appointment = parse_time(times.get("appointment_date"))
        if appointment is None:
            problems.append(f"hồ sơ {d['code']}: không có ngày hẹn trả — no appointment date")
        elif appointment < parse_time(times["received_at"]):
            problems.append(f"hồ sơ {d['code']}: hẹn trả {times['appointment_date']} trước khi tiếp nhận — "
                            "the appointment precedes the receipt")
    fail_if(problems)
'''

PROOF = '''\
"""Negative proof of dossier.appointment_after_receipt over the recorded dossier_life observations."""
import copy
import json
from pathlib import Path

import pytest

from harness import Inconclusive
from suites.dossier import judges

RECORDED = json.loads((Path(__file__).parent / "recorded" / "dossier_life.json").read_text(encoding="utf-8"))


def test_passes_on_the_clean_recording():
    judges.appointment_after_receipt(copy.deepcopy(RECORDED))


@pytest.mark.proves("dossier.appointment_after_receipt")
def test_fails_on_an_appointment_before_the_receipt():
    obs = copy.deepcopy(RECORDED)
    dossier = next(d for d in obs["dossiers"] if (d.get("times") or {}).get("received_at"))
    dossier["times"]["appointment_date"] = "2000-01-01T08:00:00+07:00"
    with pytest.raises(AssertionError, match="the appointment precedes the receipt"):
        judges.appointment_after_receipt(obs)


def test_cannot_decide_without_received_dossiers():
    with pytest.raises(Inconclusive):
        judges.appointment_after_receipt({"dossiers": []})
'''


@pytest.fixture
def copy_of_repo(tmp_path: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("criteria", "suites", "tests"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=ignore)
    return tmp_path


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + text, encoding="utf-8")


def dokiem(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`dokiem criteria ...` on the copy: its suites/ are imported, not the repository's."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-m", "harness.cli", "criteria", *args, "--criteria-dir",
                           str(root / "criteria")], cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_adding_a_criterion_with_one_check_and_its_proof(copy_of_repo):
    root = copy_of_repo
    # 1. the criterion, 2. the check, 3. the judge, 4. the proof (5. the scenario: not needed here)
    append(root / "criteria" / "cv255-2018" / "04-cong-dvc.yaml", CRITERION_YAML)
    append(root / "criteria" / "checks.yaml", CHECK_YAML)
    append(root / "suites" / "dossier" / "judges.py", JUDGE)
    proof = root / "tests" / "suites" / "dossier" / "test_appointment_proofs.py"
    proof.write_text(PROOF, encoding="utf-8")

    validated = dokiem(root, "validate")
    assert validated.returncode == 0, validated.stderr
    covered = dokiem(root, "coverage", "--strict", "--tests-dir", str(root / "tests"))
    assert covered.returncode == 0, covered.stderr
    assert f"{CRITERION}   automated  → automated   {CHECK}[proven]" in covered.stdout

    # the proof is real: it passes on the recording and fails on the broken observation
    proved = subprocess.run([sys.executable, "-m", "pytest", str(proof), "-q", "-p", "no:cacheprovider"], cwd=root,
                            env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True, timeout=120)
    assert proved.returncode == 0 and "3 passed" in proved.stdout, proved.stdout[-2000:]

    # without the proof the gate holds: the check is unproven and DVC-26 would count as manual
    proof.write_text(PROOF.replace('@pytest.mark.proves("dossier.appointment_after_receipt")\n', ""),
                     encoding="utf-8")
    unproven = dokiem(root, "coverage", "--strict", "--tests-dir", str(root / "tests"))
    assert unproven.returncode == 1
    assert f"{CRITERION}   automated  → manual" in unproven.stdout
    assert CHECK in unproven.stderr and "proven by no @pytest.mark.proves" in unproven.stderr
    assert "counted as manual" in unproven.stderr and CRITERION in unproven.stderr


def test_a_judge_that_is_not_written_is_a_positioned_problem(copy_of_repo):
    root = copy_of_repo
    append(root / "criteria" / "cv255-2018" / "04-cong-dvc.yaml", CRITERION_YAML)
    append(root / "criteria" / "checks.yaml", CHECK_YAML)
    validated = dokiem(root, "validate")
    assert validated.returncode == 2
    line = next(n for n, text in enumerate((root / "criteria" / "checks.yaml").read_text(encoding="utf-8")
                                           .splitlines(), 1) if "judge: suites.dossier.judges:appointment_after" in text)
    assert f"checks.yaml:{line}:" in validated.stderr and "cannot be imported" in validated.stderr
    assert "Traceback" not in validated.stderr
