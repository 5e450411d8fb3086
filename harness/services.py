"""The services a run starts and stops: the simulator (national portal, payment platform, SMTP
and SMS; or one started beforehand, `simulator.url`) and, with --demo, the reference portal.

A context manager: whatever started is stopped and its temporary folders removed on exit, also
when a later start fails. Addresses reach xdist's workers through the environment.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from harness import demo_style
from harness.exitcodes import ExitCode
from harness.nps.client import NpsClient
from harness.nps.process import start_simulator
from harness.procs import StartError, start_ready_process

REPO_ROOT = Path(__file__).resolve().parent.parent
ENV_NPS_URL = "DOKIEM_NPS_URL"
ENV_NPS_SMTP = "DOKIEM_NPS_SMTP"
ENV_OVERRIDES = "DOKIEM_TARGET_OVERRIDES"


def abort(code: int, lines: list[str]) -> None:
    """End the session before any test runs: the lines on stderr, the exit code for the shell."""
    for line in lines[:-1]:
        print(line, file=sys.stderr)
    # pytest prints the exit message itself: the last line goes there, so nothing is printed twice
    pytest.exit("\n".join(lines[-1:]) or "dokiem: aborted", returncode=code)


def demo_password() -> str:
    """A password refportal's policy accepts every time (a letter, a digit, a symbol, >= 8 characters):
    token_urlsafe alone has no digit in roughly one draw of eight, and refportal then refuses to start."""
    return "Dk!7" + secrets.token_urlsafe(12)


class Services:
    def __init__(self, inputs, run_id: str, redactor, say):
        self.inputs, self.run_id, self.redactor, self.say = inputs, run_id, redactor, say
        self.nps_url: str | None = None
        self.simulator_log: Path | None = None  # the simulator's records, copied (redacted) into the evidence
        self.processes: list = []  # the started ones (harness.procs), which the circuit breaker watches
        self.temp_dirs: list[Path] = []  # removed at close

    def __enter__(self) -> "Services":
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        profile = self.inputs.profile
        simulator = profile.simulator
        refportal_state = None
        if self.inputs.demo:
            refportal_state = Path(tempfile.mkdtemp(prefix="dokiem-refportal-"))
            self.temp_dirs.append(refportal_state)
        if simulator.get("url") and not self.inputs.demo:
            self._use_running_simulator(simulator["url"])
        else:
            self._start_simulator(simulator, refportal_state)
        self.say(f"[dokiem] dịch vụ mô phỏng (simulator): {self.nps_url}, SMTP {os.environ[ENV_NPS_SMTP]}")
        if self.inputs.demo:
            self._start_refportal(refportal_state)

    def close(self) -> None:
        for process in reversed(self.processes):
            try:
                process.stop()
            except Exception:  # stopping is best effort; the process ends anyway
                pass
        self.processes.clear()
        for folder in self.temp_dirs:
            shutil.rmtree(folder, ignore_errors=True)
        self.temp_dirs.clear()

    # ------------------------------------------------------------------ the simulator
    def _start_simulator(self, simulator: dict, refportal_state: Path | None) -> None:
        profile = self.inputs.profile
        # the simulator's own log lives outside the output: it is copied in, redacted, at the end
        work = Path(tempfile.mkdtemp(prefix="dokiem-nps-"))
        self.temp_dirs.append(work)
        self.simulator_log = work / "records.jsonl"
        # the payment platform's CONFIRM goes to the target over HTTPS: trust the target's CA. With
        # --demo that is refportal's, written into its state folder once it starts (the simulator
        # reads the file at each callback).
        callback_ca, extra = profile.ca_file, []
        if refportal_state is not None:
            callback_ca = refportal_state / "ca.pem"
        elif not profile.verify_tls:
            callback_ca, extra = None, ["--callback-insecure"]
        try:
            nps = start_simulator(self.run_id, self.inputs.edition.folder, bind=simulator.get("bind", "127.0.0.1:0"),
                                  public_url=simulator.get("public_url"), records_file=self.simulator_log,
                                  smtp_bind=simulator.get("smtp_bind"), callback_ca=callback_ca, extra_args=extra)
        except StartError as exc:
            abort(ExitCode.UNREACHABLE, [f"dokiem: không khởi động được dịch vụ mô phỏng — the simulator did not start: {exc}"])
        self.processes.append(nps)
        self.nps_url = nps.ready["url"]
        os.environ[ENV_NPS_URL] = self.nps_url
        os.environ[ENV_NPS_SMTP] = f"{nps.ready['smtp_host']}:{nps.ready['smtp_port']}"

    def _use_running_simulator(self, url: str) -> None:
        """simulator.url: a simulator started beforehand (dokiem nps serve), shared by several runs."""
        try:
            health = NpsClient(url).health()
        except Exception as exc:  # any failure to reach it: the run cannot judge packets, mails or payments
            abort(ExitCode.UNREACHABLE, [f"simulator.url {url} does not answer ({exc}) — dịch vụ mô phỏng không phản hồi; "
                                         "start it with `dokiem nps serve` or remove simulator.url"])
        self.nps_url = url.rstrip("/")
        os.environ[ENV_NPS_URL] = self.nps_url
        os.environ[ENV_NPS_SMTP] = f"{health.get('smtp_host', '127.0.0.1')}:{health.get('smtp_port')}"

    # ------------------------------------------------------------------ the reference portal (--demo)
    def _start_refportal(self, state_dir: Path) -> None:
        """The bundled reference portal on a free loopback port, wired to the simulator."""
        passwords = {}
        for account in self.inputs.profile.all_accounts():
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
            abort(ExitCode.UNREACHABLE, [f"dokiem --demo: cổng tham chiếu không khởi động được — refportal did not start: {exc}"])
        self.processes.append(portal)
        overrides = {"base_urls": {"portal": portal.ready["url"]}, "ca_file": portal.ready["ca_file"]}
        self.inputs.profile.overrides = overrides
        os.environ[ENV_OVERRIDES] = json.dumps(overrides)
        self.say(f"[dokiem] cổng tham chiếu (refportal, demo): {portal.ready['url']}")
