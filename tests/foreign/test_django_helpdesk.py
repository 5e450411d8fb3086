"""dokiem against a system nobody on this project wrote: django-helpdesk, from PyPI.

The helpdesk is installed into its own virtual environment from the committed constraints file
(cached in the user's cache folder, $XDG_CACHE_HOME/dokiem/foreign or ~/.cache/dokiem/foreign, keyed
by the file's hash, so a fresh clone on the same machine does not install it again), started on loopback with a small
settings file, and certified through profiles/django-helpdesk.yaml with every suite. It is not a
one-stop-shop system, so most criteria cannot be met. What is asserted:
- the run completes and does not certify;
- nothing is ERROR because of a harness fault (every ERROR's reason is a configuration gap, an
  inconclusive measurement or an operation the target refused — never a Python error in dokiem);
- no criterion the reviewed file does not expect to pass comes out PASS;
- every verdict equals the committed, reviewed file of expected verdicts
  (django_helpdesk/expected-verdicts.yaml; its comments say why each is what it is).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from harness.procs import start_ready_process

REPO = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).parent / "django_helpdesk"
CONSTRAINTS = HERE / "constraints.txt"
EXPECTED = HERE / "expected-verdicts.yaml"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dokiem" / "foreign"
PASSWORD_VARIABLES = ("DH_PW_USER1", "DH_PW_USER2", "DH_PW_LOCKED", "DH_PW_STAFF", "DH_PW_ADMIN")
# reasons of ERROR verdicts that are not a fault of dokiem's own code
LEGITIMATE_ERROR = ("ConfigurationError", "JourneyError", "OperationError", "Inconclusive",
                    "chưa có kiểm tra nào cài đặt", "not configured")
HARNESS_FAULTS = ("AttributeError", "TypeError", "KeyError", "IndexError", "NameError", "ValueError",
                  "ZeroDivisionError", "UnboundLocalError", "AssertionError: assert", "ImportError",
                  "ModuleNotFoundError", "RecursionError", "NotImplementedError")

# Installing django-helpdesk the first time and a full dokiem run take longer than one test's 300 s;
# both steps carry their own timeouts, this cap only stops a wedged run.
pytestmark = [pytest.mark.slow, pytest.mark.foreign, pytest.mark.timeout(1800)]


@pytest.fixture(scope="module")
def helpdesk_python() -> Path:
    digest = hashlib.sha256(CONSTRAINTS.read_bytes()).hexdigest()[:12]
    venv = CACHE / f"django-helpdesk-{digest}"
    python = venv / "bin" / "python"
    CACHE.mkdir(parents=True, exist_ok=True)
    # two test sessions on one machine (two clones) must not build the same folder at once
    with open(CACHE / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / ".ready").is_file():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            "-c", str(CONSTRAINTS), "django-helpdesk[teams]==2.6.1"], check=True, timeout=600)
            (venv / ".ready").write_text(digest, encoding="utf-8")
    return python


@pytest.fixture(scope="module")
def helpdesk(helpdesk_python, tmp_path_factory):
    state = tmp_path_factory.mktemp("helpdesk-state")
    passwords = {name: "Dh!" + secrets.token_urlsafe(10) for name in PASSWORD_VARIABLES}
    process = start_ready_process("django-helpdesk", [str(helpdesk_python), str(HERE / "site" / "serve.py")],
                                  timeout=120, env={"DH_STATE_DIR": str(state), **passwords})
    try:
        yield process.ready["url"], passwords
    finally:
        process.stop()


def classify_error(reason: str) -> str:
    if any(fault in reason for fault in HARNESS_FAULTS) and not any(ok in reason for ok in LEGITIMATE_ERROR):
        return "harness fault"
    return "legitimate"


@pytest.fixture(scope="module")
def certified(helpdesk, tmp_path_factory):
    url, passwords = helpdesk
    out = tmp_path_factory.mktemp("helpdesk-run") / "out"
    env = {**os.environ, **passwords, "DOKIEM_TARGET_OVERRIDES": json.dumps({"base_urls": {"portal": url}})}
    for variable in ("DOKIEM_RUN_ID", "DOKIEM_STAGING_DIR", "DOKIEM_NPS_URL", "DOKIEM_NOT_CONFIGURED"):
        env.pop(variable, None)
    proc = subprocess.run([sys.executable, "-m", "harness.cli", "run", "--target", str(REPO / "profiles" / "django-helpdesk.yaml"),
                           "--out", str(out)], capture_output=True, text=True, env=env, cwd=REPO, timeout=900)
    assert (out / "compliance.json").is_file(), proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc, json.loads((out / "compliance.json").read_text(encoding="utf-8"))


def test_the_run_completes_and_does_not_certify_a_helpdesk(certified):
    proc, doc = certified
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert doc["certification"]["certified"] is False


def test_nothing_is_error_because_of_a_harness_fault(certified):
    _, doc = certified
    faults = [(c["id"], check["id"], check["reason"][:300]) for c in doc["criteria"] for check in c["checks"]
              if check["outcome"] == "error" and classify_error(check["reason"]) == "harness fault"]
    assert not faults, "\n".join(f"{c} / {k}: {r}" for c, k, r in faults)


def test_no_criterion_it_cannot_meet_comes_out_pass(certified):
    _, doc = certified
    expected = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))["verdicts"]
    unexpected = [c["id"] for c in doc["criteria"] if c["verdict"] == "PASS" and expected.get(c["id"]) != "PASS"]
    assert not unexpected, f"PASS where the reviewed file does not expect it: {unexpected}"


def test_verdicts_are_the_reviewed_ones(certified):
    _, doc = certified
    expected = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))["verdicts"]
    actual = {c["id"]: c["verdict"] for c in doc["criteria"]}
    differences = {cid: (expected.get(cid), verdict) for cid, verdict in actual.items() if expected.get(cid) != verdict}
    assert not differences, "expected → actual: " + json.dumps(differences, ensure_ascii=False, indent=1)
