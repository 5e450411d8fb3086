"""Reading what a target hands out: printable forms (HTML, PDF, DOCX) as text, dates in Vietnamese
text, and values compared the way a reader would (Unicode NFC, spacing and case ignored).

Pure functions: the scenario uses them to turn a document into text once, the judges to compare.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import unicodedata
import zipfile
from html.parser import HTMLParser

from harness.judging import comparable, now_iso, squeeze  # noqa: F401 - the scenario stamps with documents.now_iso
from harness.national import VIETNAM, parse_packet_time

MAX_TEXT = 20_000  # a form is a page or two; more is kept out of the observations


# ------------------------------------------------------------------------- text of a document

class _TextOf(HTMLParser):
    SKIP = {"script", "style", "head", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in ("br", "p", "div", "li", "tr", "dt", "dd", "h1", "h2", "h3", "td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def html_text(markup: str) -> str:
    parser = _TextOf()
    parser.feed(markup)
    parser.close()
    return squeeze(" ".join(parser.parts))


def _pdf_strings(data: bytes) -> str:
    # Only literal strings of uncompressed content streams; enough for codes and ASCII dates.
    found = re.findall(rb"\(((?:\\.|[^\\)])*)\)", data)
    return " ".join(s.decode("latin-1").replace("\\(", "(").replace("\\)", ")").replace("\\\\", "\\") for s in found)


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8", errors="replace")
    return html.unescape(re.sub(r"<[^>]+>", " ", xml))


def document_text(content: bytes, content_type: str = "") -> str:
    """The readable text of a form the target printed (HTML, plain text, PDF or DOCX), NFC."""
    ctype = (content_type or "").lower()
    try:
        if content.startswith(b"%PDF") or "pdf" in ctype:
            text = _pdf_strings(content)
        elif content.startswith(b"PK") and ("word" in ctype or "officedocument" in ctype or "zip" in ctype or not ctype):
            text = _docx_text(content)
        else:
            raw = content.decode("utf-8", errors="replace")
            text = html_text(raw) if ("html" in ctype or "<html" in raw[:2000].lower() or "<body" in raw.lower()) else raw
    except (zipfile.BadZipFile, KeyError, ValueError):
        text = content.decode("utf-8", errors="replace")
    return squeeze(text)[:MAX_TEXT]


# ------------------------------------------------------------------------- comparing values

def as_text(data) -> str:
    """An answer as text to search in: bytes decoded, JSON written with Vietnamese kept as is."""
    if data is None:
        return ""
    if isinstance(data, (bytes, bytearray)):
        return bytes(data).decode("utf-8", errors="replace")
    if isinstance(data, str):
        return data
    return json.dumps(data, ensure_ascii=False, default=str)


def contains(haystack, needle) -> bool:
    needle = comparable(needle)
    return bool(needle) and needle in comparable(haystack)


def digits(text) -> str:
    return re.sub(r"\D", "", str(text or ""))


def phone_digits(text) -> str:
    """A Vietnamese phone number's digits in the national form (+84 912… → 0912…)."""
    value = digits(text)
    return "0" + value[2:] if value.startswith("84") and len(value) >= 11 else value


# ------------------------------------------------------------------------- dates and times

_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_WORDS = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.IGNORECASE)
_PACKED = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})\d{6}(?!\d)")  # yyyyMMddHHmmss


def dates_in(text: str) -> list[dt.date]:
    """Every calendar date written in the text (dd/mm/yyyy, yyyy-mm-dd, "ngày … tháng … năm …")."""
    found = []
    text = unicodedata.normalize("NFC", text or "")
    for match in _DMY.finditer(text):
        found.append((int(match.group(3)), int(match.group(2)), int(match.group(1))))
    for match in _WORDS.finditer(text):
        found.append((int(match.group(3)), int(match.group(2)), int(match.group(1))))
    for pattern in (_YMD, _PACKED):
        for match in pattern.finditer(text):
            found.append((int(match.group(1)), int(match.group(2)), int(match.group(3))))
    dates = []
    for year, month, day in found:
        try:
            dates.append(dt.date(year, month, day))
        except ValueError:
            continue
    return sorted(set(dates))


def parse_time(value) -> dt.datetime | None:
    """An ISO 8601 time (a naive one read as Việt Nam time), yyyyMMddHHmmss, or dd/mm/yyyy [HH:MM]."""
    if value is None or isinstance(value, (bool, int, float)) and not isinstance(value, str):
        return None
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{14}", text):  # kept as the gate: \d and str.isdigit() accept different characters
        return parse_packet_time(text)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?", text)
        if not match:
            match = re.fullmatch(r"(?:(\d{1,2}):(\d{2})\s+)(\d{1,2})/(\d{1,2})/(\d{4})", text)
            if not match:
                return None
            hour, minute, day, month, year = (int(g) for g in match.groups())
            return _safe(year, month, day, hour, minute, 0)
        day, month, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        hour, minute, second = (int(match.group(i) or 0) for i in (4, 5, 6))
        return _safe(year, month, day, hour, minute, second)
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


def _safe(*parts) -> dt.datetime | None:
    try:
        return dt.datetime(*parts, tzinfo=VIETNAM)
    except ValueError:
        return None


def local_date(value) -> dt.date | None:
    """The calendar date of a time in Việt Nam (what a code's YYMMDD and a printed form show)."""
    moment = parse_time(value)
    return moment.astimezone(VIETNAM).date() if moment else None


def parse_date(value) -> dt.date | None:
    """A date of birth or a day: yyyy-mm-dd, dd/mm/yyyy or a full time."""
    if value is None:
        return None
    text = str(value).strip()
    found = dates_in(text)
    if len(found) == 1:
        return found[0]
    return local_date(text)
