"""Fixtures that exist only in an active run (registered by harness.plugin when --target/--demo is given)."""
from __future__ import annotations

import pytest


def _state(request):
    return request.config._dokiem


class RunHandle:
    """What suites see of the run: its state, plus `scenario(name)`."""

    def __init__(self, state):
        self._state = state

    def __getattr__(self, name):
        return getattr(self._state, name)

    def scenario(self, name: str):
        from harness.scenario import Scenario

        return Scenario(self._state, name)


@pytest.fixture(scope="session")
def dokiem(request):
    """The run: edition, profile, selection, evidence, parameters; `dokiem.scenario(name)`."""
    return RunHandle(_state(request))


@pytest.fixture(scope="session")
def edition(request):
    return _state(request).edition


@pytest.fixture(scope="session")
def target(request):
    """The target profile (harness.profile.Profile)."""
    return _state(request).profile


@pytest.fixture(scope="session")
def param(request):
    """`param(name)` -> the edition parameter as this run uses it (profile lowerings applied)."""
    return _state(request).parameter


@pytest.fixture(scope="session")
def nps(request):
    """Client of the simulator services (national portal, payment, SMTP sink, SMS)."""
    from harness.nps.client import NpsClient

    return NpsClient(_state(request).nps_url)


@pytest.fixture(scope="session")
def api(request):
    """`api(role=None, index=0)` -> a TargetClient logged in as that account (None: anonymous)."""
    from harness.scenario import Scenario

    scenario = Scenario(_state(request), "api")
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
    from harness.browser import JourneyRun
    from harness.browser_guard import guard_context

    profile = _state(request).profile
    return JourneyRun(page, profile, guard=guard_context(page.context, profile)).run


@pytest.fixture
def evidence(request):
    """Evidence store for the current check: `evidence.write_text(name, text)` -> path in the record."""
    check = next((m.args[0] for m in request.node.iter_markers("check") if m.args), request.node.name)
    return _state(request).evidence_for(check)
