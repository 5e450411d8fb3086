"""Size of a run folder, by part: what a CI job would have to keep as its artefact.

    .venv/bin/python bench/run_size.py                    # a fresh `dokiem run --demo`, then its sizes
    .venv/bin/python bench/run_size.py DIR                # an existing run folder
    .venv/bin/python bench/run_size.py --keep /tmp/run    # keep the demo run's folder there

How it is measured: the sum of the files' sizes (what an archive or an artefact upload carries;
a hard link counts as many times as it appears), per top-level part of the folder, and inside
evidence/ and the Allure folders per kind of file (Playwright traces, screenshots, the rest).
The demo run builds the Allure report as `make run` does; the target is 40 MB in all.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_MB = 40
MB = 1024 * 1024


def kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".zip"):
        return "traces (.zip)"
    if name.endswith((".png", ".jpg", ".jpeg", ".webp")):
        return "images"
    return "other"


def sizes(folder: Path) -> tuple[dict[str, int], dict[str, dict[str, int]], dict[str, int]]:
    """(bytes per part, bytes per part and kind, files per part)."""
    by_part, by_kind, files = defaultdict(int), defaultdict(lambda: defaultdict(int)), defaultdict(int)
    for path in folder.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        part = path.relative_to(folder).parts[0]
        part = part + "/" if (folder / part).is_dir() else part
        size = path.stat().st_size
        by_part[part] += size
        by_kind[part][kind(path)] += size
        files[part] += 1
    return dict(by_part), {k: dict(v) for k, v in by_kind.items()}, dict(files)


def report(folder: Path) -> int:
    by_part, by_kind, files = sizes(folder)
    total = sum(by_part.values())
    print(f"{folder}")
    print(f"{'part':<24} {'MB':>9} {'files':>7}   by kind")
    for part, size in sorted(by_part.items(), key=lambda item: -item[1]):
        kinds = ", ".join(f"{k} {v / MB:.1f}" for k, v in sorted(by_kind[part].items(), key=lambda i: -i[1]) if v)
        print(f"{part:<24} {size / MB:9.2f} {files[part]:7d}   {kinds}")
    print(f"{'total':<24} {total / MB:9.2f} {sum(files.values()):7d}   "
          f"(target ≤ {TARGET_MB} MB: {'met' if total <= TARGET_MB * MB else 'NOT met'})")
    return 0 if total <= TARGET_MB * MB else 1


def demo_run(out: Path) -> None:
    started = time.monotonic()
    proc = subprocess.run([str(REPO / ".venv" / "bin" / "dokiem"), "run", "--demo", "--out", str(out)],
                          cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    print(f"dokiem run --demo: exit {proc.returncode}, {time.monotonic() - started:.0f} s")
    if not (out / "compliance.json").is_file():
        sys.exit(f"no run folder written: {proc.stderr.strip()[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", type=Path, help="an existing run folder (default: run the demo)")
    parser.add_argument("--keep", type=Path, help="with no DIR: keep the demo run's folder here")
    args = parser.parse_args()
    if args.dir:
        return report(args.dir)
    work = Path(tempfile.mkdtemp(prefix="dokiem-size-"))
    out = args.keep or work / "run"
    try:
        demo_run(out)
        return report(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
