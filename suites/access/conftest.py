"""The `access_probe` scenario (criteria/checks.yaml): a dossier of its own, attempted by the wrong
people. It creates data, so it shares the `dossier` xdist group with dossier_life (see test_access.py)."""
from __future__ import annotations

import pytest

from suites.access.observe import AccessProbe


@pytest.fixture(scope="session")
def access_probe(dokiem):
    with dokiem.scenario("access_probe") as sc:
        observations = AccessProbe(sc, dokiem.run_id).run()
        sc.evidence.write_json("observations.json", observations)
        yield observations
