"""The distribution's shape: console script, one pytest11 registration, an inert plugin."""
from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_plugin_is_registered_once_through_pytest11():
    plugins = [ep for ep in entry_points(group="pytest11") if ep.value.startswith("harness")]
    assert [(ep.name, ep.value) for ep in plugins] == [("dokiem", "harness.plugin")]
    conftest = (REPO / "conftest.py").read_text(encoding="utf-8")
    assert "pytest_plugins" not in conftest and "harness.plugin" not in conftest.replace("(harness.plugin)", "")


def test_console_script_exists():
    scripts = [ep for ep in entry_points(group="console_scripts") if ep.name == "dokiem"]
    assert scripts and scripts[0].value == "harness.cli:main"


def test_plugin_options_are_offered_and_inert_without_run_options(pytester):
    result = pytester.runpytest_subprocess("--help")
    out = result.stdout.str()
    for option in ("--target", "--demo", "--edition", "--only", "--section", "--attestations", "--out"):
        assert option in out
    pytester.makepyfile(test_plain="def test_plain():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_run_needs_exactly_one_of_target_or_demo():
    for argv in (["run"], ["run", "--demo", "--target", "x.yaml"]):
        proc = subprocess.run([sys.executable, "-m", "harness.cli", *argv], capture_output=True, text=True)
        assert proc.returncode == 2
        assert "--target" in proc.stderr and "--demo" in proc.stderr
