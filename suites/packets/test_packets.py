"""Checks of the packets the target sent to the simulated national portal (harness/nps/PROTOCOL.md §1)."""
import pytest

from suites.packets import judges

pytestmark = pytest.mark.xdist_group("dossier")


@pytest.mark.check("packets.dossier_synced")
def test_dossier_synced(packet_log):
    judges.judge_dossier_synced(packet_log)


@pytest.mark.check("packets.progress_synced")
def test_progress_synced(packet_log):
    judges.judge_progress_synced(packet_log)


@pytest.mark.check("packets.order")
def test_order(packet_log):
    judges.judge_order(packet_log)


@pytest.mark.check("packets.delay")
def test_delay(packet_log, param):
    judges.judge_delay(packet_log, float(param("packets.sync_delay_s")))


@pytest.mark.check("packets.mandatory_fields")
def test_mandatory_fields(packet_log):
    judges.judge_mandatory_fields(packet_log)


@pytest.mark.check("packets.codes")
def test_codes(packet_log, param):
    judges.judge_codes(packet_log, param("dossier.code_pattern"), param("codes.procedure_pattern"),
                       param("codes.agency_pattern"))


@pytest.mark.check("packets.status_codes")
def test_status_codes(packet_log):
    judges.judge_status_codes(packet_log)


@pytest.mark.check("packets.date_format")
def test_date_format(packet_log, param):
    judges.judge_date_format(packet_log, float(param("packets.sync_delay_s")))


@pytest.mark.check("packets.schema")
def test_schema(packet_log):
    judges.judge_schema(packet_log)


@pytest.mark.check("packets.session")
def test_session(packet_log, param):
    judges.judge_session(packet_log, float(param("packets.retry_wait_s")))


@pytest.mark.check("packets.error_handling")
def test_error_handling(packet_log, param):
    judges.judge_error_handling(packet_log, float(param("packets.retry_wait_s")))


@pytest.mark.check("packets.is_updating")
def test_is_updating(packet_log):
    judges.judge_is_updating(packet_log)


@pytest.mark.check("packets.attachments_by_url")
def test_attachments_by_url(packet_log):
    judges.judge_attachments_by_url(packet_log)


@pytest.mark.check("packets.fees")
def test_fees(packet_log):
    judges.judge_fees(packet_log)


@pytest.mark.check("packets.procedure_pull")
def test_procedure_pull(packet_log):
    judges.judge_procedure_pull(packet_log)


@pytest.mark.check("packets.lookup")
def test_lookup(packet_log):
    judges.judge_lookup(packet_log)
