"""State of one conformance run inside pytest: inputs, services, outcomes, and the finish.

The controller (the only process without xdist, or xdist's master) loads and validates the
inputs, starts the services and exports where they are through environment variables before
xdist starts its workers; workers load the same inputs again (cheap, and no shared state) and
read the addresses from the environment. Only the controller scores and writes reports.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
import uuid
from pathlib import Path

import pytest

from harness import __version__, catalog, selection
from harness.evidence import EvidenceStore, Redactor
from harness.outcomes import CheckOutcomes
from harness.yamlsource import InputError

REPO_ROOT = Path(__file__).resolve().parent.parent
ENV_RUN_ID = "DOKIEM_RUN_ID"
ENV_STAGING = "DOKIEM_STAGING_DIR"
ENV_NPS_URL = "DOKIEM_NPS_URL"
EXIT_BAD_INPUT = 2
EXIT_UNREACHABLE = 3


def _exit(code: int, lines: list[str]) -> None:
    for line in lines:
        print(line, file=sys.stderr)
    pytest.exit("\n".join(lines[-1:]) or "dokiem: aborted", returncode=code)


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
        self.redactor = Redactor()
        self.profile = None
        self.attestations = None
        self.nps_url = os.environ.get(ENV_NPS_URL)
        self.progress_seen: set[str] = set()
        self.failing: set[str] = set()

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, config) -> "RunState":
        state = cls(config)
        try:
            state._load_inputs()
        except InputError as exc:
            _exit(EXIT_BAD_INPUT, [str(p) for p in exc.problems]
                  + [f"dokiem: dữ liệu đầu vào không hợp lệ, không chạy — bad input, nothing was run "
                     f"({len(exc.problems)} problem(s))"])
        if state.is_worker:
            state.run_id = os.environ[ENV_RUN_ID]
            state.staging = Path(os.environ[ENV_STAGING])
        else:
            state._prepare_output()
            state._start_services_and_preflight()
        state.evidence = EvidenceStore(state.staging, state.redactor)
        return state

    def _load_inputs(self) -> None:
        self.checks = catalog.load_checks(self.criteria_dir)
        self.edition = catalog.load_edition(self.criteria_dir, self.config.getoption("edition"), self.checks)
        self.selection = selection.select(self.edition, self.config.getoption("only"),
                                          self.config.getoption("section"))

    def _prepare_output(self) -> None:
        self.run_id = os.environ.get(ENV_RUN_ID) or (
            self.started.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6])
        out = self.config.getoption("out")
        self.out_dir = Path(out) if out else REPO_ROOT / "reports" / self.run_id
        if self.out_dir.exists() and any(self.out_dir.iterdir()):
            raise_input = InputError([catalog.Problem(str(self.out_dir), 1, 1, "--out",
                                                      "output folder exists and is not empty — thư mục kết quả "
                                                      "đã có dữ liệu; choose another --out")])
            _exit(EXIT_BAD_INPUT, [str(p) for p in raise_input.problems])
        # everything is written here first and moved into place at the end: no half-written report
        self.staging = self.out_dir.parent / f".{self.out_dir.name}.partial-{self.run_id}"
        self.staging.mkdir(parents=True, exist_ok=True)
        os.environ[ENV_RUN_ID] = self.run_id
        os.environ[ENV_STAGING] = str(self.staging)

    def _start_services_and_preflight(self) -> None:
        missing = [name for name in ("harness.profile", "harness.preflight", "harness.scoring", "harness.report",
                                     "harness.nps.process")
                   if not _module_exists(name)]
        if missing or (self.demo and not (REPO_ROOT / "refportal" / "__main__.py").exists()):
            self._discard_staging()
            parts = missing + (["refportal"] if self.demo and not (REPO_ROOT / "refportal" / "__main__.py").exists()
                               else [])
            _exit(EXIT_UNREACHABLE,
                  [f"dokiem run: chưa xây dựng xong — not built yet: {', '.join(parts)} "
                   "(the run engine of issue 5 and the reference portal of issue 3)"])
        raise NotImplementedError  # filled in when the run engine lands

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
            reason = selection.safety_skip_reason(flags, self.environment, self.authorised)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))
            keep.append(item)
        return keep, drop

    @property
    def environment(self) -> str:
        return getattr(self.profile, "environment", "staging")

    @property
    def authorised(self) -> bool:
        return bool(getattr(self.profile, "authorisation", None))

    def evidence_for(self, check_id: str):
        return _BoundEvidence(self.evidence, check_id)

    def progress(self, report, data) -> None:
        if report.when != "call" and data["outcome"] == "passed":
            return
        for check in data["checks"]:
            if data["outcome"] in ("failed", "error"):
                self.failing.add(check)
            self.progress_seen.add(check)
        total = len(self.selection.checks)
        elapsed = time.monotonic() - self.started_monotonic
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None:
            terminal.write_line(f"[dokiem] {len(self.progress_seen)}/{total} kiểm tra (checks) xong, "
                                f"{len(self.failing)} lỗi đến giờ (failing so far), {elapsed:.0f} s")

    # ------------------------------------------------------------------ finishing
    def finish(self, session) -> int:
        raise NotImplementedError  # filled in when scoring and reports land

    def summary_lines(self) -> list[str]:
        return getattr(self, "_summary", [])

    def close(self) -> None:
        for service in reversed(self.services):
            try:
                service.stop()
            except Exception:  # stopping is best effort; the process ends anyway
                pass
        self.services.clear()

    def _discard_staging(self) -> None:
        shutil.rmtree(getattr(self, "staging", None) or "/nonexistent", ignore_errors=True)


class _BoundEvidence:
    """The evidence store with the folder fixed to one check."""

    def __init__(self, store: EvidenceStore, folder: str):
        self.store, self.folder, self.paths = store, folder, []

    def write_text(self, name: str, text: str) -> str:
        path = self.store.write_text(self.folder, name, text)
        self.paths.append(path)
        return path

    def write_json(self, name: str, data) -> str:
        path = self.store.write_json(self.folder, name, data)
        self.paths.append(path)
        return path

    def write_bytes(self, name: str, data: bytes) -> str:
        path = self.store.write_bytes(self.folder, name, data)
        self.paths.append(path)
        return path


def _module_exists(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
