"""Proofs of the access_probe checks on the clean refportal's recording: one citizen never reads
another's dossier, and each role is refused the others' steps while its own succeed."""
from pathlib import Path

import pytest

from harness import Inconclusive
from suites.access import judges

from ..security.recordings import first, recorded

HERE = Path(__file__).parent / "recorded"


@pytest.fixture
def probe():
    return recorded("access_probe", HERE)


def step(obs, key):
    return first(obs["steps"], key=key)


def test_both_checks_pass_on_the_clean_recording(probe):
    judges.cross_citizen(probe)
    judges.roles(probe)


# --- access.cross_citizen ---------------------------------------------------------------------
@pytest.mark.proves("access.cross_citizen")
@pytest.mark.parametrize("key", ["other_read", "other_download", "other_attachment_1", "other_rate"])
def test_cross_citizen_fails_when_another_citizen_is_let_in(probe, key):
    step(probe, key).update(status=200, ok=True)
    with pytest.raises(AssertionError, match="allowed; must be refused"):
        judges.cross_citizen(probe)


@pytest.mark.proves("access.cross_citizen")
def test_cross_citizen_fails_when_a_refusal_changes_the_dossier_anyway(probe):
    step(probe, "other_withdraw")["status_after"] = "Đã rút hồ sơ"
    with pytest.raises(AssertionError, match="refused, yet the dossier changed"):
        judges.cross_citizen(probe)


@pytest.mark.proves("access.cross_citizen")
def test_cross_citizen_fails_when_a_refusal_shows_the_dossier(probe):
    step(probe, "other_read")["excerpt"] += f' {{"form_data": {{"ghi_chu": "{probe["tag"]}"}}}}'
    with pytest.raises(AssertionError, match="refusal leaks the dossier"):
        judges.cross_citizen(probe)


@pytest.mark.proves("access.cross_citizen")
def test_cross_citizen_fails_when_the_dossier_shows_in_another_citizens_list(probe):
    step(probe, "other_list")["lists_dossier"] = True
    with pytest.raises(AssertionError, match="another citizen's own list shows the dossier"):
        judges.cross_citizen(probe)


def test_a_refusal_proves_nothing_when_the_owner_is_refused_too(probe):
    step(probe, "owner_download").update(status=404, ok=False)
    with pytest.raises(Inconclusive, match="owner could not either"):
        judges.cross_citizen(probe)


def test_no_dossier_is_error(probe):
    probe["dossier_code"] = None
    probe["errors"] = ["submit_dossier gave no dossier code"]
    with pytest.raises(Inconclusive, match="no dossier to probe"):
        judges.cross_citizen(probe)
    with pytest.raises(Inconclusive, match="no dossier to probe"):
        judges.roles(probe)


# --- access.roles -----------------------------------------------------------------------------
@pytest.mark.proves("access.roles")
@pytest.mark.parametrize("key", ["citizen_receive", "officer_approve", "citizen_approve", "specialist_audit"])
def test_roles_fail_when_a_role_takes_another_roles_step(probe, key):
    step(probe, key).update(status=200, ok=True)
    with pytest.raises(AssertionError, match="allowed; must be refused"):
        judges.roles(probe)


@pytest.mark.proves("access.roles")
def test_roles_fail_when_a_role_is_refused_its_own_step(probe):
    step(probe, "officer_receive").update(status=403, ok=False, message="không có quyền")
    with pytest.raises(AssertionError, match="refused its own operation"):
        judges.roles(probe)


def test_a_refusal_for_the_dossiers_status_is_not_a_refusal_for_the_role(probe):
    step(probe, "officer_approve").update(status=409, ok=False, message="trạng thái không cho phép")
    with pytest.raises(Inconclusive, match="neither allowed nor refused for lack of rights"):
        judges.roles(probe)
