"""refportal's `stepwise` vendor style: the back office moves a dossier only with its current step
id and version (a stale page is refused as a workflow engine refuses it), pages its register with a
cursor, and closes the classic back-office routes. Its own process, over plain HTTP."""
from __future__ import annotations

import sys

import pytest
import requests

from harness.procs import start_ready_process
from tests.refportal.conftest import ACCOUNTS, LEVEL4_WITH_FEE, REPO


@pytest.fixture(scope="module")
def styled(tmp_path_factory):
    state = tmp_path_factory.mktemp("refportal-stepwise")
    process = start_ready_process("refportal", [
        sys.executable, "-m", "refportal", "--port", "0", "--http", "--state-dir", str(state),
        "--db", str(state / "db.sqlite3"), "--style", "stepwise", "--log-level", "warning"], cwd=str(REPO), timeout=30)
    assert process.ready["styles"] == ["stepwise"]
    yield process.ready["url"]
    process.stop()


def session(url: str, username: str) -> requests.Session:
    s = requests.Session()
    token = s.post(f"{url}/api/auth/login", json={"username": username, "password": ACCOUNTS[username]["password"]},
                   timeout=15).json()["token"]
    s.headers["Authorization"] = f"Bearer {token}"
    return s


def submit(url: str) -> str:
    citizen = session(url, "congdan1")
    answer = citizen.post(f"{url}/api/dossiers", data={"procedure_code": LEVEL4_WITH_FEE, "form_data": "{}"},
                          files=[("files", ("a.pdf", b"%PDF-1.4 x", "application/pdf"))], timeout=15)
    assert answer.status_code == 201, answer.text
    return answer.json()["code"]


def test_a_move_needs_the_current_step_and_version(styled):
    code = submit(styled)
    officer = session(styled, "motcua1")
    found = officer.get(f"{styled}/api/bo/dossiers", params={"code": code}, timeout=15).json()["items"]
    assert [d["code"] for d in found] == [code] and isinstance(found[0]["id"], int)
    url = f"{styled}/api/bo/dossiers/{found[0]['id']}"
    loaded = officer.get(url, timeout=15)
    etag, step = loaded.headers["ETag"], loaded.json()["step"]["id"]
    assert loaded.json()["dossier"]["code"] == code
    stale = officer.post(url + "/transitions", json={"step_id": step, "action": "receive"},
                         headers={"If-Match": '"v999"'}, timeout=15)
    assert stale.status_code == 412
    wrong = officer.post(url + "/transitions", json={"step_id": "B09-1", "action": "receive"},
                         headers={"If-Match": etag}, timeout=15)
    assert wrong.status_code == 409
    moved = officer.post(url + "/transitions", json={"step_id": step, "action": "receive"},
                         headers={"If-Match": etag}, timeout=15)
    assert moved.status_code == 200 and moved.json()["status_label"] == "Đã tiếp nhận"
    again = officer.post(url + "/transitions", json={"step_id": step, "action": "process"},
                         headers={"If-Match": etag}, timeout=15)
    assert again.status_code == 412  # the page it came from is stale now


def test_the_register_pages_by_cursor(styled):
    codes = {submit(styled) for _ in range(3)}
    officer = session(styled, "motcua1")
    seen, cursor, pages = [], None, 0
    while True:
        page = officer.get(f"{styled}/api/bo/dossiers", params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                           timeout=15).json()
        pages += 1
        seen += [d["code"] for d in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages >= 2 and len(seen) == len(set(seen)) and codes <= set(seen)


def test_the_classic_back_office_routes_are_closed(styled):
    code = submit(styled)
    officer = session(styled, "motcua1")
    assert officer.post(f"{styled}/api/dossiers/{code}/receive", json={}, timeout=15).status_code == 404
    assert officer.get(f"{styled}/api/dossiers", timeout=15).status_code == 404
    assert officer.get(f"{styled}/api/dossiers/{code}", timeout=15).status_code == 200  # reading stays
