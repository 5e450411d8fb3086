"""Chromium launches under a deep TMPDIR (pytest's, a CI's): its singleton socket lives below
TMPDIR and a Unix socket's path holds 107 bytes, so dokiem gives it a folder in /tmp then. And
which Chromium is launched: the headless shell for headless work, the full browser for a window."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from harness import chromium

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def deep_tmpdir(tmp_path, monkeypatch):
    deep = tmp_path / ("sau-" * 12) / ("x" * 40)
    deep.mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(deep))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    yield deep
    monkeypatch.setattr(tempfile, "tempdir", None)


def test_a_shallow_temporary_folder_is_kept(monkeypatch):
    monkeypatch.setenv("TMPDIR", "/tmp")
    monkeypatch.setattr(tempfile, "tempdir", None)
    assert chromium.temp_base() == "/tmp"


def test_chromium_launches_from_a_folder_under_a_deep_tmpdir(deep_tmpdir):
    if chromium.find_chromium() is None:
        pytest.skip("no Chromium on this machine")
    assert len(str(deep_tmpdir)) > 80 and chromium.temp_base() == chromium.SHORT_TEMP
    smoke = [sys.executable, "-c", "from harness import chromium; print(chromium.smoke_test(chromium.find_chromium()))"]
    # a child process: Playwright's sync API cannot run beside another test's event loop
    with tempfile.TemporaryDirectory(prefix="dokiem-browser-", dir=chromium.temp_base()) as folder:
        done = subprocess.run(smoke, cwd=REPO, env={**os.environ, "TMPDIR": folder}, capture_output=True, text=True,
                              timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not Path(folder).exists()


@pytest.mark.parametrize("installed, headless, headed", [
    ({"chromium", "chromium-headless-shell"}, "chromium-headless-shell", "chromium"),
    ({"chromium"}, "chromium", "chromium"),
    ({"chromium-headless-shell"}, "chromium-headless-shell", None),   # no window without the full browser
    (set(), None, None),                                               # Playwright's own download
])
def test_headless_work_prefers_the_headless_shell_and_a_window_the_full_browser(installed, headless, headed,
                                                                                monkeypatch):
    monkeypatch.delenv("DOKIEM_CHROMIUM", raising=False)
    monkeypatch.setattr(chromium.shutil, "which", lambda name: f"/usr/bin/{name}" if name in installed else None)
    where = lambda name: name and f"/usr/bin/{name}"  # noqa: E731
    assert chromium.find_chromium() == where(headless)
    assert chromium.find_chromium(headed=True) == where(headed)
    from harness.browser import launch_arguments
    assert launch_arguments({"headless": False}).get("executable_path") == where(headed)
    monkeypatch.setenv("DOKIEM_CHROMIUM", "/opt/chrome/chrome")   # the tester's choice wins either way
    assert chromium.find_chromium() == chromium.find_chromium(headed=True) == "/opt/chrome/chrome"
