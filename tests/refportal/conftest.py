"""Fixtures of refportal's tests: one refportal process for the session, over HTTPS, wired to a
stub national portal, payment platform, SMS gateway and SMTP sink (stub_services.py), started with
--test-control so tests can switch defects and move the clock (always back in a finally)."""
from __future__ import annotations

import json
import re
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import requests
import yaml

from harness.browser import context_arguments, launch_arguments
from harness.procs import start_ready_process
from tests.refportal.stub_services import NationalStub

REPO = Path(__file__).resolve().parents[2]
ACCOUNTS = {a["username"]: a for a in yaml.safe_load((REPO / "refportal/seed/accounts.yaml").read_text("utf-8"))["accounts"]}
CODE_RE = re.compile(r"^(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(\d{6})-(\d{4})$")
LEVEL4_WITH_FEE = "1.001233.000.00.00.H29"   # Cấp Phiếu lý lịch tư pháp…, Sở Tư pháp, 200 000 đ
LEVEL3 = "1.009972.000.00.00.H29"            # Cấp giấy phép xây dựng mới…, Sở Xây dựng
LEVEL2 = "2.000528.000.00.00.H29"
ONE_DAY = "1.005092.000.00.00.H29"           # Cấp bản sao văn bằng… từ sổ gốc: level 4, 1 working day, Sở GD&ĐT


@dataclass
class Portal:
    url: str
    ca_file: str
    ready: dict
    process: object
    stub: NationalStub

    def session(self, token: str | None = None) -> requests.Session:
        s = requests.Session()
        s.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment replaces our CA file
        s.verify = self.ca_file
        if token:
            s.headers["Authorization"] = f"Bearer {token}"
        return s

    def get(self, path: str, **kw) -> requests.Response:
        return self.session().get(self.url + path, timeout=15, **kw)

    def login(self, username: str, password: str | None = None) -> str:
        answer = self.session().post(self.url + "/api/auth/login", timeout=15,
                                     json={"username": username, "password": password or ACCOUNTS[username]["password"]})
        assert answer.status_code == 200, answer.text
        return answer.json()["token"]

    def cookie_session(self, username: str) -> requests.Session:
        """A session logged in the way a browser is: by the session cookie, no bearer token."""
        s = self.session()
        answer = s.post(self.url + "/api/auth/login", json={"username": username,
                                                            "password": ACCOUNTS[username]["password"]}, timeout=15)
        assert answer.status_code == 200 and s.cookies.get("rp_session"), answer.text
        return s

    def control(self, path: str, body: dict) -> dict:
        answer = self.session().post(self.url + "/_test/" + path, json=body, timeout=15)
        assert answer.status_code == 200, answer.text
        return answer.json()

    @contextmanager
    def defect(self, *names: str):
        """These defects on for the block, then every defect off again."""
        assert self.control("defects", {"set": list(names)})["on"] == sorted(names)
        try:
            yield
        finally:
            self.control("defects", {"set": []})

    @contextmanager
    def clock(self, days: float):
        """refportal's clock moved by `days` for the block, then back."""
        self.control("clock", {"offset_days": days})
        try:
            yield
        finally:
            self.control("clock", {"offset_days": 0})


class Api:
    """One logged-in account talking to the API."""

    def __init__(self, portal: Portal, username: str):
        self.portal, self.username = portal, username
        self.http = portal.session(portal.login(username))

    def get(self, path: str, **kw) -> requests.Response:
        return self.http.get(self.portal.url + path, timeout=15, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        return self.http.post(self.portal.url + path, timeout=15, **kw)

    def put(self, path: str, **kw) -> requests.Response:
        return self.http.put(self.portal.url + path, timeout=15, **kw)

    def step(self, code: str, step: str, expect: int = 200, **body) -> dict:
        answer = self.post(f"/api/dossiers/{code}/{step}", json=body or None)
        assert answer.status_code == expect, f"{step}: {answer.status_code} {answer.text}"
        return answer.json()

    def submit(self, procedure_code: str = LEVEL4_WITH_FEE, files: dict[str, bytes] | None = None,
               expect: int = 201, **form_data) -> dict:
        files = files if files is not None else {"to-khai.pdf": b"%PDF-1.4 to khai"}
        answer = self.post("/api/dossiers", data={"procedure_code": procedure_code,
                                                  "form_data": json.dumps(form_data or {"ghi_chu": "kiem-thu"})},
                           files=[("files", (name, data, "application/pdf")) for name, data in files.items()])
        assert answer.status_code == expect, answer.text
        return answer.json()

    def dossier(self, code: str) -> dict:
        answer = self.get(f"/api/dossiers/{code}")
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture(scope="session")
def stub():
    s = NationalStub().start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def portal(stub, tmp_path_factory) -> Portal:
    state = tmp_path_factory.mktemp("refportal")
    process = start_ready_process("refportal", [
        sys.executable, "-m", "refportal", "--port", "0", "--state-dir", str(state), "--db", str(state / "db.sqlite3"),
        "--national-portal", stub.url, "--smtp", f"127.0.0.1:{stub.smtp_port}", "--sms-gateway", stub.url + "/sms",
        "--postal-gateway", stub.url + "/postal",
        "--sync-retry-s", "0.5", "--lockout-minutes", "1", "--log-level", "warning", "--test-control"],
        cwd=str(REPO), timeout=30)
    ready = process.ready
    stub.ca_file = ready["ca_file"]
    yield Portal(ready["url"], ready["ca_file"], ready, process, stub)
    process.stop()
    assert process.popen.returncode == 0, "\n".join(process.output[-30:])


@pytest.fixture(scope="session")
def citizen(portal) -> Api:
    return Api(portal, "congdan1")


@pytest.fixture(scope="session")
def citizen_b(portal) -> Api:
    return Api(portal, "congdan2")


@pytest.fixture(scope="session")
def officer(portal) -> Api:
    return Api(portal, "motcua1")


@pytest.fixture(scope="session")
def specialist(portal) -> Api:
    return Api(portal, "chuyenvien1")


@pytest.fixture(scope="session")
def leader(portal) -> Api:
    return Api(portal, "lanhdao1")


@pytest.fixture(scope="session")
def admin(portal) -> Api:
    return Api(portal, "quantri1")


def days_past(appointment: str, extra: float = 1.5) -> float:
    """A clock offset (days) that puts refportal's now `extra` days after an appointment date."""
    due = datetime.fromisoformat(appointment)
    return (due - datetime.now(due.tzinfo)).total_seconds() / 86400 + extra


def wait_sync_idle(admin: Api, timeout: float = 15.0) -> dict:
    """Poll (bounded) until refportal's outbox holds no unsent packet."""
    deadline = time.monotonic() + timeout
    while True:
        state = admin.get("/api/admin/sync").json()
        if state["pending"] == 0:
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"sync outbox not drained: {state}")
        time.sleep(0.05)


# --- browser (pytest-playwright, driving the Chromium harness.chromium finds) ---------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return launch_arguments(browser_type_launch_args)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return context_arguments(browser_context_args)


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page, one line each (empty: none)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]]
