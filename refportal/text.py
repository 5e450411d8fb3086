"""Vietnamese text helpers: NFC for everything stored and shown, folding for search."""
from __future__ import annotations

import unicodedata


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Lower case without diacritics: "Đăng ký khai sinh" and "dang ky khai sinh" fold alike.

    NFD first splits every precomposed letter, so text in either normal form folds the same.
    đ/Đ carry no combining mark and are mapped by hand.
    """
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


def ascii_text(value: str) -> str:
    """Plain ASCII rendering of Vietnamese, for PDF base fonts and payment descriptions."""
    folded = "".join(c for c in unicodedata.normalize("NFD", value) if not unicodedata.combining(c))
    folded = folded.replace("đ", "d").replace("Đ", "D")
    return folded.encode("ascii", "replace").decode("ascii")
