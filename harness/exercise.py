"""What a run exercised, and the coverage each check's verdict stands on.

Every operation dokiem calls (with the role it calls it as, and the answer's status) and every
journey it runs in a browser (and the page it ended on) is noted, by whichever worker does it, in
the run's staging folder. At the end the controller sets beside each check's verdict what of the
check's declared needs (criteria/checks.yaml: operations, journeys, roles) was exercised and what
was not — not mapped by the profile, refused (401/403), never reached, or withheld for safety.

A PASS whose coverage is below the edition's floor (parameter `coverage.floor_percent`) is ERROR:
too little of what the criterion is about was tried for a certifier to stand behind it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

from harness.ledger import ENV_STAGING, RUN_FILES

FILE = "exercised.jsonl"
FLOOR_PARAMETER = "coverage.floor_percent"
REFUSED = (401, 403)


def _log() -> Path | None:
    staging = os.environ.get(ENV_STAGING)  # set by the run for its controller and its workers
    return Path(staging) / RUN_FILES / FILE if staging else None


def _note(row: dict) -> None:
    path = _log()
    if path is None or not path.parent.parent.is_dir():
        return  # outside a run (the harness's own tests), or after it: nothing to note
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as out:  # one short line per write: workers may append together
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def note_operation(operation: str, role: str | None, status: int | None) -> None:
    _note({"kind": "operation", "name": operation, "role": role, "status": status})


def note_journey(name: str, ok: bool, url: str | None, role: str | None = None) -> None:
    """A browser journey; `role` is the role whose account it logged in with (None: anonymous)."""
    _note({"kind": "journey", "name": name, "ok": ok, "page": urlsplit(url).path if url else None, "role": role})


def read(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def coverage(needs: dict, rows: list[dict], profile, withheld: str | None = None) -> dict:
    """What of `needs` the run exercised: {percent, exercised: {...}, not_exercised: {...}, pages}."""
    operations = {}
    for op in needs.get("operations") or []:
        answers = [r["status"] for r in rows if r["kind"] == "operation" and r["name"] == op]
        if withheld:
            operations[op] = "withheld"
        elif op not in (profile.operations if profile is not None else {}):
            operations[op] = "unmapped"
        elif any(s is not None and s not in REFUSED for s in answers):
            operations[op] = "exercised"
        elif answers and all(s in REFUSED for s in answers):
            operations[op] = "refused"
        else:
            operations[op] = "not_reached"
    roles = {}
    for role in needs.get("roles") or []:
        answers = [r["status"] for r in rows if r["kind"] == "operation" and r.get("role") == role
                   and r["status"] is not None]
        logged_in = any(r["kind"] == "journey" and r.get("role") == role and r["ok"] for r in rows)
        has_account = profile is not None and profile.account(role) is not None
        roles[role] = ("withheld" if withheld else "exercised" if logged_in or any(s not in REFUSED for s in answers)
                       else "refused" if answers else "not_reached" if has_account else "unmapped")
    journeys, pages = {}, set()
    for journey in needs.get("journeys") or []:
        runs = [r for r in rows if r["kind"] == "journey" and r["name"] == journey]
        pages |= {r["page"] for r in runs if r.get("page")}
        journeys[journey] = ("withheld" if withheld else "exercised" if any(r["ok"] for r in runs)
                             else "failed" if runs else "not_reached")
    every = {**{f"operation {k}": v for k, v in operations.items()}, **{f"role {k}": v for k, v in roles.items()},
             **{f"journey {k}": v for k, v in journeys.items()}}
    done = [k for k, v in every.items() if v == "exercised"]
    percent = round(100 * len(done) / len(every)) if every else 100
    return {"percent": percent,
            "exercised": {"operations": sorted(k for k, v in operations.items() if v == "exercised"),
                          "roles": sorted(k for k, v in roles.items() if v == "exercised"),
                          "journeys": sorted(k for k, v in journeys.items() if v == "exercised"),
                          "pages": sorted(pages)},
            "not_exercised": {k: v for k, v in sorted(every.items()) if v != "exercised"}}


def summary(cov: dict) -> str:
    """One line for the record: "đã kiểm tra …; chưa kiểm tra: …" (Vietnamese — English)."""
    done = cov["exercised"]
    text = (f"độ phủ {cov['percent']}%: đã kiểm tra {len(done['operations'])} thao tác, {len(done['roles'])} vai trò, "
            f"{len(done['journeys'])} hành trình, {len(done['pages'])} trang — coverage {cov['percent']}%")
    if cov["not_exercised"]:
        text += "; chưa kiểm tra — not exercised: " + ", ".join(f"{k} ({v})" for k, v in cov["not_exercised"].items())
    return text


def apply(check_results: dict, registry, profile, staging: Path, floor_percent: float | None,
          withheld: dict[str, str]) -> None:
    """Set every check's coverage; a PASS below the floor becomes ERROR, saying what was not exercised."""
    rows = read(Path(staging) / RUN_FILES / FILE)
    for check_id, result in check_results.items():
        check = registry.checks.get(check_id)
        if check is None:
            continue
        cov = coverage(check.needs, rows, profile, withheld.get(check_id))
        result.coverage = cov
        if result.outcome == "passed" and floor_percent is not None and cov["percent"] < float(floor_percent):
            result.outcome = "error"
            result.reason = (f"độ phủ {cov['percent']}% dưới ngưỡng {float(floor_percent):g}% của phiên bản, không thể "
                             f"kết luận ĐẠT — coverage below the edition's floor, a PASS cannot stand: {summary(cov)}")
