"""The search_probe scenario: searches for the run's sampled procedures (observe.py)."""
import pytest

from suites.search import observe


@pytest.fixture(scope="session")
def search_probe(dokiem):
    with dokiem.scenario("search_probe") as sc:
        observations = observe.observe(sc, dokiem.run_id)
        sc.evidence.write_json("observations.json", observations)
        yield observations
