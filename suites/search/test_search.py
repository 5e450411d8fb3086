"""Checks of the search_probe scenario: search by keyword, agency, sector and level."""
import pytest

from suites.search import judges


@pytest.mark.check("search.keyword")
def test_keyword(search_probe):
    judges.keyword(search_probe)


@pytest.mark.check("search.agency")
def test_agency(search_probe):
    judges.by_filter(search_probe, "agency")


@pytest.mark.check("search.sector")
def test_sector(search_probe):
    judges.by_filter(search_probe, "sector")


@pytest.mark.check("search.level")
def test_level(search_probe):
    judges.by_filter(search_probe, "level")
