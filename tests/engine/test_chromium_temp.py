"""Chromium launches under a deep TMPDIR (pytest's, a CI's): its singleton socket lives below
TMPDIR and a Unix socket's path holds 107 bytes, so dokiem gives it a folder in /tmp then."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from harness import chromium


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
    with tempfile.TemporaryDirectory(prefix="dokiem-browser-", dir=chromium.temp_base()) as folder:
        os.environ["TMPDIR"] = folder
        try:
            assert chromium.smoke_test(chromium.find_chromium())
        finally:
            os.environ["TMPDIR"] = str(deep_tmpdir)
    assert not Path(folder).exists()
