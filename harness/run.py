"""One conformance run inside pytest: the plugin object harness.plugin registers when --target or
--demo is given. Its hook methods hold the run; there is no module state.

    inputs    harness.run_inputs: checks, edition, selection, profile, attestations, and the
              decision for every selected check (scenario, safety) — loaded and validated once
    services  harness.services: the simulator and, with --demo, refportal (a context manager)
    ledger    harness.ledger: outcomes, evidence, tables and review items, read once at the end
    finish()  scores (harness.scoring) and writes the reports (harness.report), handing over the
              checks and the edition already loaded

The controller (the only process without xdist, or xdist's master) loads the inputs, starts the
services, runs the pre-flight and exports where everything is through environment variables
before xdist starts its workers; workers load the same inputs again (cheap, and no shared state)
and read the addresses from the environment. Each worker decides, at collection, what each of
its tests is (`item.stash[ITEM]`); outcomes travel back to the controller in
`report.user_properties`; only the controller scores and writes the reports.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import __version__, aborting, check_items, exercise, gaps, outcomes, report, scoring
from harness.evidence import Redactor
from harness.exitcodes import ExitCode
from harness.ledger import ENV_STAGING, RunLedger
from harness.measured import MEASURED
from harness.opener import open_record
from harness.preflight import run_preflight
from harness.progress import Progress
from harness.report.traces import prune as prune_traces
from harness.run_inputs import (INPUT_OPTIONS, REPO_ROOT, RunInputs, bad_input_lines, input_arguments,
                                 output_problems, take_over)
from harness.run_summary import finish_outputs
from harness.services import ENV_NPS_URL, ENV_OVERRIDES, Services, abort
from harness.traffic import Traffic
from harness.yamlsource import InputError, Problem

ENV_RUN_ID = "DOKIEM_RUN_ID"
ENV_NOT_CONFIGURED = "DOKIEM_NOT_CONFIGURED"


@dataclass(frozen=True)
class ItemDecision:
    """What one collected test is in this run, decided once at collection from its `check` marker."""
    checks: tuple[str, ...]           # the selected checks it implements
    scenario: str | None              # its first check's scenario: the xdist group
    skip: str | None                  # why production safety keeps it from running, or None
    unconfigured: tuple[str, ...]     # "<check>: what the profile lacks", per check whose needs are unmet


ITEM = pytest.StashKey[ItemDecision]()


def marked_checks(item) -> list[str]:
    """The check ids a test item says it implements (`@pytest.mark.check(id)`, any item type)."""
    return [mark.args[0] for mark in item.iter_markers("check") if mark.args]


class DokiemRun:
    def __init__(self, config, inputs: RunInputs, run_id: str, staging: Path, redactor: Redactor):
        self.config = config
        self.inputs = inputs
        self.run_id = run_id
        self.staging = staging
        self.redactor = redactor
        self.ledger = RunLedger(staging, redactor)
        self.traffic = Traffic(inputs.profile)  # this process's rate limit, breaker and refusals
        self.is_worker = hasattr(config, "workerinput")
        self.started = dt.datetime.now(dt.timezone.utc)
        self.started_monotonic = time.monotonic()
        self.out_dir: Path | None = None
        self.services: Services | None = None
        self.nps_url = os.environ.get(ENV_NPS_URL)
        self.not_configured: dict[str, list[str]] = {}
        self.progress: Progress | None = None  # the terminal's progress line, on the controller
        self.summary: list[str] = []

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, config) -> "DokiemRun":
        """Load the inputs (exit 2 on bad input); on the controller also prepare the output, start
        the services and run the pre-flight (exit 3 when the target does not answer)."""
        option = config.getoption
        try:
            inputs = take_over(config, input_arguments(*map(option, INPUT_OPTIONS)))
        except InputError as exc:
            abort(ExitCode.BAD_INPUT, bad_input_lines(exc.problems))
        if os.environ.get(ENV_OVERRIDES):  # set by the controller (--demo) or by whoever starts the run
            inputs.profile.overrides = json.loads(os.environ[ENV_OVERRIDES])
        redactor = Redactor()
        for secret in inputs.profile.secrets():
            redactor.add(secret)
        if hasattr(config, "workerinput"):
            run = cls(config, inputs, os.environ[ENV_RUN_ID], Path(os.environ[ENV_STAGING]), redactor)
            run.not_configured = json.loads(os.environ.get(ENV_NOT_CONFIGURED) or "{}")
            return run
        started = dt.datetime.now(dt.timezone.utc)
        run_id = os.environ.get(ENV_RUN_ID) or started.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]
        out = config.getoption("out")
        out_dir = Path(out).resolve() if out else REPO_ROOT / "reports" / run_id
        problems = output_problems(out, config.getoption("history"))
        if problems:
            abort(ExitCode.BAD_INPUT, bad_input_lines(problems))
        # everything is written here first and moved into place at the end: no half-written report
        staging = out_dir.parent / f".{out_dir.name}.partial-{run_id}"
        try:
            staging.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            abort(ExitCode.BAD_INPUT, [str(Problem(str(out_dir), 1, 1, "--out",
                                                   f"cannot be created ({exc.strerror}) — không tạo được thư mục kết "
                                                   "quả; choose another --out"))])
        os.environ[ENV_RUN_ID] = run_id
        os.environ[ENV_STAGING] = str(staging)
        run = cls(config, inputs, run_id, staging, redactor)
        run.out_dir = out_dir
        try:
            run.services = Services(inputs, run_id, redactor, run.say).__enter__()
            run.nps_url = run.services.nps_url
            run._preflight()
        except BaseException:
            run.close()
            run.discard()
            raise
        return run

    def say(self, line: str) -> None:
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None:
            terminal.write_line(line)
        else:
            print(line)

    def _preflight(self) -> None:
        inputs = self.inputs
        result = run_preflight(inputs.profile, inputs.checks, list(inputs.selection.checks), self.redactor,
                               traffic=self.traffic)
        for line in result.warnings:
            self.say(f"[dokiem] cảnh báo (warning): {line}")
        if result.exit_code:
            lines = result.unreachable + result.problems
            verdict = ("target unreachable — hệ thống không phản hồi" if result.exit_code == ExitCode.UNREACHABLE
                       else "the profile is not usable — cấu hình đích chưa dùng được")
            abort(result.exit_code, [f"{inputs.profile.path.name}: {line}" for line in lines]
                  + [f"dokiem: tiền kiểm thất bại, không chạy — pre-flight failed, nothing was run: {verdict}"])
        self.not_configured = result.not_configured
        os.environ[ENV_NOT_CONFIGURED] = json.dumps(self.not_configured, ensure_ascii=False)

    # ------------------------------------------------------------------ collection
    def pytest_collect_file(self, file_path, parent):
        """One item per check of checks.yaml, collected beside its scenario (harness.check_items)."""
        return check_items.collect(file_path, parent, self.inputs.checks)

    def decide(self, item) -> ItemDecision | None:
        """The item's decision, or None when it implements no selected check (it is deselected)."""
        wanted = [c for c in marked_checks(item) if c in self.inputs.decisions]
        if not wanted:
            return None
        decisions = [self.inputs.decisions[c] for c in wanted]
        withheld = list(dict.fromkeys(d.withheld for d in decisions if d.withheld))
        unconfigured = tuple(f"{c}: " + "; ".join(self.not_configured[c]) for c in wanted
                             if self.not_configured.get(c))
        return ItemDecision(tuple(wanted), decisions[0].scenario, "; ".join(withheld) or None, unconfigured)

    @pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group markers we add
    def pytest_collection_modifyitems(self, session, config, items):
        keep, drop = [], []
        for item in items:
            decision = self.decide(item)
            if decision is None:
                drop.append(item)
                continue
            item.stash[ITEM] = decision
            if decision.skip:
                item.add_marker(pytest.mark.skip(reason=decision.skip))
            if decision.scenario and item.get_closest_marker("xdist_group") is None:
                # one scenario, one worker; a suite that builds on another scenario's observations
                # declares the shared group itself (pytestmark = xdist_group("dossier"))
                item.add_marker(pytest.mark.xdist_group(decision.scenario))
            keep.append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
        items[:] = keep

    # ------------------------------------------------------------------ during the run
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        """A check whose needs the profile does not configure is ERROR before its scenario is even
        asked for, in every suite: the pre-flight's "will be ERROR" list is a contract (harness/gaps.py)."""
        decision = item.stash.get(ITEM, None)
        if decision is not None:
            gaps.require_configured(decision.unconfigured)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = (yield).get_result()
        decision = item.stash.get(ITEM, None)
        if decision is None:
            return
        measurements = item.stash.get(MEASURED, None)  # what the judge measured (the `measured` fixture)
        noted = measurements.take() if measurements is not None else []
        if report.when == "call" or report.outcome != "passed":
            outcome, reason = gaps.reclassify(self.inputs.checks, decision.checks,
                                              *outcomes.classify(report, call.excinfo), self.traffic.refusals)
            outcomes.attach(report, list(decision.checks), outcome, reason, noted)

    def pytest_runtest_logreport(self, report):
        """Runs on the controller for every phase of every test, also under xdist."""
        data = outcomes.read(report)
        if data is None or self.is_worker:
            return
        self.ledger.outcomes.record(data["checks"], report.nodeid, data["outcome"], data["reason"],
                                    getattr(report, "duration", 0.0), getattr(report, "start", None),
                                    getattr(report, "stop", None), data.get("measured"))
        if self.progress is None:
            self.progress = Progress(self.config.pluginmanager.get_plugin("terminalreporter"), self.inputs.edition,
                                     self.inputs.selection, self.inputs.checks, self.started_monotonic)
        self.progress.update(report, data)

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report, config):
        """Under `dokiem run` (-qq) no pytest letters: the progress line and the record say what happened."""
        if config.get_verbosity() > -2:
            return None
        if report.when != "call" and report.failed:
            return "error", "", ""
        return (report.outcome if report.when == "call" else ""), "", ""

    def pytest_collectreport(self, report):
        """A suite that cannot be imported is said once, briefly (no traceback under `dokiem run`)."""
        if self.is_worker or not report.failed:
            return
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        lines = str(report.longrepr).strip().splitlines()
        if terminal is not None and self.config.get_verbosity() < -1:
            terminal.write_line(f"[dokiem] lỗi nạp bộ kiểm tra — a suite could not be loaded: {report.nodeid}: "
                                f"{lines[-1] if lines else ''}")

    # ------------------------------------------------------------------ the end
    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        if self.is_worker:
            return
        if exitstatus == pytest.ExitCode.INTERRUPTED or aborting.stop_watching(self):
            self.discard()  # an interrupted run writes no report, rather than half of one
            session.exitstatus = ExitCode.UNREACHABLE
            return
        with aborting.discarding_on_abort(self):
            session.exitstatus = self.finish()

    def pytest_terminal_summary(self, terminalreporter):
        if self.progress is not None:
            self.progress.end()
        if not self.is_worker:
            for line in self.summary:
                terminalreporter.write_line(line)

    def pytest_unconfigure(self, config):
        self.close()

    def finish(self) -> int:
        """Score the run and write the reports; the exit code."""
        inputs, ledger = self.inputs, self.ledger
        finished = dt.datetime.now(dt.timezone.utc)
        ledger.gather_secrets()
        log = self.services.simulator_log if self.services else None
        if log is not None and log.is_file() and log.stat().st_size:
            # everything the target sent to the simulator, redacted like all evidence
            ledger.evidence.write_text("simulator", "records.jsonl", log.read_text(encoding="utf-8"))
        evidence = ledger.evidence_by_check({c: d.scenario for c, d in inputs.decisions.items()})
        check_results = scoring.build_check_results(ledger.outcomes, inputs.selection.checks, evidence,
                                                    inputs.withheld())
        floor = (float(inputs.parameter(exercise.FLOOR_PARAMETER))
                 if exercise.FLOOR_PARAMETER in inputs.edition.parameters else None)
        exercise.apply(check_results, inputs.checks, inputs.profile, self.staging, floor, inputs.withheld())
        prune_traces(self.staging, check_results, self.config.getoption("keep_traces") or "failing")
        scorecard = scoring.score(inputs.edition, inputs.selection, check_results, inputs.profile.features_absent,
                                  inputs.attestations, demo=inputs.demo)
        tables, review_items = ledger.tables(), ledger.review_items()
        ledger.close_indexes()
        profile = inputs.profile
        target = {**profile.summary(), "lowered_parameters": profile.lowered_parameters(inputs.edition),
                  "not_configured": self.not_configured}
        raw = self.staging / "allure-raw"
        record = report.RunRecord(
            run_id=self.run_id, started=self.started, finished=finished, harness_version=__version__,
            demo=inputs.demo, command=list(sys.argv), partial=inputs.selection.partial, edition=inputs.edition,
            checks=inputs.checks, target=target, scorecard=scorecard, check_results=check_results,
            tables=tables, review_items=review_items, allure_raw_dir=raw if raw.is_dir() else None,
            attestations=inputs.attestations)
        history = self.config.getoption("history")
        warnings = report.write_run(self.staging, record, self.redactor,
                                    history_dir=Path(history) if history else None,
                                    build_allure=not self.config.getoption("no_allure_report"),
                                    pdf=report.wants_pdf(self.config.getoption("pdf", None)))
        report.finalize(self.staging, self.out_dir)
        self.summary = finish_outputs(self.out_dir, warnings, self.config.getoption("criteria_junit_xml"),
                                      self.config.getoption("summary_md"))
        if self.config.getoption("open_record"):
            self.summary.append(open_record(self.out_dir / "compliance.html"))
        return scorecard.exit_code

    def close(self) -> None:
        if self.services is not None:
            self.services.close()

    def discard(self) -> None:
        """Remove the staging folder: a run that ends early leaves no half-written report."""
        if not self.is_worker:
            shutil.rmtree(self.staging, ignore_errors=True)


RUN = pytest.StashKey[DokiemRun]()  # config.stash[RUN]: the run, for the fixtures (harness.run_fixtures)
