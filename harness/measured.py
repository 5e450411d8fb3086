"""Measured values a judge reports beside its verdict, for the record ("TB 31 ms ≤ 2 000 ms").

Judges stay pure functions of their observations: before deciding they call `note(...)`; the
plugin takes what was noted during a test (`take()`), carries it to the controller with the
outcome (outcomes.attach, through pytest's user_properties, which xdist forwards), and the record
prints it under the check, so a tester reads the figure that decided, not only the verdict.
"""
from __future__ import annotations

_NOTED: list[dict] = []


def number(value, digits: int = 0) -> str:
    """Vietnamese figures: thousands grouped by a space, decimal comma (2 000; 0,25)."""
    text = f"{float(value):,.{digits}f}" if digits else f"{round(float(value)):,d}"
    return text.replace(",", " ").replace(".", ",")


def note(text: str, ok: bool | None = None, value=None, limit=None, unit: str = "") -> None:
    """One measured value against its threshold. `text` is Vietnamese, written for the record,
    e.g. "list_procedures: TB 31 ms ≤ 2 000 ms; 51 yêu cầu, 0 lỗi"; `ok` whether it meets it."""
    _NOTED.append({"text": text, "ok": ok, "value": value, "limit": limit, "unit": unit})


def take() -> list[dict]:
    """What was noted since the last call, and forget it (one test's worth)."""
    noted = list(_NOTED)
    _NOTED.clear()
    return noted
