"""Refusals answered with HTTP 200: the profile's `envelope` rule.

Many Vietnamese e-government APIs answer every request with HTTP 200 and carry the outcome in the
body: {"success": false, "code": 403, "message": "Không có quyền"}. Read by its HTTP status alone,
such an answer is "accepted", and an access check would blame the target for an attempt it refused.
The profile's `envelope` (at the top level, or per operation or step, which replaces it) says which
body is a refusal and, optionally, where the body states its status. An operation's result then
carries that status, so every judge reads the refusal as it reads an HTTP 4xx; the transcript keeps
the answer as it came (HTTP 200), and the result's description says where the status came from.
"""
from __future__ import annotations

from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError

# A refusal whose body states no usable status: refused, for a reason dokiem cannot tell (a judge
# that needs the reason — lack of rights, a bad request — treats it as it treats an HTTP 400).
UNSTATED = 400
KEYS = ("refused_when", "status")


def rule_of(profile_data: dict, *specs: dict) -> dict | None:
    """The rule in force: the innermost spec (step, operation) that names one, else the profile's;
    `envelope: false` turns it off there."""
    for spec in specs:
        if spec and "envelope" in spec:
            return spec["envelope"] or None
    return profile_data.get("envelope") or None


def read(rule: dict | None, status: int | None, data: Any) -> tuple[int | None, str]:
    """(the status the answer stands for, a note when the body refused). Only a 2xx JSON answer is
    read: a 4xx or 5xx already says what it is, and no answer says nothing."""
    if not rule or status is None or not 200 <= status < 300 or data is None:
        return status, ""
    if not jmespath.search(rule["refused_when"], data):
        return status, ""
    stated = jmespath.search(rule["status"], data) if rule.get("status") else None
    try:
        stated = int(stated)
    except (TypeError, ValueError):
        stated = None
    if stated is None or not 400 <= stated <= 599:
        return UNSTATED, (f"HTTP {status}, thân trả lời là lời từ chối ({rule['refused_when']}), không nêu mã — "
                          f"the body refuses and states no status; read as {UNSTATED}")
    return stated, (f"HTTP {status}, thân trả lời là lời từ chối mã {stated} ({rule['refused_when']}) — the body "
                    f"refuses with status {stated}")


def problems(profile_data: dict) -> list[tuple[tuple, str]]:
    """(path, message) for each envelope expression that is not JMESPath."""
    found = []
    places = [(("envelope",), profile_data.get("envelope"))]
    for name, spec in (profile_data.get("operations") or {}).items():
        places.append((("operations", name, "envelope"), spec.get("envelope")))
        for n, step in enumerate(spec.get("steps") or []):
            places.append((("operations", name, "steps", n, "envelope"), step.get("envelope")))
        for role, variant in (spec.get("variants") or {}).items():
            places.append((("operations", name, "variants", role, "envelope"), variant.get("envelope")))
    for path, rule in places:
        for key in KEYS:
            if isinstance(rule, dict) and rule.get(key):
                try:
                    jmespath.compile(rule[key])
                except JMESPathError as exc:
                    found.append((path + (key,), f"not a JMESPath expression: {str(exc).splitlines()[0]} — biểu "
                                  "thức JMESPath không hợp lệ"))
    return found
