"""Negative proofs of the dossier_life checks: each judge passes on the recorded good observation
(a --demo run of refportal, recorded/dossier_life.json, made by `python -m tests.suites.record`) and
fails (AssertionError, never Inconclusive) when one fault of the kind a broken target shows is put
into it. Where the data a judge needs is missing, it must say so (Inconclusive), not pass."""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from harness import Inconclusive, criteria
from harness.national import add_working_days
from suites.audit import judges as audit_judges
from suites.dossier import judges, judges_results
from suites.dossier.documents import dates_in
from suites.levels import judges as levels_judges
from suites.lookup import judges as lookup_judges

REPO = Path(__file__).resolve().parents[3]
RECORDED = json.loads((Path(__file__).parent / "recorded" / "dossier_life.json").read_text(encoding="utf-8"))
_CHECKS = criteria.load_checks(REPO / "criteria")
EDITION = criteria.load_edition(REPO / "criteria", "cv255-2018", _CHECKS)
CODE_PATTERN = EDITION.parameter("dossier.code_pattern")
AGENCY_PATTERN = EDITION.parameter("codes.agency_pattern")
SYNC_DELAY = float(EDITION.parameter("packets.sync_delay_s"))
HOLIDAYS = ["2026-12-01"]  # any list: the recorded appointments are far from holidays


@pytest.fixture
def obs():
    return copy.deepcopy(RECORDED)


def dossier(obs, key):
    return next(d for d in obs["dossiers"] if d["key"] == key)


def step(obs, key, name):
    return next(s for s in dossier(obs, key)["steps"] if s["step"] == name)


def fails(judge, obs, *args) -> str:
    """The judge fails (FAIL, not ERROR) on `obs`; returns what the tester reads."""
    with pytest.raises(AssertionError) as caught:
        judge(obs, *args)
    message = str(caught.value)
    assert message.strip()
    return message


def undecided(judge, obs, *args) -> str:
    with pytest.raises(Inconclusive) as caught:
        judge(obs, *args)
    return str(caught.value)


# ------------------------------------------------------------------------- levels

@pytest.mark.proves("levels.online_submission")
def test_online_submission(obs):
    levels_judges.online_submission(copy.deepcopy(obs))
    broken = copy.deepcopy(obs)
    step(broken, "online_full", "submit").update(ok=False, http_status=500, error="HTTP 500")
    assert "submit" in fails(levels_judges.online_submission, broken)
    step(obs, "online_full", "submit")["vars"].pop("submitted_at")
    dossier(obs, "online_full")["times"]["submitted_at"] = None
    assert "time of submission" in fails(levels_judges.online_submission, obs)


def test_online_submission_needs_the_browser_e_form(obs):
    obs["browser"]["submit"] = {"ok": False, "code": None, "error": "JourneyError: step 2"}
    assert "e-form" in undecided(levels_judges.online_submission, obs)


@pytest.mark.proves("levels.online_payment")
def test_online_payment(obs):
    levels_judges.online_payment(copy.deepcopy(obs))
    dossier(obs, "online_full")["payment"]["payment_after"]["status"] = "pending"
    dossier(obs, "online_full")["payment"]["payment_after"].update(paid_at=None, transaction_id=None)
    assert "does not show the payment" in fails(levels_judges.online_payment, obs)


@pytest.mark.proves("levels.e_result")
def test_e_result(obs):
    levels_judges.e_result(copy.deepcopy(obs))
    for row in dossier(obs, "online_full")["result_downloads"]:
        row.update(ok=False, http_status=404, size=0)
    assert "cannot download" in fails(levels_judges.e_result, obs)


# ------------------------------------------------------------------------- codes

@pytest.mark.proves("dossier.code_format")
@pytest.mark.parametrize("code, says", [
    ("H29-261125-1", "does not match"),                      # the defect: codes not in the TT 01/2018 form
    ("000.00.22.H29-251125-0001", "not the receipt date"),
    ("000.00.99.H29-261125-0001", "not the receiving unit"),
])
def test_code_format(obs, code, says):
    judges.code_format(copy.deepcopy(obs), CODE_PATTERN, AGENCY_PATTERN)
    dossier(obs, "counter")["code"] = code
    assert says in fails(judges.code_format, obs, CODE_PATTERN, AGENCY_PATTERN)


def test_code_format_without_a_known_receiving_unit_is_undecided(obs):
    for d in obs["dossiers"]:
        d["receiving_unit"] = None
    assert "unit_code" in undecided(judges.code_format, obs, CODE_PATTERN, AGENCY_PATTERN)


