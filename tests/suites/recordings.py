"""Recorded observations of a clean refportal run, and the edition's parameters, for the proofs."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from harness import criteria

HERE = Path(__file__).resolve().parent
CRITERIA = HERE.parent.parent / "criteria"


@functools.lru_cache(maxsize=None)
def _load(topic: str) -> str:
    return (HERE / topic / "recorded" / "observations.json").read_text(encoding="utf-8")


def recorded(topic: str) -> dict:
    """A fresh copy: each proof puts its one fault into its own."""
    return json.loads(_load(topic))


@functools.lru_cache(maxsize=None)
def _edition():
    checks = criteria.load_checks(CRITERIA)
    return criteria.load_edition(CRITERIA, "cv255-2018", checks)


def parameter(name: str):
    return _edition().parameter(name)
