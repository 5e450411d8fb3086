"""Fixtures of the campaign tests: a real redis-server and real `dokiem campaign worker` processes.

redis-server (Debian's package) listens on a free port of 127.0.0.1 with no persistence and is
stopped at the end; each worker runs in its own session so a test can kill it, runs and all, as
a machine that dies would.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed: apt-get install -y redis-server (.ci/run installs it)")
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while not _answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"redis-server did not start on port {port}")
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Workers:
    """`dokiem campaign worker` processes, each in its own session (killable as a whole)."""

    def __init__(self, broker: str, folder: Path, env: dict):
        self.broker, self.folder, self.env = broker, folder, env
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> None:
        log = open(self.folder / f"worker-{name}.log", "wb")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "harness.cli", "campaign", "worker", "--broker", self.broker, "--name",
             f"{name}@test"],
            stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=str(REPO), start_new_session=True)

    def kill(self, name: str) -> None:
        """SIGKILL the worker and its pool processes at once: no goodbye to the broker."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
