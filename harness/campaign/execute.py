"""One target of a campaign: a `dokiem run` subprocess with its own --out, bounded in time.

Both engines call this: the local pool in a thread, a Celery worker in its task. The run is a
separate process (in its own session, so that a timeout stops its simulator and Locust too), and
its peak memory is read from the kernel when it is reaped (wait4), which the bench reports.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from harness.campaign.spec import Target

# variables one run sets for its own pytest workers: a run started from inside another must not inherit them
RUN_INTERNAL_ENV = ("DOKIEM_RUN_ID", "DOKIEM_STAGING_DIR", "DOKIEM_NPS_URL", "DOKIEM_NPS_SMTP",
                    "DOKIEM_TARGET_OVERRIDES", "DOKIEM_NOT_CONFIGURED", "DOKIEM_CONTROLLER_PID")
EXIT_MEANING = {2: "dữ liệu đầu vào không hợp lệ — bad input", 3: "không phản hồi hoặc bị dừng — unreachable or aborted"}


class Started:
    """The runs an engine started and has not reaped yet, so that an interrupted campaign stops them all."""

    def __init__(self):
        self._lock = threading.Lock()
        self._running: dict[int, subprocess.Popen] = {}  # pid -> run

    def add(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._running[process.pid] = process

    def remove(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._running.pop(process.pid, None)

    def stop_all(self) -> None:
        """Stop every run still going (an interrupted campaign leaves no run behind)."""
        with self._lock:
            running = list(self._running.values())
        for process in running:
            _stop(process)


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def target_history(history: Path | None, target_id: str) -> Path | None:
    """Each target keeps its own run history (Allure trends, `dokiem diff`) under the campaign's."""
    return Path(history) / "targets" / target_id if history is not None else None


def run_target(target: Target, out: Path, history: Path | None = None, worker: str | None = None,
               attempt: int = 1, started_runs: Started | None = None) -> dict:
    """Run one target into `out` (which must not exist yet); return what happened, as plain JSON.
    `started_runs`: where the engine keeps the runs it must stop when interrupted."""
    started_runs = started_runs or Started()
    worker = worker or f"local@{socket.gethostname()}"
    outcome = {"target": target.id, "attempt": attempt, "worker": worker, "out": str(out), "started": now_iso(),
               "finished": None, "exit_code": None, "status": "error", "reason": "", "wall_s": 0.0,
               "max_rss_mb": None, "cpu_s": None}
    if not target.window_open():
        outcome.update(finished=now_iso(), reason=(
            f"ngoài khung giờ được phép {target.allowed_hours} (Asia/Ho_Chi_Minh) của hồ sơ mục tiêu, không chạy — "
            f"outside the profile's allowed hours {target.allowed_hours}, not run"))
        return outcome
    out.parent.mkdir(parents=True, exist_ok=True)
    log = out.parent / f"{out.name}.log"
    argv = [sys.executable, "-m", "harness.campaign.child", *target.run_arguments(out, history)]
    env = {k: v for k, v in os.environ.items() if k not in RUN_INTERNAL_ENV}
    started = time.monotonic()
    with open(log, "wb") as stream:
        process = subprocess.Popen(argv, stdout=stream, stderr=subprocess.STDOUT, env=env, start_new_session=True,
                                   preexec_fn=_end_with_parent)
    started_runs.add(process)
    timed_out = threading.Event()

    def stop_at_timeout() -> None:
        timed_out.set()
        _stop(process)

    timer = threading.Timer(target.timeout_min * 60, stop_at_timeout)
    timer.daemon = True
    timer.start()
    try:
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        timer.cancel()
        started_runs.remove(process)
        if process.returncode is None:  # interrupted while waiting: the run must not outlive the campaign
            _stop(process)
    code = process.returncode
    outcome.update(finished=now_iso(), exit_code=code, wall_s=round(time.monotonic() - started, 1),
                   max_rss_mb=round(usage.ru_maxrss / 1024, 1), cpu_s=round(usage.ru_utime + usage.ru_stime, 1),
                   log=str(log))
    record = out / "compliance.json"
    if timed_out.is_set():
        outcome["reason"] = (f"quá thời gian {target.timeout_min:g} phút, đã dừng — stopped after "
                             f"{target.timeout_min:g} min (timeout_min)")
    elif code in (0, 1, 4) and record.is_file():
        outcome.update(status="done", reason="")
    else:
        meaning = EXIT_MEANING.get(code, f"dừng bất thường — ended abnormally (exit {code})")
        outcome["reason"] = f"{meaning}: {_last_lines(log)}"
    outcome["unreachable"] = code == 3
    return outcome


def _end_with_parent() -> None:
    """In the child, before exec: SIGTERM when the process that started the run dies (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _last_lines(log: Path, count: int = 2) -> str:
    """The run's own last messages (its reason to stop), without pytest's closing lines."""
    try:
        lines = [line.strip() for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    useful = [line for line in lines if not line.startswith(("=", "!", "-", "Exit:"))]
    return " / ".join(line if len(line) < 240 else line[:240] + "…" for line in useful[-count:])


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the run's session (the run, its simulator, Locust), SIGKILL 10 s later."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)
