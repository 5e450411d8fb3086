"""Vietnamese text on pages: Unicode NFC (TCVN 6909) and traces of legacy encodings.

Pure functions over text, used by the judges; no I/O.

Legacy encodings (TCVN3 "ABC", VNI) survive on old portals as text typed with a legacy keyboard
driver and shown through a legacy font, or converted wrongly to Unicode. Either way the text that
reaches the browser is Latin-1 letters and symbols *inside words*, where no Vietnamese word has
them:

    TCVN3:  "Céng hßa x· héi chñ nghÜa ViÖt Nam"   (ß, ñ, Ü, Ö)
    VNI:    "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"   (ä, ø, û)
    UTF-8 read as Windows-1252: "Viá»‡t Nam"          (», ‡)

The heuristic: take each whitespace-separated word without the punctuation around it; the word
is suspect when it has at least two ordinary letters and at least one suspect character. Suspect
characters are the Latin-1 range U+00A1–U+00FF without the letters Vietnamese uses (à á â ã è é
ê ì í ò ó ô õ ù ú ý and capitals) and without symbols ordinary text puts beside words (« » ° ©
® · × ÷ ± § ¿ ¡, currency signs), plus the Windows-1252 letters and marks a double-decoded UTF-8
byte turns into; those ordinary symbols and curly quotes count too when they sit *inside* a word.
A page is flagged when it has at least `MIN_SUSPECT_WORDS` distinct suspect words, so a lone
"Müller" or "naïve" does not flag it; a page quoting several German or French words would be a
false alarm, which the message lets a tester see (it lists the words). Legacy font families in
the page's CSS (".VnTime", "VNI-Times", …) are a second, independent sign.
"""
from __future__ import annotations

import re
import unicodedata

VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
NEUTRAL_SYMBOLS = set("«»°©®·×÷±§¿¡¢£¤¥\u00a0\u00ad")  # NBSP and soft hyphen are ordinary too
CP1252_EXTRAS = set("€‚ƒ„†‡ˆ‰Š‹ŒŽ‘’“”•˜™š›œžŸ") - set("‘’“”•")  # quotes and bullets are ordinary
SUSPECT = {chr(c) for c in range(0xA1, 0x100)} - VIETNAMESE_LATIN1 - NEUTRAL_SYMBOLS | CP1252_EXTRAS
INSIDE_ONLY = NEUTRAL_SYMBOLS | set("‘“”•")  # ordinary beside a word, suspect inside one ("Viá»‡t")
MIN_SUSPECT_WORDS = 3  # part of the heuristic (see above), not a conformance threshold
LEGACY_FONT = re.compile(r"(^|[\s,'\"])(\.vn[a-z]+|vni[- ][a-z]+)", re.I)  # .VnTime, .VnArial, VNI-Times


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def non_nfc_words(text: str, limit: int = 10) -> list[str]:
    """Words of `text` that change under NFC (decomposed letters such as "Vie\\u0302\\u0323t")."""
    found: list[str] = []
    for word in re.split(r"\s+", text):
        if word and not unicodedata.is_normalized("NFC", word) and word not in found:
            found.append(word)
            if len(found) >= limit:
                break
    return found


def _core(token: str) -> str:
    """A whitespace-separated token without the punctuation around it ("(Việt)," -> "Việt")."""
    start, end = 0, len(token)
    while start < end and unicodedata.category(token[start])[0] not in "LN":
        start += 1
    while end > start and unicodedata.category(token[end - 1])[0] not in "LN":
        end -= 1
    return token[start:end]


def _is_suspect_word(word: str) -> bool:
    clean_letters = sum(1 for c in word if c.isalpha() and c not in SUSPECT)
    return clean_letters >= 2 and any(c in SUSPECT or c in INSIDE_ONLY for c in word)


def legacy_suspect_words(text: str, limit: int = 10) -> list[str]:
    """Distinct words that look like TCVN3, VNI or double-decoded UTF-8 (see the module docstring)."""
    found: list[str] = []
    for token in unicodedata.normalize("NFC", text).split():
        word = _core(token)
        if word and word not in found and _is_suspect_word(word):
            found.append(word)
            if len(found) >= limit:
                break
    return found


def looks_legacy(text: str) -> bool:
    return len(legacy_suspect_words(text, limit=MIN_SUSPECT_WORDS)) >= MIN_SUSPECT_WORDS


def legacy_fonts(font_families: list[str]) -> list[str]:
    """The CSS font-family values that name a TCVN3 or VNI font."""
    return sorted({f for f in font_families if f and LEGACY_FONT.search(f)})
