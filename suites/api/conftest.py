"""The api_probe scenario: answers of the public data operations, an unknown-code lookup and the
published API description (observe.py)."""
import pytest

from suites.api import observe


@pytest.fixture(scope="session")
def api_probe(dokiem):
    with dokiem.scenario("api_probe") as sc:
        observations = observe.observe(sc, dokiem.run_id)
        sc.evidence.write_json("observations.json", observations)
        yield observations
