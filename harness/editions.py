"""What an edition says about itself beyond its criteria: the one rule on mandatory flags (lab
policy), the dates it is in force, and which edition a date falls under.

Lab policy. A criterion is a requirement of the text only when the text says it. A mandatory
criterion whose basis is inferred or recalled, or that relies on a threshold the edition assumed
(a parameter with `assumed: true` and `threshold: true`), is a requirement of the testing lab;
the edition must say so in the criterion's `lab_policy` (printed in the record as "yêu cầu của
đơn vị đo kiểm, không phải của văn bản") or make the criterion optional. Never silently mandatory.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from harness.yamlsource import InputError, Problem, display_path, load_yaml

EDITION_FILE = "edition.yaml"


def edition_ids(criteria_dir: Path) -> list[str]:
    """The editions in a criteria folder: its sub-folders that hold an edition.yaml."""
    criteria_dir = Path(criteria_dir)
    if not criteria_dir.is_dir():
        raise InputError([Problem(display_path(criteria_dir), 1, 1, "",
                                  "criteria folder not found — không tìm thấy thư mục tiêu chí (--criteria-dir)")])
    return sorted(p.parent.name for p in criteria_dir.glob(f"*/{EDITION_FILE}"))

UNVERIFIED_SOURCES = frozenset({"inferred", "recalled"})
LAB_POLICY_LABEL = "Yêu cầu của đơn vị đo kiểm, không phải của văn bản — the testing lab's requirement, not the text's"


def assumed_thresholds(criterion: dict, checks, parameters: dict) -> list[str]:
    """The assumed threshold parameters the criterion's checks rely on, sorted."""
    names = set()
    for check_id in criterion.get("checks") or []:
        check = checks.checks.get(check_id) if checks is not None else None
        for name in (check.parameters if check is not None else []):
            spec = parameters.get(name) or {}
            if spec.get("assumed") and spec.get("threshold"):
                names.add(name)
    return sorted(names)


def lab_policy_reasons(criterion: dict, checks, parameters: dict) -> list[str]:
    """Why a criterion would be lab policy if it were mandatory (empty: the text carries it)."""
    if criterion.get("informative") or not criterion.get("mandatory"):
        return []
    reasons = []
    source = (criterion.get("provenance") or {}).get("source")
    if source in UNVERIFIED_SOURCES:
        reasons.append(f"căn cứ {source} — basis {source}")
    thresholds = assumed_thresholds(criterion, checks, parameters)
    if thresholds:
        reasons.append("ngưỡng giả định — assumed threshold(s): " + ", ".join(thresholds))
    return reasons


def lab_policy_problems(source, index: int, criterion: dict, checks, parameters: dict) -> list:
    """A mandatory criterion that is lab policy without saying so: one positioned problem."""
    reasons = lab_policy_reasons(criterion, checks, parameters)
    if not reasons or criterion.get("lab_policy"):
        return []
    return [source.problem(("criteria", index, "mandatory"), criterion["id"],
                           "mandatory on the lab's word, not the text's (" + "; ".join(reasons) + ") — tiêu chí bắt "
                           "buộc dựa trên suy luận hoặc ngưỡng giả định: add 'lab_policy: <what is the lab's>' or "
                           "set 'mandatory: false'")]


# --------------------------------------------------------------------------- dated editions

def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def in_force_on(meta: dict, day: dt.date) -> bool:
    start, end = _date(meta.get("effective_from")), _date(meta.get("effective_to"))
    return start is not None and start <= day and (end is None or day <= end)


def _span(meta: dict) -> str:
    start, end = _date(meta.get("effective_from")), _date(meta.get("effective_to"))
    if start is None:
        return "không ghi ngày hiệu lực — no dates"
    return f"{start:%d/%m/%Y} – {f'{end:%d/%m/%Y}' if end else 'nay (now)'}"


def parse_day(text: str) -> dt.date:
    """--date YYYY-MM-DD; InputError (exit 2) on anything else."""
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise InputError([Problem("--date", 1, 1, str(text), "not a date YYYY-MM-DD — ngày phải có dạng YYYY-MM-DD, "
                                  "e.g. --date 2021-06-30")]) from None


def edition_for_date(criteria_dir: Path, day: dt.date) -> tuple[str, str]:
    """The one edition in force on `day`, and why (Vietnamese — English) for the record."""
    found, spans = [], []
    for edition_id in edition_ids(criteria_dir):
        source = load_yaml(Path(criteria_dir) / edition_id / EDITION_FILE)
        meta = source.data if isinstance(source.data, dict) else {}
        spans.append(f"{edition_id} ({_span(meta)})")
        try:
            if in_force_on(meta, day):
                found.append((edition_id, meta))
        except ValueError:
            continue  # a malformed date is reported by the edition's own validation
    if len(found) != 1:
        what = ("no edition is in force on that day — không có phiên bản nào có hiệu lực vào ngày này"
                if not found else "several editions are in force on that day — nhiều phiên bản cùng có hiệu lực: "
                + ", ".join(e for e, _ in found))
        raise InputError([Problem("--date", 1, 1, day.isoformat(),
                                  f"{what}; editions: {'; '.join(spans)}; pass --edition instead")])
    edition_id, meta = found[0]
    return edition_id, (f"có hiệu lực vào ngày {day:%d/%m/%Y} ({_span(meta)}), chọn theo --date — in force on "
                        f"{day.isoformat()}, chosen by --date")


def resolve(criteria_dir: Path, edition_id: str | None, day: str | None) -> tuple[str | None, str]:
    """The edition a run uses and why: --edition, else the one in force on --date, else the default."""
    if edition_id and day:
        raise InputError([Problem("--date", 1, 1, str(day), "give --edition or --date, not both — chỉ dùng một trong "
                                  "--edition và --date")])
    if day:
        return edition_for_date(criteria_dir, parse_day(day))
    if edition_id:
        return edition_id, "chọn bằng --edition — chosen with --edition"
    return None, "phiên bản mặc định (default: true) — the default edition"


def validity(edition, chosen: str | None = None) -> dict:
    """The edition's dates, what it supersedes and why this run uses it, for the record."""
    meta = edition.meta
    return {"effective_from": meta.get("effective_from"), "effective_to": meta.get("effective_to"),
            "supersedes": list(meta.get("supersedes") or []), "span": _span(meta), "chosen": chosen}


def date_problems(source, meta: dict, known: list[str]) -> list:
    """effective_to not before effective_from; supersedes names known editions (not itself)."""
    problems = []
    try:
        start, end = _date(meta.get("effective_from")), _date(meta.get("effective_to"))
    except ValueError:
        return problems  # the schema's pattern reports it
    if start and end and end < start:
        problems.append(source.problem(("effective_to",), meta.get("id"), "effective_to is before effective_from — "
                                       "ngày hết hiệu lực trước ngày có hiệu lực"))
    for i, other in enumerate(meta.get("supersedes") or []):
        if other == meta.get("id") or other not in known:
            problems.append(source.problem(("supersedes", i), meta.get("id"),
                                           f"'{other}' is not another edition in this criteria folder — không phải "
                                           f"phiên bản khác trong thư mục tiêu chí; known: {', '.join(known)}"))
    return problems
