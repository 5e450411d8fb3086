"""Refresh the recorded observations the proofs under tests/suites/ replay.

    .venv/bin/python -m pytest suites/catalogue suites/search suites/navigation suites/api --demo --out /tmp/run
    .venv/bin/python tests/suites/trim_recordings.py /tmp/run

Copies each scenario's observations.json from a clean refportal run into
tests/suites/<topic>/recorded/, without what no judge reads (page links, long texts, the
deepest crawled pages), so the recordings stay small. The proofs then need their expectations
checked against the new sample (it is seeded by the run id).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIOS = {"catalogue": "catalogue_sample", "search": "search_probe", "navigation": "crawl", "api": "api_probe"}


def trim_catalogue(obs: dict) -> dict:
    for proc in obs["procedures"]:
        proc["page"].pop("links", None)
    return obs


def trim_navigation(obs: dict) -> dict:
    crawl = obs["crawl"]
    keep = max(1, crawl["max_clicks"] - 2)  # links of the pages nearer than the targets (depth ≤ 2) are enough
    for page in crawl["pages"]:
        if page["depth"] > keep:
            page["links"] = []
        page["links"] = [link for link in page["links"] if "/bieu-mau/" not in link]
    crawl["unvisited"] = crawl["unvisited"][:20]
    return obs


def trim_api(obs: dict) -> dict:
    obs["answers"] = obs["answers"][:3]
    return obs


def main(run: Path) -> None:
    for topic, scenario in SCENARIOS.items():
        data = json.loads((run / "evidence" / f"scenario-{scenario}" / "observations.json").read_text(encoding="utf-8"))
        data = {"catalogue": trim_catalogue, "navigation": trim_navigation, "api": trim_api}.get(topic, lambda d: d)(data)
        target = HERE / topic / "recorded" / "observations.json"
        target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"{target.relative_to(HERE)}: {target.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
