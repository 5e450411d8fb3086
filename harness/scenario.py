"""What a scenario works with: its API clients, browser sessions, fixtures and evidence.

A scenario (docs/ARCHITECTURE.md, "Scenarios") is a session-scoped fixture in suites/ that drives the target once and
returns observations for its checks. It opens a `Scenario` from the run (`dokiem.scenario(name)`),
takes clients per role from it, and when it ends every transcript is written, redacted, into
`evidence/scenario-<name>/`, which the record links from each of the scenario's checks.
"""
from __future__ import annotations

from typing import Any

import jmespath

from harness.api import ConfigurationError, OperationError, TargetClient
from harness.browser import BrowserSession


class Scenario:
    def __init__(self, run, name: str):
        self.run = run  # what suites see of the run (harness.run_fixtures.RunHandle)
        self.name = name
        self.evidence = run.evidence_for(f"scenario-{name}")
        self.clients: list[TargetClient] = []
        self.notes: list[str] = []

    @property
    def profile(self):
        return self.run.profile

    def parameter(self, name: str) -> Any:
        return self.run.parameter(name)

    def not_configured(self, check_id: str) -> list[str]:
        return self.run.not_configured.get(check_id, [])

    # ---------------------------------------------------------------- clients
    def client(self, role: str | None = None, index: int = 0, reserved_for: str | None = None,
               login: bool = True) -> TargetClient:
        """A fresh session as the index-th account of `role` (None: anonymous)."""
        account = None
        if role is not None:
            account = self.profile.account(role, index, reserved_for)
            if account is None:
                which = f"reserved for {reserved_for}" if reserved_for else f"number {index + 1}"
                raise ConfigurationError(f"the profile has no account {which} for role '{role}' — "
                                         f"cấu hình đích thiếu tài khoản vai trò '{role}'")
        client = TargetClient(self.profile, self.run.redactor, account, traffic=self.run.traffic)
        self.clients.append(client)
        if login and account is not None:
            client.login()
        return client

    def fixture(self, name: str) -> Any:
        """A target fixture of the profile (docs/ARCHITECTURE.md, "The target profile"): a literal, or the value an operation returns."""
        spec = self.profile.fixtures.get(name)
        if spec is None:
            raise ConfigurationError(f"the profile declares no fixture '{name}' — cấu hình đích chưa khai báo "
                                     f"fixture '{name}' (fixtures)")
        if isinstance(spec, str):
            return spec
        client = self.client(spec.get("as"))
        result = client.must(spec["operation"], **(spec.get("with") or {}))
        value = jmespath.search(spec["take"], result.json) if result.json is not None else None
        if value in (None, "", []):
            raise OperationError(f"fixture '{name}': {spec['operation']} answered but '{spec['take']}' is empty — "
                                 "fixture không có dữ liệu trên hệ thống")
        return value

    def browser(self, browser, label: str = "browser", **kwargs) -> BrowserSession:
        return BrowserSession(browser, self.profile, self.run.evidence_for(f"scenario-{self.name}-{label}"),
                              label, traffic=self.run.traffic, **kwargs)

    def note(self, text: str) -> None:
        self.notes.append(text)

    # ---------------------------------------------------------------- the end
    def close(self) -> None:
        for n, client in enumerate(self.clients, 1):
            if client.transcript.exchanges:
                who = client.account.username if client.account else "anonymous"
                self.evidence.write_text(f"transcript-{n:02d}-{who}.md", client.transcript.render(
                    attach=lambda name, data, n=n: self.evidence.write_bytes(f"transcript-{n:02d}-{name}", data)))
        if self.notes:
            self.evidence.write_text("notes.txt", "\n".join(self.notes))

    def __enter__(self) -> "Scenario":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
