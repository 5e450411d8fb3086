"""--demo passwords always meet refportal's password policy (letter, digit, symbol, length)."""
import secrets

from harness.run_state import demo_password
from refportal.security import password_problems

DRAWS = 3000


def test_every_demo_password_meets_the_policy():
    bad = [p for p in (demo_password() for _ in range(DRAWS)) if password_problems(p)]
    assert not bad, bad[:3]


def test_the_policy_check_catches_a_token_without_a_digit():
    """The former recipe ("Dk!" + a random token) is refused now and then: the check above can fail."""
    refused = [p for p in ("Dk!" + secrets.token_urlsafe(12) for _ in range(DRAWS)) if password_problems(p)]
    assert refused and all("digit" in " ".join(password_problems(p)) for p in refused)
