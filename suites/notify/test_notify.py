"""Checks of the notifications applicants receive (PROTOCOL.md §3 SMS gateway, §4 SMTP sink)."""
import pytest

from suites.notify import judges

pytestmark = pytest.mark.xdist_group("dossier")


@pytest.mark.check("notify.mail")
def test_mail(notifications, param):
    judges.judge_mail(notifications, float(param("notify.wait_s")))


@pytest.mark.check("notify.sms")
def test_sms(notifications, param):
    judges.judge_sms(notifications, float(param("notify.wait_s")))


@pytest.mark.check("notify.apology_mail")
def test_apology_mail(notifications, param):
    judges.judge_apology(notifications, float(param("notify.wait_s")))