@pytest.mark.proves("dossier.code_unique")
def test_code_unique(obs):
    judges.code_unique(copy.deepcopy(obs), CODE_PATTERN)
    duplicate = copy.deepcopy(obs)
    dossier(duplicate, "refused")["code"] = dossier(duplicate, "online_full")["code"]
    assert "duplicate" in fails(judges.code_unique, duplicate, CODE_PATTERN)
    first, later = dossier(obs, "online_full"), dossier(obs, "stopped")  # same unit and day, registered in this order
    first["code"], later["code"] = later["code"], first["code"]
    assert "do not rise" in fails(judges.code_unique, obs, CODE_PATTERN)


@pytest.mark.proves("dossier.appointment_date")
def test_appointment_date(obs):
    judges.appointment_date(copy.deepcopy(obs), HOLIDAYS)
    late = copy.deepcopy(obs)
    dossier(late, "online_full")["times"]["appointment_date"] = "2027-01-15T17:00:00+07:00"  # 10 working days exceeded
    assert "legal time limit" in fails(judges.appointment_date, late, HOLIDAYS)
    dossier(obs, "counter")["times"]["appointment_date"] = "2026-11-24T17:00:00+07:00"
    assert "not after the receipt" in fails(judges.appointment_date, obs, HOLIDAYS)


def test_appointment_date_counts_holidays_as_days_off(obs):
    counter = dossier(obs, "counter")  # a procedure of 1 working day
    assert counter["procedure"]["processing_days"] == 1
    received = dt.date.fromisoformat(counter["times"]["received_at"][:10])
    due, day_after = add_working_days(received, 1, []), add_working_days(received, 2, [])
    counter["times"]["appointment_date"] = f"{day_after.isoformat()}T17:00:00+07:00"
    fails(judges.appointment_date, copy.deepcopy(obs), [])
    judges.appointment_date(obs, [due.isoformat()])  # a holiday on the due day moves the limit a day on


# ------------------------------------------------------------------------- intake

@pytest.mark.proves("dossier.receipt")
def test_receipt(obs):
    judges.receipt(copy.deepcopy(obs))
    missing = copy.deepcopy(obs)  # the defect: no receipt
    dossier(missing, "counter")["forms"]["1"].update(ok=False, http_status=404, text="", error="HTTP 404")
    assert "does not produce form 1" in fails(judges.receipt, missing)
    counter = dossier(obs, "counter")
    appointment = dt.date.fromisoformat(counter["times"]["appointment_date"][:10])
    form = counter["forms"]["1"]
    for shown in (counter["applicant"]["full_name"], appointment.strftime("%d/%m/%Y"), appointment.isoformat()):
        form["text"] = form["text"].replace(shown, "")
    message = fails(judges.receipt, obs)
    assert "applicant" in message and "appointment date" in message


@pytest.mark.proves("dossier.intake_channels")
def test_intake_channels(obs):
    judges.intake_channels(copy.deepcopy(obs))
    wrong_channel = copy.deepcopy(obs)
    dossier(wrong_channel, "counter")["channel_seen"] = "online"
    assert "back office records channel" in fails(judges.intake_channels, wrong_channel)
    for packet in dossier(obs, "counter")["packets"]:
        packet["KenhThucHien"] = "2"
    assert "wrong channel" in fails(judges.intake_channels, obs)


@pytest.mark.proves("dossier.intake_channels")
def test_intake_channels_without_any_packet_fails_once_the_dossiers_were_registered(obs):
    for d in obs["dossiers"]:
        d["packets"] = []
    assert "DongBoHoSoMC" in fails(judges.intake_channels, copy.deepcopy(obs))  # the target sent nothing: FAIL
    for d in obs["dossiers"]:
        for s in d["steps"]:
            s["ok"] = False  # nothing could be registered: nothing to send, nothing to judge
    assert "DongBoHoSoMC" in undecided(judges.intake_channels, obs)


@pytest.mark.proves("dossier.postal")
def test_postal(obs):
    judges.postal(copy.deepcopy(obs))
    by_counter = copy.deepcopy(obs)
    for packet in dossier(by_counter, "postal")["packets"]:
        packet["KenhThucHien"] = "1"
    assert "KenhThucHien 3" in fails(judges.postal, by_counter)
    for packet in dossier(obs, "postal")["packets"]:
        packet["HinhThuc"] = "0"
    assert "HinhThuc" in fails(judges.postal, obs)


# ------------------------------------------------------------------------- statuses

@pytest.mark.proves("dossier.status_portal")
def test_status_portal(obs):
    judges.status_portal(copy.deepcopy(obs))
    process = step(obs, "online_full", "process")  # the defect: a status not updated after processing
    process.update(portal_label="Đã tiếp nhận", portal_code=2)
    assert "expected national status 4" in fails(judges.status_portal, obs)


