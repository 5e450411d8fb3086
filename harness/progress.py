"""The run's progress in the terminal: criteria done, failing so far, the scenario now running.

On a terminal (TTY) it is one line rewritten in place; in a log (CI) a line is printed each time
another criterion is complete, so a nightly log stays readable. A criterion is done once every one
of its selected checks has reported; it is failing so far once one of them failed or erred.
"""
from __future__ import annotations

import time


class Progress:
    def __init__(self, terminal, edition, selection, registry, started_monotonic: float):
        self.terminal = terminal
        self.registry = registry
        self.started = started_monotonic
        self.criteria = [c for c in edition.criteria if c["id"] in selection and c["checks"]]
        self.total_checks = len(selection.checks)
        self.seen: set[str] = set()
        self.failing: set[str] = set()
        self.scenario = ""
        self.done_before = 0
        self.tty = bool(terminal is not None and getattr(terminal, "isatty", lambda: False)())
        self.open_line = False

    def update(self, report, data: dict) -> None:
        for check in data["checks"]:
            found = self.registry.checks.get(check)
            if found is not None and found.scenario:
                self.scenario = found.scenario
        if report.when != "call" and data["outcome"] == "passed":
            self._show(False)
            return
        for check in data["checks"]:
            if data["outcome"] in ("failed", "error"):
                self.failing.add(check)
            self.seen.add(check)
        self._show(True)

    def line(self, width: int = 1000) -> str:
        """The full line, or on a narrow terminal the short one (without the English glosses)."""
        done = [c for c in self.criteria if all(check in self.seen for check in c["checks"])]
        failing = [c for c in done if any(check in self.failing for check in c["checks"])]
        elapsed = time.monotonic() - self.started
        self.done_now = len(done)
        scenario = f", kịch bản (scenario) {self.scenario}" if self.scenario else ""
        full = (f"[dokiem] {len(done)}/{len(self.criteria)} tiêu chí (criteria) xong, {len(failing)} chưa đạt "
                f"đến giờ (failing so far), {len(self.seen)}/{self.total_checks} kiểm tra (checks){scenario}, "
                f"{elapsed:.0f} s")
        if len(full) < width:
            return full
        short = (f"[dokiem] {len(done)}/{len(self.criteria)} tiêu chí · {len(failing)} chưa đạt · "
                 f"{len(self.seen)}/{self.total_checks} kiểm tra · {self.scenario or '…'} · {elapsed:.0f} s")
        return short[:max(width - 1, 20)]

    def _show(self, finished_check: bool) -> None:
        if self.terminal is None:
            return
        if self.tty:
            width = getattr(getattr(self.terminal, "_tw", None), "fullwidth", 120)
            self.terminal.rewrite(self.line(width), erase=True)
            self.open_line = True
        else:
            text = self.line()
            if finished_check and self.done_now != self.done_before:
                self.terminal.write_line(text)
        self.done_before = self.done_now

    def end(self) -> None:
        """Close the rewritten line, so what follows starts on a line of its own."""
        if self.open_line:
            self.terminal.write_line("")
            self.open_line = False
