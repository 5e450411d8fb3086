"""Observations recorded from a real `--demo` run on the clean refportal (trimmed, redacted)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

HERE = Path(__file__).parent / "recorded"
_CACHE: dict[str, dict] = {}


def recorded(name: str, folder: Path = HERE) -> dict:
    """A fresh copy of recorded/<name>.json, to break one thing in."""
    key = str(folder / name)
    if key not in _CACHE:
        _CACHE[key] = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(_CACHE[key])


def first(rows: list[dict], **match) -> dict:
    """The first row whose fields equal `match`."""
    return next(r for r in rows if all(r.get(k) == v for k, v in match.items()))
