"""Playwright traces: kept for the checks that failed or could not decide, unless asked to keep all.

A trace (trace.zip, written by harness.browser for every browser session) replays a session step by
step: invaluable when a check failed, dead weight when every check it served passed — in the demo
run the traces were most of the folder. `--keep-traces all` keeps every one.
"""
from __future__ import annotations

from pathlib import Path

KEEP = ("failing", "all")
TRACE_NAME = "trace.zip"
BAD_OUTCOMES = ("failed", "error")


def is_trace(rel: str) -> bool:
    return Path(rel).name == TRACE_NAME


def prune(out_dir: Path, check_results: dict, keep: str = "failing") -> list[str]:
    """Delete the traces no failing or erroring check cites and drop them from every check's evidence.
    `check_results`: {check id: scoring.CheckResult}. Returns the paths removed (relative to out_dir)."""
    if keep == "all":
        return []
    out_dir = Path(out_dir)
    wanted = {p for r in check_results.values() if r.outcome in BAD_OUTCOMES for p in r.evidence if is_trace(p)}
    removed = sorted(path.relative_to(out_dir).as_posix() for path in (out_dir / "evidence").rglob(TRACE_NAME)
                     if path.relative_to(out_dir).as_posix() not in wanted)
    for rel in removed:
        (out_dir / rel).unlink()
    gone = set(removed)
    for result in check_results.values():
        result.evidence = [p for p in result.evidence if p not in gone]
    return removed
