"""One pytest item per check of criteria/checks.yaml (pytest's collection of non-Python tests).

A check's item is a `pytest.Function` that calls its judge (harness/check_binding.py) with the
observations fixture and the arguments checks.yaml declares. It carries the `check` marker and,
for the scenarios that share the dossier worker (`worker_groups` in checks.yaml), the
`xdist_group` marker, so selection, safety skips, outcomes, evidence and scoring treat it as
any test marked `@pytest.mark.check(id)`.

Where an item is collected decides which fixtures it sees: pytest offers a conftest's fixtures
only to tests in that conftest's folder. So each check is collected in the folder of suites/
whose conftest.py defines the fixture it observes, whichever folder its judge lives in; in that
folder the checks run scenario by scenario, in the order the conftest defines the scenarios.
"""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from harness import check_binding
from harness.criteria import CheckRegistry

ITEMS_FILE = "checks.yaml"  # the collector's name in node ids: suites/dossier/checks.yaml::dossier.code_format


def suites_dir(config) -> Path:
    return Path(str(config.rootpath)) / "suites"


def worker_groups(checks: CheckRegistry) -> dict[str, str]:
    """scenario -> the xdist group it shares with others (`worker_groups` in checks.yaml)."""
    groups = checks.source.data.get("worker_groups") or {}
    return {scenario: group for group, scenarios in groups.items() for scenario in scenarios}


def collect(file_path: Path, parent, checks: CheckRegistry):
    """The checks of this conftest.py's folder: a collector, which picks them once pytest has read
    the folder's fixtures (pytest reads a conftest's fixtures after collecting its folder)."""
    top = suites_dir(parent.config)
    if file_path.name != "conftest.py" or top not in file_path.parents:
        return None
    return CheckFolder.from_parent(parent, name=ITEMS_FILE, checks=checks, top=file_path.parent == top)


class CheckFolder(pytest.Collector):
    def __init__(self, *, checks: CheckRegistry, top: bool, **kwargs):
        super().__init__(**kwargs)
        self._checks = checks
        self._top = top

    def _observed_here(self):
        """(check, binding) of the checks whose observations fixture this folder's conftest defines."""
        fixtures = self.session._fixturemanager
        here = []
        for order, check in enumerate(self._checks.checks.values()):
            bound = check_binding.binding(check)
            defs = fixtures.getfixturedefs(bound.observes, self) if bound else None
            if not defs:
                continue
            # the closest definition; fixtures of plugins (baseid "") belong to the top of suites/
            if defs[-1].baseid == self.parent.nodeid or (self._top and defs[-1].baseid == ""):
                code = getattr(defs[-1].func, "__code__", None)
                here.append(((code.co_firstlineno if code else 0, order), check, bound))
        return [(check, bound) for _, check, bound in sorted(here, key=lambda entry: entry[0])]

    def collect(self):
        groups = worker_groups(self._checks)
        for check, bound in self._observed_here():
            function = _caller(bound)
            marks = [pytest.mark.check(check.id)]
            if groups.get(check.scenario):
                marks.append(pytest.mark.xdist_group(groups[check.scenario]))
            for mark in marks:
                function = mark(function)
            yield CheckItem.from_parent(self, name=check.id, callobj=function,
                                        position=(self._checks.source.path, check.position[1]))


class CheckItem(pytest.Function):
    """Reported at the check's entry in checks.yaml, which says what it judges."""

    def __init__(self, *, position, **kwargs):
        super().__init__(**kwargs)
        self._position = position

    def reportinfo(self):
        path, line = self._position
        return Path(path), line - 1, f"check {self.name}"


def _caller(bound: check_binding.Binding):
    """A test function whose signature asks pytest for exactly the fixtures the judge needs."""
    names = bound.fixture_names()

    def judge_check(**fixtures):
        bound.call(fixtures)

    judge_check.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for n in names])
    judge_check.__name__ = judge_check.__qualname__ = bound.function
    return judge_check
