"""Vietnamese text as the catalogue, search and navigation checks compare it.

Text from a target is compared in NFC with collapsed white space (`clean`), or folded — lower case
without diacritics, whatever its Unicode normal form (`fold`) — when a check looks for words in
a page. Whether the target's text is NFC at all is judged elsewhere (api.json_utf8, a11y.nfc),
so one defect fails one family of checks.
"""
from __future__ import annotations

import unicodedata


def nfc(value) -> str:
    return unicodedata.normalize("NFC", "" if value is None else str(value))


def clean(value) -> str:
    """NFC with white space collapsed: what 'the same text' means when comparing names."""
    return " ".join(nfc(value).split())


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
