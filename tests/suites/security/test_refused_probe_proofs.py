"""A refused injection probe is not a passed probe: a target that refuses every payload (422, a
validation error) gets ERROR on security.xss and security.sqli, never PASS, and the probes send
data the profile's own test data vouches for, never a reserved domain the target may reject.

Decision: ERROR, not FAIL. Refusing a malformed input is a legitimate defence, and the criteria ask
that injected code never run, not that it be accepted; but a refusal proves nothing about what the
target does with input it takes, so the check cannot decide.
"""
import pytest

from harness import Inconclusive
from harness.profile import Account
from suites.security import injection, judges

from .recordings import recorded

REFUSAL = "<html><body>Dữ liệu không hợp lệ</body></html>"


def refuse(row: dict) -> None:
    if row["channel"] in ("api", "page"):
        row.update(status=422, marker_found=False, body="", excerpt=REFUSAL, results=None)


@pytest.mark.proves("security.xss")
def test_a_target_that_refuses_every_xss_probe_gets_no_pass():
    probe = recorded("injection_probe")
    for row in probe["xss"]:
        refuse(row)
    with pytest.raises(Inconclusive, match="refused probe proves nothing"):
        judges.xss(probe)


@pytest.mark.proves("security.xss")
@pytest.mark.parametrize("surface", ["search", "lookup", "feedback"])
def test_one_surface_refusing_every_probe_is_named_and_not_passed(surface):
    probe = recorded("injection_probe")
    for row in probe["xss"]:
        if row["surface"] == surface:
            refuse(row)
    with pytest.raises(Inconclusive) as caught:
        judges.xss(probe)
    assert f"{surface}: " in str(caught.value)


@pytest.mark.proves("security.sqli")
def test_a_target_that_refuses_every_sqli_probe_gets_no_pass():
    probe = recorded("injection_probe")
    for row in probe["sqli"]["probes"]:
        refuse({**row, "channel": "api"})
        row.update(status=422, results=None, excerpt=REFUSAL)
    with pytest.raises(Inconclusive, match="every probe was refused"):
        judges.sqli(probe)


def test_the_clean_recording_still_passes_both():
    probe = recorded("injection_probe")
    judges.xss(probe)
    judges.sqli(probe)


class _Profile:
    def __init__(self, email=None, applicant=None):
        self.accounts_ = [Account("citizen", 0, "congdan1", known={"email": email} if email else {})]
        self.test_data = {"applicant": applicant} if applicant else {}

    def account(self, role, index=0, reserved_for=None):
        return self.accounts_[0] if role == "citizen" else None


def test_probe_e_mails_use_the_profiles_own_domain_never_a_reserved_one():
    assert injection.probe_email(_Profile("an@mail.tinh.gov.vn"), "dk1") == "dk1@mail.tinh.gov.vn"
    assert injection.probe_email(_Profile(applicant={"email": "b@dichvu.vn"}), "dk1") == "dk1@dichvu.vn"
    assert injection.probe_email(_Profile(), "dk1") is None  # no guess: the feedback probe is ERROR, named
