"""The recorded observations of a clean refportal run, and small helpers to put one fault in them."""
from __future__ import annotations

import json
from pathlib import Path

RECORDED = Path(__file__).with_name("recorded")


def recorded(name: str) -> dict:
    """A fresh copy of recorded/<name>.json (browser_pages or public_pages)."""
    return json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))


def page(obs: dict, key: str, where: str = "pages") -> dict:
    pages = obs["mobile"]["pages"] if where == "mobile" else obs[where]
    return next(p for p in pages if p["key"] == key)


def journey(obs: dict, name: str) -> dict:
    return next(j for j in obs["journeys"] if j["name"] == name)


def axe_rule(rule_id: str, impact: str | None, nodes: int = 2, tags: list[str] | None = None) -> dict:
    return {"id": rule_id, "impact": impact, "tags": tags or ["wcag2aa", "wcag143"], "help": f"help of {rule_id}",
            "help_url": f"https://dequeuniversity.com/rules/axe/4.12/{rule_id}", "node_count": nodes,
            "nodes": [{"target": [f"#n{i}"], "html": f"<p id='n{i}'>…</p>", "summary": "Fix this", "impact": impact}
                      for i in range(nodes)]}
