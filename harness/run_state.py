"""State of one conformance run inside pytest: inputs, services, outcomes, and the finish.

The controller (the only process without xdist, or xdist's master) loads and validates the
inputs, starts the services (the simulator; with --demo the reference portal), runs the
pre-flight, and exports where everything is through environment variables before xdist starts
its workers; workers load the same inputs again (cheap, and no shared state) and read the
addresses from the environment. Workers write evidence, tables and review items into the
staging folder; only the controller scores and writes the reports.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from harness import __version__, criteria, demo_style, selection, target_secrets
from harness.evidence import EvidenceStore, Redactor
from harness.exitcodes import ExitCode
from harness.opener import open_record
from harness.outcomes import CheckOutcomes
from harness.report.traces import prune as prune_traces
from harness.run_summary import finish_outputs
from harness.yamlsource import InputError, Problem

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_PROFILE = REPO_ROOT / "profiles" / "refportal.yaml"
DEMO_ATTESTATIONS = REPO_ROOT / "profiles" / "refportal.attestations.yaml"
ENV_RUN_ID = "DOKIEM_RUN_ID"
ENV_STAGING = "DOKIEM_STAGING_DIR"
ENV_NPS_URL = "DOKIEM_NPS_URL"
ENV_NPS_SMTP = "DOKIEM_NPS_SMTP"
ENV_OVERRIDES = "DOKIEM_TARGET_OVERRIDES"
ENV_NOT_CONFIGURED = "DOKIEM_NOT_CONFIGURED"
RUN_FILES = "_run"  # staging subfolder for the workers' indexes; removed before the reports are written


def _exit(code: int, lines: list[str]) -> None:
    for line in lines[:-1]:
        print(line, file=sys.stderr)
    # pytest prints the exit message itself: the last line goes there, so nothing is printed twice
    pytest.exit("\n".join(lines[-1:]) or "dokiem: aborted", returncode=code)


def _append_jsonl(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as stream:  # one short line per write: safe across workers
        stream.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class RunState:
    def __init__(self, config):
        self.config = config
        self.is_worker = hasattr(config, "workerinput")
        self.started = dt.datetime.now(dt.timezone.utc)
        self.started_monotonic = time.monotonic()
        self.criteria_dir = Path(config.getoption("criteria_dir") or REPO_ROOT / "criteria")
        self.demo = bool(config.getoption("demo"))
        self.outcomes = CheckOutcomes()
        self.services: list = []
        self.temp_dirs: list[Path] = []
        self.redactor = Redactor()
        self.profile = None
        self.attestations = None
        self.not_configured: dict[str, list[str]] = {}
        self.nps_url = os.environ.get(ENV_NPS_URL)
        self._progress = None
        self._summary: list[str] = []

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, config) -> "RunState":
        state = cls(config)
        try:
            state._load_inputs()
        except InputError as exc:
            _exit(ExitCode.BAD_INPUT, [str(p) for p in exc.problems]
                  + [f"dokiem: dữ liệu đầu vào không hợp lệ, không chạy — bad input, nothing was run "
                     f"({len(exc.problems)} problem(s))"])
        if state.is_worker:
            state.run_id = os.environ[ENV_RUN_ID]
            state.staging = Path(os.environ[ENV_STAGING])
            state.not_configured = json.loads(os.environ.get(ENV_NOT_CONFIGURED) or "{}")
        else:
            state._prepare_output()
            try:
                state._start_services_and_preflight()
            except BaseException:
                state.close()
                state._discard_staging()
                raise
        state.evidence = EvidenceStore(state.staging, state.redactor)
        target_secrets.attach_journal(state.redactor, state.staging / RUN_FILES / "secrets.jsonl")
        return state

    def _load_inputs(self) -> None:
        from harness.profile import load_profile

        self.checks = criteria.load_checks(self.criteria_dir)
        self.edition = criteria.load_edition(self.criteria_dir, self.config.getoption("edition"), self.checks)
        self.selection = selection.select(self.edition, self.config.getoption("only"),
                                          self.config.getoption("section"))
        target = self.config.getoption("target")
        profile_path = demo_style.profile(DEMO_PROFILE) if self.demo else Path(target)
        self.profile = load_profile(profile_path, self.edition, self.checks, self.criteria_dir,
                                    check_files=not self.demo)
        overrides = os.environ.get(ENV_OVERRIDES)
        if overrides:
            self.profile.overrides = json.loads(overrides)
        for secret in self.profile.secrets():
            self.redactor.add(secret)
        attestations = self.config.getoption("attestations") or (
            str(DEMO_ATTESTATIONS) if self.demo and DEMO_ATTESTATIONS.is_file() else None)
        if attestations:
            from harness.attestations import load_attestations

            self.attestations = load_attestations(Path(attestations), self.edition, self.profile.summary())

    def _prepare_output(self) -> None:
        self.run_id = os.environ.get(ENV_RUN_ID) or (
            self.started.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6])
        out = self.config.getoption("out")
        self.out_dir = Path(out).resolve() if out else REPO_ROOT / "reports" / self.run_id
        if self.out_dir.exists() and (not self.out_dir.is_dir() or any(self.out_dir.iterdir())):
            _exit(ExitCode.BAD_INPUT, [str(Problem(str(self.out_dir), 1, 1, "--out",
                                               "output folder exists and is not empty (or is a file) — thư mục "
                                               "kết quả đã có dữ liệu; choose another --out"))])
        # everything is written here first and moved into place at the end: no half-written report
        self.staging = self.out_dir.parent / f".{self.out_dir.name}.partial-{self.run_id}"
        history = self.config.getoption("history")
        if history and Path(history).exists() and not Path(history).is_dir():
            _exit(ExitCode.BAD_INPUT, [str(Problem(str(history), 1, 1, "--history",
                                               "is a file, not a folder — --history phải là thư mục"))])
        try:
            self.staging.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _exit(ExitCode.BAD_INPUT, [str(Problem(str(self.out_dir), 1, 1, "--out",
                                               f"cannot be created ({exc.strerror}) — không tạo được thư mục kết quả; "
                                               "choose another --out"))])
        os.environ[ENV_RUN_ID] = self.run_id
        os.environ[ENV_STAGING] = str(self.staging)

    # ------------------------------------------------------------------ services
    def _start_services_and_preflight(self) -> None:
        from harness.preflight import run_preflight

        simulator = self.profile.simulator
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        say = (lambda line: terminal.write_line(line)) if terminal else (lambda line: print(line))
        if simulator.get("url") and not self.demo:
            self._use_running_simulator(simulator["url"])
        else:
            self._start_simulator(simulator)
        say(f"[dokiem] dịch vụ mô phỏng (simulator): {self.nps_url}, SMTP {os.environ[ENV_NPS_SMTP]}")
        if self.demo:
            self._start_refportal(say)
        check_ids = [c for c in self.selection.checks]
        result = run_preflight(self.profile, self.checks, check_ids, self.redactor)
        for line in result.warnings:
            say(f"[dokiem] cảnh báo (warning): {line}")
        if result.exit_code:
            lines = result.unreachable + result.problems
            verdict = ("target unreachable — hệ thống không phản hồi" if result.exit_code == ExitCode.UNREACHABLE
                       else "the profile is not usable — hồ sơ mục tiêu chưa dùng được")
            _exit(result.exit_code, [f"{self.profile.path.name}: {line}" for line in lines]
                  + [f"dokiem: tiền kiểm thất bại, không chạy — pre-flight failed, nothing was run: {verdict}"])
        self.not_configured = result.not_configured
        os.environ[ENV_NOT_CONFIGURED] = json.dumps(self.not_configured, ensure_ascii=False)

    def _start_simulator(self, simulator: dict) -> None:
        from harness.nps.process import start_simulator
        from harness.procs import StartError

        # the simulator's own log lives outside the output: it is copied in, redacted, at the end
        work = Path(tempfile.mkdtemp(prefix="dokiem-nps-"))
        self.temp_dirs.append(work)
        self.simulator_log = work / "records.jsonl"
        # the payment platform's CONFIRM goes to the target over HTTPS: trust the target's CA. With
        # --demo that is refportal's, written into its state folder once it starts (the simulator
        # reads the file at each callback).
        callback_ca, extra = self.profile.ca_file, []
        if self.demo:
            self.refportal_state = Path(tempfile.mkdtemp(prefix="dokiem-refportal-"))
            self.temp_dirs.append(self.refportal_state)
            callback_ca = self.refportal_state / "ca.pem"
        elif not self.profile.verify_tls:
            callback_ca, extra = None, ["--callback-insecure"]
        try:
            nps = start_simulator(self.run_id, self.edition.folder, bind=simulator.get("bind", "127.0.0.1:0"),
                                  public_url=simulator.get("public_url"), records_file=self.simulator_log,
                                  smtp_bind=simulator.get("smtp_bind"), callback_ca=callback_ca, extra_args=extra)
        except StartError as exc:
            _exit(ExitCode.UNREACHABLE, [f"dokiem: không khởi động được dịch vụ mô phỏng — the simulator did not start: {exc}"])
        self.services.append(nps)
        self.nps_url = nps.ready["url"]
        os.environ[ENV_NPS_URL] = self.nps_url
        os.environ[ENV_NPS_SMTP] = f"{nps.ready['smtp_host']}:{nps.ready['smtp_port']}"

    def _use_running_simulator(self, url: str) -> None:
        """simulator.url: a simulator started beforehand (dokiem nps serve), shared by several runs."""
        from harness.nps.client import NpsClient

        try:
            health = NpsClient(url).health()
        except Exception as exc:  # any failure to reach it: the run cannot judge packets, mails or payments
            _exit(ExitCode.UNREACHABLE, [f"simulator.url {url} does not answer ({exc}) — dịch vụ mô phỏng không phản hồi; "
                                     "start it with `dokiem nps serve` or remove simulator.url"])
        self.nps_url = url.rstrip("/")
        os.environ[ENV_NPS_URL] = self.nps_url
        os.environ[ENV_NPS_SMTP] = f"{health.get('smtp_host', '127.0.0.1')}:{health.get('smtp_port')}"

    def _start_refportal(self, say) -> None:
        """--demo: the bundled reference portal on a free loopback port, wired to the simulator."""
        from harness.procs import StartError, start_ready_process

        state_dir = self.refportal_state
        passwords = {}
        for account in self.profile.all_accounts():
            value = os.environ.get(account.password_env) or demo_password()
            os.environ[account.password_env] = value
            passwords[account.username] = value
            self.redactor.add(value)
        smtp = os.environ[ENV_NPS_SMTP]
        argv = [sys.executable, "-m", "refportal", "--host", "127.0.0.1", "--port", "0",
                "--state-dir", str(state_dir), "--db", str(state_dir / "refportal.sqlite3"),
                "--national-portal", self.nps_url, "--smtp", smtp, "--sms-gateway", self.nps_url + "/sms",
                *demo_style.refportal_args()]
        try:
            portal = start_ready_process("refportal", argv, timeout=60,
                                         env={"REFPORTAL_PASSWORDS": json.dumps(passwords)}, cwd=str(REPO_ROOT))
        except StartError as exc:
            _exit(ExitCode.UNREACHABLE, [f"dokiem --demo: cổng tham chiếu không khởi động được — refportal did not start: {exc}"])
        self.services.append(portal)
        overrides = {"base_urls": {"portal": portal.ready["url"]}, "ca_file": portal.ready["ca_file"]}
        self.profile.overrides = overrides
        os.environ[ENV_OVERRIDES] = json.dumps(overrides)
        say(f"[dokiem] cổng tham chiếu (refportal, demo): {portal.ready['url']}")

    # ------------------------------------------------------------------ during the run
    def filter_items(self, items):
        keep, drop = [], []
        for item in items:
            check_ids = [m.args[0] for m in item.iter_markers("check") if m.args]
            wanted = [c for c in check_ids if c in self.selection.checks]
            if not wanted:
                drop.append(item)
                continue
            flags = sorted({f for c in wanted for f in selection.check_flags(self.checks, c)})
            reason = selection.safety_skip_reason(flags, self.environment, self.authorised_flags())
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))
            scenario = self.checks.checks[wanted[0]].scenario if wanted[0] in self.checks.checks else None
            if scenario and item.get_closest_marker("xdist_group") is None:
                # one scenario, one worker (DESIGN §2.4); a suite that builds on another scenario's
                # observations declares the shared group itself (pytestmark = xdist_group("dossier"))
                item.add_marker(pytest.mark.xdist_group(scenario))
            keep.append(item)
        return keep, drop

    @property
    def environment(self) -> str:
        return self.profile.environment if self.profile else "staging"

    def authorised_flags(self) -> list[str]:
        return self.profile.allowed_flags() if self.profile else []

    def parameter(self, name: str):
        """An edition parameter as this run uses it (the profile may lower some)."""
        return self.profile.parameter(self.edition, name)

    def evidence_for(self, folder: str):
        return _BoundEvidence(self.evidence, folder, self.staging / RUN_FILES / "evidence-index.jsonl")

    def add_table(self, table: dict) -> None:
        """A table for the record (e.g. the measured service levels); written by the report."""
        _append_jsonl(self.staging / RUN_FILES / "tables.jsonl", self.redactor.data(table))

    def add_review_item(self, item: dict) -> None:
        """Something a tester must review by hand (e.g. axe 'incomplete' results)."""
        _append_jsonl(self.staging / RUN_FILES / "review.jsonl", self.redactor.data(item))

    def progress(self, report, data) -> None:
        """Criteria done, failing so far and the scenario running (harness.progress)."""
        if self._progress is None:
            from harness.progress import Progress

            self._progress = Progress(self.config.pluginmanager.get_plugin("terminalreporter"), self.edition,
                                      self.selection, self.checks, self.started_monotonic)
        self._progress.update(report, data)

    # ------------------------------------------------------------------ finishing
    def evidence_index(self) -> dict[str, list[str]]:
        """check id -> evidence paths: its own folder's and its scenario's."""
        by_folder: dict[str, list[str]] = {}
        for row in _read_jsonl(self.staging / RUN_FILES / "evidence-index.jsonl"):
            by_folder.setdefault(row["folder"], []).append(row["path"])
        index = {}
        for check_id in self.selection.checks:
            paths = list(by_folder.get(check_id, []))
            check = self.checks.checks.get(check_id)
            if check is not None:
                paths += by_folder.get(f"scenario-{check.scenario}", [])
                # and its browser sessions' (screenshots, traces): Scenario.browser writes them
                # into scenario-<name>-<label>
                paths += [p for folder, found in by_folder.items()
                          if folder.startswith(f"scenario-{check.scenario}-") for p in found]
            index[check_id] = sorted(set(paths))
        return index

    def finish(self, session) -> int:
        from harness import report, scoring

        finished = dt.datetime.now(dt.timezone.utc)
        self.redactor.journal = None  # what the workers registered joins the final sweep
        self.redactor.add(*target_secrets.read_journal(self.staging / RUN_FILES / "secrets.jsonl"))
        log = getattr(self, "simulator_log", None)
        if log is not None and log.is_file() and log.stat().st_size:
            # everything the target sent to the simulator, redacted like all evidence (DESIGN §6)
            self.evidence.write_text("simulator", "records.jsonl", log.read_text(encoding="utf-8"))
        tables = _read_jsonl(self.staging / RUN_FILES / "tables.jsonl")
        review_items = _read_jsonl(self.staging / RUN_FILES / "review.jsonl")
        withheld = scoring.withheld_by_safety(self.checks, self.selection.checks, self.environment,
                                              self.authorised_flags())
        check_results = scoring.build_check_results(self.outcomes, self.selection.checks, None, withheld)
        for check_id, paths in self.evidence_index().items():
            check_results[check_id].evidence = paths
        prune_traces(self.staging, check_results, self.config.getoption("keep_traces") or "failing")
        scorecard = scoring.score(self.edition, self.selection, check_results, self.profile.features_absent,
                                  self.attestations, demo=self.demo)
        shutil.rmtree(self.staging / RUN_FILES, ignore_errors=True)
        target = {**self.profile.summary(), "lowered_parameters": self.profile.lowered_parameters(self.edition),
                  "not_configured": self.not_configured}
        record = report.RunRecord(
            run_id=self.run_id, started=self.started, finished=finished, harness_version=__version__,
            demo=self.demo, command=list(sys.argv), partial=self.selection.partial, edition=self.edition,
            checks_sha256=self.checks.sha256(), target=target, scorecard=scorecard, check_results=check_results,
            tables=tables, review_items=review_items,
            allure_raw_dir=(self.staging / "allure-raw") if (self.staging / "allure-raw").is_dir() else None,
            attestations=self.attestations)
        history = self.config.getoption("history")
        warnings = report.write_run(self.staging, record, self.redactor,
                                    history_dir=Path(history) if history else None,
                                    build_allure=not self.config.getoption("no_allure_report"),
                                    pdf=report.wants_pdf(self.config.getoption("pdf", None)))
        report.finalize(self.staging, self.out_dir)
        self._summary = finish_outputs(self.out_dir, warnings, self.config.getoption("criteria_junit_xml"),
                                       self.config.getoption("summary_md"))
        if self.config.getoption("open_record"):
            self._summary.append(open_record(self.out_dir / "compliance.html"))
        return scorecard.exit_code

    def summary_lines(self) -> list[str]:
        if self._progress is not None:
            self._progress.end()
        return self._summary

    def close(self) -> None:
        for service in reversed(self.services):
            try:
                service.stop()
            except Exception:  # stopping is best effort; the process ends anyway
                pass
        self.services.clear()
        for folder in self.temp_dirs:
            shutil.rmtree(folder, ignore_errors=True)
        self.temp_dirs.clear()

    def _discard_staging(self) -> None:
        staging = getattr(self, "staging", None)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def demo_password() -> str:
    """A password refportal's policy accepts every time (a letter, a digit, a symbol, >= 8 characters):
    token_urlsafe alone has no digit in roughly one draw of eight, and refportal then refuses to start."""
    return "Dk!7" + secrets.token_urlsafe(12)


class _BoundEvidence:
    """The evidence store with the folder fixed to one check or scenario; every file is indexed."""

    def __init__(self, store: EvidenceStore, folder: str, index: Path):
        self.store, self.folder, self.index, self.paths = store, folder, index, []

    def register(self, path) -> str:
        relative = path if isinstance(path, str) else self.store.relative(Path(path))
        self.paths.append(relative)
        _append_jsonl(self.index, {"folder": self.folder, "path": relative})
        return relative

    def path_for(self, name: str) -> Path:
        return self.store._path(self.folder, name)

    def write_text(self, name: str, text: str) -> str:
        return self.register(self.store.write_text(self.folder, name, text))

    def write_json(self, name: str, data) -> str:
        return self.register(self.store.write_json(self.folder, name, data))

    def write_bytes(self, name: str, data: bytes) -> str:
        return self.register(self.store.write_bytes(self.folder, name, data))


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
