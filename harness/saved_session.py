"""Saved browser sessions: whether one can still be used (`dokiem profile login` records them:
harness/profile_login.py).

Some logins cannot be scripted: a VNeID or national-portal SSO with an OTP, a CAPTCHA without a
staging bypass. The tester logs in once by hand in a Chromium window that dokiem opens; dokiem saves
the browser's state (cookies, local storage: Playwright's storage state) to a file the profile names
as the account's `storage_state`. Where the profile can log the account in by itself (a password in
the environment), the profile's login journey does it and no hand is needed (`--headless`).

The file holds a live session: it is written readable by its owner only and never copied into a
run's evidence. A saved session whose cookies have all expired is refused before a run starts
(`expired`): every check that needs the account would otherwise fail for a reason that is ours.
"""
from __future__ import annotations

import json
import time
from pathlib import Path


def expired(path: Path, now: float | None = None) -> str | None:
    """Why the saved session in `path` can no longer be used, or None. A state whose cookies all carry
    an expiry in the past (and that keeps no local storage) is expired; a cookie without an expiry
    lasts as long as the browser, so it is taken as live."""
    try:
        state = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"not a saved browser session (Playwright storage state): {exc}"
    cookies = state.get("cookies") if isinstance(state, dict) else None
    if not isinstance(cookies, list):
        return "not a saved browser session (Playwright storage state): no 'cookies' list"
    if any(origin.get("localStorage") for origin in state.get("origins") or [] if isinstance(origin, dict)):
        return None
    now = time.time() if now is None else now
    expiries = [float(c.get("expires", -1)) for c in cookies if isinstance(c, dict)]
    if not expiries:
        return "the saved session holds no cookie and no local storage: nobody was logged in"
    if all(0 < e < now for e in expiries):
        last = time.strftime("%Y-%m-%d %H:%M", time.localtime(max(expiries)))
        return f"the saved session expired on {last}"
    return None
