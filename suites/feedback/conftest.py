"""The `feedback_flow` and `survey_flow` scenarios (see suites/feedback/README.md)."""
from __future__ import annotations

import pytest

from suites.feedback import observe


@pytest.fixture(scope="session")
def feedback_flow(dokiem, browser):
    with dokiem.scenario("feedback_flow") as sc:
        observations = {"run_id": dokiem.run_id, **observe.feedback_flow(sc, browser, dokiem.profile, dokiem.run_id)}
        sc.evidence.write_json("observations.json", observations)
        yield observations


@pytest.fixture(scope="session")
def survey_flow(dokiem):
    with dokiem.scenario("survey_flow") as sc:
        observations = {"run_id": dokiem.run_id, **observe.survey_flow(sc, dokiem.profile)}
        sc.evidence.write_json("observations.json", observations)
        yield observations
