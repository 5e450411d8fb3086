"""--demo gives refportal's accounts random passwords: each must pass refportal's password policy,
or refportal refuses to start (the old "Dk!" + random had no digit in ~7% of draws per account)."""
import secrets

from harness.run_state import demo_password
from refportal.security import password_problems


def test_demo_passwords_always_meet_refportal_policy():
    passwords = {demo_password() for _ in range(2000)}
    assert len(passwords) == 2000
    assert [p for p in passwords if password_problems(p)] == []


def test_the_policy_refuses_a_random_part_without_a_digit():
    # the failure the fixed prefix prevents, shown on the policy itself
    draws = ("Dk!" + secrets.token_urlsafe(12) for _ in range(5000))
    assert any(password_problems(p) for p in draws)
