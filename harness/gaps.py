"""Configuration gaps are never FAIL: one rule for every check, whatever its suite.

Two kinds of gap make a check ERROR with the hint of what to map in the profile:

- the check's declared `needs` (operations, journeys, roles of criteria/checks.yaml) are not
  configured: the pre-flight lists these checks as "will be ERROR", and `require_configured`
  makes that list a contract (the check is ERROR before its scenario is even asked for);
- dokiem was refused (HTTP 401/403) an operation it had to perform for the scenario to go on,
  while calling it as the account the profile maps to the operation's role (that account does not
  hold the role in the target), or as an account of another role (the profile gave dokiem no
  account of that role). Such a refusal says nothing about the target's conformance. Scenarios
  `note_refusal` where they expect an operation to succeed (never where they probe a refusal on
  purpose, as the access checks do), and a check that would FAIL while one of the operations it
  needs was refused that way is ERROR instead, naming the refusal.

Refusals are kept with the run's traffic (harness/traffic.py) of the process: a scenario runs in
the worker of the checks that judge it.
"""
from __future__ import annotations

from harness.profile_values import ConfigurationError

REFUSED_STATUSES = (401, 403)


def require_configured(unconfigured) -> None:
    """ConfigurationError when one of an item's checks needs what the profile does not configure
    (`unconfigured`: "<check>: what the profile lacks", decided once per item at collection)."""
    if unconfigured:
        raise ConfigurationError("cấu hình đích còn thiếu, không đánh giá được — the profile does not "
                                 "configure what this check needs: " + " | ".join(unconfigured))


def vocabulary_role(profile, operation: str) -> str | None:
    """The role criteria/checks.yaml gives the operation (None: any logged-in user, or anonymous)."""
    return ((getattr(profile, "vocabulary", None) or {}).get(operation) or {}).get("role")


def refusal_hint(client, result) -> str | None:
    """Why a 401/403 on an operation dokiem had to perform is a configuration gap, or None."""
    if result is None or result.status not in REFUSED_STATUSES or client.account is None:
        return None
    role, needed = client.account.role, vocabulary_role(client.profile, result.operation)
    who = f"{client.account.label}"
    if needed and needed != role:
        return (f"{result.operation}: HTTP {result.status} as {who}, role '{role}': the operation is the role "
                f"'{needed}''s — thao tác thuộc vai trò '{needed}'; map an account of role '{needed}' "
                f"(accounts.{needed}) — khai báo tài khoản vai trò '{needed}'")
    if needed == role:
        return (f"{result.operation}: HTTP {result.status} as {who}, the account the profile maps to role '{role}': "
                f"the target does not grant it that role — tài khoản khai báo cho vai trò '{role}' không có quyền "
                f"thao tác này; map an account that holds role '{role}' (accounts.{role}) or fix "
                f"operations.{result.operation}")
    return None


def note_refusal(client, result) -> str | None:
    """Remember a refused operation that dokiem needed to succeed (in the client's traffic); the
    hint, or None if it is none."""
    hint = refusal_hint(client, result)
    if hint:
        client.traffic.refusals.setdefault(result.operation, hint)
    return hint


def reclassify(registry, check_ids, outcome: str, reason: str, refusals: dict[str, str]) -> tuple[str, str]:
    """A FAIL of a check one of whose needed operations dokiem was refused for want of a role is ERROR
    (`registry`: the loaded criteria/checks.yaml; `refusals`: operation -> hint, the run's traffic's)."""
    if outcome != "failed" or not refusals:
        return outcome, reason
    checks = getattr(registry, "checks", None) or {}
    hints = []
    for check in check_ids:
        needed = set((checks[check].needs.get("operations") or []) if check in checks else [])
        hints += [hint for operation, hint in sorted(refusals.items()) if operation in needed]
    if not hints:
        return outcome, reason
    return "error", ("dokiem bị từ chối một thao tác cần thiết vì thiếu vai trò, không đánh giá được — dokiem was "
                     "refused an operation it needed for want of a role: " + " | ".join(dict.fromkeys(hints))
                     + f" (kết luận bị thay — the FAIL it replaces: {reason})")
