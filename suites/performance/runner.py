"""Run Locust headless in its own process, bounded in time, and collect what it wrote.

Locust runs as `python -m locust` (never imported here: it patches the standard library for
gevent), in its own process group so that its local worker processes are stopped with it. The
process gets the run's environment (passwords of logged-in users stay in environment variables)
and is killed when it outlives the hard stop of the settings: ramp + duration + stop timeout +
a margin.
"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPORT_ENV = "DOKIEM_LOAD_REPORT"  # the locustfile writes its generator report there
PREFIX = "locust"
WORKER_REPORT_WAIT_ENV = "LOCUST_WAIT_FOR_WORKERS_REPORT_AFTER_RAMP_UP"
WORKER_REPORT_WAIT_S = 10


@dataclass
class LocustRun:
    argv: list[str]
    exit_code: int | None
    killed: bool
    wall_s: float
    cpu_s: float  # CPU time of Locust and its local workers (user + system), for the bench
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)  # kind -> file that exists

    def text(self, kind: str) -> str:
        path = self.files.get(kind)
        return path.read_text(encoding="utf-8", errors="replace") if path else ""


def locust_argv(locustfile: Path, folder: Path, settings, host: str) -> list[str]:
    """The command line: headless, fixed users and duration, CSV + JSON statistics and a log."""
    argv = [sys.executable, "-m", "locust", "-f", str(locustfile), "--headless",
            "-u", str(settings.users), "-r", str(settings.spawn_rate), "-t", f"{settings.run_time_s}s",
            "--host", host, "--stop-timeout", str(settings.stop_timeout_s),
            "--csv", str(folder / PREFIX), "--csv-full-history", "--json-file", str(folder / "stats"),
            "--logfile", str(folder / "locust.log"), "--loglevel", "INFO", "--only-summary",
            "--exit-code-on-error", "0"]  # failed requests are for the judges, not an exit status
    if settings.master:
        master = settings.master
        argv += ["--master", "--master-bind-host", str(master["bind_host"]),
                 "--master-bind-port", str(master["bind_port"]),
                 "--expect-workers", str(master["expect_workers"]),
                 "--expect-workers-max-wait", str(master["wait_for_workers_s"])]
    elif settings.processes != 1:
        argv += ["--processes", str(settings.processes)]
    return argv


def run_locust(locustfile: Path, folder: Path, settings, host: str) -> LocustRun:
    """Run Locust to its end, or kill it (and its workers) at the hard stop."""
    folder.mkdir(parents=True, exist_ok=True)
    argv = locust_argv(locustfile, folder, settings, host)
    # A master declares "all users spawned" once its workers report them, or after this many
    # seconds (Locust's default: 1) without their reports: on a busy machine the reports come later,
    # and the generator report would then count 0 users held and no logged-in user started
    env = {WORKER_REPORT_WAIT_ENV: str(WORKER_REPORT_WAIT_S), **os.environ, REPORT_ENV: str(folder / "generator.json"),
           "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    killed = False
    with open(folder / "stdout.txt", "wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(folder),
                                   start_new_session=True)
        try:
            exit_code = process.wait(timeout=settings.hard_stop_s)
        except subprocess.TimeoutExpired:
            killed = True
            exit_code = _stop_group(process)
        finally:
            if process.poll() is None:  # an interrupted wait (Ctrl+C): do not leave Locust running
                _stop_group(process)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    names = {"stats": "stats.json", "stats_csv": f"{PREFIX}_stats.csv", "history": f"{PREFIX}_stats_history.csv",
             "failures": f"{PREFIX}_failures.csv", "exceptions": f"{PREFIX}_exceptions.csv", "log": "locust.log",
             "generator": "generator.json", "stdout": "stdout.txt"}
    files = {kind: folder / name for kind, name in names.items() if (folder / name).is_file()}
    return LocustRun(argv, exit_code, killed, round(wall, 3), round(cpu, 3), folder, files)


def _stop_group(process: subprocess.Popen) -> int | None:
    """SIGTERM to Locust's process group, then SIGKILL if it does not end within 5 s."""
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            return process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    return process.poll()
