"""Measured values a judge reports beside its verdict, for the record ("TB 31 ms ≤ 2 000 ms").

Judges stay pure functions of their observations: a judge that measures is also given the test's
`Measurements` (checks.yaml: `args: [..., fixture:measured]`) and notes each figure on it before
deciding; the plugin takes what was noted (`take()`), carries it to the controller with the
outcome (outcomes.attach, through pytest's user_properties, which xdist forwards), and the record
prints it under the check, so a tester reads the figure that decided, not only the verdict.
"""
from __future__ import annotations

import pytest


def number(value, digits: int = 0) -> str:
    """Vietnamese figures: thousands grouped by a space, decimal comma (2 000; 0,25)."""
    text = f"{float(value):,.{digits}f}" if digits else f"{round(float(value)):,d}"
    return text.replace(",", " ").replace(".", ",")


class Measurements:
    """What one test's judge measured (the `measured` fixture, harness/run_fixtures.py)."""

    def __init__(self):
        self.noted: list[dict] = []

    def note(self, text: str, ok: bool | None = None, value=None, limit=None, unit: str = "") -> None:
        """One measured value against its threshold. `text` is Vietnamese, written for the record,
        e.g. "list_procedures: TB 31 ms ≤ 2 000 ms; 51 yêu cầu, 0 lỗi"; `ok` whether it meets it."""
        self.noted.append({"text": text, "ok": ok, "value": value, "limit": limit, "unit": unit})

    def take(self) -> list[dict]:
        """What was noted since the last call, and forget it (one test phase's worth)."""
        noted, self.noted = self.noted, []
        return noted


MEASURED = pytest.StashKey[Measurements]()  # item.stash[MEASURED]: the test's Measurements, once asked for
