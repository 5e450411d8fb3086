"""The scenarios of this suite: `browser_pages` and `public_pages` (criteria/checks.yaml).

Each drives the target once in Chromium and returns its observations (OBSERVATIONS.md), written
as observations.json in the scenario's evidence beside the axe results and the screenshots.
"""
import pytest

from suites.accessibility import egdi, observe


@pytest.fixture(scope="session")
def browser_pages(dokiem, browser):
    with dokiem.scenario("browser_pages") as sc:
        observations = observe.observe_browser_pages(sc, browser)
        sc.evidence.write_json("observations.json", observations)
    yield observations


@pytest.fixture(scope="session")
def public_pages(dokiem, browser):
    with dokiem.scenario("public_pages") as sc:
        observations = observe.observe_public_pages(sc, browser)
        sc.evidence.write_json("observations.json", observations)
        dokiem.add_table(egdi.english_table(observations))
    yield observations


@pytest.fixture(scope="session")
def axe_rule_map():
    from suites.accessibility import axe_rules

    return axe_rules.load()