def test_status_portal_unmapped_label_fails(obs):
    step(obs, "stopped", "stop").update(portal_label="Tạm dừng", portal_code=None)
    assert "Tạm dừng" in fails(judges.status_portal, obs)


@pytest.mark.proves("dossier.status_backoffice")
def test_status_backoffice(obs):
    judges.status_backoffice(copy.deepcopy(obs))
    step(obs, "counter", "process").update(backoffice_label="Đã tiếp nhận", backoffice_code=2)
    assert "expected national status 4" in fails(judges.status_backoffice, obs)


def test_status_views_unreadable_are_undecided(obs):
    step(obs, "online_full", "approve").update(backoffice_label=None, backoffice_code=None, backoffice_http_status=None,
                                               view_error="backoffice: timeout")
    assert "could not be read" in undecided(judges.status_backoffice, obs)


@pytest.mark.proves("dossier.transitions")
def test_transitions(obs):
    judges.transitions(copy.deepcopy(obs))
    reopened = copy.deepcopy(obs)
    dossier(reopened, "withdrawn")["attempts_after_final"][0].update(ok=True, http_status=200, backoffice_code=4)
    message = fails(judges.transitions, reopened)
    assert "final state was accepted" in message and "left a final state" in message
    step(obs, "counter", "process").update(backoffice_code=9, portal_code=None)  # 2 → 9 skips processing
    assert "2 → 9" in fails(judges.transitions, obs)


@pytest.mark.proves("dossier.history")
def test_history(obs):
    judges.history(copy.deepcopy(obs))
    gap = copy.deepcopy(obs)
    dossier(gap, "online_full")["history"] = [h for h in dossier(gap, "online_full")["history"] if h["status_code"] != 9]
    assert "'approve'" in fails(judges.history, gap)
    someone_else = copy.deepcopy(obs)
    entry = next(h for h in dossier(someone_else, "counter")["history"] if h["status_code"] == 4)
    specialist = step(someone_else, "counter", "process")["username"]
    for field in ("user", "text"):  # the line names someone else
        entry[field] = entry[field].replace(specialist, "quantri1")
    assert "'process'" in fails(judges.history, someone_else)
    next(h for h in dossier(obs, "stopped")["history"] if h["status_code"] == 8)["time"] = None
    assert "no time" in fails(judges.history, obs)


@pytest.mark.proves("dossier.supplement")
def test_supplement(obs):
    judges.supplement(copy.deepcopy(obs))
    hidden = copy.deepcopy(obs)
    step(hidden, "online_full", "request_supplement")["portal_reason_seen"] = False
    assert "supplement reason" in fails(judges.supplement, hidden)
    step(obs, "online_full", "supplement").update(portal_label="Chờ bổ sung hồ sơ", portal_code=5)
    assert "return to processing" in fails(judges.supplement, obs)


@pytest.mark.proves("dossier.refusal")
def test_refusal(obs):
    judges.refusal(copy.deepcopy(obs))
    no_reason = copy.deepcopy(obs)
    step(no_reason, "refused", "refuse")["portal_reason_seen"] = False
    assert "cannot see the reason" in fails(judges.refusal, no_reason)
    dossier(obs, "refused")["forms"]["3"].update(ok=False, http_status=404, text="")
    assert "form 3" in fails(judges.refusal, obs)


@pytest.mark.proves("dossier.withdraw")
def test_withdraw(obs):
    judges.withdraw(copy.deepcopy(obs))
    accepted = copy.deepcopy(obs)
    dossier(accepted, "withdrawn")["attempts_after_final"][0].update(ok=True, http_status=200)
    assert "was accepted" in fails(judges.withdraw, accepted)
    step(obs, "withdrawn", "withdraw").update(portal_label="Đã tiếp nhận", portal_code=2)
    assert "status 7" in fails(judges.withdraw, obs)


@pytest.mark.proves("dossier.stop")
def test_stop(obs):
    judges.stop(copy.deepcopy(obs))
    no_reason = copy.deepcopy(obs)
    step(no_reason, "stopped", "stop").update(portal_reason_seen=False, backoffice_reason_seen=False)
    assert "reason is not recorded" in fails(judges.stop, no_reason)
    dossier(obs, "stopped")["attempts_after_final"][0].update(backoffice_code=4, backoffice_label="Đang giải quyết")
    assert "left status 8" in fails(judges.stop, obs)


# ------------------------------------------------------------------------- payment, result, rating

