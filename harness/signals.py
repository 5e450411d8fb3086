"""Aborting a run: on SIGINT (Ctrl-C, sent to the whole process group), SIGTERM (a CI timeout, a
container stopping) or the circuit breaker (harness/breaker.py).

The first of them raises pytest's Exit with exit code 3 in the main thread, wherever it is: pytest
then tears the fixtures down (browsers closed, Locust's process group stopped, temporary folders
of the scenarios removed), the plugin discards the staging folder instead of writing a record,
and the run state stops the services and deletes its temporary folders (refportal's CA and signing
keys among them). An aborted run writes no record at all — verdicts on a target or services that
stopped answering would be worse than none — and says on stderr why and when it stopped.
Later signals are ignored while that clean-up runs, so a second Ctrl-C cannot leave it half done.

One `SignalGuard` per run, on the controller (harness/aborting.py keeps it in the config's stash).
"""
from __future__ import annotations

import datetime as dt
import signal
import sys
import threading

import pytest

EXIT_ABORTED = 3


class SignalGuard:
    def __init__(self):
        self.reason: str | None = None     # why and when the run was aborted (the first reason only)
        self.pending: str | None = None    # the breaker's reason, on its way to the main thread as SIGTERM
        self.previous: dict = {}           # signal number -> the handler it had before
        self.reason_file = None            # where an xdist worker writes why it sent SIGTERM (harness/breaker.py)

    def install(self) -> "SignalGuard":
        """Handle SIGINT and SIGTERM in this (the controller's main) thread."""
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self.previous.setdefault(signum, signal.signal(signum, self._on_signal))
        return self

    def uninstall(self) -> None:
        for signum, previous in list(self.previous.items()):
            signal.signal(signum, previous)
            del self.previous[signum]

    def _on_signal(self, signum, _frame) -> None:
        name = signal.Signals(signum).name
        if self.reason:
            return  # already ending: let the clean-up finish
        if signum == signal.SIGTERM and self.pending:
            reason, self.pending = self.pending, None
        elif signum == signal.SIGTERM and self.reason_file is not None and self.reason_file.is_file():
            reason = self.reason_file.read_text(encoding="utf-8").strip()
        else:
            reason = f"nhận tín hiệu {name} — received {name}"
        self.reason = f"{reason} ({dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC)"
        raise pytest.exit.Exception(self.message(), returncode=EXIT_ABORTED)

    def abort(self, reason: str) -> None:
        """From any thread: abort the run for `reason` (the main thread gets it as a signal, which
        interrupts a blocking call there)."""
        if self.reason or self.pending:
            return
        self.pending = reason
        if signal.SIGTERM in self.previous:
            signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)

    def aborted(self) -> bool:
        return bool(self.reason)

    def message(self) -> str:
        return (f"dokiem: lượt chạy bị hủy, không ghi biên bản — run aborted, no record written: {self.reason}"
                if self.reason else "")

    def report(self) -> None:
        """Say why the run stopped (stderr: the terminal reporter may be gone)."""
        if self.reason:
            print(self.message(), file=sys.stderr, flush=True)
