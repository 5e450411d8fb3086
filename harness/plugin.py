"""The dokiem pytest plugin, registered once through the `pytest11` entry point.

Inert unless a run option (--target or --demo) is given: other pytest sessions, the harness's own
tests among them, only see the `check` marker registered. When active it opens the run
(harness.run.DokiemRun: inputs, services, pre-flight; exit 2 on bad input, 3 when the target does
not answer) and registers it as a plugin object, whose hook methods keep only the checks the
selected criteria name, classify every outcome (harness.outcomes) and at the end score, write the
reports and set the exit code (harness.exitcodes); and the fixtures suites use (harness.run_fixtures).
"""
from __future__ import annotations

import pytest

RUN_OPTIONS = ("target", "demo")


def pytest_addoption(parser):
    group = parser.getgroup("dokiem", "dokiem: đo kiểm (conformance run)")
    group.addoption("--target", metavar="PROFILE", help="target profile YAML (cấu hình đích: hệ thống cần đo kiểm)")
    group.addoption("--demo", action="store_true", help="certify the bundled reference portal")
    group.addoption("--edition", metavar="E", help="criteria edition (default: the edition marked default)")
    group.addoption("--date", metavar="YYYY-MM-DD", dest="on_date", help="use the edition in force on this date")
    group.addoption("--only", metavar="IDS", help="comma-separated criterion ids to run")
    group.addoption("--section", metavar="K", help="comma-separated section keys (1-8) to run")
    group.addoption("--attestations", metavar="FILE", help="attestations YAML for manual criteria")
    group.addoption("--out", metavar="DIR", help="output folder (default reports/<timestamp>)")
    group.addoption("--history", metavar="DIR", help="keep each run's results here for trends and diffs")
    group.addoption("--criteria-dir", metavar="DIR", help="criteria folder (default: the repository's criteria/)")
    group.addoption("--no-allure-report", action="store_true",
                    help="write allure-results but do not build the Allure HTML report (quicker re-runs)")
    group.addoption("--pdf", action="store_true", default=None, help="print compliance.pdf and its annex "
                    "(default: when Chromium is there)")
    group.addoption("--no-pdf", action="store_false", dest="pdf", help="do not print the PDF record")
    group.addoption("--open", action="store_true", dest="open_record",
                    help="open compliance.html in the desktop's browser at the end (where there is one)")
    group.addoption("--criteria-junit-xml", metavar="FILE", help="JUnit XML for CI, one test case per criterion")
    group.addoption("--summary-md", metavar="FILE", help="Markdown summary for a CI job summary or MR note")
    group.addoption("--keep-traces", choices=("failing", "all"), default="failing",
                    help="Playwright traces to keep: of failing or erroring checks only (default), or all")


def is_active(config) -> bool:
    return bool(config.getoption("target", None) or config.getoption("demo", None))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    config.addinivalue_line(
        "markers", "check(check_id): this test is the check `check_id` of criteria/checks.yaml"
    )
    if not is_active(config):
        return
    from harness import aborting, run_fixtures
    from harness.run import RUN, DokiemRun

    aborting.before_open(config)  # SIGINT/SIGTERM end the run cleanly from here on (exit 3)
    run = DokiemRun.open(config)  # may end the session with exit 2 or 3
    aborting.after_open(run)  # the circuit breaker; a dead run's folders removed
    if not getattr(config.option, "allure_report_dir", None):
        # allure-pytest's own per-test results, kept beside the per-criterion ones
        config.option.allure_report_dir = str(run.staging / "allure-raw")
    config.stash[RUN] = run
    config.pluginmanager.register(run, "dokiem-run")
    config.pluginmanager.register(run_fixtures, "dokiem-fixtures")


@pytest.hookimpl(trylast=True)  # after the run object has stopped its services and removed its folders
def pytest_unconfigure(config):
    if is_active(config):
        from harness import aborting

        aborting.after_close(config)
