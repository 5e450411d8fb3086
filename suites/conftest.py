"""Fixtures shared by every suite. Collected only in a conformance run (see the root conftest.py)."""
import pytest

from harness.browser import context_arguments, launch_arguments
from suites.dossier.scenario import (  # noqa: F401 - one drive of the dossiers, shared by every suite
    dossier_browser, dossier_closures, dossier_delayed, dossier_driver, dossier_end, dossier_intake, dossier_life,
    dossier_lookups, dossier_online, dossier_overdue, dossier_registers)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return launch_arguments(browser_type_launch_args)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return context_arguments(browser_context_args)


@pytest.fixture
def context(context, dokiem):
    """pytest-playwright's context, behind dokiem's request guard (production safety, rate limit)."""
    from harness.browser_guard import guard_context

    guard_context(context, dokiem.profile, dokiem.traffic)
    return context
