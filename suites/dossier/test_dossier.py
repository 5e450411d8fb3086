"""The life of a dossier (NĐ 61/2018, TT 01/2018): one check per test, each a call of its judge."""
import pytest

from suites.dossier import judges

pytestmark = pytest.mark.xdist_group("dossier")


@pytest.mark.check("dossier.code_format")
def test_code_format(life, param):
    judges.code_format(life, param("dossier.code_pattern"), param("codes.agency_pattern"))


@pytest.mark.check("dossier.code_unique")
def test_code_unique(life, param):
    judges.code_unique(life, param("dossier.code_pattern"))


@pytest.mark.check("dossier.appointment_date")
def test_appointment_date(life, target):
    judges.appointment_date(life, target.holidays)


@pytest.mark.check("dossier.receipt")
def test_receipt(life):
    judges.receipt(life)


@pytest.mark.check("dossier.intake_channels")
def test_intake_channels(life):
    judges.intake_channels(life)


@pytest.mark.check("dossier.postal")
def test_postal(life):
    judges.postal(life)


@pytest.mark.check("dossier.status_portal")
def test_status_portal(life):
    judges.status_portal(life)


@pytest.mark.check("dossier.status_backoffice")
def test_status_backoffice(life):
    judges.status_backoffice(life)


@pytest.mark.check("dossier.transitions")
def test_transitions(life):
    judges.transitions(life)


@pytest.mark.check("dossier.history")
def test_history(life):
    judges.history(life)


@pytest.mark.check("dossier.supplement")
def test_supplement(life):
    judges.supplement(life)


@pytest.mark.check("dossier.refusal")
def test_refusal(life):
    judges.refusal(life)


@pytest.mark.check("dossier.payment")
def test_payment(life):
    judges.payment(life)


@pytest.mark.check("dossier.result")
def test_result(life):
    judges.result(life)


@pytest.mark.check("dossier.result_signed")
def test_result_signed(life):
    judges.result_signed(life)


@pytest.mark.check("dossier.rating")
def test_rating(life):
    judges.rating(life)


@pytest.mark.check("dossier.withdraw")
def test_withdraw(life):
    judges.withdraw(life)


@pytest.mark.check("dossier.stop")
def test_stop(life):
    judges.stop(life)


@pytest.mark.check("dossier.overdue_flag")
def test_overdue_flag(life):
    judges.overdue_flag(life)


@pytest.mark.check("dossier.overdue_apology")
def test_overdue_apology(life):
    judges.overdue_apology(life)


@pytest.mark.check("dossier.forms_tt01")
def test_forms_tt01(life):
    judges.forms_tt01(life)


@pytest.mark.check("dossier.register")
def test_register(life):
    judges.register(life)


@pytest.mark.check("dossier.attachments")
def test_attachments(life):
    judges.attachments(life)


@pytest.mark.check("dossier.prefill")
def test_prefill(life):
    judges.prefill(life)


@pytest.mark.check("dossier.my_dossiers")
def test_my_dossiers(life):
    judges.my_dossiers(life)


@pytest.mark.check("dossier.portal_backoffice_sync")
def test_portal_backoffice_sync(life, param):
    judges.portal_backoffice_sync(life, float(param("packets.sync_delay_s")))
