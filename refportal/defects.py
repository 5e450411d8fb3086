"""Switchable defects: refportal broken on purpose, in known ways, to prove the harness's checks.

Empty by default. Each behaviour that a defect can break checks `defects.on("name")` in the one
place that behaviour lives. Part 2 fills the registry and the switches.
"""
from __future__ import annotations

import threading

_lock = threading.Lock()
_active: set[str] = set()


def on(name: str) -> bool:
    return name in _active


def enable(name: str) -> None:
    with _lock:
        _active.add(name)


def disable(name: str) -> None:
    with _lock:
        _active.discard(name)


def active() -> list[str]:
    return sorted(_active)
