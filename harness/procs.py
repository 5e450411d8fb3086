"""Start a helper process (reference portal, simulator) that announces itself with one JSON line."""
from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field


class StartError(RuntimeError):
    """The process did not become ready; the message carries what it printed."""


@dataclass
class ReadyProcess:
    name: str
    popen: subprocess.Popen
    ready: dict
    output: list[str] = field(default_factory=list)  # everything it printed, for diagnosis

    def stop(self, timeout: float = 10.0) -> None:
        if self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=5)


def _pump(stream, lines: queue.Queue, keep: list[str]) -> None:
    for line in iter(stream.readline, ""):
        keep.append(line.rstrip("\n"))
        lines.put(line)
    lines.put(None)


def start_ready_process(name: str, argv: list[str], timeout: float = 20.0,
                        env: dict[str, str] | None = None, cwd: str | None = None) -> ReadyProcess:
    """Run `argv`; wait (bounded) for the first stdout line that parses as a JSON object."""
    popen = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             encoding="utf-8", errors="replace", env={**os.environ, **(env or {})}, cwd=cwd)
    lines: queue.Queue = queue.Queue()
    output: list[str] = []
    threading.Thread(target=_pump, args=(popen.stdout, lines, output), daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        try:
            line = lines.get(timeout=max(remaining, 0.01))
        except queue.Empty:
            line = ""
        if line is None or remaining <= 0:
            process = ReadyProcess(name, popen, {}, output)
            process.stop(timeout=3)
            why = "exited" if line is None else f"did not become ready within {timeout:.0f} s"
            tail = "\n".join(output[-20:])
            raise StartError(f"{name} {why} — {name} không khởi động được:\n{tail}")
        text = (line or "").strip()
        if text.startswith("{"):
            try:
                ready = json.loads(text)
            except ValueError:
                continue
            return ReadyProcess(name, popen, ready, output)
