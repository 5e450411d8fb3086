"""Shared fixtures of dokiem's own tests: pytest-playwright drives the Chromium dokiem finds."""
import pytest

from harness.browser import context_arguments, launch_arguments


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return launch_arguments(browser_type_launch_args)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return context_arguments(browser_context_args)
