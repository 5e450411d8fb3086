"""Proofs of the auth_probe checks: logins, registration, password policy, session end, lockout
and the audit log of failed logins, on the clean refportal's recording with one fault at a time."""
import datetime as dt

import pytest


from harness import Inconclusive
from harness.measured import Measurements
from suites.access import judges as access_judges
from suites.audit import judges as audit_judges
from suites.security import judges
from suites.security.answers import lock_signal, parse_set_cookie, split_set_cookie

from .recordings import first, recorded

MIN_LENGTH, ATTEMPTS = 8, 5


@pytest.fixture
def auth():
    return recorded("auth_probe")


def test_every_auth_check_passes_on_the_clean_recording(auth):
    access_judges.login(auth)
    access_judges.registration(auth)
    judges.password_policy(auth, MIN_LENGTH)
    judges.session_end(auth)
    measured = Measurements()
    judges.lockout(auth, ATTEMPTS, measured=measured)
    (noted,) = measured.take()  # after how many wrong passwords the account locked
    assert noted["ok"] and 1 <= noted["value"] <= ATTEMPTS and noted["limit"] == ATTEMPTS
    audit_judges.failed_logins(auth)


# --- access.login -----------------------------------------------------------------------------
@pytest.mark.proves("access.login")
def test_login_fails_when_an_account_cannot_log_in(auth):
    first(auth["logins"]["accounts"], username="motcua1").update(ok=False, status=401, message="sai mật khẩu")
    with pytest.raises(AssertionError, match="motcua1: .*credentials are refused"):
        access_judges.login(auth)


@pytest.mark.proves("access.login")
def test_login_fails_when_the_answers_tell_whether_an_account_exists(auth):
    auth["logins"]["wrong"][1]["message"] = "Tài khoản không tồn tại — no such account"
    with pytest.raises(AssertionError, match="tell whether an account exists"):
        access_judges.login(auth)


@pytest.mark.proves("access.login")
def test_login_fails_when_a_wrong_password_is_accepted(auth):
    auth["logins"]["wrong"][0].update(ok=True, status=200)
    with pytest.raises(AssertionError, match="wrong password was accepted"):
        access_judges.login(auth)


def test_the_user_name_in_a_message_does_not_count_as_a_difference(auth):
    for row in auth["logins"]["wrong"]:
        row["message"] = f"Sai thông tin đăng nhập cho {row['username']}"
    access_judges.login(auth)


def test_a_failed_login_journey_is_error_not_fail(auth):
    auth["logins"]["browser"].update(ok=False, error="journey 'login', step 2 failed")
    with pytest.raises(Inconclusive, match="login journey failed"):
        access_judges.login(auth)


# --- access.registration ----------------------------------------------------------------------
@pytest.mark.proves("access.registration")
def test_registration_fails_when_a_duplicate_name_is_accepted(auth):
    auth["registration"]["duplicate"].update(ok=True, status=201)
    with pytest.raises(AssertionError, match="duplicate user name was accepted"):
        access_judges.registration(auth)


@pytest.mark.proves("access.registration")
def test_registration_fails_when_the_new_account_cannot_log_in(auth):
    auth["registration"]["login_after"].update(ok=False, status=401)
    with pytest.raises(AssertionError, match="new account cannot log in"):
        access_judges.registration(auth)


@pytest.mark.proves("access.registration")
def test_registration_fails_when_nobody_can_register(auth):
    auth["registration"]["first"].update(ok=False, status=403, message="Chức năng đăng ký đã tắt")
    with pytest.raises(AssertionError, match="cannot be registered"):
        access_judges.registration(auth)


# --- security.password_policy -----------------------------------------------------------------
@pytest.mark.proves("security.password_policy")
@pytest.mark.parametrize("kind", ["too_short", "letters_only", "digits_only"])
def test_password_policy_fails_when_a_weak_password_is_accepted(auth, kind):
    first(auth["weak_attempts"], kind=kind).update(ok=True, status=201)
    with pytest.raises(AssertionError, match=f"{kind} .*weak password was accepted"):
        judges.password_policy(auth, MIN_LENGTH)


