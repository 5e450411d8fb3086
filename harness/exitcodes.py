"""The exit codes of every dokiem command: one contract, written once (README, "Exit codes").

0 certified · 1 not certified · 2 bad input · 3 target unreachable / run aborted · 4 automated all
pass but manual pending. Commands that do not certify (verify, criteria coverage --strict) use the
same numbers for the same ideas: 0 all is well, 1 the thing checked is not as it should be, 2 the
input could not be read.
"""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    CERTIFIED = 0
    NOT_CERTIFIED = 1
    BAD_INPUT = 2
    UNREACHABLE = 3  # the target (or a service the run needs) does not answer; the run was aborted
    MANUAL_PENDING = 4  # every automated check passes, manual criteria still need attestations

    # the same numbers, named for commands that do not certify
    OK = 0
    FAILED = 1