@pytest.mark.proves("dossier.payment")
@pytest.mark.parametrize("fault, says", [
    (lambda p, s: p["init"][0]["response"].update(MaLoi="07", MoTaLoi="Sai MaXacThuc"), "refused the INIT"),
    (lambda p, s: p["init"][0]["request"].update(SoTien="1000"), "fee amount"),
    (lambda p, s: (p["init"][0]["request"].update(ThongTinGiaoDich="THANH TOAN"),
                  p["init"][0]["request"]["ThongTinBienLai"].update(MaHoSo="")), "does not name the dossier"),
    (lambda p, s: p.update(init=[]), "no INIT"),
    (lambda p, s: s.update(portal_code=6, backoffice_code=6), "did not leave status 6"),
])
def test_payment(obs, fault, says):
    judges_results.payment(copy.deepcopy(obs))
    fault(dossier(obs, "online_full")["payment"], step(obs, "online_full", "payment_confirmed"))
    assert says in fails(judges_results.payment, obs)


def test_payment_without_init_fails_even_if_the_confirmation_never_came(obs):
    dossier(obs, "online_full")["payment"]["init"] = []  # the target paid elsewhere: nothing reached the platform
    step(obs, "online_full", "payment_confirmed").update(ok=False, http_status=None, error="NpsError: 404 no INIT")
    assert "no INIT" in fails(judges_results.payment, obs)


@pytest.mark.proves("dossier.result")
def test_result(obs):
    judges_results.result(copy.deepcopy(obs))
    not_returned = copy.deepcopy(obs)
    step(not_returned, "postal", "return").update(backoffice_code=9, backoffice_label="Đã có kết quả")
    assert "status 10" in fails(judges_results.result, not_returned)
    early = copy.deepcopy(obs)
    dossier(early, "counter")["times"]["returned_at"] = "2026-11-24T08:00:00+07:00"
    step(early, "counter", "return")["vars"]["return_date"] = "2026-11-24T08:00:00+07:00"
    assert "before the approval" in fails(judges_results.result, early)
    for row in dossier(obs, "online_full")["result_downloads"]:
        row.update(ok=False, http_status=403, size=0)
    assert "cannot download" in fails(judges_results.result, obs)


@pytest.mark.proves("dossier.result_signed")
@pytest.mark.parametrize("fault, says", [
    ({"kind": None, "verified": False, "signer": None}, "not signed"),                     # the defect: unsigned
    ({"verified": False, "detail": "CMS Verification failure: content mismatch"}, "does not verify"),
    ({"checked_at": "2029-01-01T00:00:00+00:00"}, "outside its validity"),
])
def test_result_signed(obs, fault, says):
    judges_results.result_signed(copy.deepcopy(obs))
    dossier(obs, "online_full")["signature"].update(fault)
    assert says in fails(judges_results.result_signed, obs)


def test_result_signed_never_passes_what_it_cannot_verify(obs):
    dossier(obs, "online_full")["signature"].update(verified=None, detail="openssl is not installed")
    assert "could not be verified" in undecided(judges_results.result_signed, obs)


@pytest.mark.proves("dossier.rating")
def test_rating(obs):
    judges_results.rating(copy.deepcopy(obs))
    no_rating = copy.deepcopy(obs)  # the defect: no satisfaction rating
    dossier(no_rating, "online_full")["rating"]["first"].update(ok=False, http_status=404, error="HTTP 404")
    assert "cannot rate" in fails(judges_results.rating, no_rating)
    ignored = copy.deepcopy(obs)
    dossier(ignored, "online_full")["rating"]["second"].update(ok=True, http_status=200, error=None)
    assert "without replacing" in fails(judges_results.rating, ignored)
    obs["browser"]["rate"]["rating_after"] = None
    assert "in the browser is not recorded" in fails(judges_results.rating, obs)


# ------------------------------------------------------------------------- overdue and forms

@pytest.mark.proves("dossier.overdue_flag")
def test_overdue_flag(obs):
    judges_results.overdue_flag(copy.deepcopy(obs))
    unflagged = copy.deepcopy(obs)
    unflagged["overdue"]["before"]["overdue"] = False
    assert "not flagged" in fails(judges_results.overdue_flag, unflagged)
    step(obs, "online_full", "process")["backoffice_overdue"] = True
    assert "within its time limit is flagged" in fails(judges_results.overdue_flag, obs)


def test_overdue_without_the_fixture_is_undecided(obs):
    obs["overdue"] = {"fixture_code": None, "error": "x_overdue_dossiers answered but 'items[0].code' is empty"}
    undecided(judges_results.overdue_flag, obs)
    undecided(judges_results.overdue_apology, obs)


