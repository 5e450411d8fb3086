"""Pre-flight of a target profile (docs/ARCHITECTURE.md, "How a run flows": most failures are configuration).

Before anything is judged: the base URLs answer (bounded: a dead target aborts the run within
30 s), TLS can be verified as configured, the run is inside the profile's allowed hours, the
accounts of the roles the selected checks need log in, and every operation, journey and role
those checks declare is configured. Each problem is one line saying what to do.

Blocking problems (exit 2: the profile is wrong; exit 3: the target does not answer) stop the
run. A check whose operation, journey or role is not configured does not stop it: the check
comes out ERROR with that reason (a vendor may not offer every operation), and the pre-flight
says so up front.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from harness import deadlines
from harness.api import USER_AGENT, TargetClient
from harness.browser import default_journeys
from harness.criteria import CheckRegistry
from harness.evidence import Redactor
from harness.exitcodes import ExitCode
from harness.profile import Profile
from harness.traffic import Traffic

# one deadline for every probe together, unless the profile sets limits.reach_deadline_s: a dead
# target aborts within 30 s
REACH_DEADLINE_S = 20.0
REACH_TIMEOUT_S = 5.0     # one attempt's whole exchange
VIETNAM = dt.timezone(dt.timedelta(hours=7))


@dataclass
class Preflight:
    problems: list[str] = field(default_factory=list)       # exit 2
    unreachable: list[str] = field(default_factory=list)    # exit 3
    not_configured: dict[str, list[str]] = field(default_factory=dict)  # check id -> what is missing

    @property
    def warnings(self) -> list[str]:
        lines = []
        by_reason: dict[str, list[str]] = {}
        for check, reasons in sorted(self.not_configured.items()):
            for reason in reasons:
                by_reason.setdefault(reason, []).append(check)
        for reason, checks in sorted(by_reason.items()):
            lines.append(f"{reason}; các kiểm tra sẽ là ERROR — these checks will be ERROR: {', '.join(checks)}")
        return lines

    @property
    def exit_code(self) -> int:
        if self.unreachable:
            return ExitCode.UNREACHABLE
        if self.problems:
            return ExitCode.BAD_INPUT
        return ExitCode.OK


def needs_of(checks: CheckRegistry, check_ids) -> dict[str, dict[str, set[str]]]:
    """check id -> {'operations', 'journeys', 'roles'} it declares."""
    return {cid: {k: set(v) for k, v in checks.checks[cid].needs.items()}
            for cid in check_ids if cid in checks.checks}


def configuration_gaps(profile: Profile, checks: CheckRegistry, check_ids) -> dict[str, list[str]]:
    """What each selected check needs that the profile does not configure."""
    defaults = default_journeys()
    gaps: dict[str, list[str]] = {}
    for cid, needs in needs_of(checks, check_ids).items():
        missing = []
        for op in sorted(needs["operations"]):
            if op not in profile.operations:
                missing.append(f"operation '{op}' is not configured — chưa khai báo thao tác '{op}' (operations)")
        for journey in sorted(needs["journeys"]):
            if journey not in profile.journeys and journey not in defaults:
                missing.append(f"journey '{journey}' is not configured — chưa khai báo hành trình '{journey}' (journeys)")
        for role in sorted(needs["roles"]):
            if profile.account(role) is None:
                missing.append(f"no account for role '{role}' — chưa có tài khoản cho vai trò '{role}' (accounts)")
        if missing:
            gaps[cid] = missing
    return gaps


def _in_window(window: str, now: dt.datetime) -> bool:
    start_text, end_text = window.split("-")
    start = dt.time.fromisoformat(start_text)
    end = dt.time(23, 59, 59) if end_text == "24:00" else dt.time.fromisoformat(end_text)
    t = now.time()
    return start <= t <= end if start <= end else (t >= start or t <= end)


def check_reachable(profile: Profile, deadline_s: float | None = None) -> tuple[list[str], list[str]]:
    """(unreachable, problems) for the profile's base URLs: probed all at once, each retried until
    it answers or the one deadline passes (no probe runs past it, whatever the target does)."""
    if deadline_s is None:
        deadline_s = float(profile.limits.get("reach_deadline_s", REACH_DEADLINE_S))
    ends_at = time.monotonic() + deadline_s
    urls = sorted(set(profile.base_urls().items()))
    with ThreadPoolExecutor(max_workers=max(len(urls), 1), thread_name_prefix="dokiem-reach") as pool:
        results = list(pool.map(lambda item: _probe(profile, item[0], item[1], ends_at), urls))
    return [u for u, _ in results if u], [p for _, p in results if p]


def _probe(profile: Profile, name: str, url: str, ends_at: float) -> tuple[str | None, str | None]:
    """(unreachable, problem) of one base URL, retried until it answers or `ends_at`."""
    max_bytes = int(float(profile.limits["max_response_mb"]) * deadlines.MEGABYTE)
    last_error = "deadline"
    while (remaining := ends_at - time.monotonic()) > 0.05:
        try:
            deadlines.request(None, "GET", url, deadline_s=min(REACH_TIMEOUT_S, remaining), max_bytes=max_bytes,
                              verify=profile.verify_tls, allow_redirects=False,
                              headers={"User-Agent": USER_AGENT})
            return None, None
        except requests.exceptions.SSLError as exc:
            return None, (f"base_urls.{name}: {url}: the certificate cannot be verified ({_short(exc)}) — không xác "
                          "thực được chứng thư; set tls.ca_file to the CA that issued it, or tls.verify: false to go "
                          "on (the TLS checks still judge the certificate)")
        except deadlines.AnswerTooLarge:
            return None, None  # it answers; what it answers is for the checks
        except requests.RequestException as exc:
            last_error = _short(exc)
        time.sleep(min(1.0, max(ends_at - time.monotonic(), 0)))
    return (f"base_urls.{name}: {url} does not answer ({last_error}) — hệ thống không phản hồi; check that it is "
            "running and reachable from this machine"), None


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:200] + "…"


def run_preflight(profile: Profile, checks: CheckRegistry, check_ids, redactor: Redactor,
                  now: dt.datetime | None = None, log_in: bool = True, traffic=None) -> Preflight:
    """`traffic`: the run's (harness/traffic.py), so that the logins keep to its rate limit; without a
    run (`dokiem profile check`) the logins share one of their own, as every sender of one run does."""
    traffic = traffic or Traffic(profile)
    result = Preflight()
    now = now or dt.datetime.now(VIETNAM)
    window = profile.limits.get("allowed_hours")
    if window and not _in_window(window, now.astimezone(VIETNAM)):
        result.problems.append(
            f"limits.allowed_hours: the profile allows runs only {window} (Asia/Ho_Chi_Minh), it is now "
            f"{now.astimezone(VIETNAM):%H:%M} — ngoài khung giờ được phép chạy; run later or change the profile")
    result.not_configured = configuration_gaps(profile, checks, check_ids)
    for account in profile.all_accounts():
        if account.password_env and account.password is None:
            result.problems.append(
                f"accounts.{account.role}[{account.index}] ({account.username}): environment variable "
                f"{account.password_env} is not set — chưa đặt biến môi trường mật khẩu; export it before the run")
        if account.token_env and account.token is None:
            result.problems.append(
                f"accounts.{account.role}[{account.index}] ({account.username}): environment variable "
                f"{account.token_env} is not set — chưa đặt biến môi trường token")
        redactor.add(account.password, account.token)
    for name, var in ((profile.data.get("staging_bypass") or {}).get("headers_env") or {}).items():
        if not os.environ.get(var):
            result.problems.append(f"staging_bypass.headers_env.{name}: environment variable {var} is not set — "
                                   "chưa đặt biến môi trường của đường vượt CAPTCHA; export it before the run")
    redactor.add(*profile.bypass_headers().values())
    unreachable, problems = check_reachable(profile)
    result.unreachable += unreachable
    result.problems += problems
    if result.unreachable or result.problems or not log_in:
        return result
    needed_roles = set().union(*(n["roles"] for n in needs_of(checks, check_ids).values())) if check_ids else set()
    for role in profile.roles:
        if role not in needed_roles:
            continue
        for account in profile.accounts(role):
            if not account.password_env and not account.token_env:
                continue  # browser-only account (storage state): judged when a journey uses it
            if account.reserved_for:
                continue  # e.g. the lockout account: an earlier run may have left it locked on purpose
            try:
                TargetClient(profile, redactor, account, traffic=traffic).login()
            except Exception as exc:  # every failure to log in is a configuration problem here
                result.problems.append(f"accounts.{role}[{account.index}] ({account.username}): cannot log in — "
                                       f"không đăng nhập được: {exc}")
    return result

