"""Aborting a run: on SIGINT (Ctrl-C, sent to the whole process group), SIGTERM (a CI timeout, a
container stopping) or the circuit breaker (harness/breaker.py).

The first of them raises pytest's Exit with exit code 3 in the main thread, wherever it is: pytest
then tears the fixtures down (browsers closed, Locust's process group stopped, temporary folders
of the scenarios removed), the plugin discards the staging folder instead of writing a record,
and the run state stops the services and deletes its temporary folders (refportal's CA and signing
keys among them). An aborted run writes no record at all — verdicts on a target or services that
stopped answering would be worse than none — and says on stderr why and when it stopped.
Later signals are ignored while that clean-up runs, so a second Ctrl-C cannot leave it half done.
"""
from __future__ import annotations

import datetime as dt
import signal
import sys
import threading

import pytest

EXIT_ABORTED = 3
_ABORT: list[str] = []       # why and when the run was aborted (the first reason only)
_INSTALLED: dict = {}        # signal number -> the handler it had before


def install() -> None:
    """Handle SIGINT and SIGTERM in this (the controller's main) thread."""
    if threading.current_thread() is not threading.main_thread():
        return
    _ABORT.clear()
    _PENDING.clear()
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signum not in _INSTALLED:
            _INSTALLED[signum] = signal.signal(signum, _on_signal)


def uninstall() -> None:
    for signum, previous in list(_INSTALLED.items()):
        signal.signal(signum, previous)
        del _INSTALLED[signum]


def _on_signal(signum, _frame) -> None:
    name = signal.Signals(signum).name
    if _ABORT:
        return  # already ending: let the clean-up finish
    if signum == signal.SIGTERM and _PENDING:
        reason = _PENDING.pop()  # the breaker's reason, delivered as SIGTERM to the main thread
    else:
        reason = f"nhận tín hiệu {name} — received {name}"
    _ABORT.append(f"{reason} ({dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC)")
    raise pytest.exit.Exception(message(), returncode=EXIT_ABORTED)


_PENDING: list[str] = []


def abort(reason: str) -> None:
    """From any thread: abort the run for `reason` (the main thread gets it as a signal, which
    interrupts a blocking call there)."""
    if _ABORT or _PENDING:
        return
    _PENDING.append(reason)
    if signal.SIGTERM in _INSTALLED:
        signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)


def aborted() -> bool:
    return bool(_ABORT)


def message() -> str:
    return (f"dokiem: lượt chạy bị hủy, không ghi biên bản — run aborted, no record written: {_ABORT[0]}"
            if _ABORT else "")


def report() -> None:
    """Say why the run stopped (stderr: the terminal reporter may be gone)."""
    if _ABORT:
        print(message(), file=sys.stderr, flush=True)
