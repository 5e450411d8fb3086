"""Which checks are implemented and which are proven able to fail.

Implemented: the check's entry in criteria/checks.yaml names a judge that imports
(harness/check_binding.py).
Proven: a negative proof under tests/ carries `@pytest.mark.proves("<id>", ...)`: it runs the
check over a recorded bad observation or against a refportal defect and shows that it fails.
Proofs are found by reading the source (ast), not by running it: coverage must work without
starting browsers, servers or the target.
"""
from __future__ import annotations

import ast
from pathlib import Path

from harness import check_binding
from harness.criteria import CheckRegistry, Edition


def _marker_ids(folder: Path, marker: str) -> dict[str, list[str]]:
    """check id -> files (relative to the folder's parent) whose code calls `<...>.mark.<marker>(ids)`."""
    found: dict[str, list[str]] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError:
            continue  # a broken test file is pytest's to report, not coverage's
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == marker):
                continue
            owner = node.func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if owner_name != "mark":
                continue
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, []).append(path.relative_to(folder.parent).as_posix())
    return found


def proven_checks(tests_dir: Path) -> dict[str, list[str]]:
    return _marker_ids(Path(tests_dir), "proves")


def coverage_report(edition: Edition, checks: CheckRegistry, all_editions: list[Edition],
                    tests_dir: Path) -> dict:
    implemented = check_binding.implemented(checks)
    proven = proven_checks(tests_dir)
    rows = []
    totals = {"criteria": 0, "informative": 0, "automated": 0, "partial": 0, "manual": 0,
              "checks_named": 0, "checks_implemented": 0, "checks_proven": 0}
    named = sorted(edition.check_ids())
    for criterion in edition.criteria:
        check_rows = [{"id": c, "implemented": c in implemented,
                       "proven": c in implemented and c in proven} for c in criterion["checks"]]
        any_proven = any(r["proven"] for r in check_rows)
        if criterion["informative"]:
            counted_as = "informative"
        elif criterion["method"] in ("automated", "partial") and any_proven:
            counted_as = criterion["method"]
        else:
            counted_as = "manual"
        totals["criteria"] += 1
        totals[counted_as] += 1
        rows.append({"id": criterion["id"], "section": criterion["section"], "method": criterion["method"],
                     "counted_as": counted_as, "checks": check_rows})
    totals["checks_named"] = len(named)
    totals["checks_implemented"] = sum(1 for c in named if c in implemented)
    totals["checks_proven"] = sum(1 for c in named if c in implemented and c in proven)
    used_anywhere = set().union(*(e.check_ids() for e in all_editions)) if all_editions else set()
    return {
        "edition": edition.id,
        "totals": totals,
        "criteria": rows,
        "missing_checks": [c for c in named if c not in implemented],
        "unproven_checks": [c for c in named if c in implemented and c not in proven],
        "counted_as_manual": [r["id"] for r in rows
                              if r["method"] in ("automated", "partial") and r["counted_as"] == "manual"],
        "unused_checks": sorted(c for c in checks.checks if c not in used_anywhere),
    }
