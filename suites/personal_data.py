"""Personal data in every common spelling, searched in raw answers (HTML with its attributes,
hidden inputs, comments and scripts; JSON as sent, escapes and all).

A disclosure check knows the applicant's data as dokiem entered it or as the account holds it; a
target may print it otherwise: a birth date as 15/03/1990 or 1990-03-15, a phone as 0912 345 601
or +84 912 345 601, a name without its diacritics, in NFD, upper case, or as HTML entities. The
judges ask `leaks(raw, known)` and get each piece found with the spelling that gave it away.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re
import unicodedata

from harness.judging import fold  # lower case, no diacritics (đ → d), single spaces

# what dokiem may know of an applicant (profile accounts' `known`, what it typed in forms)
KINDS = ("full_name", "id_number", "birth_date", "phone", "email", "address")
DIGIT_KINDS = ("phone", "id_number")
SEPARATORS = re.compile(r"[\s.\-()/]")
MIN_LENGTH = 4  # shorter values (a one-word name, a house number) would be found by chance


def _nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def phone_spellings(value: str) -> list[str]:
    """Digits of a Vietnamese phone number in the national (0…) and international (84…, +84…) forms."""
    digits = re.sub(r"\D", "", str(value))
    national = "0" + digits[2:] if digits.startswith("84") and len(digits) >= 11 else digits
    if not national:
        return []
    forms = [national]
    if national.startswith("0"):
        forms += ["84" + national[1:]]
    return forms


def date_spellings(value: str) -> list[str]:
    """A date as ISO and as Vietnamese write it (dd/mm/yyyy, d/m/yyyy, with - or .; "ngày … tháng … năm …")."""
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        match = re.fullmatch(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*", str(value))
        if not match:
            return [str(value)]
        day = dt.date(int(match[3]), int(match[2]), int(match[1]))
    d, m, y = day.day, day.month, day.year
    forms = [day.isoformat(), f"{y}/{m:02d}/{d:02d}"]
    for sep in "/-.":
        forms += [f"{d:02d}{sep}{m:02d}{sep}{y}", f"{d}{sep}{m}{sep}{y}"]
    forms += [f"ngày {d:02d} tháng {m:02d} năm {y}", f"ngày {d} tháng {m} năm {y}"]
    return list(dict.fromkeys(forms))


def spellings(kind: str, value: str) -> list[str]:
    """The forms of one piece of personal data a page or answer may carry (compared as `found` does)."""
    if kind == "phone":
        return phone_spellings(value)
    if kind == "id_number":
        return [re.sub(r"\D", "", str(value))] if re.sub(r"\D", "", str(value)) else [str(value)]
    if kind == "birth_date":
        return date_spellings(value)
    return list(dict.fromkeys([_nfc(value), fold(value)]))


def haystacks(raw: str) -> list[str]:
    """The raw answer as it came, with HTML entities resolved, and — for JSON — decoded again
    without escapes (\\u1ec5): every place a value may hide, the markup included."""
    text = str(raw or "")
    variants = [text, html.unescape(text)]
    try:
        variants.append(json.dumps(json.loads(text), ensure_ascii=False))
    except ValueError:
        pass
    return variants


def found(raw: str, kind: str, value: str) -> str | None:
    """The spelling of `value` that `raw` contains, or None."""
    if value is None or len(str(value).strip()) < MIN_LENGTH:
        return None
    for text in haystacks(raw):
        if kind in DIGIT_KINDS:
            flat = SEPARATORS.sub("", text)
            hit = next((s for s in spellings(kind, value) if len(s) >= MIN_LENGTH and s in flat), None)
        elif kind == "birth_date":
            squeezed = _nfc(text)
            hit = next((s for s in spellings(kind, value) if s.casefold() in squeezed), None)
        else:
            nfc, folded = _nfc(text), fold(text)
            exact, plain = spellings(kind, value)[0], fold(value)
            hit = exact if _word_in(exact, nfc) else (plain if plain and _word_in(plain, folded) else None)
        if hit:
            return hit
    return None


def _word_in(needle: str, text: str) -> bool:
    """`needle` in `text`, not inside a longer word (Nguyễn Văn An is not in Nguyễn Văn Anh)."""
    return bool(needle) and re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", text) is not None


def leaks(raw: str, known: list[tuple[str, str]]) -> list[str]:
    """Each (kind, value) `raw` discloses, as "kind 'value' (as 'spelling')"."""
    out = []
    for kind, value in known:
        hit = found(raw, kind, value)
        if hit:
            out.append(f"{kind} '{value}'" + (f" (dạng — as '{hit}')" if hit != str(value) else ""))
    return out
