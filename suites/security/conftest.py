"""The security scenarios (criteria/checks.yaml): each drives the target once and returns its
observations, written as observations.json in its evidence. A part that cannot be done is
recorded in `errors` and the scenario goes on; the checks that needed it come out ERROR."""
from __future__ import annotations

import pytest

from harness.judging import now_iso
from suites.security import injection, sweep, tls
from suites.security.answers import around_today, run_suffix
from suites.security.auth import AuthProbe

TLS_TIMEOUT_CAP_S = 10  # a handshake needs no more; the profile's request timeout may be longer


def _part(observations: dict, label: str, make, default=None):
    """Run one part of a scenario; on failure note why and go on."""
    try:
        return make()
    except Exception as exc:
        observations["errors"].append(f"{label}: {type(exc).__name__}: {str(exc)[:500]}")
        return default


def _wanted(dokiem, *check_ids: str) -> bool:
    """Whether the run selected one of these checks (--only, --section): do only what is judged."""
    return any(c in dokiem.selection.checks for c in check_ids)


def _browser(request, observations: dict):
    return _part(observations, "Chromium", lambda: request.getfixturevalue("browser"))


def _finish(sc, observations: dict) -> dict:
    observations["finished"] = now_iso()
    sc.evidence.write_json("observations.json", observations)
    return observations


@pytest.fixture(scope="session")
def security_sweep(dokiem, request):
    with dokiem.scenario("security_sweep") as sc:
        profile = sc.profile
        obs = {"run_id": dokiem.run_id, "started": now_iso(), "pages": [], "cookies": [], "http": [],
               "error_answers": [], "protected": [], "errors": []}
        anonymous = sc.client(None)
        obs["pages"] = _part(obs, "public pages", lambda: sweep.public_pages(anonymous, profile), [])
        citizen = profile.account("citizen")
        browser = _browser(request, obs)
        if browser is not None and citizen is not None:
            def login():
                with sc.browser(browser, "login") as session:
                    return sweep.browser_login(session, citizen)
            landed = _part(obs, "browser login journey", login)
            if landed:
                obs["pages"].append(landed["page"])
                obs["cookies"] += landed["cookies"]
        if citizen is not None:
            obs["cookies"] += _part(obs, "API login", lambda: sweep.api_login_cookies(anonymous, profile, citizen), [])
        timeout = float(profile.limits["request_timeout_s"])
        obs["http"] = _part(obs, "plain HTTP", lambda: sweep.http_probes(profile, timeout, dokiem.traffic.limiter), [])
        marker = "dk" + run_suffix(dokiem.run_id)
        obs["error_answers"] = _part(obs, "error answers", lambda: sweep.error_probes(anonymous, profile, marker), [])
        dates = around_today()
        obs["protected"] = _part(obs, "protected URLs", lambda: sweep.protected_probes(
            sc, sc.client("citizen"), anonymous, dates["date_from"], dates["date_to"]), [])
        yield _finish(sc, obs)


@pytest.fixture(scope="session")
def tls_probe(dokiem):
    with dokiem.scenario("tls_probe") as sc:
        obs = {"run_id": dokiem.run_id, "started": now_iso(), "endpoints": [], "client": {}, "errors": []}
        timeout = min(float(sc.profile.limits["request_timeout_s"]), TLS_TIMEOUT_CAP_S)
        obs.update(_part(obs, "TLS probes", lambda: tls.observe(sc.profile, timeout), {}))
        yield _finish(sc, obs)


@pytest.fixture(scope="session")
def injection_probe(dokiem, request):
    with dokiem.scenario("injection_probe") as sc:
        base = "dk" + run_suffix(dokiem.run_id)
        payloads = injection.xss_payloads(base)
        email = injection.probe_email(sc.profile, base)
        obs = {"run_id": dokiem.run_id, "started": now_iso(), "marker": base, "xss": [], "sqli": {}, "errors": []}
        anonymous = sc.client(None)
        if _wanted(dokiem, "security.xss"):
            obs["xss"] += _part(obs, "XSS through the API", lambda: injection.api_xss(anonymous, sc, payloads, email), [])
            browser = _browser(request, obs)
            if browser is not None:
                def pages():
                    with sc.browser(browser, "xss") as session:
                        return injection.page_xss(session, lambda url: anonymous.request("GET", url), sc.profile,
                                                  payloads, email, dokiem.run_id)
                obs["xss"] += _part(obs, "XSS in pages", pages, [])
        if _wanted(dokiem, "security.sqli"):
            obs["sqli"] = _part(obs, "SQL injection", lambda: injection.sqli(anonymous, base + "q"),
                                {"baseline": {}, "probes": []})
            # the search and lookup pages too, at the addresses the XSS probe's browser landed on
            templates = injection.page_templates(obs["xss"], payloads)
            pages = _part(obs, "SQL injection in pages", lambda: injection.sqli_pages(
                lambda url: anonymous.request("GET", url), templates, base + "q"), {})
            obs["sqli"]["baseline"].update(pages.get("baseline") or {})
            obs["sqli"]["probes"] += pages.get("probes") or []
        yield _finish(sc, obs)


@pytest.fixture(scope="session")
def auth_probe(dokiem, request):
    with dokiem.scenario("auth_probe") as sc:
        obs = {"run_id": dokiem.run_id, "started": now_iso(), "logins": {}, "registration": None,
               "weak_attempts": [], "logout": None, "browser_logout": None, "lockout": None, "audit": None,
               "failed_attempts": [], "errors": []}
        probe = AuthProbe(sc, dokiem.run_id)
        min_length = int(sc.parameter("security.min_password_length"))
        if _wanted(dokiem, "access.login", "audit.failed_logins"):
            browser = _browser(request, obs) if _wanted(dokiem, "access.login") else None

            def logins():
                if browser is None:
                    return probe.logins(None)
                with sc.browser(browser, "login") as session:
                    return probe.logins(session)
            obs["logins"] = _part(obs, "logins", logins, {})
        if _wanted(dokiem, "access.registration", "security.password_policy"):
            obs["registration"] = _part(obs, "registration", lambda: probe.registration(min_length))
        if _wanted(dokiem, "security.password_policy"):
            obs["weak_attempts"] = _part(obs, "password policy", lambda: probe.weak_attempts(min_length), [])
        if _wanted(dokiem, "security.session_end"):
            obs["logout"] = _part(obs, "logout", probe.logout_probe)
            browser = _browser(request, obs)

            def browser_logout():
                with sc.browser(browser, "logout") as session:
                    return probe.browser_logout(session)
            obs["browser_logout"] = (_part(obs, "browser logout", browser_logout) if browser is not None
                                     else {"error": "no browser in this run — không có trình duyệt"})
        if _wanted(dokiem, "security.lockout"):
            # only on the account reserved for it, which stays locked afterwards
            obs["lockout"] = _part(obs, "lockout", lambda: probe.lockout(int(sc.parameter("security.lockout_attempts"))))
        obs["failed_attempts"] = probe.failed_attempts
        if _wanted(dokiem, "audit.failed_logins"):
            obs["audit"] = _part(obs, "audit log", probe.audit)
        yield _finish(sc, obs)
