"""The catalogue_sample scenario: the published catalogue, a sample of it, and each sampled
procedure's record, page, guide, forms, submission entry and national record (observe.py)."""
import pytest

from suites.catalogue import observe, tables


@pytest.fixture(scope="session")
def catalogue_sample(dokiem, request):
    with dokiem.scenario("catalogue_sample") as sc:
        # the browser is taken only when needed: without one the API checks still judge
        observations = observe.observe(sc, dokiem.run_id, dokiem.nps_url,
                                       lambda: request.getfixturevalue("browser"))
        sc.evidence.write_json("observations.json", observations)
        if observations["procedures"]:
            for table in tables.tables(observations):
                dokiem.add_table(table)
        yield observations
