"""The crawl scenario: robots.txt, a bounded crawl from the home page, and the sampled
procedures' pages as a search engine sees them (observe.py, crawl.py)."""
import pytest

from suites.navigation import observe


@pytest.fixture(scope="session")
def crawl(dokiem):
    with dokiem.scenario("crawl") as sc:
        observations = observe.observe(sc, dokiem.run_id)
        sc.evidence.write_json("observations.json", observations)
        yield observations
