"""manifest.sha256 of an output folder, and `dokiem verify DIR`.

The manifest lists `<sha256>  <path>` (sha256sum's format, paths relative to the folder, sorted)
for every file under the folder except the manifest itself, so `sha256sum -c manifest.sha256`
works too. A manifest cannot hold its own hash; its last line is a comment that GNU sha256sum
ignores, `# dokiem-manifest <sha256 of the lines above>`, so an edit to the manifest itself is
caught as well. This is a checksum, not a signature: whoever can rewrite the folder can rewrite
the manifest. The tester therefore writes the SHA-256 of manifest.sha256 on the signed record
(`sha256sum manifest.sha256`), which binds the paper to every file.

`dokiem verify DIR` exits 0 ("OK n files"), 1 naming every changed, added and missing file, or 2
when DIR or its manifest does not exist.
"""
from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from harness.exitcodes import ExitCode
from harness.files import file_sha256

MANIFEST = "manifest.sha256"
SELF_TAG = "# dokiem-manifest "


EVIDENCE_MANIFEST = "evidence.sha256"
SIGNATURE = MANIFEST + ".p7s"   # dokiem sign: detached CMS signature of the manifest, outside it
# The record and its annex print the SHA-256 of evidence.sha256, so evidence.sha256 cannot list them
RECORD_FILES = ("compliance.html", "compliance-annex.html", "compliance.pdf", "compliance-annex.pdf")


def _walk(folder: Path) -> tuple[list[str], list[str]]:
    """Regular files under the folder (but the manifest), and symbolic links, which are never
    followed: a link could make a file outside the run folder pass for part of the record."""
    files, links = [], []
    for root, dirs, names in os.walk(folder, followlinks=False):
        here = Path(root)
        for name in dirs + names:
            path = here / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                links.append(rel)
            elif name in names and path.is_file() and rel != MANIFEST:
                files.append(rel)
    return sorted(files), sorted(links)


def _files(folder: Path, skip: tuple[str, ...] = ()) -> list[str]:
    return [rel for rel in _walk(folder)[0] if rel not in (SIGNATURE, *skip)]


def write_manifest(folder: Path, name: str = MANIFEST) -> Path:
    """Write <folder>/manifest.sha256 over every other file in it; return its path. With
    name=EVIDENCE_MANIFEST: evidence.sha256 over every file but the record documents."""
    folder = Path(folder)
    skip = (EVIDENCE_MANIFEST, *RECORD_FILES) if name == EVIDENCE_MANIFEST else ()
    body = "".join(f"{file_sha256(folder / rel)}  {rel}\n" for rel in _files(folder, skip))
    seal = hashlib.sha256(body.encode("utf-8")).hexdigest()
    path = folder / name
    path.write_text(f"{body}{SELF_TAG}{seal}\n", encoding="utf-8", newline="\n")
    return path


@dataclass
class Verification:
    files: int = 0
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # symbolic links: not followed, never part of a record

    @property
    def ok(self) -> bool:
        return not (self.changed or self.added or self.missing or self.links)


class ManifestMissing(Exception):
    pass


def verify_folder(folder: Path) -> Verification:
    """Compare the folder with its manifest; raise ManifestMissing when there is nothing to compare."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not folder.is_dir():
        raise ManifestMissing(f"{folder}: không có thư mục này — no such folder")
    if path.is_symlink() or not path.is_file():
        raise ManifestMissing(f"{path}: không có tệp kê khai — no manifest in this folder")
    result = Verification()
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    lines = text.splitlines(keepends=True)
    listed: dict[str, str] = {}
    manifest_ok = bool(lines) and lines[-1].startswith(SELF_TAG)
    if manifest_ok:
        body = "".join(lines[:-1])
        manifest_ok = hashlib.sha256(body.encode("utf-8")).hexdigest() == lines[-1][len(SELF_TAG):].strip()
    for line in lines:
        if line.startswith("#"):
            continue
        digest, sep, rel = line.rstrip("\n").partition("  ")
        if not sep or len(digest) != 64:
            manifest_ok = False
            continue
        listed[rel] = digest
    if not manifest_ok:
        result.changed.append(MANIFEST)
    present, result.links = _walk(folder)
    present = [rel for rel in present if rel != SIGNATURE]  # the signature signs the manifest, outside it
    for rel in present:
        if rel not in listed:
            result.added.append(rel)
        elif file_sha256(folder / rel) != listed[rel]:
            result.changed.append(rel)
    result.missing = sorted(set(listed) - set(present))
    result.files = len(listed)
    return result


def command(folder: Path) -> int:
    """`dokiem verify DIR`: print the result, return the exit code."""
    try:
        result = verify_folder(folder)
    except ManifestMissing as exc:
        print(f"dokiem verify: {exc}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    if result.ok:
        print(f"OK {result.files} files — {result.files} tệp khớp tệp kê khai (every file matches {MANIFEST})")
        return ExitCode.OK
    for label, paths in (("đã thay đổi — changed", result.changed), ("thêm vào — added", result.added),
                         ("bị mất — missing", result.missing),
                         ("liên kết tượng trưng, không theo — symbolic link, not followed", result.links)):
        for rel in paths:
            print(f"{label}: {rel}")
    total = len(result.changed) + len(result.added) + len(result.missing) + len(result.links)
    print(f"dokiem verify: {total} tệp không khớp — {total} file(s) do not match {MANIFEST}; "
          "this folder is not the record that was written", file=sys.stderr)
    return ExitCode.FAILED
