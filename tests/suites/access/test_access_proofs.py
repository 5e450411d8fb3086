"""Proofs of the access_probe checks on the clean refportal's recording: one citizen never reads
another's dossier, and each role is refused the others' steps while its own succeed."""
import copy
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
@pytest.mark.parametrize("key", ["other_read", "other_download", "other_rate"])
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


@pytest.mark.proves("access.cross_citizen")
@pytest.mark.parametrize("who", ["other", "anonymous"])
@pytest.mark.parametrize("n", [1, 3])  # an attachment dokiem uploaded; the result the target issued
def test_cross_citizen_fails_when_a_link_of_the_owners_answers_serves_someone_else(probe, who, n):
    owner = step(probe, f"owner_link_{n}")
    step(probe, f"{who}_link_{n}").update(status=200, ok=True, sha256=owner["sha256"], size=owner["size"],
                                          names_dossier=False)
    someone = "another citizen" if who == "other" else "a visitor without a session"
    with pytest.raises(AssertionError, match=f"{someone} gets the owner's very answer from the link"):
        judges.cross_citizen(probe)


@pytest.mark.proves("access.cross_citizen")
def test_cross_citizen_fails_when_a_link_answers_with_the_dossiers_data_in_another_shape(probe):
    step(probe, "anonymous_link_4").update(status=200, ok=True, sha256="other", names_dossier=True)
    with pytest.raises(AssertionError, match="gets an answer naming the dossier"):
        judges.cross_citizen(probe)


def test_a_login_page_or_a_public_page_behind_a_link_gives_nothing_away(probe):
    # a login page (200, its own bytes, the URL echoed in it) and the detached signature, which names
    # nothing of the dossier, served to anyone: no leak the judge can stand behind, no FAIL
    step(probe, "anonymous_link_1").update(status=200, ok=True, sha256="login-page", names_dossier=False,
                                           holds_code=True)
    sig = step(probe, "owner_link_4")
    assert not sig["names_dossier"] and not sig["holds_code"]
    step(probe, "anonymous_link_4").update(status=200, ok=True, sha256=sig["sha256"], names_dossier=False)
    judges.cross_citizen(probe)


@pytest.mark.proves("access.cross_citizen")
def test_cross_citizen_fails_when_a_refusal_holds_the_owners_data_in_another_spelling(probe):
    row = step(probe, "other_read")
    assert row["discloses"] == []  # the clean refusal says nothing of the owner
    row["discloses"] = ["phone '0912345601' (dạng — as '+84912345601')"]
    with pytest.raises(AssertionError, match=r"refusal leaks the dossier"):
        judges.cross_citizen(probe)


@pytest.mark.proves("access.cross_citizen")
def test_cross_citizen_fails_when_a_forged_session_reads_the_dossier(probe):
    row = step(probe, "forged_read_altered_token")
    assert row["status"] == 401 and row["who"] == "forged_altered_token"
    row.update(status=200, ok=True)
    with pytest.raises(AssertionError, match="forged_altered_token.*allowed; must be refused"):
        judges.cross_citizen(probe)


@pytest.mark.proves("access.cross_citizen")
def test_cross_citizen_fails_when_a_forged_session_downloads_a_link(probe):
    owner = step(probe, "owner_link_1")
    step(probe, "forged_link_1").update(status=200, ok=True, sha256=owner["sha256"], size=owner["size"])
    with pytest.raises(AssertionError, match="a forged session gets the owner's very answer"):
        judges.cross_citizen(probe)


@pytest.mark.parametrize("status", [400, 401, 403, 302])
def test_a_forged_session_refused_as_malformed_or_unauthorised_is_refused(probe, status):
    step(probe, "forged_read_altered_token").update(status=status, ok=False)
    judges.cross_citizen(probe)


def test_a_forged_session_answered_by_a_crash_or_a_rate_limit_is_unclear(probe):
    for status in (500, 429):
        step(probe, "forged_read_altered_token").update(status=status, ok=False)
        with pytest.raises(Inconclusive, match="forged"):
            judges.cross_citizen(probe)


