"""The load_test scenario (criteria/checks.yaml): one Locust run that every perf.* check judges."""
import pytest

from suites.performance import observe


@pytest.fixture(scope="session")
def load_test(dokiem):
    """Observations of one load test (suites/performance/README.md, "Observations")."""
    with dokiem.scenario("load_test") as sc:
        observations = observe.record(sc, dokiem.run_id)
        sc.evidence.write_json("observations.json", observations)
        table = observe.results_table(observations)
        if table is not None:
            dokiem.add_table(table)
        yield observations
