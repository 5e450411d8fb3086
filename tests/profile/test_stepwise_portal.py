"""The `stepwise` vendor style of refportal (back office by internal id, load → step id and
version → transition, cursor pages) is certified through profiles/refportal-stepwise.yaml with the
same verdicts, criterion by criterion and check by check, as the classic refportal through
profiles/refportal.yaml, on the criteria of the dossier's life. The styled run really went the
stepwise way: transitions by internal id and register pages by cursor are in its transcripts, and
no classic back-office step route was posted to."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
# the criteria of the dossier's life the stepwise back office serves, and the API description (every
# request of every step documented)
ONLY = "GEN-07,MC-02,MC-03,MC-04,MC-06,MC-14,MC-15,MC-18,NFR-10"
# criteria where the edition lets the two styles differ: none
DIFFERENCES: dict[str, str] = {}

pytestmark = pytest.mark.slow


def demo(out: Path, *extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOKIEM_")}
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", "--demo", *extra, "--only", ONLY,
                           "--no-allure-report", "--no-pdf", "--out", str(out)], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads((out / "compliance.json").read_text(encoding="utf-8"))


def verdicts(record: dict) -> dict:
    return {c["id"]: (c["verdict"], tuple((k["id"], k["outcome"]) for k in c["checks"]))
            for c in record["criteria"] if c["selected"]}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("styles")
    try:
        yield demo(root / "classic"), demo(root / "stepwise", "--portal-style", "stepwise"), root / "stepwise"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_the_stepwise_style_gets_the_classic_verdicts(runs):
    classic, stepwise, _ = runs
    assert classic["target"]["profile_path"].endswith("refportal.yaml")
    assert stepwise["target"]["profile_path"].endswith("refportal-stepwise.yaml")
    same, styled = verdicts(classic), verdicts(stepwise)
    assert set(same) == set(ONLY.split(","))
    assert all(v[0] in ("PASS", "ATTESTED_PASS") for v in same.values()), same
    for criterion in same:
        if criterion not in DIFFERENCES:
            assert styled[criterion] == same[criterion], criterion


def test_the_styled_run_went_through_internal_ids_and_cursor_pages(runs):
    _, _, out = runs
    transcripts = "\n".join(p.read_text(encoding="utf-8") for p in (out / "evidence").rglob("transcript-*.md"))
    assert "/api/bo/dossiers/" in transcripts and "/transitions" in transcripts
    assert "If-Match" in transcripts
    assert "cursor=" in transcripts
    classic_steps = re.findall(r"POST \S+/api/dossiers/[^/\s]+/(?:receive|refuse|process|approve|return|stop|"
                               r"request-supplement|request-payment)\s", transcripts)
    assert not classic_steps  # every officer's move went the stepwise way
