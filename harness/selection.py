"""Which criteria a run covers and which checks it therefore needs (--only, --section)."""
from __future__ import annotations

from dataclasses import dataclass

from harness.criteria import CheckRegistry, Edition
from harness.suggest import did_you_mean
from harness.yamlsource import InputError, Problem

SAFETY_FLAGS = ("mutates", "intrusive", "load")


@dataclass(frozen=True)
class Selection:
    criteria: tuple[str, ...]          # selected criterion ids, in edition order
    checks: frozenset[str]             # every check a selected criterion names
    partial: bool                      # --only or --section narrowed the run

    def __contains__(self, criterion_id: str) -> bool:
        return criterion_id in self.criteria


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def select(edition: Edition, only: str | None = None, section: str | None = None) -> Selection:
    problems = []
    ids = _split(only)
    known = {c["id"] for c in edition.criteria}
    for criterion_id in ids:
        if criterion_id not in known:
            problems.append(Problem("--only", 1, 1, criterion_id,
                                    f"no such criterion in {edition.id} — không có tiêu chí này; "
                                    f"see `dokiem criteria list`{did_you_mean(criterion_id, known)}"))
    keys: set[int] = set()
    for part in _split(section):
        if not part.isdigit() or int(part) not in {s["key"] for s in edition.sections}:
            problems.append(Problem("--section", 1, 1, part,
                                    f"no section '{part}' in {edition.id} — không có mục này "
                                    f"(keys: {', '.join(str(s['key']) for s in edition.sections)})"))
        else:
            keys.add(int(part))
    if problems:
        raise InputError(problems)
    chosen = [c for c in edition.criteria
              if (not ids or c["id"] in ids) and (not keys or c["section"] in keys)]
    return Selection(tuple(c["id"] for c in chosen),
                     frozenset(check for c in chosen for check in c["checks"]),
                     partial=bool(ids or keys))


def safety_skip_reason(check_flags: list[str], environment: str, authorised) -> str | None:
    """Production safety (docs/ARCHITECTURE.md, "The target profile"): on production, flagged checks run only with a written authorisation.

    `authorised` is the list of flags the profile's authorisation allows (True: all, False: none).
    """
    if environment != "production":
        return None
    allowed = set(SAFETY_FLAGS) if authorised is True else set(authorised or [])
    flagged = [f for f in SAFETY_FLAGS if f in check_flags and f not in allowed]
    if not flagged:
        return None
    return (f"không chạy trên môi trường production khi chưa có văn bản cho phép ({', '.join(flagged)}) — "
            f"not run on production without a written authorisation in the profile ({', '.join(flagged)})")


def check_flags(registry: CheckRegistry, check_id: str) -> list[str]:
    """The check's own flags and those of every check sharing its scenario.

    A scenario drives the target once for all its checks, so a read-only check whose scenario
    creates data would create it too: production safety judges the scenario, conservatively.
    """
    check = registry.checks.get(check_id)
    if check is None:
        return []
    flags = set(check.flags)
    for other in registry.checks.values():
        if other.scenario == check.scenario:
            flags.update(other.flags)
    return sorted(flags)


@dataclass(frozen=True)
class CheckDecision:
    """What the run decides about one selected check, once, before any test runs."""
    scenario: str | None              # the scenario that observes for it (also its xdist group)
    flags: tuple[str, ...]            # its safety flags and those of its scenario (check_flags)
    withheld: str | None              # why production safety keeps it from running, or None


def decide(registry: CheckRegistry, check_ids, environment: str, authorised) -> dict[str, CheckDecision]:
    """The decision for every check id: scenario, flags and whether production safety withholds it.

    `authorised` as for safety_skip_reason. Collection skips a test whose check is withheld; scoring
    turns that check's skipped or missing outcome into not_run with the same reason."""
    decisions = {}
    for check_id in sorted(set(check_ids)):
        check = registry.checks.get(check_id)
        flags = tuple(check_flags(registry, check_id))
        decisions[check_id] = CheckDecision(check.scenario if check is not None else None, flags,
                                            safety_skip_reason(list(flags), environment, authorised))
    return decisions
