"""Check outcomes as docs/ARCHITECTURE.md ("Outcomes and verdicts") defines them, gathered from pytest reports.

An AssertionError is `failed`; `harness.Inconclusive` and every other exception (timeouts, a 5xx
on a precondition, a journey step that cannot find its element, a harness fault) is `error`; a
fixture (scenario) that breaks during setup is `error`; a skip is `skipped` with its reason.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from harness import Inconclusive

USER_PROPERTY = "dokiem_outcome"
SEVERITY = {"failed": 3, "error": 2, "skipped": 1, "passed": 0}
MAX_REASON = 4000


def classify(report, excinfo) -> tuple[str, str]:
    """(outcome, reason) of one pytest report phase."""
    if report.passed:
        return "passed", ""
    if report.skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
        return "skipped", reason.removeprefix("Skipped: ")
    value = excinfo.value if excinfo is not None else None
    reason = f"{type(value).__name__}: {value}" if value is not None else str(report.longrepr)
    if (report.when == "call" and isinstance(value, AssertionError)
            and not isinstance(value, Inconclusive)):
        return "failed", str(value) or "assertion failed"
    return "error", reason[:MAX_REASON]


def attach(report, check_ids: list[str], outcome: str, reason: str, measured: list[dict] | None = None) -> None:
    """Store the classification (and what the judge measured, harness.measured) on the report;
    xdist carries user_properties to the controller."""
    report.user_properties.append(
        (USER_PROPERTY, json.dumps({"checks": check_ids, "outcome": outcome, "reason": reason[:MAX_REASON],
                                    "measured": measured or []}, default=str)))


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).isoformat(timespec="milliseconds")


def read(report) -> dict | None:
    for key, value in getattr(report, "user_properties", []):
        if key == USER_PROPERTY:
            return json.loads(value)
    return None


@dataclass
class CheckOutcomes:
    """Per check id: the tests that implement it and their worst outcome over all phases."""

    tests: dict[str, dict[str, dict]] = field(default_factory=dict)  # check -> nodeid -> test row

    def record(self, check_ids: list[str], nodeid: str, outcome: str, reason: str, duration: float,
               start: float | None = None, stop: float | None = None,
               measured: list[dict] | None = None) -> None:
        """One phase of one test; `start`/`stop` are pytest's epoch seconds for the phase, when known:
        the test's row keeps the first start and the last stop (setup to teardown, ISO 8601 UTC)."""
        for check_id in check_ids:
            row = self.tests.setdefault(check_id, {}).setdefault(
                nodeid, {"nodeid": nodeid, "outcome": "passed", "reason": "", "duration_s": 0.0})
            row["duration_s"] = round(row["duration_s"] + duration, 3)
            if start:
                moment = _iso(start)
                row["start"] = min(row.get("start") or moment, moment)
                row["stop"] = max(row.get("stop") or moment, _iso(stop or start))
            if measured:
                row.setdefault("measured", []).extend(measured)
            if SEVERITY[outcome] > SEVERITY[row["outcome"]] or (outcome == "skipped" and row["outcome"] == "passed"):
                row["outcome"], row["reason"] = outcome, reason

    def aggregate(self, check_id: str) -> tuple[str, str, list[dict]]:
        rows = list(self.tests.get(check_id, {}).values())
        if not rows:
            return "missing", "chưa có kiểm tra nào cài đặt — no test implements this check yet", []
        for outcome in ("failed", "error"):
            bad = [r for r in rows if r["outcome"] == outcome]
            if bad:
                return outcome, "; ".join(f"{r['nodeid']}: {r['reason']}" for r in bad)[:MAX_REASON], rows
        if any(r["outcome"] == "passed" for r in rows):
            return "passed", "", rows
        return "skipped", "; ".join(r["reason"] for r in rows)[:MAX_REASON], rows
