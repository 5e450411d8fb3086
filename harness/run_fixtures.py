"""Fixtures that exist only in an active run (registered by harness.plugin when --target/--demo is given)."""
from __future__ import annotations

import pytest

from harness.browser import JourneyRun
from harness.browser_guard import guard_context
from harness.measured import MEASURED, Measurements
from harness.nps.client import NpsClient
from harness.run import ITEM, RUN, DokiemRun
from harness.scenario import Scenario


class RunHandle:
    """What suites see of the run, and nothing else (the `dokiem` fixture)."""

    def __init__(self, run: DokiemRun):
        self._run = run
        self.run_id: str = run.run_id
        self.edition = run.inputs.edition
        self.profile = run.inputs.profile
        self.selection = run.inputs.selection
        self.nps_url: str | None = run.nps_url
        self.not_configured: dict[str, list[str]] = run.not_configured  # check id -> what the profile lacks
        self.redactor = run.redactor  # values a scenario makes up (passwords) are added to it
        self.traffic = run.traffic  # what every sender shares: rate limit, breaker, refusals (harness/traffic.py)

    def parameter(self, name: str):
        """An edition parameter as this run uses it (profile lowerings applied)."""
        return self._run.inputs.parameter(name)

    def scenario(self, name: str):
        """A Scenario (harness.scenario) whose transcripts go to evidence/scenario-<name>/."""
        return Scenario(self, name)

    def evidence_for(self, folder: str):
        """The evidence store bound to a check's or scenario's folder."""
        return self._run.ledger.evidence_for(folder)

    def add_table(self, table: dict) -> None:
        """A table for the record (e.g. the measured service levels)."""
        self._run.ledger.add_table(table)

    def add_review_item(self, item: dict) -> None:
        """Something a tester must review by hand (e.g. axe 'incomplete' results)."""
        self._run.ledger.add_review_item(item)

    @staticmethod
    def unconfigured(node) -> tuple[str, ...]:
        """For a test: "<check>: what the profile lacks", per check of it whose needs are unmet."""
        decision = node.stash.get(ITEM, None)
        return decision.unconfigured if decision is not None else ()


def _run(request) -> DokiemRun:
    return request.config.stash[RUN]


@pytest.fixture(scope="session")
def dokiem(request):
    """The run: edition, profile, selection, evidence, parameters; `dokiem.scenario(name)`."""
    return RunHandle(_run(request))


@pytest.fixture(scope="session")
def edition(request):
    return _run(request).inputs.edition


@pytest.fixture(scope="session")
def target(request):
    """The target profile (harness.profile.Profile)."""
    return _run(request).inputs.profile


@pytest.fixture(scope="session")
def param(request):
    """`param(name)` -> the edition parameter as this run uses it (profile lowerings applied)."""
    return _run(request).inputs.parameter


@pytest.fixture(scope="session")
def nps(request):
    """Client of the simulator services (national portal, payment, SMTP sink, SMS)."""
    return NpsClient(_run(request).nps_url)


@pytest.fixture(scope="session")
def api(dokiem):
    """`api(role=None, index=0)` -> a TargetClient logged in as that account (None: anonymous)."""
    scenario = Scenario(dokiem, "api")
    cache: dict = {}

    def client(role: str | None = None, index: int = 0):
        if (role, index) not in cache:
            cache[(role, index)] = scenario.client(role, index)
        return cache[(role, index)]

    yield client
    scenario.close()


@pytest.fixture
def journey(request, page):
    """`journey(name, **variables)` -> the variables the profile's journey read, in this test's page."""
    run = _run(request)
    return JourneyRun(page, run.inputs.profile, guard=guard_context(page.context, run.inputs.profile, run.traffic)).run


@pytest.fixture
def measured(request):
    """The figures this test's judge measured (harness.measured), which the record prints beside its verdict."""
    measurements = request.node.stash[MEASURED] = Measurements()
    return measurements


@pytest.fixture
def evidence(request):
    """Evidence store for the current check: `evidence.write_text(name, text)` -> path in the record."""
    decision = request.node.stash.get(ITEM, None)
    return _run(request).ledger.evidence_for(decision.checks[0] if decision else request.node.name)
