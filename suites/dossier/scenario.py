"""The `dossier_life` scenario fixture (DESIGN §2.4): drives the dossiers once per run and returns
the observations of suites/dossier/OBSERVATIONS.md.

It lives here, not in suites/dossier/conftest.py, because the packet, notification and statistics
suites build on the same observations: suites/conftest.py imports it, so every suite folder sees
one fixture (one drive of the target), not a copy per folder.
"""
from __future__ import annotations

import pytest

from suites.dossier.observe import DossierLife


@pytest.fixture(scope="session")
def dossier_life(dokiem, nps, request):
    """Observations of the life of the run's dossiers (suites/dossier/OBSERVATIONS.md)."""
    def open_browser():
        # asked for only when the browser part starts: a browser that cannot start is recorded
        # and the API part goes on
        return request.getfixturevalue("browser")

    with dokiem.scenario("dossier_life") as sc:
        observations = DossierLife(sc, nps, dokiem.run_id, open_browser).run()
        sc.evidence.write_json("observations.json", observations)
        yield observations
