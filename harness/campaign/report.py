"""The campaign's report: every target's record summed up, compared with the previous campaign.

campaign.json is the source; campaign.html, junit.xml and summary.md are views of it. A row is
a target: its status (OK: the run wrote its record; ERROR: it did not, with the reason), the
targets × sections matrix (the worst verdict of the section's selected criteria, the section's
score, the edition's grade overall), the failing criteria, and the change since the previous
campaign of the same name in --history (criteria that lost a PASS are regressions, `dokiem diff`'s
rule). Exit code: 3 when a target has no record (unreachable, stopped, not run), else 1 on any
regression, else 0.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from xml.etree import ElementTree as ET

import jinja2

from harness.diff import RANK, compare

FORMAT = "dokiem-campaign/1"
FAILING = ("FAIL", "ATTESTED_FAIL")
TEMPLATE = Path(__file__).with_name("campaign.html.j2")


def summarise_record(out: Path) -> dict | None:
    """What the campaign keeps of one run's compliance.json (None when there is none)."""
    file = Path(out) / "compliance.json"
    if not file.is_file():
        return None
    doc = json.loads(file.read_text(encoding="utf-8"))
    selected = [c for c in doc["criteria"] if c["selected"]]
    by_section: dict[int, list[str]] = {}
    for c in selected:
        by_section.setdefault(c["section"], []).append(c["verdict"])
    percents = {s["key"]: s["percent"] for s in doc["scores"]["sections"]}
    overall = doc["scores"]["overall"]
    return {
        "run_id": doc["run"]["id"], "edition": doc["edition"]["id"], "partial": doc["run"]["partial"],
        "certified": doc["certification"]["certified"], "exit_code": doc["exit_code"],
        "percent": overall["percent"], "grade": overall["grade"],
        "sections": {str(key): {"verdict": max(verdicts, key=RANK.__getitem__), "percent": percents.get(key)}
                     for key, verdicts in sorted(by_section.items())},
        "section_titles": {str(s["key"]): {"vi": s["title_vi"], "en": s["title_en"]} for s in doc["edition"]["sections"]},
        "failing": [{"id": c["id"], "verdict": c["verdict"], "section": str(c["section"]), "title_vi": c["title_vi"]}
                    for c in selected if c["verdict"] in FAILING],
        "errors": [c["id"] for c in selected if c["verdict"] == "ERROR"],
        "verdicts": {c["id"]: c["verdict"] for c in doc["criteria"]},
        "selected": [c["id"] for c in selected],
        "target": {k: (doc.get("target") or {}).get(k) for k in ("id", "vendor", "system")},
        "demo": bool(doc["run"].get("demo")),
        "counts": doc["summary"]["verdicts"],
    }


def change_since(previous: dict | None, row: dict) -> dict:
    """How a target moved since its row in the previous campaign."""
    if previous is None:
        return {"kind": "new", "criteria": []}
    if row["status"] == "ERROR":
        return {"kind": "regression" if previous["status"] == "OK" else "same", "criteria": [],
                "was": previous["status"]}
    if previous["status"] == "ERROR":
        return {"kind": "improved", "criteria": [], "was": "ERROR"}
    old, new = previous["record"], row["record"]
    result = compare(_as_loaded(old), _as_loaded(new))
    lost_certificate = old["certified"] and not new["certified"]
    rose = any((c["drop"] or 0) < 0 for c in result["changes"])
    kind = "regression" if result["regressions"] or lost_certificate else "improved" if rose else "same"
    return {"kind": kind, "criteria": result["changes"], "lost_certificate": lost_certificate,
            "was": "certified" if old["certified"] else "not certified"}


def _as_loaded(record: dict) -> dict:
    """A kept record summary in the shape `dokiem diff` compares (criteria both runs selected)."""
    return {"verdicts": record["verdicts"], "edition": record["edition"], "run_id": record["run_id"], "path": "",
            "selected": set(record.get("selected") or record["verdicts"]), "titles": {},
            "target": record.get("target") or {}, "demo": record.get("demo", False)}


