"""The progress line: criteria done, failing so far, the scenario running; rewritten on a TTY."""
from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness import criteria, selection
from harness.progress import Progress

REPO = Path(__file__).resolve().parent.parent.parent
MINI = REPO / "tests" / "criteria" / "mini-criteria"


class Terminal:
    def __init__(self, tty: bool):
        self.tty, self.rewritten, self.lines = tty, [], []
        self._tw = SimpleNamespace(fullwidth=200)

    def isatty(self):
        return self.tty

    def rewrite(self, line, erase=False):
        self.rewritten.append(line)

    def write_line(self, line):
        self.lines.append(line)


def report(when="call"):
    return SimpleNamespace(when=when)


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("criteria") / "criteria"
    shutil.copytree(MINI, folder)
    shutil.copytree(REPO / "criteria" / "schema", folder / "schema")
    return folder


def progress(mini: Path, tty: bool) -> tuple[Progress, Terminal]:
    registry = criteria.load_checks(mini)
    edition = criteria.load_edition(mini, None, registry)
    terminal = Terminal(tty)
    return Progress(terminal, edition, selection.select(edition), registry, 0.0), terminal


def test_on_a_tty_one_line_is_rewritten_with_the_scenario_and_failures_so_far(mini):
    bar, terminal = progress(mini, tty=True)
    bar.update(report("setup"), {"checks": ["dossier.code_format"], "outcome": "passed"})
    assert "dossier_life" in terminal.rewritten[-1] and "0/2 tiêu chí" in terminal.rewritten[-1]
    bar.update(report(), {"checks": ["dossier.code_format"], "outcome": "failed"})
    assert "1/2 tiêu chí" in terminal.rewritten[-1] and "1 chưa đạt" in terminal.rewritten[-1]
    assert terminal.lines == []                     # nothing scrolls
    bar.end()
    assert terminal.lines == [""]                   # the line is closed before the last lines


def test_in_a_log_a_line_is_printed_only_when_a_criterion_completes(mini):
    bar, terminal = progress(mini, tty=False)
    bar.update(report(), {"checks": ["lookup.public"], "outcome": "passed"})       # HS-02 needs perf too
    assert terminal.lines == []
    bar.update(report(), {"checks": ["perf.avg_response"], "outcome": "error"})
    bar.update(report("teardown"), {"checks": ["perf.avg_response"], "outcome": "passed"})
    assert len(terminal.lines) == 1 and "1/2 tiêu chí" in terminal.lines[0] and "1 chưa đạt" in terminal.lines[0]
    assert terminal.rewritten == []


def test_a_narrow_terminal_gets_the_short_line_still_naming_the_scenario(mini):
    bar, terminal = progress(mini, tty=True)
    terminal._tw.fullwidth = 80
    bar.update(report(), {"checks": ["dossier.code_format"], "outcome": "failed"})
    line = terminal.rewritten[-1]
    assert len(line) < 80 and "dossier_life" in line and "1 chưa đạt" in line
