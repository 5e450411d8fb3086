"""Checks of the `browser_pages` scenario: axe-core, keyboard, phone width, browser journeys."""
import pytest

from suites.accessibility import judges

# The refportal profile's public_dossier fixture files a dossier at the counter; scenarios that
# create dossiers share the dossier_life worker (suites/dossier/OBSERVATIONS.md).
pytestmark = pytest.mark.xdist_group("dossier")


@pytest.mark.check("a11y.axe")
def test_axe(browser_pages, axe_rule_map, dokiem):
    dokiem.add_table(judges.axe_table(browser_pages, axe_rule_map))
    for item in judges.axe_review_items(browser_pages, axe_rule_map):
        dokiem.add_review_item(item)
    judges.axe(browser_pages, axe_rule_map)


@pytest.mark.check("a11y.keyboard")
def test_keyboard(browser_pages):
    judges.keyboard(browser_pages)


@pytest.mark.check("a11y.mobile_width")
def test_mobile_width(browser_pages):
    judges.mobile_width(browser_pages)


@pytest.mark.check("navigation.journeys")
def test_journeys(browser_pages):
    judges.journeys(browser_pages)