def build(campaign, campaign_id: str, outcomes: dict[str, dict], engine: dict, started: str, finished: str,
          out_dir: Path, previous: dict | None) -> dict:
    """campaign.json's content."""
    before = {row["id"]: row for row in (previous or {}).get("targets", [])}
    rows, titles = [], {}
    for target in campaign.targets:
        outcome = outcomes.get(target.id) or {"status": "error", "reason": "không chạy — not run", "attempts": []}
        record = summarise_record(Path(outcome["out"])) if outcome.get("out") and outcome["status"] == "done" else None
        row = {"id": target.id, "tags": target.tags, "profile": str(target.profile), "system": target.system_key,
               "status": "OK" if record else "ERROR", "reason": outcome.get("reason") or "",
               "unreachable": bool(outcome.get("unreachable")), "exit_code": outcome.get("exit_code"),
               "worker": outcome.get("worker"), "attempts": outcome.get("attempts") or [_attempt(outcome)],
               "wall_s": outcome.get("wall_s"), "max_rss_mb": outcome.get("max_rss_mb"), "cpu_s": outcome.get("cpu_s"),
               "record_link": _link(Path(outcome["out"]) / "compliance.html", out_dir) if record else None,
               "record": record}
        if record:
            titles.update(record.pop("section_titles"))
        row["change"] = change_since(before.get(target.id), row)
        rows.append(row)
    errors = [r["id"] for r in rows if r["status"] == "ERROR"]
    regressions = [r["id"] for r in rows if r["change"]["kind"] == "regression"]
    exit_code = 3 if errors else 1 if regressions else 0
    return {
        "format": FORMAT,
        "campaign": {"id": campaign_id, "name": campaign.name, "file": str(campaign.path), "started": started,
                     "finished": finished, "engine": engine,
                     "previous": (previous or {}).get("campaign", {}).get("id")},
        # the sections some target ran: a campaign of two criteria is not a matrix of eight empty columns
        "sections": [{"key": int(k), "title_vi": v["vi"], "title_en": v["en"]}
                     for k, v in sorted(titles.items(), key=lambda kv: int(kv[0]))
                     if any(k in (r["record"] or {}).get("sections", {}) for r in rows)],
        "targets": rows,
        "ranking": [r["id"] for r in sorted(rows, key=_rank_key)],
        "changes": [r["id"] for r in sorted(rows, key=_change_key) if r["change"]["kind"] != "same"],
        "errors": errors, "regressions": regressions,
        "retried": [r["id"] for r in rows if len(r["attempts"]) > 1],
        "exit_code": exit_code,
    }


def _attempt(outcome: dict) -> dict:
    return {k: outcome.get(k) for k in ("attempt", "worker", "started", "finished", "status", "exit_code")}


def _link(path: Path, out_dir: Path) -> str:
    return os.path.relpath(path, out_dir).replace(os.sep, "/")


def _rank_key(row: dict):
    record = row["record"] or {}
    return (row["status"] != "OK", not record.get("certified"), -(record.get("percent") or 0),
            len(record.get("failing") or []), row["id"])


def _change_key(row: dict):
    order = {"regression": 0, "new": 2, "improved": 1, "same": 3}
    return (order[row["change"]["kind"]], row["id"])


# ------------------------------------------------------------------ history

def previous_campaign(history: Path | None, name: str) -> dict | None:
    """The latest campaign of this name kept in history (by when it finished)."""
    folder = Path(history) / "campaigns" if history else None
    if folder is None or not folder.is_dir():
        return None
    found = []
    for file in folder.glob("*.json"):
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if doc.get("format") == FORMAT and doc["campaign"]["name"] == name:
            found.append(doc)
    return max(found, key=lambda d: d["campaign"]["finished"], default=None)


# ------------------------------------------------------------------ writing

