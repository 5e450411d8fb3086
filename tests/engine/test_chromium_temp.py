"""Chromium launches under a deep TMPDIR (pytest's, a CI's): its singleton socket lives below
TMPDIR and a Unix socket's path holds 107 bytes, so dokiem gives it a folder in /tmp then."""
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
