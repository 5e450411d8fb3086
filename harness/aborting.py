"""How a run is aborted and cleaned up: the plugin's hooks call these (harness/plugin.py).

- before the run state opens: SIGINT and SIGTERM handled (harness/signals.py), controller only;
- once open: the circuit breaker watches the target and the services (harness/breaker.py), and
  the folders of dead runs are removed (harness/leftovers.py), this run's marked as its own;
- when the checks are over: the breaker stops; an aborted run writes no record (exit 3);
- after the services are stopped and the temporary folders removed: the reason is printed and
  the previous signal handlers are back.

What this needs across the run (the signal guard, the breaker, the TMPDIR it replaced) is one
`Aborting` in the config's stash.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import breaker, chromium, leftovers, signals
from harness.ledger import RUN_FILES

STOP_GRACE_S = 2.0  # an aborted run's services get this long to stop by themselves
KEEP = object()  # Aborting.tmpdir before the run replaced TMPDIR: nothing to put back


@dataclass
class Aborting:
    guard: signals.SignalGuard
    breaker: breaker.Breaker | None = None
    tmpdir: object = KEEP  # the TMPDIR the run replaced (None: there was none)


STATE = pytest.StashKey[Aborting]()


def _controller(config) -> bool:
    return not hasattr(config, "workerinput")


def before_open(config) -> None:
    guard = signals.SignalGuard()
    if _controller(config):
        guard.install()
    config.stash[STATE] = Aborting(guard)


def after_open(run) -> None:
    """`run`: harness.run.DokiemRun, just opened."""
    reason_file = run.staging / RUN_FILES / breaker.ABORT_REASON
    if run.is_worker:
        controller = os.environ.get(breaker.ENV_CONTROLLER_PID)
        if controller:  # this worker's refused exchanges abort the run through the controller
            run.traffic.breaker = breaker.worker_reporter(run.inputs.profile, reason_file, int(controller))
        return
    removed = leftovers.clean(run.out_dir.parent)
    leftovers.mark(run.staging, mark_in=run.staging / RUN_FILES)
    for folder in run.services.temp_dirs:
        leftovers.mark(folder)
    for folder in removed:
        print(f"[dokiem] đã xóa thư mục của một lượt chạy đã dừng đột ngột — removed a dead run's leftover "
              f"folder: {folder}", file=sys.stderr)
    state = run.config.stash[STATE]
    state.guard.reason_file = reason_file
    os.environ[breaker.ENV_CONTROLLER_PID] = str(os.getpid())  # for the xdist workers, started after this
    state.tmpdir = _private_temp(run.services)
    state.breaker = run.traffic.breaker = breaker.watch(run.inputs.profile, run.services.processes,
                                                        state.guard.abort, run.traffic.limiter)


def _private_temp(services) -> str | None:
    """Processes started from here on (Chromium, Locust, xdist workers) keep their temporary files
    in a folder of this run: a Chromium killed by Ctrl-C leaves its shared-memory files there, and
    the folder goes with the run (or with the next run, if this one is killed outright). The
    TMPDIR it replaces (None: there was none)."""
    folder = Path(tempfile.mkdtemp(prefix="dokiem-browser-", dir=chromium.temp_base()))
    leftovers.mark(folder)
    services.temp_dirs.append(folder)
    previous = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(folder)
    return previous


def _stop_breaker(state: Aborting) -> None:
    if state.breaker is not None:
        state.breaker.stop()


def stop_watching(run) -> bool:
    """The checks are over: stop the breaker. True when the run was aborted (write no record);
    the services are then stopped at once, not gracefully (an aborted run has 10 s to end)."""
    state = run.config.stash[STATE]
    _stop_breaker(state)
    if state.guard.aborted():
        stop_now(run.services.processes if run.services else [])
    return state.guard.aborted()


def stop_now(services, grace_s: float = STOP_GRACE_S) -> None:
    """SIGTERM to every service together, SIGKILL to those still running after `grace_s`."""
    running = [s.popen for s in services if s.popen.poll() is None]
    for popen in running:
        popen.terminate()
    ends = time.monotonic() + grace_s
    for popen in running:
        try:
            popen.wait(timeout=max(ends - time.monotonic(), 0.01))
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait(timeout=5)


@contextlib.contextmanager
def discarding_on_abort(run):
    """An abort while the record is written: no record rather than half of one."""
    try:
        yield
    except pytest.exit.Exception:
        run.discard()
        raise


def after_close(config) -> None:
    state = config.stash.get(STATE, None)
    if state is None:
        return
    if _controller(config):
        _stop_breaker(state)
        state.guard.report()
        state.guard.uninstall()
        os.environ.pop(breaker.ENV_CONTROLLER_PID, None)
    if state.tmpdir is None:
        os.environ.pop("TMPDIR", None)
    elif state.tmpdir is not KEEP:
        os.environ["TMPDIR"] = state.tmpdir
