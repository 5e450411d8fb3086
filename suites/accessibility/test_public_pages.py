"""Checks of the `public_pages` scenario: language, text alternatives, blinking, viewport,
Unicode NFC and the English page."""
import pytest

from suites.accessibility import judges


@pytest.mark.check("a11y.lang")
def test_lang(public_pages):
    judges.lang(public_pages)


@pytest.mark.check("a11y.alt_text")
def test_alt_text(public_pages):
    judges.alt_text(public_pages)


@pytest.mark.check("a11y.no_blink")
def test_no_blink(public_pages):
    judges.no_blink(public_pages)


@pytest.mark.check("a11y.viewport_meta")
def test_viewport_meta(public_pages):
    judges.viewport_meta(public_pages)


@pytest.mark.check("a11y.nfc")
def test_nfc(public_pages):
    judges.nfc(public_pages)


@pytest.mark.check("a11y.english_page")
def test_english_page(public_pages):
    judges.english_page(public_pages)
