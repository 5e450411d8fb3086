"""Reading the `dossier_life` observations (suites/dossier/OBSERVATIONS.md), shared by the packet,
notification and statistics scenarios. Pure functions, except `dossier_life_or_reason`.

A step "changes the status" when it succeeded and its expected national code differs from the
code the dossier had before it (`pay` and `rate` do not; `payment_confirmed` and `supplement` do).
"""
from __future__ import annotations

import datetime as dt

CREATION_STEPS = frozenset({"submit", "counter_intake", "postal_intake"})
OFFICER_ROLES = frozenset({"receiving_officer", "specialist", "leader"})


def dossier_life_or_reason(request, *parts: str) -> tuple[dict | None, str | None]:
    """The `dossier_life` observations, or None and why not (the scenario failed or is not installed).

    Given the names of some of its parts (suites/dossier/observe.py), only those are driven: the
    observations then hold the run's facts (`started`, `simulator_seq_start`, …) and those parts'
    dossiers. Scenarios that build on dossier_life still run their own probes when it is missing;
    the checks that need its dossiers then raise Inconclusive with this reason.
    """
    try:
        if not parts:
            return request.getfixturevalue("dossier_life"), None
        slices = [request.getfixturevalue(part) for part in parts]
        observed = request.getfixturevalue("dossier_driver").obs
        return {**observed, "dossiers": [d for part in slices for d in part.get("dossiers", [])]}, None
    except Exception as exc:  # FixtureLookupError, or the scenario's own failure
        text = " ".join(str(exc).split())[:600]
        return None, (f"kịch bản dossier_life không có kết quả — the dossier_life scenario gave no observations: "
                      f"{type(exc).__name__}: {text}")


def parse_time(value: str | None) -> dt.datetime | None:
    """An ISO 8601 time with offset (harness clock or simulator record), or None."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.astimezone()


def ok_steps(dossier: dict) -> list[dict]:
    return [s for s in dossier.get("steps") or [] if s.get("ok")]


def created_in_run(dossier: dict) -> bool:
    """The run created this dossier (so every packet of it belongs to the run)."""
    return bool(dossier.get("code")) and any(s.get("step") in CREATION_STEPS for s in ok_steps(dossier))


def status_steps(dossier: dict) -> list[dict]:
    """The successful steps that changed the dossier's national status, in order."""
    changes, current = [], None
    for step in ok_steps(dossier):
        code = step.get("expected_code")
        if code is None or code == current:
            continue
        changes.append(step)
        current = code
    return changes


def final_code(dossier: dict) -> int | None:
    """The national status the dossier ended in: that of its last status change."""
    steps = status_steps(dossier)
    return steps[-1]["expected_code"] if steps else None


def resolved(dossier: dict) -> bool:
    """The dossier reached a result: one of its status changes led to 9 or 10."""
    return any(s.get("expected_code") in (9, 10) for s in status_steps(dossier))


def true_code(step: dict) -> int | None:
    """The status the target's back office showed right after the step (the expected one when unread)."""
    code = step.get("backoffice_code")
    return code if code is not None else step.get("expected_code")


def receipt_step(dossier: dict, upto: dict | None = None) -> dict | None:
    """The step that registered the dossier's receipt (first move to 2, or an intake), if it
    happened no later than the step `upto`."""
    for step in status_steps(dossier):
        if step.get("expected_code") == 2 or step.get("step") in ("counter_intake", "postal_intake"):
            return step
        if upto is not None and step is upto:
            break
    return None


def creation_step(dossier: dict) -> dict | None:
    return next((s for s in ok_steps(dossier) if s.get("step") in CREATION_STEPS), None)


def run_dossiers(observations: dict | None) -> list[dict]:
    """Dossiers the dossier_life scenario created in this run."""
    return [d for d in (observations or {}).get("dossiers") or [] if created_in_run(d)]


def applicant_contacts(profile, dossier: dict) -> dict:
    """The applicant's e-mail and phone as the profile knows them (accounts.<role>[i].known)."""
    applicant = dossier.get("applicant") or {}
    role, index = applicant.get("role"), applicant.get("index")
    if role is None or index is None:
        return {"email": None, "phone": None}
    account = next((a for a in profile.accounts(role) if a.username == applicant.get("username")), None)
    if account is None and isinstance(index, int):
        account = profile.account(role, index)
    known = account.known if account else {}
    return {"email": known.get("email"), "phone": known.get("phone")}