def test_the_forgeries_change_a_token_inside_and_strip_a_jwts_signature():
    import base64
    import json

    from suites.access.observe import alter, forged_tokens

    opaque = "k3J9x_Q2-abcdefghijklmnopqrstuvwxyz0123456789"
    (kind, forged), = forged_tokens(opaque)
    assert kind == "altered_token" and len(forged) == len(opaque) and forged != opaque
    assert forged[-4:] == opaque[-4:]  # never the last character, whose low bits decoders may ignore
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    claims = base64.urlsafe_b64encode(b'{"sub":"congdan1"}').decode().rstrip("=")
    jwt = f"{header}.{claims}.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi0zMi1ieXRlcw"
    kinds = dict(forged_tokens(jwt))
    assert kinds["altered_token"].split(".")[:2] == jwt.split(".")[:2]  # the signature is what changed
    none_header, none_claims, signature = kinds["alg_none"].split(".")
    assert json.loads(base64.urlsafe_b64decode(none_header + "==")) == {"alg": "none", "typ": "JWT"}
    assert (none_claims, signature) == (claims, "")
    assert alter("AAAAAAAAAA") == "AAAAABAAAA"


def test_a_link_replay_without_a_second_citizen_is_unclear(probe):
    step(probe, "other_link_2").update(status=None, ok=False, error="no usable account for 'other'")
    with pytest.raises(Inconclusive, match="no usable account"):
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


# --- access.step_order ------------------------------------------------------------------------
def test_step_order_tries_every_step_the_national_list_forbids_at_each_status(probe):
    tried = sorted(s["key"] for s in probe["steps"] if s["check"] == "step_order")
    assert tried == sorted(["order_process_dossier_at_1", "order_approve_dossier_at_1", "order_return_result_at_1",
                            "order_approve_dossier_at_2", "order_return_result_at_2", "order_return_result_at_4"])
    judges.step_order(probe)


@pytest.mark.proves("access.step_order")
@pytest.mark.parametrize("key", ["order_approve_dossier_at_2", "order_return_result_at_4"])
def test_step_order_fails_when_a_step_out_of_order_goes_through(probe, key):
    step(probe, key).update(status=200, ok=True)
    with pytest.raises(AssertionError, match="went through; must be refused"):
        judges.step_order(probe)


@pytest.mark.proves("access.step_order")
def test_step_order_fails_when_a_refused_step_moves_the_dossier_anyway(probe):
    step(probe, "order_process_dossier_at_1")["status_after"] = "Đang giải quyết"
    with pytest.raises(AssertionError, match="refused, yet the dossier moved"):
        judges.step_order(probe)


def test_step_order_is_error_when_the_status_is_unknown_or_the_answer_is_a_crash(probe):
    step(probe, "order_approve_dossier_at_1").update(status=500, ok=False)
    with pytest.raises(Inconclusive, match="neither done nor refused"):
        judges.step_order(probe)
    for row in probe["steps"]:
        if row["check"] == "step_order":
            row.update(expect="allowed", error="after 'submit' the status is unknown")
    with pytest.raises(Inconclusive, match="out-of-order steps"):
        judges.step_order(probe)


# --- access.roles -----------------------------------------------------------------------------
@pytest.mark.proves("access.roles")
@pytest.mark.parametrize("key", ["citizen_receive", "officer_approve", "citizen_approve", "specialist_audit"])
def test_roles_fail_when_a_role_takes_another_roles_step(probe, key):
    step(probe, key).update(status=200, ok=True)
    with pytest.raises(AssertionError, match="allowed; must be refused"):
        judges.roles(probe)


@pytest.mark.proves("access.roles")
def test_every_officer_step_the_status_allows_is_tried_by_the_applicant_and_a_visitor(probe):
    """The generated attempts: each officer's operation of the vocabulary, at each status of the life
    that allows it, by the dossier's own applicant and by a visitor without a session."""
    tried = {(s["who"], s["operation"]) for s in probe["steps"] if s["check"] == "roles" and s["expect"] == "denied"}
    for operation in ("receive_dossier", "refuse_dossier", "request_supplement", "request_payment", "process_dossier",
                      "stop_dossier", "approve_dossier", "return_result", "issue_apology"):
        assert {("owner", operation), ("anonymous", operation)} <= tried, operation
    stopped = copy.deepcopy(probe)  # the defect: the applicant stops its own dossier
    step(stopped, "owner_stop_dossier_at_4").update(status=200, ok=True, status_after="Dừng xử lý")
    with pytest.raises(AssertionError, match="owner_stop_dossier|stop_dossier"):
        judges.roles(stopped)
    moved = copy.deepcopy(probe)  # refused in words, yet the status moved
    step(moved, "anonymous_return_result_at_9").update(status_after="Đã trả kết quả")
    with pytest.raises(AssertionError, match="refused, yet the dossier changed"):
        judges.roles(moved)