@pytest.mark.proves("security.password_policy")
def test_password_policy_fails_when_a_strong_password_is_refused(auth):
    auth["registration"]["first"].update(ok=False, status=422, message="Mật khẩu phải có 16 ký tự")
    with pytest.raises(AssertionError, match="strong password was refused"):
        judges.password_policy(auth, MIN_LENGTH)


@pytest.mark.parametrize("status", [408, 421, 425, 429])
def test_an_answer_that_was_not_processed_is_no_refusal(auth, status):
    """A rate limit (or a timeout, a misdirected or too-early request) says nothing of the policy:
    a weak password answered so is undecided, not refused; a duplicate registration likewise."""
    weak = first(auth["weak_attempts"], kind="letters_only")
    weak.update(ok=False, status=status)
    with pytest.raises(Inconclusive, match=f"HTTP {status}"):
        judges.password_policy(auth, MIN_LENGTH)
    auth["registration"]["duplicate"].update(ok=False, status=status)
    with pytest.raises(Inconclusive, match="not processed"):
        access_judges.registration(auth)
    weak.update(ok=True, status=201)  # a weak password accepted elsewhere still FAILs over it
    with pytest.raises(AssertionError, match="weak password was accepted"):
        judges.password_policy(auth, MIN_LENGTH)


def test_a_longer_minimum_makes_the_short_attempt_meaningless(auth):
    with pytest.raises(Inconclusive, match="short attempt was not short"):
        judges.password_policy(auth, 6)


# --- security.session_end ---------------------------------------------------------------------
@pytest.mark.proves("security.session_end")
@pytest.mark.parametrize("credential", ["old_bearer", "old_cookie"])
def test_session_end_fails_when_the_old_session_still_works(auth, credential):
    auth["logout"][credential].update(status=200, ok=True)
    with pytest.raises(AssertionError, match="still works after logout"):
        judges.session_end(auth)


def test_session_end_cannot_decide_if_the_session_never_worked(auth):
    auth["logout"]["before"].update(status=401, ok=False)
    auth["logout"]["old_cookie_before"].update(status=401, ok=False)
    with pytest.raises(Inconclusive, match="did not work before logout"):
        judges.session_end(auth)


def test_the_clean_browser_logout_sends_the_old_cookies_to_the_login_page(auth):
    probe = auth["browser_logout"]
    assert probe["before"]["status"] == 200 and probe["before"]["names_account"]
    assert not probe["after"]["names_account"] and probe["after"]["url"] != probe["page"]


@pytest.mark.proves("security.session_end")
def test_session_end_fails_when_the_browsers_old_cookies_still_open_the_accounts_page(auth):
    """The API logout ends the session; the page's logout only made the browser forget its cookie."""
    auth["browser_logout"]["after"].update(status=200, url=auth["browser_logout"]["page"], names_account=True)
    with pytest.raises(AssertionError, match="after logging out in the browser"):
        judges.session_end(auth)


def test_session_end_is_error_not_pass_when_the_browser_logout_could_not_be_driven(auth):
    auth["browser_logout"] = {"error": "logout journey: no button named 'Đăng xuất' — map the `logout` journey"}
    with pytest.raises(Inconclusive, match="browser logout not tried.*logout journey"):
        judges.session_end(auth)
    auth["browser_logout"] = {"error": None, "page": "https://portal.example/ho-so-cua-toi",
                              "before": {"status": 200, "url": "x", "names_account": False, "error": None},
                              "after": {"status": 200, "url": "x", "names_account": False, "error": None}}
    with pytest.raises(Inconclusive, match="does not name the account"):
        judges.session_end(auth)


@pytest.mark.proves("security.session_end")
@pytest.mark.parametrize("status", [None, 500, 400])
def test_session_end_is_error_when_the_old_cookies_got_no_clear_answer(auth, status):
    """A server error or no answer after the browser logout does not show the session ended."""
    auth["browser_logout"]["after"].update(status=status, url=None, names_account=False,
                                           error="ReadTimeout" if status is None else None)
    with pytest.raises(Inconclusive, match="opened with the old cookies after the logout"):
        judges.session_end(auth)