def test_overdue_flag_in_a_read_only_run_judges_the_register(obs):
    obs.update(read_only=True, dossiers=[])
    obs["register"]["items"] = [{"code": "000.00.10.H29-261120-0003", "status_label": "Đang giải quyết",
                                 "status_code": 4, "dates": [], "overdue": False,
                                 "appointment_date": "2026-12-20T17:00:00+07:00"}]
    judges_results.overdue_flag(copy.deepcopy(obs))
    obs["register"]["items"][0]["overdue"] = True
    assert "within its time limit is flagged" in fails(judges_results.overdue_flag, obs)


@pytest.mark.proves("dossier.overdue_apology")
def test_overdue_apology(obs):
    judges_results.overdue_apology(copy.deepcopy(obs))
    none = copy.deepcopy(obs)  # the defect: overdue dossiers without an apology slip
    none["overdue"]["apology"].update(ok=False, http_status=404, text="")
    assert "no apology slip" in fails(judges_results.overdue_apology, none)
    same_date = copy.deepcopy(obs)
    slip = same_date["overdue"]["apology"]
    original = dt.date.fromisoformat(same_date["overdue"]["before"]["appointment_date"][:10])
    # no date after the original appointment (the judge reads any later date, the slip's own
    # date of issue too, as the new appointment)
    for later in {d for d in dates_in(slip["text"]) if d > original}:
        for shown in (later.strftime("%d/%m/%Y"), later.isoformat(), f"ngày {later:%d} tháng {later:%m} năm {later:%Y}"):
            slip["text"] = slip["text"].replace(shown, "")
    assert not [d for d in dates_in(slip["text"]) if d > original]
    assert "no new appointment date" in fails(judges_results.overdue_apology, same_date)
    obs["overdue"]["apology"]["text"] = obs["overdue"]["apology"]["text"].replace("Lý do:", "")
    assert "no reason" in fails(judges_results.overdue_apology, obs)


def test_the_appointment_judged_after_an_apology_is_the_one_given_at_receipt(obs):
    later = dossier(obs, "delayed")
    later["times"]["appointment_date"] = later["apology"]["new_date"] + "T17:00:00+07:00"  # the vendor shows the new date
    judges.appointment_date(copy.deepcopy(obs), HOLIDAYS)  # not "later than the legal limit": it is the new promise
    later["apology"]["appointment_before"] = later["apology"]["new_date"] + "T17:00:00+07:00"
    assert "later than the legal time limit" in fails(judges.appointment_date, obs, HOLIDAYS)


@pytest.mark.proves("dossier.apology_before_due")
def test_apology_before_due(obs):
    judges_results.apology_before_due(copy.deepcopy(obs), 1)
    asked = dossier(obs, "delayed")["apology"]
    late_only = copy.deepcopy(obs)  # the defect: the system takes an apology only once the dossier is late
    dossier(late_only, "delayed")["apology"].update(ok=False, http_status=409, error="HTTP 409: Hồ sơ chưa quá hạn")
    assert "refuses the apology before the due date" in fails(judges_results.apology_before_due, late_only, 1)
    moved = copy.deepcopy(obs)  # the apology moved the dossier to another status
    dossier(moved, "delayed")["apology"]["status_code_after"] = 5
    assert "changed the dossier's status" in fails(judges_results.apology_before_due, moved, 1)
    new = dt.date.fromisoformat(asked["new_date"])
    own_date = copy.deepcopy(obs)  # the slip gives a date of the system's own, not the officer's
    slip = dossier(own_date, "delayed")["forms"]["4"]
    for shown in (f"{new:%d/%m/%Y}", new.isoformat()):
        slip["text"] = slip["text"].replace(shown, f"{new + dt.timedelta(days=1):%d/%m/%Y}")
    assert "does not give the new date" in fails(judges_results.apology_before_due, own_date, 1)
    no_reason = copy.deepcopy(obs)  # the slip carries a stock reason, not the officer's
    slip = dossier(no_reason, "delayed")["forms"]["4"]
    slip["text"] = slip["text"].replace(asked["reason"], "Hồ sơ phức tạp")
    assert "does not give the reason" in fails(judges_results.apology_before_due, no_reason, 1)
    dossier(obs, "delayed")["forms"]["4"].update(ok=False, http_status=404, text="")
    assert "no apology slip" in fails(judges_results.apology_before_due, obs, 1)


