"""Whole campaigns against refportal instances with known defects, both ways.

Short runs: one criterion (SEC-05, which refportal's `cross-citizen-read` defect must make FAIL),
no Allure HTML. Local pool: a clean portal PASSes, a leaky one FAILs naming SEC-05, a portal that
is down is an ERROR row and does not stop the others (exit 3); the next campaign, with the
defect moved, lists the new failure first as a regression (exit 1). Celery: a real redis-server
and two real workers; the worker running a target is killed mid-run, the target is run again on
the other worker, reported as retried, and counted once.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from tests.campaign.conftest import REPO, Workers
from tests.campaign.refportals import RefportalFleet

pytestmark = pytest.mark.slow
DEFECT = "cross-citizen-read"


@pytest.fixture
def fleet(tmp_path):
    fleet = RefportalFleet(tmp_path / "fleet")
    yield fleet
    fleet.close()


def campaign_file(folder: Path, targets: dict[str, Path], engine: str = "") -> Path:
    rows = "".join(f"  - {{id: {name}, profile: {profile}, tags: {{province: {name.title()}}}}}\n"
                   for name, profile in targets.items())
    path = folder / "campaign.yaml"
    path.write_text(f"campaign_version: 1\nname: thử — trial\ndefaults: {{only: [SEC-05], timeout_min: 10}}\n"
                    f"{engine}targets:\n{rows}", encoding="utf-8")
    return path


def run_campaign(fleet, path: Path, *extra: str) -> tuple[subprocess.CompletedProcess, dict, Path]:
    out = path.parent / f"out-{time.monotonic_ns()}"
    proc = subprocess.run([sys.executable, "-m", "harness.cli", "campaign", "run", str(path), "--out", str(out), *extra],
                          env=fleet.environ(), cwd=REPO, capture_output=True, text=True, timeout=600)
    doc = json.loads((out / "campaign.json").read_text(encoding="utf-8")) if (out / "campaign.json").is_file() else {}
    return proc, doc, out


def rows(doc: dict) -> dict[str, dict]:
    return {row["id"]: row for row in doc["targets"]}


def test_local_pool_finds_each_defect_survives_a_dead_target_and_flags_the_regression(tmp_path, fleet):
    clean, leaky = fleet.target("clean"), fleet.target("leaky", (DEFECT,))
    down = fleet.write_profile("down", "https://127.0.0.1:9", str(fleet.state / "ca.pem"),  # nothing listens there
                               reach_deadline_s=2)
    history = tmp_path / "history"
    proc, doc, out = run_campaign(fleet, campaign_file(tmp_path, {"clean": clean, "leaky": leaky, "down": down}),
                             "--parallel", "2", "--history", str(history))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    found = rows(doc)
    assert found["clean"]["record"]["verdicts"]["SEC-05"] == "PASS" and found["clean"]["record"]["failing"] == []
    assert [f["id"] for f in found["leaky"]["record"]["failing"]] == ["SEC-05"]
    assert found["down"]["status"] == "ERROR" and found["down"]["unreachable"] and "127.0.0.1:9" in found["down"]["reason"]
    assert doc["ranking"] == ["clean", "leaky", "down"]
    assert (out / found["leaky"]["record_link"]).is_file() and (out / "junit.xml").is_file()

    # the next night: the defect moved from leaky to clean; down is gone from the campaign
    fleet.switch("clean", (DEFECT,))
    fleet.switch("leaky", ())
    proc, doc, out = run_campaign(fleet, campaign_file(tmp_path, {"clean": clean, "leaky": leaky}),
                             "--parallel", "2", "--history", str(history))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert doc["regressions"] == ["clean"] and doc["changes"] == ["clean", "leaky"]
    change = rows(doc)["clean"]["change"]["criteria"]
    assert [(c["criterion"], c["old"], c["new"]) for c in change] == [("SEC-05", "PASS", "FAIL")]
    assert rows(doc)["leaky"]["change"]["kind"] == "improved"
    assert len(list((history / "campaigns").iterdir())) == 2
    assert (history / "targets" / "clean" / "runs").is_dir(), "each target keeps its own run history"


def test_celery_workers_share_the_campaign_and_a_killed_worker_loses_nothing(tmp_path, fleet, redis_url):
    clean, leaky = fleet.target("clean"), fleet.target("leaky", (DEFECT,))
    shared = tmp_path / "shared"
    path = campaign_file(tmp_path, {"clean": clean, "leaky": leaky},
                         engine=f"engine: {{broker: '{redis_url}', shared_dir: {shared}, heartbeat_s: 1}}\n")
    workers = Workers(redis_url, tmp_path, fleet.environ())
    workers.start("w1")
    workers.start("w2")
    client = redis.Redis.from_url(redis_url)
    try:
        campaign = subprocess.Popen([sys.executable, "-m", "harness.cli", "campaign", "run", str(path)],
                                    env=fleet.environ(), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True)
        victim, deadline = None, time.monotonic() + 120
        while victim is None and time.monotonic() < deadline and campaign.poll() is None:
            claims = sorted(client.scan_iter("dokiem:campaign:*:claim:*:1"))
            if claims:
                victim_target = claims[0].decode().split(":")[-2]
                time.sleep(2)  # well into the run: its simulator client and pytest are going
                victim = client.get(claims[0]).decode()
                workers.kill(victim.split("@")[0])
            time.sleep(0.2)
        assert victim, "no worker claimed a target"
        output, _ = campaign.communicate(timeout=600)
    finally:
        workers.stop_all()
    assert campaign.returncode == 0, output
    doc = json.loads(next(shared.glob("*/campaign.json")).read_text(encoding="utf-8"))
    found = rows(doc)
    assert sorted(found) == ["clean", "leaky"] and len(doc["targets"]) == 2, "every target once"
    # The lost attempt may have locked the victim's lockout account before it died; the retry then
    # says so (ERROR, never PASS). The defect's own check tells the two targets apart either way.
    assert outcome(shared, "clean", "access.cross_citizen") == "passed"
    assert outcome(shared, "leaky", "access.cross_citizen") == "failed"
    assert found["clean"]["record"]["verdicts"]["SEC-05"] in {"PASS", "ERROR"}
    assert found["leaky"]["record"]["verdicts"]["SEC-05"] == "FAIL"
    retried = found[victim_target]
    assert doc["retried"] == [victim_target]
    assert [(a["attempt"], a["worker"], a["status"]) for a in retried["attempts"]][0] == (1, victim, "lost")
    assert retried["attempts"][-1]["status"] == "done" and retried["attempts"][-1]["worker"] != victim
    assert retried["record_link"].endswith(f"{victim_target}.retry-2/compliance.html")
    assert "worker lost mid-run" in output
    assert not list(shared.rglob(".*.partial-*")), "the lost attempt left no half-written run"
    assert not list(client.scan_iter("dokiem:campaign:*:claim:*")), "the campaign's bookkeeping is gone from Redis"
    assert running_with(str(shared)) == [], "the killed worker's run stopped with it (PR_SET_PDEATHSIG)"


def outcome(shared: Path, target: str, check: str) -> str:
    """The outcome of `check` in the last attempt's compliance.json of `target`."""
    folders = sorted(shared.glob(f"*/targets/{target}*/compliance.json"), key=lambda path: path.stat().st_mtime)
    assert folders, f"no record for {target}"
    doc = json.loads(folders[-1].read_text(encoding="utf-8"))
    outcomes = {c["id"]: c["outcome"] for criterion in doc["criteria"] for c in criterion["checks"]}
    return outcomes[check]


def running_with(text: str) -> list[str]:
    """Command lines of live processes that mention `text`."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if proc.name.isdigit() and text in cmdline:
            found.append(cmdline)
    return found
