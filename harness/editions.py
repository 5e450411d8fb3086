"""What an edition says about itself beyond its criteria: the one rule on mandatory flags (lab
policy), the dates it is in force, and which edition a date falls under.

Lab policy. A criterion is a requirement of the text only when the text says it. A mandatory
criterion whose basis is inferred or recalled, or that relies on a threshold the edition assumed
(a parameter with `assumed: true` and `threshold: true`), is a requirement of the testing lab;
the edition must say so in the criterion's `lab_policy` (printed in the record as "yêu cầu của
đơn vị đo kiểm, không phải của văn bản") or make the criterion optional. Never silently mandatory.
"""
from __future__ import annotations

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