def test_apology_before_due_is_undecided_when_it_could_not_be_tried(obs):
    asked = dossier(obs, "delayed")["apology"]
    too_late = copy.deepcopy(obs)  # asked on the due date itself: the rule cannot be tested
    dossier(too_late, "delayed")["apology"]["asked_at"] = asked["appointment_before"]
    assert "not asked for early enough" in undecided(judges_results.apology_before_due, too_late, 1)
    not_mapped = copy.deepcopy(obs)
    dossier(not_mapped, "delayed")["apology"].update(ok=None, error="issue_apology cannot be called")
    assert "issue_apology" in undecided(judges_results.apology_before_due, not_mapped, 1)
    unread = copy.deepcopy(obs)  # the status after the apology could not be read: "kept" is not proven
    dossier(unread, "delayed")["apology"].update(status_code_after=None, status_label_after="Chờ xử lý")
    assert "status around the apology is unknown" in undecided(judges_results.apology_before_due, unread, 1)
    not_processed = copy.deepcopy(obs)  # an earlier step failed: the reason names it
    d = dossier(not_processed, "delayed")
    d["apology"] = None
    next(s for s in d["steps"] if s["step"] == "process").update(ok=False, error="HTTP 500: lỗi máy chủ")
    assert "process: HTTP 500" in undecided(judges_results.apology_before_due, not_processed, 1)
    dossier(obs, "delayed")["apology"].update(ok=False, http_status=None, error="ReadTimeout")
    assert "got no answer" in undecided(judges_results.apology_before_due, obs, 1)


@pytest.mark.proves("dossier.forms_tt01")
def test_forms_tt01(obs):
    judges_results.forms_tt01(copy.deepcopy(obs))
    missing = copy.deepcopy(obs)
    dossier(missing, "online_full")["forms"]["5"].update(ok=False, http_status=404, text="")
    assert "form 5" in fails(judges_results.forms_tt01, missing)
    code = dossier(obs, "online_full")["code"]
    form = dossier(obs, "online_full")["forms"]["2"]
    form["text"] = form["text"].replace(code, "")
    assert "does not name the dossier code" in fails(judges_results.forms_tt01, obs)


@pytest.mark.proves("dossier.register")
def test_register(obs):
    judges_results.register(copy.deepcopy(obs))
    missing = copy.deepcopy(obs)
    missing["register"]["items"] = [i for i in missing["register"]["items"] if i["code"] != dossier(missing, "postal")["code"]]
    assert "lacks this dossier" in fails(judges_results.register, missing)
    stale = copy.deepcopy(obs)
    item = next(i for i in stale["register"]["items"] if i["code"] == dossier(stale, "stopped")["code"])
    item.update(status_label="Đang giải quyết", status_code=4)
    assert "wrong current status" in fails(judges_results.register, stale)
    item = next(i for i in obs["register"]["items"] if i["code"] == dossier(obs, "counter")["code"])
    item["dates"] = ["2026-11-25"]
    assert "appointment date" in fails(judges_results.register, obs)


@pytest.mark.proves("dossier.attachments")
@pytest.mark.parametrize("fault, says", [
    ({"download_sha256": "0" * 64}, "differs from the upload"),
    ({"listed": False}, "not listed"),
    ({"listed_component": "GTTT"}, "another dossier component than the one it was sent for"),
    ({"download_status": 404, "download_sha256": None}, "cannot be downloaded"),
])
def test_attachments(obs, fault, says):
    judges_results.attachments(copy.deepcopy(obs))
    dossier(obs, "counter")["attachments"][0].update(fault)
    assert says in fails(judges_results.attachments, obs)


def test_a_file_sent_without_its_component_code_is_not_judged_on_where_it_is_filed(obs):
    row = dossier(obs, "online_browser")["attachments"][0]  # the browser's upload sends no code
    assert row["component_sent"] is False
    row["listed_component"] = "GTTT"
    judges_results.attachments(obs)


def test_where_a_file_is_filed_unseen_is_error_not_pass(obs):
    """A listing without components, or a run that sent no component code, cannot show files are
    filed right: ERROR naming what to map, never PASS; a wrong file still FAILs over it."""
    silent = copy.deepcopy(obs)
    for d in silent["dossiers"]:
        for a in d.get("attachments") or []:
            a["listed_component"] = None
    assert "does not say which dossier component" in undecided(judges_results.attachments, silent)
    silent["dossiers"][0]["attachments"][0]["download_sha256"] = "0" * 64
    assert "differs from the upload" in fails(judges_results.attachments, silent)
    for d in obs["dossiers"]:
        for a in d.get("attachments") or []:
            a["component_sent"] = False
    assert "no file was sent with its component code" in undecided(judges_results.attachments, obs)


@pytest.mark.proves("dossier.prefill")
def test_prefill(obs):
    judges_results.prefill(copy.deepcopy(obs))
    wrong = copy.deepcopy(obs)
    wrong["browser"]["prefilled"]["phone"] = "0900000000"
    assert "phone" in fails(judges_results.prefill, wrong)
    obs["browser"]["prefilled"]["full_name"] = ""
    assert "full_name" in fails(judges_results.prefill, obs)