def write(doc: dict, out_dir: Path, history: Path | None) -> list[Path]:
    """campaign.json, campaign.html, junit.xml, summary.md; each written whole, then moved into place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"campaign.json": json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
             "campaign.html": render_html(doc), "junit.xml": junit(doc), "summary.md": markdown(doc)}
    written = []
    for name, text in files.items():
        path = out_dir / name
        partial = out_dir / f".{name}.partial"
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
        written.append(path)
    if history is not None:
        kept = Path(history) / "campaigns"
        kept.mkdir(parents=True, exist_ok=True)
        (kept / f"{doc['campaign']['id']}.json").write_text(files["campaign.json"], encoding="utf-8")
    return written


def render_html(doc: dict) -> str:
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    by_id = {row["id"]: row for row in doc["targets"]}
    return env.from_string(TEMPLATE.read_text(encoding="utf-8")).render(doc=doc, by_id=by_id)


def junit(doc: dict) -> str:
    """One test suite per target, one test case per section it ran (an ERROR row: one error case)."""
    suites = ET.Element("testsuites", name=f"dokiem campaign {doc['campaign']['name']}")
    for row in doc["targets"]:
        suite = ET.SubElement(suites, "testsuite", name=row["id"])
        cases = failures = errors = 0
        if row["status"] == "ERROR":
            case = ET.SubElement(suite, "testcase", classname=row["id"], name="run")
            ET.SubElement(case, "error", message=row["reason"] or "ERROR")
            cases, errors = 1, 1
        for key, cell in ((row["record"] or {}).get("sections") or {}).items():
            case = ET.SubElement(suite, "testcase", classname=row["id"], name=f"section {key}")
            cases += 1
            failing = [f["id"] for f in row["record"]["failing"] if f["section"] == key]
            if cell["verdict"] in FAILING:
                failures += 1
                ET.SubElement(case, "failure", message=", ".join(failing) or cell["verdict"])
            elif cell["verdict"] == "ERROR":
                errors += 1
                ET.SubElement(case, "error", message="ERROR")
        if row["change"]["kind"] == "regression":
            case = ET.SubElement(suite, "testcase", classname=row["id"], name="no regression since the previous campaign")
            cases, failures = cases + 1, failures + 1
            lost = [f"{c['criterion']} {c['old']}→{c['new']}" for c in row["change"]["criteria"] if c["regression"]]
            ET.SubElement(case, "failure", message="; ".join(lost) or f"was {row['change'].get('was')}")
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def markdown(doc: dict) -> str:
    by_id = {row["id"]: row for row in doc["targets"]}
    meta = doc["campaign"]
    lines = [f"# Chiến dịch đo kiểm — campaign: {meta['name']}", "",
             f"{meta['id']} · {meta['started']} → {meta['finished']} · {meta['engine']['kind']} · exit {doc['exit_code']}",
             "", "| # | mục tiêu — target | nhãn — tags | trạng thái — status | điểm — score | xếp loại — grade "
             "| thay đổi — change | chưa đạt — failing |", "|---|---|---|---|---|---|---|---|"]
    for n, target_id in enumerate(doc["ranking"], 1):
        row = by_id[target_id]
        record = row["record"] or {}
        tags = ", ".join(f"{k}: {v}" for k, v in row["tags"].items())
        status = ("ĐẠT — certified" if record.get("certified") else "CHƯA ĐẠT — not certified") if record else \
            f"ERROR — {row['reason']}".replace("|", "/")
        score = "—" if record.get("percent") is None else f"{record['percent']:g} %"
        failing = ", ".join(f["id"] for f in record.get("failing") or []) or "—"
        lines.append(f"| {n} | {target_id} | {tags} | {status} | {score} | {record.get('grade') or '—'} "
                     f"| {row['change']['kind']} | {failing} |")
    if doc["regressions"]:
        lines += ["", f"**Hồi quy — regressions:** {', '.join(doc['regressions'])}"]
    if doc["retried"]:
        lines += ["", f"**Chạy lại sau khi mất worker — retried after a lost worker:** {', '.join(doc['retried'])}"]
    return "\n".join(lines) + "\n"
