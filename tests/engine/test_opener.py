"""`dokiem run --open`: the record opens in a graphical browser where there is one, and a headless
machine gets the path instead of a console browser taking over the terminal."""
from __future__ import annotations

import sys
import webbrowser

import pytest

from harness import opener


@pytest.fixture
def record(tmp_path):
    html = tmp_path / "compliance.html"
    html.write_text("<html lang='vi'></html>", encoding="utf-8")
    return html


@pytest.fixture
def opened(monkeypatch):
    calls = []
    monkeypatch.setattr(webbrowser, "open", lambda url: calls.append(url) or True)
    return calls


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display rule is Linux's")
def test_without_a_display_the_path_is_printed_and_no_browser_starts(monkeypatch, record, opened):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    line = opener.open_record(record)
    assert opened == []
    assert record.as_uri() in line and "no display" in line


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display rule is Linux's")
def test_with_a_display_the_record_opens_in_the_browser(monkeypatch, record, opened):
    monkeypatch.setenv("DISPLAY", ":0")
    line = opener.open_record(record)
    assert opened == [record.as_uri()]
    assert "opened the record" in line


def test_a_browser_that_does_not_start_is_said(monkeypatch, record):
    monkeypatch.setattr(opener, "has_display", lambda: True)
    monkeypatch.setattr(webbrowser, "open", lambda url: False)
    assert "could not start a browser" in opener.open_record(record)


def test_no_record_nothing_opened(tmp_path, opened, monkeypatch):
    monkeypatch.setattr(opener, "has_display", lambda: True)
    assert "no record to open" in opener.open_record(tmp_path / "compliance.html")
    assert opened == []