# --- security.lockout -------------------------------------------------------------------------
@pytest.mark.proves("security.lockout")
def test_lockout_fails_when_the_right_password_still_works_after_the_failures(auth):
    auth["lockout"]["after"].update(ok=True, status=200, message="", lock_signal=False)
    with pytest.raises(AssertionError, match="no lockout"):
        judges.lockout(auth, ATTEMPTS, measured=Measurements())


def test_lockout_stops_early_once_locked_and_still_passes(auth):
    probe = auth["lockout"]
    probe["attempts"] = probe["attempts"][:3]
    probe["attempts"][-1].update(status=423, lock_signal=True)
    judges.lockout(auth, ATTEMPTS, measured=Measurements())


def test_an_account_locked_by_an_earlier_run_is_error(auth):
    auth["lockout"]["control"].update(ok=False, status=423, message="Tài khoản tạm khóa", lock_signal=True)
    with pytest.raises(Inconclusive, match="still locked by an earlier run"):
        judges.lockout(auth, ATTEMPTS, measured=Measurements())


def test_lockout_without_a_reserved_account_is_error(auth):
    auth["lockout"] = {"error": "the profile reserves no account for the lockout (reserved_for: lockout)"}
    with pytest.raises(Inconclusive, match="reserved_for: lockout"):
        judges.lockout(auth, ATTEMPTS, measured=Measurements())


@pytest.mark.parametrize("status, message, locked", [
    (423, "", True), (429, "", True), (401, "Tài khoản tạm khóa, thử lại sau 15 phút", True),
    (401, "Tên đăng nhập hoặc mật khẩu không đúng — wrong user name or password", False)])
def test_lock_signals(status, message, locked):
    assert lock_signal(status, message) is locked


# --- audit.failed_logins ----------------------------------------------------------------------
@pytest.mark.proves("audit.failed_logins")
def test_failed_logins_fail_when_the_log_has_no_failures(auth):
    auth["audit"]["entries"] = [e for e in auth["audit"]["entries"] if e["success"]]
    with pytest.raises(AssertionError, match="not in the audit log"):
        audit_judges.failed_logins(auth)


@pytest.mark.proves("audit.failed_logins")
def test_failed_logins_fail_when_the_unknown_account_is_not_logged(auth):
    unknown = auth["logins"]["wrong"][1]["username"]
    auth["audit"]["entries"] = [e for e in auth["audit"]["entries"] if e["user"] != unknown]
    with pytest.raises(AssertionError, match=f"{unknown} .*not in the audit log"):
        audit_judges.failed_logins(auth)


@pytest.mark.proves("audit.failed_logins")
def test_failed_logins_fail_without_the_source_address(auth):
    for entry in auth["audit"]["entries"]:
        entry["ip"] = None
    with pytest.raises(AssertionError, match="no source address"):
        audit_judges.failed_logins(auth)


@pytest.mark.proves("audit.failed_logins")
def test_failed_logins_fail_when_the_entries_are_from_another_time(auth):
    for entry in auth["audit"]["entries"]:
        moment = dt.datetime.fromisoformat(entry["time"]) - dt.timedelta(hours=3)
        entry["time"] = moment.isoformat()
    with pytest.raises(AssertionError, match="no failed-login entry at this time"):
        audit_judges.failed_logins(auth)


# --- helpers ----------------------------------------------------------------------------------
def test_set_cookie_lines_are_split_and_read_without_their_values():
    merged = ("rp_session=abc; HttpOnly; Max-Age=28800; Path=/; SameSite=lax; Secure, "
              "tracking=1; Expires=Wed, 25 Nov 2026 12:00:00 GMT; Path=/")
    lines = split_set_cookie(merged)
    assert len(lines) == 2
    session, tracking = parse_set_cookie(lines)
    assert session == {"name": "rp_session", "secure": True, "http_only": True, "same_site": "lax",
                       "attributes": "HttpOnly; Max-Age=28800; Path=/; SameSite=lax; Secure"}
    assert tracking["secure"] is False and tracking["same_site"] is None and "abc" not in str(tracking)
