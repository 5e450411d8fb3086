"""A run that is interrupted or whose services die ends cleanly: exit 3, no record, no process or
folder left behind. Real `dokiem run --demo` subprocesses in their own process group, real
signals (SIGINT to the group as a terminal's Ctrl-C sends it, SIGTERM to dokiem as CI sends it),
refportal killed mid-run. Each waits for refportal to be up and the load test's Locust (or
Chromium, for a browser check) to be running.

Bounds: the clean-up must end within ABORT_BOUND_S of the signal. The promise is 10 s; the
bound leaves a busy machine room (it never needs minutes: without the handling, the run went on
for minutes against dead services or never ended).
"""
from __future__ import annotations

import json
import os
import signal
import time

import pytest

from harness import leftovers
from tests.hostile.processes import DokiemRun, alive, command_line, descendants

pytestmark = pytest.mark.slow

ABORT_BOUND_S = 20
STARTUP_S = 240
LOAD_TEST = "PERF-02"   # the load test: Locust runs in its own process group
BROWSER = "NFR-06"      # the accessibility scan: Playwright's driver and Chromium


def start(tmp_path, only: str = LOAD_TEST, running: str = "-m locust") -> DokiemRun:
    """A demo run of `only`, once a process whose command line holds `running` is under it."""
    run = DokiemRun(["--demo", "--only", only, "--no-allure-report", "--out", str(tmp_path / "run")], tmp_path)
    run.wait_for("cổng tham chiếu (refportal, demo)", STARTUP_S)
    ends = time.monotonic() + STARTUP_S
    while not any(running in command_line(pid) for pid in descendants(run.process.pid)):
        assert run.process.poll() is None and time.monotonic() < ends, f"no {running!r}:\n{run.output[-3000:]}"
        time.sleep(0.2)
    return run


def assert_clean(run: DokiemRun, tmp_path, processes: set[int]) -> None:
    assert run.process.returncode == 3, run.output[-3000:]
    assert "run aborted, no record written" in run.output, run.output[-3000:]
    left = [f"{pid}: {command_line(pid)}" for pid in processes if alive(pid)]
    assert not left, f"processes left running: {left}"
    assert not (tmp_path / "run").exists(), "no record of an aborted run"
    assert not list(tmp_path.glob(".run.partial-*")), "the staging folder was removed"
    assert not list(run.tmp.iterdir()), f"temporary folders left: {list(run.tmp.iterdir())}"


def interrupt(tmp_path, send, **started) -> None:
    run = start(tmp_path, **started)
    try:
        processes = descendants(run.process.pid) | {run.process.pid}
        assert any("refportal" in command_line(pid) for pid in processes), "refportal runs under dokiem"
        sent = time.monotonic()
        send(run.process.pid)
        run.process.wait(timeout=ABORT_BOUND_S)
        time.sleep(0.5)  # the last children reaped
        assert_clean(run, tmp_path, processes)
        print(f"clean exit {time.monotonic() - sent:.1f} s after the signal")
    finally:
        run.kill()


def test_ctrl_c_to_the_process_group_ends_the_run_cleanly(tmp_path):
    interrupt(tmp_path, lambda pid: os.killpg(pid, signal.SIGINT))


def test_sigterm_ends_the_run_cleanly(tmp_path):
    interrupt(tmp_path, lambda pid: os.kill(pid, signal.SIGTERM))


def test_ctrl_c_during_a_browser_check_closes_chromium(tmp_path):
    interrupt(tmp_path, lambda pid: os.killpg(pid, signal.SIGINT), only=BROWSER, running="chromium")


def test_refportal_dying_mid_run_aborts_it_with_no_verdict(tmp_path):
    run = start(tmp_path)
    try:
        processes = descendants(run.process.pid) | {run.process.pid}
        portal = next(pid for pid in processes if "-m refportal" in command_line(pid))
        os.kill(portal, signal.SIGKILL)
        run.process.wait(timeout=60)
        time.sleep(0.5)
        assert_clean(run, tmp_path, processes)
        assert "refportal" in run.output.split("run aborted, no record written")[-1].splitlines()[0]
        assert "PASS" not in run.output
    finally:
        run.kill()


def test_a_dead_runs_folders_are_removed_and_a_live_runs_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / "dokiem-refportal-dead"
    live = tmp_path / "dokiem-nps-live"
    staging = tmp_path / "out" / ".run.partial-1"
    for folder in (dead, live, staging / "_run"):
        folder.mkdir(parents=True)
    (dead / "signing-key.pem").write_text("PRIVATE")
    leftovers.mark(live)
    leftovers.mark(dead)
    leftovers.mark(staging, mark_in=staging / "_run")
    for folder in (dead, staging / "_run"):  # an owner that no longer runs
        mark = json.loads((folder / leftovers.MARK).read_text())
        (folder / leftovers.MARK).write_text(json.dumps({**mark, "pid": 2 ** 22 + 1}))
    unmarked = tmp_path / "dokiem-load-unknown"
    unmarked.mkdir()
    removed = leftovers.clean(tmp_path / "out")
    assert sorted(removed) == sorted([dead, staging])
    assert live.is_dir() and unmarked.is_dir() and not dead.exists() and not staging.exists()
