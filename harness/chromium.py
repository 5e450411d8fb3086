"""Find, install if needed, and smoke-test the Chromium that Playwright drives.

Order: $DOKIEM_CHROMIUM, the system's Chromium (for headless work Debian's
chromium-headless-shell first, then /usr/bin/chromium and its usual names), then the browser
Playwright downloaded itself. When none is found we install one: Debian's packages when we are
root on a machine with apt-get (no download from a CDN needed), else `playwright install
chromium` for laptops with internet access.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

from harness.exitcodes import ExitCode

SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Headless work prefers the headless shell (Chromium's old headless mode, the one Playwright's own
# download uses for headless too): the full browser in headless mode keeps compositing while idle
# and, on 2 cores, a whole run took about twice the browser CPU. A visible window (`dokiem profile
# login`, pytest --headed) needs the full browser.
HEADLESS_NAMES = ("chromium-headless-shell",)
DEBIAN_PACKAGES = ("chromium", "chromium-headless-shell")

# Chromium's background services try to reach Google; on a closed network every try is refused.
# As root the sandbox cannot start. These are the flags every launch in dokiem uses.
LAUNCH_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


SHORT_TEMP = "/tmp"
_UNIX_SOCKET_MAX = 107  # sun_path holds 108 bytes with its final NUL (Linux)
_ROOM = len("/dokiem-browser-xxxxxxxx/org.chromium.Chromium.XXXXXX/SingletonSocket")


def temp_base() -> str:
    """Where to make a folder for Chromium's temporary files: the temporary folder, or /tmp when
    that is too deep. Chromium puts its singleton socket below TMPDIR and dies at launch when the
    socket's path is longer than a Unix socket's (a deep TMPDIR, as pytest's or a CI's)."""
    base = tempfile.gettempdir()
    return base if len(base) + _ROOM <= _UNIX_SOCKET_MAX else SHORT_TEMP


def launch_args() -> list[str]:
    args = list(LAUNCH_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    return args


def find_chromium(headed: bool = False) -> str | None:
    """Path of a Chromium executable, or None when Playwright should use its own download."""
    override = os.environ.get("DOKIEM_CHROMIUM")
    if override:
        return override
    for name in (SYSTEM_NAMES if headed else HEADLESS_NAMES + SYSTEM_NAMES):
        path = shutil.which(name)
        if path:
            return path
    return None


def _playwright_has_own_chromium() -> bool:
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            return os.path.exists(p.chromium.executable_path)
    except Exception:
        return False


def _install() -> None:
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if is_root and shutil.which("apt-get"):
        print("Chưa có Chromium: cài gói chromium của Debian (no Chromium found: installing Debian's chromium "
              "and chromium-headless-shell)")
        # Another apt (a second checkout's setup, unattended upgrades) may hold the lock: wait
        # for it rather than fail the setup.
        wait = ["-o", "DPkg::Lock::Timeout=600"]
        subprocess.run(["apt-get", *wait, "update", "-qq"], check=False)
        subprocess.run(["apt-get", *wait, "install", "-y", "-qq", *DEBIAN_PACKAGES], check=True)
        return
    print("Chưa có Chromium: chạy `playwright install chromium` (no Chromium found: downloading Playwright's)")
    subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=True)


def smoke_test(executable: str | None) -> str:
    """Launch headless, render a Vietnamese page, return the browser version; raise on failure."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=launch_args())
        try:
            page = browser.new_page()
            page.set_content('<html lang="vi"><h1>Xin chào</h1></html>')
            if page.inner_text("h1") != "Xin chào":
                raise RuntimeError("Chromium rendered the test page wrongly")
            return browser.version
        finally:
            browser.close()


def ensure() -> int:
    executable = find_chromium()
    if executable is None and not _playwright_has_own_chromium():
        try:
            _install()
        except (subprocess.CalledProcessError, OSError) as exc:
            print(f"LỖI: không cài được Chromium ({exc}). Cài Chromium rồi đặt DOKIEM_CHROMIUM=<đường dẫn>.\n"
                  f"ERROR: could not install Chromium ({exc}). Install it and set DOKIEM_CHROMIUM=<path>.",
                  file=sys.stderr)
            return ExitCode.FAILED
        executable = find_chromium()
    try:
        version = smoke_test(executable)
    except Exception as exc:  # any launch failure ends setup with its reason
        where = executable or "Playwright's own Chromium"
        print(f"LỖI: Chromium ({where}) không khởi động được ở chế độ headless: {exc}\n"
              f"ERROR: Chromium ({where}) failed to start headless. Set DOKIEM_CHROMIUM to a working "
              "Chromium, or run `playwright install chromium`.", file=sys.stderr)
        return ExitCode.FAILED
    print(f"Chromium OK: {executable or 'Playwright-managed'} ({version})")
    return ExitCode.OK


if __name__ == "__main__":
    if sys.argv[1:] != ["--ensure"]:
        print("usage: python -m harness.chromium --ensure", file=sys.stderr)
        sys.exit(ExitCode.BAD_INPUT)
    sys.exit(ensure())
