"""`dokiem diff OLD NEW`: the criteria whose verdict changed between two runs, worst first.

OLD and NEW are each a compliance.json or a run folder holding one. Order, worst first:
the verdicts that fell, largest fall first (PASS→FAIL before PASS→ERROR before
PASS→MANUAL_PENDING; among equal falls a lost PASS first); then changes of equal rank
(PASS→ATTESTED_PASS); then the verdicts that rose, smallest rise first (FAIL→PASS last); then
criteria present in only one of the runs. Exit 1 when any criterion went from PASS or ATTESTED_PASS to
anything else (a regression a nightly job must flag), else 0; 2 on bad input.

Only the criteria both runs selected are compared: a criterion one run left out (--only, --section,
or absent from its edition) is NOT_RUN there by choice, not by a change of the target, so it is
counted but not listed unless --include-not-run. Runs of different editions, targets or demo
status may be compared: the output warns first, since their verdicts do not measure the same thing.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from harness.exitcodes import ExitCode
from harness.yamlsource import InputError, Problem, display_path

COMPLIANCE = "compliance.json"
# how good a verdict is: the drop from one rank to another is how bad a change is
RANK = {"PASS": 0, "ATTESTED_PASS": 0, "NOT_APPLICABLE": 1, "WAIVED": 1, "MANUAL_PENDING": 2, "NOT_RUN": 3,
        "ERROR": 4, "ATTESTED_FAIL": 5, "FAIL": 5}
PASSED = {"PASS", "ATTESTED_PASS"}


def load_run(path: Path) -> dict:
    """A compliance.json (or the one in a run folder) → {edition, run_id, verdicts, selected, titles, target, demo}."""
    path = Path(path)
    file = path / COMPLIANCE if path.is_dir() else path
    name = display_path(file)
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(name, 1, 1, "", "file not found — không tìm thấy compliance.json; give a "
                                                  "compliance.json or the run folder holding it")]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line, col = (getattr(exc, "lineno", 1), getattr(exc, "colno", 1))
        raise InputError([Problem(name, line, col, "", f"not JSON ({exc}) — không phải JSON hợp lệ")]) from None
    try:
        verdicts = {c["id"]: c["verdict"] for c in doc["criteria"]}
        edition, run_id = doc["edition"]["id"], doc["run"]["id"]
        # a record without `selected` (written before it existed) selected everything it lists
        selected = {c["id"] for c in doc["criteria"] if c.get("selected", True)}
        titles = {c["id"]: c.get("title_vi") or "" for c in doc["criteria"]}
        target = doc.get("target") or {}
        demo = bool((doc.get("run") or {}).get("demo"))
    except (KeyError, TypeError, AttributeError):
        raise InputError([Problem(name, 1, 1, "", "not a dokiem compliance.json (needs run.id, edition.id and "
                                                  "criteria[].id/verdict) — không phải biên bản của dokiem")]) from None
    unknown = sorted({v for v in verdicts.values() if v not in RANK})
    if unknown:
        raise InputError([Problem(name, 1, 1, "", f"unknown verdicts {unknown} — kết quả không hợp lệ")])
    return {"edition": edition, "run_id": run_id, "verdicts": verdicts, "path": name, "selected": selected,
            "titles": titles, "demo": demo,
            "target": {k: target.get(k) for k in TARGET_KEYS if isinstance(target, dict)}}


TARGET_KEYS = ("id", "vendor", "system")  # the version is left out: comparing two versions is the point


def warnings(old: dict, new: dict) -> list[str]:
    """What makes the two runs measure different things, Vietnamese — English."""
    found = []
    if old["edition"] != new["edition"]:
        found.append(f"hai lần chạy dùng hai bộ tiêu chí khác nhau — different editions "
                     f"({old['edition']} → {new['edition']})")
    if old["target"] != new["target"]:
        def name(t):
            return " / ".join(str(t[k]) for k in TARGET_KEYS if t.get(k)) or "?"
        found.append(f"hai hệ thống khác nhau — different targets ({name(old['target'])} → {name(new['target'])})")
    if old["demo"] != new["demo"]:
        def kind(demo):
            return "minh họa — demo" if demo else "thật — real"
        found.append(f"một lần chạy minh họa, một lần thật — demo status differs ({kind(old['demo'])} → "
                     f"{kind(new['demo'])})")
    return found


def compare(old: dict, new: dict, include_not_run: bool = False) -> dict:
    """The changes between two loaded runs, ordered worst first, and whether any PASS was lost.
    Without include_not_run only the criteria both runs selected are compared."""
    changes, left_out = [], []
    for cid in sorted(set(old["verdicts"]) | set(new["verdicts"])):
        if not include_not_run and not (cid in old["selected"] and cid in new["selected"]):
            left_out.append(cid)
            continue
        before, after = old["verdicts"].get(cid), new["verdicts"].get(cid)
        if before == after:
            continue
        regression = before in PASSED and after is not None and after not in PASSED
        drop = RANK[after] - RANK[before] if before and after else None
        changes.append({"criterion": cid, "title": new["titles"].get(cid) or old["titles"].get(cid) or "",
                        "old": before, "new": after, "regression": regression, "drop": drop})

    def order(change: dict):
        if change["drop"] is None:
            return (2, 0, 0, change["criterion"])
        # worst first: the biggest drop, and among equal drops the one that lost a PASS
        return (0 if change["drop"] > 0 else 1, -change["drop"], 0 if change["regression"] else 1,
                change["criterion"])

    changes.sort(key=order)
    return {"old": {k: old[k] for k in ("path", "run_id", "edition")},
            "new": {k: new[k] for k in ("path", "run_id", "edition")},
            "same_edition": old["edition"] == new["edition"], "warnings": warnings(old, new),
            "not_compared": left_out, "changes": changes, "regressions": sum(c["regression"] for c in changes)}


def command(old_path: Path, new_path: Path, fmt: str = "table", include_not_run: bool = False) -> int:
    """`dokiem diff OLD NEW [--format json] [--include-not-run]`: print the changes, return the exit code."""
    result = compare(load_run(old_path), load_run(new_path), include_not_run)
    for warning in result["warnings"]:
        print(f"Cảnh báo — warning: {warning}", file=sys.stderr)
    if fmt == "json":
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(f"{result['old']['run_id']} → {result['new']['run_id']}")
        if not result["changes"]:
            print("Không tiêu chí nào đổi kết quả — no criterion changed its verdict")
        for c in result["changes"]:
            mark = "!!" if c["regression"] else ("↓ " if (c["drop"] or 0) > 0 else "↑ " if c["drop"] else "  ")
            print(f"{mark} {c['criterion']:<9} {c['old'] or '(không có — absent)':<15} → "
                  f"{c['new'] or '(không có — absent)':<15} {c['title']}".rstrip())
        if result["not_compared"]:
            print(f"{len(result['not_compared'])} tiêu chí chỉ một lần chạy chọn, không so sánh — criteria "
                  "only one run selected, not compared (--include-not-run to list them)")
        if result["regressions"]:
            print(f"{result['regressions']} tiêu chí không còn đạt — criteria no longer passing "
                  "(PASS/ATTESTED_PASS → other)", file=sys.stderr)
    return ExitCode.FAILED if result["regressions"] else ExitCode.OK