def test_prefill_without_the_browser_is_undecided(obs):
    obs["browser"].update(login={"ok": False, "error": "JourneyError"}, prefilled={})
    undecided(judges_results.prefill, obs)


@pytest.mark.proves("dossier.my_dossiers")
def test_my_dossiers(obs):
    judges_results.my_dossiers(copy.deepcopy(obs))
    missing = copy.deepcopy(obs)
    refused = dossier(missing, "refused")["code"]
    mine = missing["my_dossiers"]["citizen0"]
    mine["items"] = [i for i in mine["items"] if i["code"] != refused]
    assert "lacks a dossier" in fails(judges_results.my_dossiers, missing)
    leaking = copy.deepcopy(obs)
    leaking["my_dossiers"]["citizen0"]["items"].append(
        {"code": dossier(leaking, "withdrawn")["code"], "status_label": "Đã rút hồ sơ", "status_code": 7})
    assert "another citizen" in fails(judges_results.my_dossiers, leaking)
    obs["my_dossiers"]["citizen0"]["items"][0].update(status_label="Mới đăng ký", status_code=1)
    assert "wrong current status" in fails(judges_results.my_dossiers, obs)


@pytest.mark.proves("dossier.portal_backoffice_sync")
def test_portal_backoffice_sync(obs):
    judges_results.portal_backoffice_sync(copy.deepcopy(obs), SYNC_DELAY)
    queue = copy.deepcopy(obs)
    dossier(queue, "online_full")["intake_queue"] = {"seen": False, "delay_s": None, "error": None}
    assert "does not reach the back office" in fails(judges_results.portal_backoffice_sync, queue, SYNC_DELAY)
    step(obs, "online_browser", "approve").update(portal_label="Đang giải quyết", portal_code=4, portal_delay_s=None)
    assert "within the sync delay" in fails(judges_results.portal_backoffice_sync, obs, SYNC_DELAY)


# ------------------------------------------------------------------------- lookup and audit

@pytest.mark.proves("lookup.public_by_code")
def test_lookup_public_by_code(obs):
    lookup_judges.public_by_code(copy.deepcopy(obs))
    login = copy.deepcopy(obs)  # the defect: lookup needs a login
    for row in login["lookups"]:
        row.update(ok=False, http_status=401, status_label=None, status_code=None, error="HTTP 401")
    assert "requires a login" in fails(lookup_judges.public_by_code, login)
    obs["lookups"][-1].update(status_label="Mới đăng ký", status_code=1)
    assert "wrong status" in fails(lookup_judges.public_by_code, obs)


@pytest.mark.proves("lookup.public_by_code")
def test_the_public_page_is_read_for_each_final_status_not_only_one_dossier(obs):
    pages = {row["key"]: row for row in obs["browser"]["other_lookups"]}
    assert {"refused", "withdrawn", "stopped", "delayed"} <= set(pages)  # 3, 7, 8 and 4 besides online_full's 10
    assert all(row["ok"] and row["status_code"] == row["expected_code"] for row in pages.values())
    stale = copy.deepcopy(obs)  # the page maps a refusal to "being processed", the API does not
    next(r for r in stale["browser"]["other_lookups"] if r["key"] == "refused").update(
        status_label="Đang giải quyết", status_code=4)
    assert "the lookup page shows the wrong status" in fails(lookup_judges.public_by_code, stale)
    broken = copy.deepcopy(obs)
    next(r for r in broken["browser"]["other_lookups"] if r["key"] == "stopped").update(
        ok=False, status_label=None, status_code=None, error="JourneyError: no status on the page")
    assert "stopped" in undecided(lookup_judges.public_by_code, broken)


@pytest.mark.proves("lookup.minimal_disclosure")
def test_each_dossier_looked_up_in_the_browser_is_searched_for_its_applicants_data(obs):
    page = next(r for r in obs["browser"]["other_lookups"] if r["key"] == "withdrawn")
    applicant = dossier(obs, "withdrawn")["applicant"]["full_name"]  # the second citizen, not online_full's
    assert applicant and applicant not in page["page_html"]
    page["page_html"] += f"<span hidden>{applicant}</span>"
    assert "full_name" in fails(lookup_judges.minimal_disclosure, obs)


def test_lookup_without_the_browser_journey_is_undecided(obs):
    obs["browser"]["lookup"] = {"code": obs["lookups"][0]["code"], "ok": False, "error": "JourneyError: step 3"}
    assert "lookup journey" in undecided(lookup_judges.public_by_code, obs)


