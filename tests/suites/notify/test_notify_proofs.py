"""Negative proofs of the notification checks. They replay the observations recorded from a clean
refportal run (recorded/notifications.json, made by `python -m tests.suites.record notifications`);
the faults of notify.apology_mail are put into a small apology observation written below from the
scenario's contract (suites/notify/README.md), where each message's date and time are easy to read.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from harness import Inconclusive
from suites.notify import judges

RECORDED = Path(__file__).parent / "recorded" / "notifications.json"
WAIT = 30.0
_GOOD = json.loads(RECORDED.read_text(encoding="utf-8"))


@pytest.fixture
def obs() -> dict:
    return copy.deepcopy(_GOOD)


def full(obs: dict) -> dict:
    return next(d for d in obs["dossiers"] if d["key"] == "online_full")


def messages(obs: dict, kind: str, code: str, words: str = "") -> list[dict]:
    return [m for m in obs["messages"] if m["kind"] == kind and code in m["text"] and words in m["text"]]


def later(message: dict, seconds: float) -> None:
    message["time"] = (dt.datetime.fromisoformat(message["time"]) + dt.timedelta(seconds=seconds)).isoformat()


def test_the_recording_has_every_event_kind(obs):
    kinds = {e["kind"] for d in obs["dossiers"] for e in d["events"]}
    assert kinds == {"receipt", "supplement_request", "result"}
    assert obs["dossier_life_error"] is None


# ------------------------------------------------------------------------------ notify.mail

@pytest.mark.proves("notify.mail")
def test_mail_fails_when_no_mail_is_sent(obs):
    judges.mail(copy.deepcopy(obs), WAIT)
    obs["messages"] = [m for m in obs["messages"] if m["kind"] != "mail"]
    fails = pytest.raises(AssertionError, judges.mail, obs, WAIT)
    assert "không nhận được thư" in str(fails.value)


@pytest.mark.proves("notify.mail")
def test_mail_fails_when_the_supplement_request_is_not_mailed(obs):
    code = full(obs)["code"]
    drop = {m["seq"] for m in messages(obs, "mail", code, "cần bổ sung")}
    assert drop
    obs["messages"] = [m for m in obs["messages"] if m["seq"] not in drop]
    with pytest.raises(AssertionError, match="yêu cầu bổ sung"):
        judges.mail(obs, WAIT)


@pytest.mark.proves("notify.mail")
def test_mail_fails_when_the_result_mail_is_late(obs):
    code = full(obs)["code"]
    for message in messages(obs, "mail", code, "đã có kết quả") + messages(obs, "mail", code, "đã trả kết quả"):
        later(message, WAIT + 5)
    with pytest.raises(AssertionError, match="quá 30 s"):
        judges.mail(obs, WAIT)


@pytest.mark.proves("notify.mail")
def test_mail_fails_when_it_goes_to_another_address(obs):
    for message in obs["messages"]:
        if message["kind"] == "mail":
            message["to"] = ["someone.else@mail.anbinh.test"]
    with pytest.raises(AssertionError):
        judges.mail(obs, WAIT)


def test_mail_is_inconclusive_when_the_profile_does_not_know_the_address(obs):
    for dossier in obs["dossiers"]:
        dossier["contacts"]["email"] = None
    with pytest.raises(Inconclusive, match="known.email"):
        judges.mail(obs, WAIT)


def test_mail_is_inconclusive_when_no_supplement_was_requested(obs):
    for dossier in obs["dossiers"]:
        dossier["events"] = [e for e in dossier["events"] if e["kind"] != "supplement_request"]
    with pytest.raises(Inconclusive, match="yêu cầu bổ sung"):
        judges.mail(obs, WAIT)


# ------------------------------------------------------------------------------ notify.sms

@pytest.mark.proves("notify.sms")
def test_sms_fails_when_no_sms_is_sent(obs):
    judges.sms(copy.deepcopy(obs), WAIT)
    obs["messages"] = [m for m in obs["messages"] if m["kind"] != "sms"]
    with pytest.raises(AssertionError, match="tin nhắn"):
        judges.sms(obs, WAIT)


@pytest.mark.proves("notify.sms")
def test_sms_fails_when_the_result_sms_does_not_name_the_dossier(obs):
    code = full(obs)["code"]
    for message in messages(obs, "sms", code, "ket qua"):
        message["text"] = message["text"].replace(code, "hồ sơ của Quý vị")
    with pytest.raises(AssertionError, match="có kết quả"):
        judges.sms(obs, WAIT)


def test_sms_numbers_match_in_international_form(obs):
    for message in obs["messages"]:
        if message["kind"] == "sms":
            message["to"] = ["+84 " + message["to"][0][1:]]
    judges.sms(obs, WAIT)


# ------------------------------------------------------------------------------ notify.apology_mail

CODE = "000.00.10.H29-261110-0001"


@pytest.fixture
def apology() -> dict:
    """An overdue dossier filed online, its apology issued at 09:00:00 with the new date 2026-12-04."""
    issued = {"operation": "print_form", "form_number": 4, "started": "2026-11-25T09:00:00+07:00",
              "finished": "2026-11-25T09:00:00.200000+07:00", "ok": True, "http_status": 200, "error": None}
    text = (f"[Cổng Dịch vụ công tỉnh An Bình] Hồ sơ {CODE}: thư xin lỗi và hẹn lại ngày trả kết quả\n"
            "Kính gửi Nguyễn Văn An, cơ quan xin lỗi vì hồ sơ quá hạn giải quyết. Ngày hẹn trả mới: 04/12/2026.")
    return {"run_id": "r", "dossier_life_error": None, "dossiers": [], "messages": [],
            "apology": {"dossier": CODE, "channel": "online", "error": None,
                        "contacts": {"email": ["congdan1@mail.anbinh.test"], "phone": ["0912345601"]},
                        "appointment_before": "2026-11-20T17:00:00+07:00",
                        "appointment_after": "2026-12-04T17:00:00+07:00", "issued": issued,
                        "run_started": "2026-11-25T08:59:00+07:00"},
            "apology_messages": [
                {"seq": 40, "time": "2026-11-25T09:00:01.100+07:00", "kind": "mail",
                 "to": ["congdan1@mail.anbinh.test"], "subject": "…", "text": text, "response": {}, "fault": None},
                {"seq": 41, "time": "2026-11-25T09:00:01.300+07:00", "kind": "sms", "to": ["0912345601"],
                 "subject": None, "text": f"DVC-ANBINH: Ho so {CODE} qua han, xin loi, hen tra 04/12/2026",
                 "response": {}, "fault": None}]}


@pytest.mark.proves("notify.apology_mail")
def test_apology_fails_when_nothing_reaches_the_applicant(apology):
    judges.apology_mail(copy.deepcopy(apology), WAIT)
    apology["apology_messages"] = []
    with pytest.raises(AssertionError, match="không nhận được thư điện tử hay tin nhắn xin lỗi"):
        judges.apology_mail(apology, WAIT)


@pytest.mark.proves("notify.apology_mail")
def test_apology_fails_when_it_arrives_after_the_wait(apology):
    for message in apology["apology_messages"]:
        later(message, WAIT + 1)
    with pytest.raises(AssertionError, match="trong 30 s"):
        judges.apology_mail(apology, WAIT)


@pytest.mark.proves("notify.apology_mail")
def test_apology_fails_without_the_new_appointment_date(apology):
    for message in apology["apology_messages"]:
        message["text"] = message["text"].replace("04/12/2026", "sớm nhất có thể")
    with pytest.raises(AssertionError, match="04/12/2026"):
        judges.apology_mail(apology, WAIT)


def test_apology_by_sms_alone_is_enough(apology):
    apology["apology_messages"] = [m for m in apology["apology_messages"] if m["kind"] == "sms"]
    judges.apology_mail(apology, WAIT)


def test_apology_passes_on_the_recording(obs):
    judges.apology_mail(obs, WAIT)


def test_apology_is_inconclusive_without_the_overdue_fixture(obs):
    """A profile without an overdue dossier to try: ERROR, never PASS."""
    obs["apology"] = {"dossier": None, "error": "ConfigurationError: the profile declares no fixture 'overdue_dossier'",
                      "run_started": obs["apology"]["run_started"]}
    with pytest.raises(Inconclusive, match="overdue_dossier"):
        judges.apology_mail(obs, WAIT)
