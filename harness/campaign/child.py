"""`python -m harness.campaign.child run …`: one campaign run, stopped cleanly by SIGTERM.

A campaign stops a run with SIGTERM (its timeout), and the kernel sends SIGTERM when the worker
that started it dies (PR_SET_PDEATHSIG, set by execute.py). Turned into KeyboardInterrupt, it
makes pytest unwind like Ctrl+C: the run stops its simulator and reference portal and discards
its staging folder, so a lost run leaves no process and no half-written report behind.
"""
from __future__ import annotations

import signal
import sys


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    from harness.cli import main

    sys.exit(main(sys.argv[1:]))
