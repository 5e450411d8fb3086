"""Redaction for everything report/ writes, and the last sweep over the output folder.

Every string of compliance.json, the HTML record, the Allure results and the CSV tables passes
through `scrub` (Redactor.text on each string) before it is written. Two things differ from
Redactor.data: keys are never used to mask values (our own keys such as `pass_rule` and
`pass_mark_percent` look like password fields to it), and machine identifiers — SHA-256 digests,
UUIDs, Allure attachment names — are kept whole (they can hold a run of 12 digits that the
citizen-ID rule would mask, breaking a hash or a file name).
`sweep` is the safety net after writing: no file, and no member of a zip archive (Playwright
traces), may still hold a secret the run registered.
"""
from __future__ import annotations

import io
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

from harness.evidence import Redactor

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
    if not any(secret in data for _, data in members for secret in secrets):
        return []
    warnings = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if any(secret in data for secret in secrets):
                cleaned = redacted_bytes(data, redactor)
                if cleaned is None or any(secret in cleaned for secret in secrets):
                    warnings.append(f"{path.name}:{info.filename}: bỏ phần chứa bí mật — member dropped, "
                                    "it held a secret")
                    continue
                data = cleaned
            archive.writestr(info, data)
    path.write_bytes(buffer.getvalue())
    return warnings


def sweep(root: Path, redactor: Redactor) -> list[str]:
    """Remove every registered secret left in files under root (zip members too); returns warnings.

    Text files are redacted in place; a binary file holding a secret is deleted (it cannot be
    redacted), with a warning naming it.
    """
    secrets = _secrets(redactor)
    if not secrets:
        return []
    warnings = []
    for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
        data = path.read_bytes()
        if _is_zip(path):
            warnings += _sweep_zip(path, redactor)
            continue
        if not any(secret in data for secret in secrets):
            continue
        cleaned = redacted_bytes(data, redactor)
        if cleaned is None:
            path.unlink()
            warnings.append(f"{path.relative_to(root).as_posix()}: đã xóa, tệp nhị phân chứa bí mật — deleted: "
                            "a binary file held a secret")
        else:
            path.write_bytes(cleaned)
            warnings.append(f"{path.relative_to(root).as_posix()}: đã che bí mật còn sót — a secret left in "
                            "this file was masked")
    return warnings
