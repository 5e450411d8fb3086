"""Two small rules for the files a run writes and seals: their names and their SHA-256."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str | None, default: str) -> str:
    """A file or folder name safe on every file system: runs of other characters become '_',
    and a name left empty (or only dots and underscores) becomes `default`."""
    return _UNSAFE.sub("_", name or "").strip("._") or default


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks (evidence files can be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
