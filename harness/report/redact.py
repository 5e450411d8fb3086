"""Redaction for everything report/ writes, and the last sweep over the output folder.

Every string of compliance.json, the HTML record, the Allure results and the CSV tables passes
through `scrub` (Redactor.text on each string) before it is written. Two things differ from
Redactor.data: keys are never used to mask values (our own keys such as `pass_rule` and
`pass_mark_percent` look like password fields to it), and machine identifiers — SHA-256 digests,
UUIDs, Allure attachment names — are kept whole (they can hold a run of 12 digits that the
citizen-ID rule would mask, breaking a hash or a file name).
`sweep` is the safety net after writing: no file, and no member of a zip archive (Playwright
traces), may still hold a secret the run registered (cookie and anti-forgery values the target
set included: harness.target_secrets) or a 12-digit citizen ID — also files that nothing of
dokiem wrote itself, such as allure-pytest's results in allure-raw/.
"""
from __future__ import annotations

import io
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

from harness.evidence import MASK, Redactor

CITIZEN_MASK = "[CCCD/CMND ĐÃ CHE]"

IDENTIFIER = re.compile(r"[0-9a-fA-F]{64}"
                        r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                        r"|[0-9a-f]{32}-attachment(\.[A-Za-z0-9]{1,8})?")


def scrub(redactor: Redactor, value: Any) -> Any:
    """A copy of a JSON-like value with every string (keys too) redacted; identifiers kept."""
    if isinstance(value, str):
        if IDENTIFIER.fullmatch(value) and value not in redactor.secrets:
            return value
        # Vietnamese text is written NFC (TCVN 6909); redact before and after, so a secret
        # registered in either form cannot slip through the normalisation
        return redactor.text(unicodedata.normalize("NFC", redactor.text(value)))
    if isinstance(value, dict):
        return {scrub(redactor, k) if isinstance(k, str) else k: scrub(redactor, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(redactor, v) for v in value]
    return value


# A citizen ID standing on its own: not a run of digits inside a hash, a UUID or a file name
# (a letter, digit, '.', '-' or '_' beside it), which masking would break.
LONE_CITIZEN_ID = re.compile(r"(?<![0-9A-Za-z.\-_])\d{12}(?![0-9A-Za-z_])")


LONE_CITIZEN_ID_BYTES = re.compile(LONE_CITIZEN_ID.pattern.encode("ascii"))
CODE_SUFFIXES = {".js", ".mjs", ".cjs", ".css", ".map", ".wasm"}  # the Allure viewer's own code: numbers there are code


def sweep_text(text: str, redactor: Redactor, citizen_ids: bool = True) -> str:
    """Registered secrets (longest first) and lone citizen IDs masked; identifiers kept whole."""
    for secret in sorted(redactor.secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return LONE_CITIZEN_ID.sub(CITIZEN_MASK, text) if citizen_ids else text


def _needs_sweep(data: bytes, secrets: list[bytes], citizen_ids: bool) -> bool:
    """A cheap look at the bytes first: most files and trace members hold nothing to mask."""
    if any(secret in data for secret in secrets):
        return True
    # citizen IDs are looked for in text only: screenshots and fonts (a NUL byte early on) are skipped
    return citizen_ids and b"\x00" not in data[:8192] and bool(LONE_CITIZEN_ID_BYTES.search(data))


def _secrets(redactor: Redactor) -> list[bytes]:
    return [s.encode("utf-8") for s in redactor.secrets if s]


def _decode(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def redacted_bytes(data: bytes, redactor: Redactor) -> bytes | None:
    """Text is redacted; binary is returned as is unless it holds a secret (then None: do not write it)."""
    text = _decode(data)
    if text is not None:
        return redactor.text(text).encode("utf-8")
    if any(secret in data for secret in _secrets(redactor)):
        return None
    return data


def copy_redacted(src: Path, dst: Path, redactor: Redactor) -> str | None:
    """Copy a file, redacting text; refuse binary that holds a secret. Returns a warning or None."""
    data = Path(src).read_bytes()
    if _is_zip(src):
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        warnings = _sweep_zip(dst, redactor)
        return "; ".join(warnings) or None
    out = redacted_bytes(data, redactor)
    if out is None:
        return (f"không chép {src.name}: tệp nhị phân chứa bí mật — not copied: binary file {src} "
                "holds a secret the run registered")
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(out)
    return None


def _is_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            archive.infolist()
        return True
    except (zipfile.BadZipFile, OSError):
        return False


def _sweep_zip(path: Path, redactor: Redactor) -> list[str]:
    secrets = _secrets(redactor)
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    changed, warnings, kept = False, [], []
    for info, data in members:
        citizen_ids = Path(info.filename).suffix.lower() not in CODE_SUFFIXES
        if not _needs_sweep(data, secrets, citizen_ids):
            kept.append((info, data))
            continue
        text = _decode(data)
        if text is None:
            if any(secret in data for secret in secrets):  # binary holding a secret: dropped
                warnings.append(f"{path.name}:{info.filename}: bỏ phần chứa bí mật — member dropped, "
                                "it held a secret")
                changed = True
                continue
        else:
            cleaned = sweep_text(text, redactor, citizen_ids)
            if cleaned != text:
                data, changed = cleaned.encode("utf-8"), True
        kept.append((info, data))
    if not changed:
        return []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in kept:
            archive.writestr(info, data)
    path.write_bytes(buffer.getvalue())
    return warnings


def sweep(root: Path, redactor: Redactor) -> list[str]:
    """Mask every registered secret and lone citizen ID left in files under root (zip members
    too); returns warnings. Text files are redacted in place; a binary file holding a secret is
    deleted (it cannot be redacted), with a warning naming it."""
    secrets = _secrets(redactor)
    warnings = []
    for path in sorted(p for p in Path(root).rglob("*") if p.is_file() and not p.is_symlink()):
        data = path.read_bytes()
        if _is_zip(path):
            warnings += _sweep_zip(path, redactor)
            continue
        citizen_ids = path.suffix.lower() not in CODE_SUFFIXES
        if not _needs_sweep(data, secrets, citizen_ids):
            continue
        held_secret = any(secret in data for secret in secrets)
        text = _decode(data)
        if text is None:
            if held_secret:
                path.unlink()
                warnings.append(f"{path.relative_to(root).as_posix()}: đã xóa, tệp nhị phân chứa bí mật — deleted: "
                                "a binary file held a secret")
            continue
        cleaned = sweep_text(text, redactor, citizen_ids)
        if cleaned != text:
            path.write_bytes(cleaned.encode("utf-8"))
            if held_secret:
                warnings.append(f"{path.relative_to(root).as_posix()}: đã che bí mật còn sót — a secret left in "
                                "this file was masked")
    return warnings
