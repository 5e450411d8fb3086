"""Checks of the crawl scenario: three clicks, errors and broken links, findability."""
import pytest

from suites.navigation import judges


@pytest.mark.check("navigation.three_clicks")
def test_three_clicks(crawl, param):
    judges.three_clicks(crawl, int(param("navigation.max_clicks")))


@pytest.mark.check("navigation.crawl")
def test_crawl(crawl, param):
    judges.crawl_pages(crawl, float(param("perf.max_response_ms")))


@pytest.mark.check("navigation.indexable")
def test_indexable(crawl):
    judges.indexable(crawl)
