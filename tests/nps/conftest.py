"""One simulator process for the whole folder (reset before each test) and fixtures to talk to it."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from harness.nps.client import NpsClient
from harness.nps.process import start_simulator
from npshelpers import EDITION_DIR, UNIT, FakeTarget


@pytest.fixture(scope="session")
def records_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("nps") / "records.jsonl"


@pytest.fixture(scope="session")
def simulator(records_file):
    process = start_simulator("run-nps-tests", EDITION_DIR, records_file=records_file)
    yield process
    process.stop()


@pytest.fixture(scope="session")
def base_url(simulator) -> str:
    return simulator.ready["url"]


@pytest.fixture
def nps(base_url) -> NpsClient:
    client = NpsClient(base_url)
    client.reset()
    return client


@pytest.fixture
def session_token(base_url, nps) -> str:
    answer = requests.post(f"{base_url}/dvcqg/auth", json={"username": "dokiem", "password": "dokiem-nps"},
                           timeout=10).json()
    assert answer["error_code"] == "0", answer
    return answer["session"]


@pytest.fixture
def integrate(base_url, session_token):
    """integrate(service, **parameters) -> the simulator's JSON answer (envelope filled in)."""
    def call(service: str, session: str | None = None, **parameters) -> dict:
        body = {"session": session or session_token, "madonvi": UNIT, "service": service, **parameters}
        return requests.post(f"{base_url}/dvcqg/integration", json=body, timeout=30).json()
    return call


@pytest.fixture
def fake_target():
    target = FakeTarget()
    yield target
    target.stop()
