"""The words every judge and scenario uses: one home for the outcome vocabulary, text and time.

A judge is a pure function of observations that
- returns quietly when the target did what the check asks (PASS);
- raises AssertionError, usually through `fail_if`, naming what a tester must look at (FAIL);
- raises `Inconclusive`, or lets `require` raise it, when what it needs was not observed (ERROR).

    problems = [f"hồ sơ {d['code']}: ..." for d in require(obs["dossiers"], "hồ sơ (dossiers)") if ...]
    fail_if(problems, "Hồ sơ sai mã", "dossiers with a wrong code")

Text from a target is compared in NFC with collapsed white space (`clean`, `comparable`), or
folded — lower case without diacritics, whatever its Unicode normal form (`fold`) — when a check
looks for words in a page. Observations are stamped with one clock: Vietnam time (UTC+7, the
time of the national portal's packets) to the millisecond.
"""
from __future__ import annotations

import datetime as dt
import unicodedata

from harness import Inconclusive
from harness.national import VIETNAM

__all__ = ["Inconclusive", "require", "fail_if", "FIRST", "AND_MORE", "AND_MORE_SEE_OBSERVATIONS",
           "nfc", "clean", "squeeze", "comparable", "strip_marks", "fold", "has_marks", "now", "iso", "now_iso"]

FIRST = 15  # problems named in one message; the rest are counted
# the line that counts the problems left out of a message
AND_MORE = "… và {n} vấn đề khác — and {n} more"
AND_MORE_SEE_OBSERVATIONS = AND_MORE + " (xem observations.json — see observations.json)"


# ------------------------------------------------------------------------- deciding

def require(population, what: str):
    """Checks judge over a non-empty population: nothing observed means the check cannot decide."""
    if not population:
        raise Inconclusive(f"không quan sát được {what} nào — no {what} observed: nothing to judge")
    return population


# ------------------------------------------------------------------------- failing with a list

def fail_if(problems: list[str], vi: str | None = None, en: str | None = None, *, first: int | None = FIRST,
            more: str = AND_MORE, bullet: str = "- ") -> None:
    """FAIL when there are problems: one AssertionError listing the first `first` of them and
    counting the rest with `more` (`{n}` is how many were left out).

    The headline is "vi — en:" when both are given, `vi` as written when only it is, and absent
    when neither is (the problems are then listed one per line, each a full sentence).
    """
    if not problems:
        return
    shown = problems if first is None else problems[:first]
    left_out = len(problems) - len(shown)
    if vi is None:
        lines = list(shown)
    else:
        headline = f"{vi} — {en}:" if en is not None else vi
        lines = [headline] + [f"{bullet}{p}" for p in shown]
    if left_out:
        lines.append(more.format(n=left_out))
    raise AssertionError("\n".join(lines))


# ------------------------------------------------------------------------- text

def nfc(value) -> str:
    return unicodedata.normalize("NFC", "" if value is None else str(value))


def clean(value) -> str:
    """NFC with white space collapsed: what 'the same text' means when comparing names."""
    return " ".join(nfc(value).split())


def squeeze(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def comparable(text) -> str:
    """NFC, single spaces, case folded: how a reader compares two names or addresses."""
    return squeeze(str(text if text is not None else "")).casefold()


def strip_marks(value) -> str:
    """Vietnamese without diacritics, case kept: "Đăng ký" -> "Dang ky" (from NFC or NFD alike)."""
    decomposed = unicodedata.normalize("NFD", "" if value is None else str(value))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D")


def fold(value) -> str:
    """Lower case, no diacritics, white space collapsed: for finding words in pages."""
    return " ".join(strip_marks(value).casefold().split())


def has_marks(value) -> bool:
    return strip_marks(value) != nfc(value)


# ------------------------------------------------------------------------- the clock

def now() -> dt.datetime:
    """The harness's clock, in Vietnam time."""
    return dt.datetime.now(VIETNAM)


def iso(moment: dt.datetime) -> str:
    """ISO 8601 with the offset, to the millisecond, e.g. 2026-11-24T09:30:00.123+07:00."""
    return moment.isoformat(timespec="milliseconds")


def now_iso() -> str:
    """When an observation was made (every suite stamps them alike; some compare them with the target's log)."""
    return iso(now())
