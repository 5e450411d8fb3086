"""Partial credit (edition scoring `partial_credit: per_check`): a criterion marked
`partial_credit: true` whose verdict is FAIL earns its weight times the share of its checks that
passed. Only a FAIL earns part: an ERROR has not been decided and earns nothing, like every other
non-passing verdict. Editions without the setting score all or nothing."""
from __future__ import annotations


def partial_earned(criterion: dict, verdict: str, checks) -> float | None:
    """The points a failing criterion keeps, or None when partial credit does not apply."""
    if verdict != "FAIL" or not criterion.get("partial_credit") or not checks:
        return None
    passed = sum(1 for c in checks if c.outcome == "passed")
    return round(criterion["weight"] * passed / len(checks), 2)


def apply(edition, results: dict) -> None:
    """Set `partial_earned` on every result the edition's scoring allows it for."""
    if (edition.scoring.get("partial_credit") or "none") != "per_check":
        return
    for criterion in edition.criteria:
        result = results[criterion["id"]]
        if result.scored:
            result.partial_earned = partial_earned(criterion, result.verdict, result.checks)


def problems(source, index: int, criterion: dict, scoring: dict) -> list:
    """partial_credit on a criterion of an edition whose scoring does not allow it."""
    if criterion.get("partial_credit") and (scoring.get("partial_credit") or "none") != "per_check":
        return [source.problem(("criteria", index, "partial_credit"), criterion["id"],
                               "partial_credit needs 'partial_credit: per_check' in the edition's scoring — "
                               "phiên bản không cho tính điểm một phần")]
    return []
