"""Refresh the SHA-256 of every evidence file named in profiles/refportal.attestations.yaml after
refportal/docs/ changed (a changed document invalidates the attestations that rest on it — read it
again before you commit the new hashes).

    python refportal/docs/refresh_hashes.py            # rewrite the hashes in place
    python refportal/docs/refresh_hashes.py --check    # exit 1 and list what is stale, change nothing

Only the sha256 values change; comments, order and layout of the file are kept.
"""
from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

ATTESTATIONS = Path(__file__).resolve().parents[2] / "profiles" / "refportal.attestations.yaml"
EVIDENCE = re.compile(r"\{path: (?P<path>[^,}]+), sha256: (?P<sha>[0-9a-fA-F]{64})\}")


def refresh(path: Path = ATTESTATIONS, check: bool = False) -> list[str]:
    """The evidence files whose hash was stale (rewritten unless check)."""
    text = path.read_text(encoding="utf-8")
    stale: list[str] = []

    def fresh(match: re.Match) -> str:
        file = (path.parent / match["path"].strip()).resolve()
        if not file.is_file():
            raise SystemExit(f"{path}: evidence file not found: {match['path']} — không có tệp bằng chứng")
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        if digest != match["sha"].lower() and match["path"] not in stale:
            stale.append(match["path"])
        return f"{{path: {match['path']}, sha256: {digest}}}"

    updated = EVIDENCE.sub(fresh, text)
    if stale and not check:
        path.write_text(updated, encoding="utf-8")
    return stale


if __name__ == "__main__":
    checking = "--check" in sys.argv[1:]
    changed = refresh(check=checking)
    for name in changed:
        print(("stale: " if checking else "updated: ") + name)
    sys.exit(1 if checking and changed else 0)
