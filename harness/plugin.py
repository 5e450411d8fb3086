"""The dokiem pytest plugin, registered once through the `pytest11` entry point.

Inert unless a run option (--target or --demo) is given: other pytest sessions, the harness's own
tests among them, only see the `check` marker registered. When active it loads the edition, the
profile and the attestations (exit 2 on bad input), starts the simulator services (and, with
--demo, the reference portal), runs the pre-flight (exit 3 when the target does not answer),
keeps only the checks the selected criteria name, classifies every outcome as DESIGN §4 says,
and at the end scores, writes the reports and sets the exit code of DESIGN §2.
"""
from __future__ import annotations

import pytest

from harness import measured, outcomes

RUN_OPTIONS = ("target", "demo")


def pytest_addoption(parser):
    group = parser.getgroup("dokiem", "dokiem: đo kiểm (conformance run)")
    group.addoption("--target", metavar="PROFILE", help="target profile YAML (hồ sơ hệ thống cần đo kiểm)")
    group.addoption("--demo", action="store_true", help="certify the bundled reference portal")
    group.addoption("--edition", metavar="E", help="criteria edition (default: the edition marked default)")
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
    global _STATE
    config.addinivalue_line(
        "markers", "check(check_id): this test is the check `check_id` of criteria/checks.yaml"
    )
    if not is_active(config):
        return
    from harness import aborting
    from harness.run_state import RunState

    aborting.before_open(config)  # SIGINT/SIGTERM end the run cleanly from here on (exit 3)
    config._dokiem = RunState.open(config)  # may end the session with exit 2 or 3
    aborting.after_open(config._dokiem)  # the circuit breaker; a dead run's folders removed
    if not getattr(config.option, "allure_report_dir", None):
        # allure-pytest's own per-test results, kept beside the per-criterion ones (DESIGN §6)
        config.option.allure_report_dir = str(config._dokiem.staging / "allure-raw")
    _STATE = config._dokiem
    from harness import run_fixtures

    config.pluginmanager.register(run_fixtures, "dokiem-fixtures")


def pytest_unconfigure(config):
    state = getattr(config, "_dokiem", None)
    if state is not None:
        state.close()
    from harness import aborting

    aborting.after_close(config)


def pytest_collect_file(file_path, parent):
    state = getattr(parent.config, "_dokiem", None)
    if state is not None:
        from harness import check_items  # one item per check of checks.yaml, beside its scenario

        return check_items.collect(file_path, parent, state.checks)
    return None


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group markers we add
def pytest_collection_modifyitems(session, config, items):
    state = getattr(config, "_dokiem", None)
    if state is None:
        return
    keep, drop = state.filter_items(items)
    if drop:
        config.hook.pytest_deselected(items=drop)
    items[:] = keep


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    if getattr(item.config, "_dokiem", None) is None:
        return
    check_ids = [mark.args[0] for mark in item.iter_markers("check") if mark.args]
    if not check_ids:
        return
    noted = measured.take()  # what the judge measured in this phase (a setup phase notes nothing)
    if report.when == "call" or report.outcome != "passed":
        outcome, reason = outcomes.classify(report, call.excinfo)
        outcomes.attach(report, check_ids, outcome, reason, noted)


def pytest_runtest_logreport(report):
    """Runs on the controller for every phase of every test, also under xdist."""
    data = outcomes.read(report)
    state = _controller_state()
    if data is None or state is None or state.is_worker:
        return
    state.outcomes.record(data["checks"], report.nodeid, data["outcome"], data["reason"],
                          getattr(report, "duration", 0.0), getattr(report, "start", None), getattr(report, "stop", None),
                          data.get("measured"))
    state.progress(report, data)


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(report, config):
    """Under `dokiem run` (-qq) no pytest letters: the progress line and the record say what happened."""
    if getattr(config, "_dokiem", None) is None or config.get_verbosity() > -2:
        return None
    if report.when != "call" and report.failed:
        return "error", "", ""
    return (report.outcome if report.when == "call" else ""), "", ""


def pytest_collectreport(report):
    """A suite that cannot be imported is said once, briefly (no traceback under `dokiem run`)."""
    state = _controller_state()
    if state is None or state.is_worker or not report.failed:
        return
    terminal = state.config.pluginmanager.get_plugin("terminalreporter")
    lines = str(report.longrepr).strip().splitlines()
    if terminal is not None and state.config.get_verbosity() < -1:
        terminal.write_line(f"[dokiem] lỗi nạp bộ kiểm tra — a suite could not be loaded: {report.nodeid}: "
                            f"{lines[-1] if lines else ''}")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    state = getattr(session.config, "_dokiem", None)
    if state is None or state.is_worker:
        return
    from harness import aborting

    if exitstatus == pytest.ExitCode.INTERRUPTED or aborting.stop_watching(state):
        state._discard_staging()  # an interrupted run writes no report, rather than half of one
        session.exitstatus = 3
        return
    with aborting.discarding_on_abort(state):
        session.exitstatus = state.finish(session)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    state = getattr(config, "_dokiem", None)
    if state is not None and not state.is_worker:
        for line in state.summary_lines():
            terminalreporter.write_line(line)


_STATE = None


def _controller_state():
    return _STATE
