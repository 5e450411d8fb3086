"""`dokiem profile login`: record a browser session for an account's `storage_state`
(what a saved session is and when it has expired: harness/saved_session.py)."""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from harness import saved_session

WAIT_S = 300  # how long a tester has to complete the login by hand


def record(profile, role: str, index: int, out: Path, headless: bool, wait_s: float = WAIT_S) -> int:
    """Log the account in (by its journey, or by a tester's hand in a visible window) and save the
    browser's state to `out`; exit code 0, or 2 with the reason."""
    from playwright.sync_api import sync_playwright

    from harness import chromium
    from harness.browser import JourneyRun, context_arguments

    account = profile.account(role, index)
    if account is None:
        print(f"{profile.path}: no account {index + 1} of role '{role}' — không có tài khoản vai trò '{role}'",
              file=sys.stderr)
        return 2
    by_journey = bool(account.username and account.password)
    if headless and not by_journey:
        print(f"{account.label}: no password in the environment ({account.password_env or 'password_env not set'}): "
              "a login by hand needs a visible window (drop --headless) — cần đăng nhập bằng tay", file=sys.stderr)
        return 2
    with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="dokiem-browser-", dir=chromium.temp_base()) as temp:
        browser = p.chromium.launch(executable_path=chromium.find_chromium(headed=not headless), headless=headless,
                                    args=chromium.launch_args(), env={**os.environ, "TMPDIR": temp})
        try:
            context = browser.new_context(**context_arguments({}))
            page = context.new_page()
            if by_journey:
                JourneyRun(page, profile).run("login", username=account.username, password=account.password)
                _save(context, out)
            else:
                page.goto(profile.base_url("portal") + "/")
                print(f"Đăng nhập {account.label} trong cửa sổ Chromium (OTP, CAPTCHA…), rồi đóng cửa sổ — log in as "
                      f"{account.label} in the Chromium window, then close it (at most {wait_s:g} s)")
                _until_closed(page, context, out, wait_s)
        finally:
            browser.close()
    unusable = saved_session.expired(out) if out.is_file() else "nothing was saved"
    if unusable:  # the window was closed (or the time ran out) before anybody logged in
        out.unlink(missing_ok=True)
        print(f"{out}: {unusable} — chưa đăng nhập, không lưu phiên", file=sys.stderr)
        return 2
    where = os.path.relpath(out.resolve(), profile.path.parent.resolve())
    print(f"{out}: phiên đã lưu — session saved; in the profile, under accounts.{role}[{index}]: "
          f"storage_state: {where}")
    return 0


def _until_closed(page, context, out: Path, wait_s: float) -> None:
    """Keep saving the state while the tester works, until the window is closed or time is up: the
    last state saved is the one they left (a closed page can no longer be asked for it)."""
    ends = time.monotonic() + wait_s
    while time.monotonic() < ends and not page.is_closed():
        try:
            _save(context, out)
            page.wait_for_timeout(1000)
        except Exception:  # the tester closed the window (and with it the browser)
            break


def _save(context, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    state = json.dumps(context.storage_state(), ensure_ascii=False)
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # a live session: owner only
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(state)
    os.chmod(out, 0o600)
