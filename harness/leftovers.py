"""Folders a dead run left behind: found and removed when the next run starts.

A run killed outright (SIGKILL, a power cut) cannot clean up: its staging folder and its temporary
folders (the simulator's log, refportal's state with its CA and signing keys, the load test's
locustfile, the browser's temporary files) stay. Each run marks the folders it owns with its process id and start time; the next
run removes the marked folders whose owner is no longer running (a live run's are left alone).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from harness import chromium

MARK = "dokiem-owner.json"
TEMP_PATTERNS = ("dokiem-nps-*", "dokiem-refportal-*", "dokiem-load-*", "dokiem-browser-*")
STAGING_PATTERN = ".*.partial-*"


def _start_time(pid: int) -> str | None:
    """The process's start time since boot (Linux), None when it is not running."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return "unknown"  # running, start time not readable here
    return stat.rsplit(")", 1)[1].split()[19]


def mark(folder: Path, mark_in: Path | None = None) -> None:
    """Mark `folder` as this process's (the mark is written in `mark_in`, default the folder)."""
    where = mark_in or folder
    where.mkdir(parents=True, exist_ok=True)
    (where / MARK).write_text(json.dumps({"pid": os.getpid(), "start": _start_time(os.getpid()),
                                          "folder": str(folder)}), encoding="utf-8")


def _dead_owner(folder: Path) -> bool:
    marks = [folder / MARK] + list(folder.glob(f"*/{MARK}"))
    for path in marks:
        try:
            owner = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        started = _start_time(int(owner["pid"]))
        return started is None or (started != "unknown" and started != owner.get("start"))
    return False  # not marked: not known to be ours


def clean(*parents: Path) -> list[Path]:
    """Remove the marked folders of dead runs in the temporary folder and in `parents` (where
    staging folders are made); the folders removed."""
    bases = {Path(tempfile.gettempdir()), Path(chromium.SHORT_TEMP)}  # a browser's folder may be in either
    candidates = [p for base in bases if base.is_dir() for pattern in TEMP_PATTERNS for p in base.glob(pattern)]
    candidates += [p for parent in parents if parent.is_dir() for p in parent.glob(STAGING_PATTERN)]
    removed = []
    for folder in candidates:
        if folder.is_dir() and _dead_owner(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
