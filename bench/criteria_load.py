"""How long loading and fully validating the default edition takes (cold and warm)."""
from __future__ import annotations

import time
from pathlib import Path

from harness import criteria

CRITERIA = Path(__file__).resolve().parent.parent / "criteria"


def main() -> None:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        edition = criteria.load_edition(CRITERIA)
        runs.append(time.perf_counter() - start)
    print(f"edition {edition.id}: {len(edition.criteria)} criteria, {len(edition.check_ids())} checks named")
    print(f"load + validate: first {runs[0] * 1000:.0f} ms, then median {sorted(runs[1:])[len(runs[1:]) // 2] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
