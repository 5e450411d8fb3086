"""Recorded observations of a clean refportal run, and the edition's parameters, for the proofs."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from harness import criteria
from tests.suites.record import recording_path

HERE = Path(__file__).resolve().parent
CRITERIA = HERE.parent.parent / "criteria"


@functools.lru_cache(maxsize=None)
def _load(scenario: str) -> str:
    return recording_path(scenario).read_text(encoding="utf-8")


def recorded(scenario: str) -> dict:
    """A fresh copy of the scenario's recording (made by `python -m tests.suites.record`): each proof
    puts its one fault into its own."""
    return json.loads(_load(scenario))


@functools.lru_cache(maxsize=None)
def _edition():
    checks = criteria.load_checks(CRITERIA)
    return criteria.load_edition(CRITERIA, "cv255-2018", checks)


def parameter(name: str):
    return _edition().parameter(name)