def test_the_applicant_refused_with_its_own_name_on_the_page_is_no_leak(probe):
    row = step(probe, "owner_stop_dossier_at_4")
    row["excerpt"] = f"<p>Xin chào {probe['owner_known']['full_name']}</p> Bạn không có quyền — 403"
    judges.roles(probe)


def test_the_officers_reads_are_replayed_by_another_citizen_and_a_visitor(probe):
    """Each back-office read an officer made of the dossier (its view, the printed receipt, the
    audit log) is fetched again by that officer, then by the others."""
    controls = {s["key"]: s for s in probe["steps"] if s["key"].startswith("officer_url_")}
    urls = {s["operation"] for s in controls.values()}
    assert any(u.endswith("/forms/1") for u in urls) and any("audit-log" in u for u in urls), urls
    for key, control in controls.items():
        assert control["ok"] and control["names_dossier"], key
        for who in ("other", "anonymous"):
            replay = step(probe, f"{who}_{key}")
            assert replay["check"] == "roles" and replay["operation"] == control["operation"]


@pytest.mark.proves("access.roles")
@pytest.mark.parametrize("who", ["other", "anonymous"])
def test_roles_fail_when_an_officers_read_serves_someone_else(probe, who):
    n = next(s["key"] for s in probe["steps"] if s["key"].startswith("officer_url_")
             and s["operation"].endswith("/forms/1")).rsplit("_", 1)[1]
    officer = step(probe, f"officer_url_{n}")
    step(probe, f"{who}_officer_url_{n}").update(status=200, ok=True, sha256=officer["sha256"], size=officer["size"],
                                                 names_dossier=False)
    with pytest.raises(AssertionError, match="the officer's very answer"):
        judges.roles(probe)
    step(probe, f"{who}_officer_url_{n}").update(sha256="another shape", names_dossier=True)
    with pytest.raises(AssertionError, match="an officer's read"):
        judges.roles(probe)


def test_an_officers_read_answered_with_a_login_page_gives_nothing_away(probe):
    step(probe, "anonymous_officer_url_1").update(status=200, ok=True, sha256="login-page", names_dossier=False)
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


# --- which links are replayed ---------------------------------------------------------------------
def test_the_links_of_an_answer_are_every_url_on_the_target_wherever_they_sit():
    from types import SimpleNamespace

    from suites.access.observe import CAPABILITY, links_in

    profile = SimpleNamespace(base_urls=lambda: {"portal": "https://dvc.example.vn", "api": "https://api.example.vn"})
    answer = {"attachments": [{"url": "https://api.example.vn/files/7"}, {"href": "/tep/8"}],
              "result": {"download": {"link": "https://dvc.example.vn/kq/9"}}, "note": "xem /tep/8 ở đây",
              "elsewhere": "https://cdn.other.example/x.js", "date": "12/03/2026", "root": "/"}
    assert links_in(answer, profile) == ["https://api.example.vn/files/7", "/tep/8", "https://dvc.example.vn/kq/9"]
    assert CAPABILITY.search("/tep/8/Xk3f9QmL2pR7vT1wZ8yB4nD6") and not CAPABILITY.search("/api/dossiers/000.00.10.H29-261207-0001/result")


def test_a_link_answer_that_spells_the_owners_data_otherwise_names_the_dossier():
    from types import SimpleNamespace

    from suites.access.observe import AccessProbe

    probe = object.__new__(AccessProbe)
    probe._owner_known = lambda: {"full_name": "Nguyễn Văn An", "phone": "0912345601", "address": None}

    def answer(body: str, kind: str = "application/json"):
        return SimpleNamespace(headers={"content-type": kind}, content=body.encode())

    assert probe.owner_data_in(answer('{"nguoi_nop": "NGUYEN VAN AN", "dt": "+84 912 345 601"}'))
    assert not probe.owner_data_in(answer('{"nguoi_nop": "Trần Thị Bình"}'))
    assert not probe.owner_data_in(answer("%PDF Nguyen Van An", "application/pdf"))  # files: by their bytes