@pytest.mark.proves("lookup.minimal_disclosure")
def test_lookup_minimal_disclosure(obs):
    lookup_judges.minimal_disclosure(copy.deepcopy(obs))
    phone = copy.deepcopy(obs)
    row = next(r for r in phone["lookups"] if r["key"] == "counter")
    row["text"] = row["text"][:-1] + ', "phone": "0912 000 099"}'
    assert "phone" in fails(lookup_judges.minimal_disclosure, phone)
    page = copy.deepcopy(obs)
    for kept in ("page_text", "page_html"):  # the judge reads the raw page when the recording has it
        if page["browser"]["lookup"].get(kept):
            page["browser"]["lookup"][kept] += " Địa chỉ: Số 12 đường Lê Lợi, phường Trung Tâm, thành phố An Bình"
    assert "address" in fails(lookup_judges.minimal_disclosure, page)
    row = next(r for r in obs["lookups"] if r["key"] == "stopped")
    row["text"] += " dokiem-stopped-tep-1.pdf"
    assert "file" in fails(lookup_judges.minimal_disclosure, obs)


@pytest.mark.proves("lookup.e_result")
def test_lookup_e_result(obs):
    lookup_judges.e_result(copy.deepcopy(obs))
    other = copy.deepcopy(obs)
    dossier(other, "online_full")["cross_citizen"]["download_result"].update(ok=True, http_status=200, is_pdf=True)
    assert "another citizen can read it" in fails(lookup_judges.e_result, other)
    dossier(obs, "online_full")["result_offered"] = False
    assert "offers no electronic result" in fails(lookup_judges.e_result, obs)


@pytest.mark.proves("audit.actions_logged")
def test_audit_actions_logged(obs):
    audit_judges.actions_logged(copy.deepcopy(obs))
    gone = copy.deepcopy(obs)  # the defect: no audit log
    gone["audit"].update(ok=False, http_status=404, error="HTTP 404", entries=[])
    assert "cannot be read" in fails(audit_judges.actions_logged, gone)
    empty = copy.deepcopy(obs)
    empty["audit"]["entries"] = []
    message = fails(audit_judges.actions_logged, empty)
    assert "'receive'" in message and "login" in message
    failed = copy.deepcopy(obs)  # the defect login-logged-as-failed: a successful login's line says it failed
    for entry in failed["audit"]["entries"]:
        if entry["fields"].get("action") == "login":
            entry["fields"]["success"] = False
    message = fails(audit_judges.actions_logged, failed)
    assert "successful login as failed" in message and "'receive'" not in message
    refused = copy.deepcopy(obs)  # one step to the side: the approval is logged as refused
    for entry in refused["audit"]["entries"]:
        if entry["fields"].get("action") == "dossier_approve":
            entry["fields"]["success"] = 0
    assert "'approve'" in fails(audit_judges.actions_logged, refused)
    utc = copy.deepcopy(obs)  # one step to the side: every line written in UTC without its offset
    for entry in utc["audit"]["entries"]:
        moment = dt.datetime.fromisoformat(entry["time"]).astimezone(dt.timezone.utc).replace(tzinfo=None)
        entry["time"] = entry["fields"]["time"] = moment.isoformat()
    message = fails(audit_judges.actions_logged, utc)
    assert "records this action at another time" in message and "'receive'" in message
    obs["audit"]["entries"] = [e for e in obs["audit"]["entries"] if "dossier_approve" not in e["text"]]
    assert "'approve'" in fails(audit_judges.actions_logged, obs)


# ------------------------------------------------------------------------- nothing to judge

@pytest.mark.parametrize("judge, args", [
    (levels_judges.online_submission, ()), (levels_judges.online_payment, ()), (levels_judges.e_result, ()), (judges.supplement, ()),
    (judges_results.payment, ()), (judges_results.result_signed, ()), (judges_results.rating, ()), (judges_results.forms_tt01, ()),
    (lookup_judges.e_result, ()), (audit_judges.actions_logged, ()), (judges_results.portal_backoffice_sync, (SYNC_DELAY,)),
])
def test_without_the_online_dossier_nothing_passes(obs, judge, args):
    dossier(obs, "online_full")["code"] = None
    undecided(judge, obs, *args)


@pytest.mark.parametrize("judge, args", [
    (judges.code_format, (CODE_PATTERN, AGENCY_PATTERN)), (judges.code_unique, (CODE_PATTERN,)),
    (judges.appointment_date, (HOLIDAYS,)), (judges.status_portal, ()), (judges.status_backoffice, ()),
    (judges.transitions, ()), (judges.history, ()), (judges_results.result, ()), (judges_results.register, ()),
    (judges_results.attachments, ()), (judges_results.my_dossiers, ()),
])
def test_without_any_dossier_nothing_passes(obs, judge, args):
    obs["dossiers"] = []
    undecided(judge, obs, *args)
