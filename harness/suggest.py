""""Did you mean …?" for a mistyped criterion id, command or option."""
from __future__ import annotations

import difflib
from typing import Iterable


def close_matches(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The nearest choices; criterion ids compare without case, so 'gen-1' finds GEN-01."""
    choices = list(dict.fromkeys(choices))
    by_key = {c.upper(): c for c in choices}
    found = difflib.get_close_matches(word.upper(), list(by_key), n=n, cutoff=0.6)
    return [by_key[f] for f in found]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' — có phải: GEN-01? (did you mean GEN-01?)', or '' when nothing is close."""
    found = close_matches(word, choices)
    if not found:
        return ""
    names = ", ".join(found)
    return f" — có phải: {names}? (did you mean {names}?)"
