"""--demo passwords always meet refportal's password policy (a run must not fail at random)."""
from harness.services import demo_password
from refportal.security import password_problems


def test_every_demo_password_meets_the_policy():
    passwords = {demo_password() for _ in range(500)}
    assert len(passwords) == 500
    assert [p for p in passwords if password_problems(p)] == []


def test_the_policy_refuses_a_password_without_a_digit():
    # the old "Dk!" + token_urlsafe(12) could draw this: refportal then refused to start
    assert password_problems("Dk!" + "abcdefghijklmnop")
