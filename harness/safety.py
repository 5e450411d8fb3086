"""Production safety judged on what is actually sent, not on the flags a check declares.

A check's flags decide whether it runs; but a scenario, a profile fixture (counter intake to get a
public dossier), a probe or a browser journey may still call something that writes. So every
request is judged before it leaves: an operation of the vocabulary by its `effect` in
criteria/checks.yaml (read, create, change), an extra `x_` operation by the `effect` the profile
gives it or else its HTTP method, and a raw probe by its HTTP method (only GET, HEAD and OPTIONS read; any other method, a malformed one included, counts as a
change). On `environment: production`, a non-read operation needs the `mutates` authorisation; a
non-read probe needs `mutates` or `intrusive` (the written permission to probe). What is refused
is not sent: it is recorded in the evidence and the check is ERROR (withheld), never FAIL.
"""
from __future__ import annotations

from harness import Inconclusive

READ = "read"
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


class Withheld(Inconclusive):
    """A request refused before it was sent: production without the authorisation it needs."""


def method_effect(method: str) -> str:
    return READ if str(method).upper() in READ_METHODS and str(method).isalpha() else "change"


def operation_effect(profile, operation: str) -> str:
    """The effect of a profile operation: the vocabulary's, else (extra operations) its method's."""
    effect = ((getattr(profile, "vocabulary", None) or {}).get(operation) or {}).get("effect")
    if effect:
        return effect
    spec = profile.operations.get(operation) or {}
    if spec.get("effect"):
        return spec["effect"]
    if operation == (getattr(profile, "session", None) or {}).get("login_operation"):
        return READ  # whatever its method, the login the profile names only opens a session, as `login` does
    return method_effect(spec.get("method", "GET"))


def refusal(profile, effect: str, what: str, probe: bool = False) -> str | None:
    """Why `what` may not be sent to this target, or None when it may."""
    if effect == READ or profile.environment != "production":
        return None
    allowed = set(profile.allowed_flags())
    if "mutates" in allowed or (probe and "intrusive" in allowed):
        return None
    needed = "mutates or intrusive" if probe else "mutates"
    return (f"{what} ({effect}) not sent: production without a written authorisation ({needed}) — "
            f"không gửi {what}: môi trường production, chưa có văn bản cho phép tạo hoặc thay đổi dữ liệu")
