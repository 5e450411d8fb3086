"""The Công văn 3386 figures over a real-sized catalogue: the harness's own time (no target) to
read 2,000 listed procedures into the "Số liệu chung" table by tier and to draw the run's sample.
The target's own latency (listing pages) is not included: it is the portal's, not dokiem's."""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # suites/ is not an installed package
from suites.catalogue import procedures, tables  # noqa: E402

EDITION = REPO / "criteria" / "cv255-2018" / "edition.yaml"
TIERS = ("Sở Tư pháp tỉnh An Bình", "UBND huyện Đông Sơn", "UBND xã Tân Phú", "UBND phường 3")


def catalogue(n: int) -> list[dict]:
    rnd = random.Random(3386)
    entries = []
    for i in range(n):
        level = rnd.choice((2, 3, 3, 4, 4))
        entries.append({"code": f"1.{i:06d}.000.00.00.H29", "name": f"Thủ tục số {i}", "level": level,
                        "online_mode": {4: "toan_trinh", 3: "mot_phan"}.get(level),
                        "agency_code": "000.00.01.H29", "agency_name": rnd.choice(TIERS), "sector_code": f"S{i % 40}"})
    return entries


def main(n: int = 2000) -> None:
    model = yaml.safe_load(EDITION.read_text(encoding="utf-8"))["service_levels"]
    entries = catalogue(n)
    start, cpu = time.perf_counter(), time.process_time()
    rows = tables.general_figures(entries, model)
    chosen = procedures.sample(entries, 5, "20261207-000000-bench", [])
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    print(f"{n} procedures: Số liệu chung {len(rows) - 1} tiers + total, sample {len(chosen)}; "
          f"{wall * 1000:.1f} ms wall, {used * 1000:.1f} ms CPU (target latency excluded)")
    print("total row:", rows[-1])


if __name__ == "__main__":
    main()
