"""A fleet of refportal instances, each a campaign target with its own defects switched on.

One simulator serves them all (as a shared `dokiem nps serve` would); each refportal runs on a
fresh database on a free loopback port with test-control on, and the defect is switched on
through POST /_test/defects, as the defect matrix does. `target()` writes the profile a campaign
lists: refportal's own with the instance's URL and CA, the shared simulator, and the matrix's
lowered waits. The accounts' passwords are in `env` (the campaign's workers need them).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import requests
import yaml

from harness.nps.process import start_simulator
from harness.procs import start_ready_process
from harness.services import demo_password
from tests.defects.matrix import LOWERED, PROFILE, REPO


class RefportalFleet:
    def __init__(self, work: Path):
        self.work = Path(work)
        self.state = self.work / "refportal-state"  # one CA for the fleet: the simulator trusts it
        self.state.mkdir(parents=True, exist_ok=True)
        self.profile_data = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))
        self.passwords, self.env = {}, {}
        for rows in self.profile_data["accounts"].values():
            for row in rows:
                self.passwords[row["username"]] = value = demo_password()
                self.env[row["password_env"]] = value
        self.simulator = start_simulator("campaign-fleet", REPO / "criteria" / "cv255-2018",
                                         callback_ca=self.state / "ca.pem")
        self.nps_url = self.simulator.ready["url"]
        self.smtp = f"{self.simulator.ready['smtp_host']}:{self.simulator.ready['smtp_port']}"
        self.portals: dict[str, object] = {}

    def target(self, name: str, defects: tuple[str, ...] = ()) -> Path:
        """Start refportal `name` with `defects` on; return the path of its profile."""
        portal = start_ready_process(
            f"refportal-{name}",
            [sys.executable, "-m", "refportal", "--host", "127.0.0.1", "--port", "0", "--state-dir", str(self.state),
             "--db", str(self.work / f"{name}.sqlite3"), "--national-portal", self.nps_url, "--smtp", self.smtp,
             "--sms-gateway", self.nps_url + "/sms", "--test-control", "--sync-retry-s", "1",
             "--lockout-minutes", "0.2"],
            timeout=60, env={"REFPORTAL_PASSWORDS": json.dumps(self.passwords)}, cwd=str(REPO))
        self.portals[name] = portal
        url, ca_file = portal.ready["url"], portal.ready["ca_file"]
        self.switch(name, defects)
        return self.write_profile(name, url, ca_file)

    def switch(self, name: str, defects: tuple[str, ...]) -> None:
        """Set exactly `defects` on portal `name` (test-control)."""
        portal = self.portals[name]
        answer = requests.post(f"{portal.ready['url']}/_test/defects", json={"set": list(defects)},
                               verify=portal.ready["ca_file"], timeout=10)
        answer.raise_for_status()
        assert sorted(answer.json()["on"]) == sorted(defects), answer.text

    def write_profile(self, name: str, url: str, ca_file: str, **limits) -> Path:
        data = dict(self.profile_data, id=f"refportal-{name}", base_urls={"portal": url}, tls={"ca_file": ca_file},
                    simulator={"url": self.nps_url},
                    parameters={**(self.profile_data.get("parameters") or {}), **LOWERED},
                    limits={**(self.profile_data.get("limits") or {}), **limits})
        path = self.work / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def environ(self) -> dict[str, str]:
        return {**os.environ, **self.env}

    def close(self) -> None:
        for portal in self.portals.values():
            portal.stop()
        self.portals.clear()
        self.simulator.stop()
