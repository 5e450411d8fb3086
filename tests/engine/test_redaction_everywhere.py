"""Redaction everywhere: citizen IDs, cookie values and anti-forgery tokens the target set do not
survive in transcripts, browser traces, allure-pytest's raw results or any other file of the run.

The target is a counting server that sets a session cookie and a CSRF token (header, JSON, hidden
form field, meta tag). allure-raw comes from a real inner pytest run with allure-pytest whose
failure message quotes the values. Values registered in a worker reach the controller's final
sweep through the journal.
"""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from harness import target_secrets
from harness.api import TargetClient
from harness.evidence import EvidenceStore, Redactor, attach_journal, read_journal
from harness.profile import Profile
from harness.report.redact import sweep
from harness.ledger import BoundEvidence

from .counting_server import COOKIE_VALUE, CSRF_VALUE, CountingServer

CITIZEN_ID = "001090012345"
UUID_WITH_DIGITS = "3f2a9c1e-0b7d-4e21-9a3c-123456789012"  # its last group is 12 digits: kept whole


@pytest.fixture(scope="module")
def server():
    with CountingServer() as running:
        yield running


def _profile(tmp_path, url: str) -> Profile:
    data = {"profile_version": 1, "id": "secrets", "vendor": "t", "system": "t", "version": "1",
            "environment": "staging", "systems": ["dvc"], "base_urls": {"portal": url}, "accounts": {},
            "status_labels": {"Mới": 1}, "limits": {"requests_per_second": 1000},
            "operations": {"x_thing": {"method": "GET", "path": "/api/thing", "returns": {}}}}
    return Profile(tmp_path / "p.yaml", data, "0")


def test_values_that_look_like_credentials_are_taken_and_plain_words_are_not():
    assert target_secrets.credential_like(COOKIE_VALUE) and target_secrets.credential_like(CSRF_VALUE)
    for innocent in ("true", "vi-VN", "accepted", "0", "dark-mode-enabled"):
        assert not target_secrets.credential_like(innocent)
    html = f'<form><input type="hidden" name="_csrf" value="{CSRF_VALUE}"><input name="q" value="abc123def456gh"></form>'
    assert target_secrets.in_html(html) == [CSRF_VALUE]


def test_cookie_and_csrf_values_do_not_survive_in_transcripts(tmp_path, server):
    redactor = Redactor()
    client = TargetClient(_profile(tmp_path, server.url), redactor)
    assert client.call("x_thing").ok  # sets the cookie; X-CSRF-Token header; csrf_token in JSON
    client.request("GET", server.url + "/trang")  # the token again, in a hidden field and a meta tag
    # a target that echoes them where no header rule looks: in a URL (session id rewriting)
    client.request("GET", f"{server.url}/api/thing;jsessionid={COOKIE_VALUE}?csrf={CSRF_VALUE}")
    text = client.transcript.render()
    assert COOKIE_VALUE not in text and CSRF_VALUE not in text
    assert "/api/thing" in text  # the exchanges are there, only the values are masked


@pytest.mark.browser
def test_cookie_and_csrf_values_do_not_survive_in_traces(tmp_path, server, browser):
    from harness.browser import BrowserSession

    redactor = Redactor()
    staging = tmp_path / "staging"
    evidence = BoundEvidence(EvidenceStore(staging, redactor), "scenario-x-browser", staging / "_run" / "index.jsonl")
    session = BrowserSession(browser, _profile(tmp_path, server.url), evidence, "browser")
    session.page.goto(server.url + "/trang")
    session.close()
    trace = staging / "evidence" / "scenario-x-browser" / "trace.zip"
    assert trace.is_file(), "no secret was typed: the trace is kept"
    with zipfile.ZipFile(trace) as archive:
        raw = b"".join(archive.read(name) for name in archive.namelist())
    assert COOKIE_VALUE.encode() in raw, "the unswept trace holds the cookie (what the sweep must remove)"
    assert COOKIE_VALUE in redactor.secrets and CSRF_VALUE in redactor.secrets
    sweep(staging, redactor)
    with zipfile.ZipFile(trace) as archive:
        names = archive.namelist()
        raw = b"".join(archive.read(name) for name in names)
    assert names and COOKIE_VALUE.encode() not in raw and CSRF_VALUE.encode() not in raw


FAILING_TEST = f'''
def test_quotes_what_it_saw():
    assert False, "hồ sơ của công dân {CITIZEN_ID} trả về phiên {COOKIE_VALUE} và mã {CSRF_VALUE}"
'''


def test_ids_cookies_and_tokens_do_not_survive_in_allure_raw(tmp_path):
    staging = tmp_path / "staging"
    (tmp_path / "test_inner.py").write_text(FAILING_TEST, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", str(tmp_path / "test_inner.py"), "-q",
                           "-p", "no:cacheprovider", "--alluredir", str(staging / "allure-raw")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    results = list((staging / "allure-raw").glob("*-result.json"))
    assert results and CITIZEN_ID in results[0].read_text(encoding="utf-8")
    (staging / "evidence").mkdir()
    (staging / "evidence" / "ids.json").write_text(json.dumps({"run": UUID_WITH_DIGITS}), encoding="utf-8")
    # a worker registered the target's values; the controller's sweep reads them from the journal
    worker = Redactor()
    attach_journal(worker, staging / "_run" / "secrets.jsonl")
    worker.add(COOKIE_VALUE, CSRF_VALUE)
    controller = Redactor()
    controller.add(*read_journal(staging / "_run" / "secrets.jsonl"))
    sweep(staging, controller)
    for path in (staging / "allure-raw").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert CITIZEN_ID not in text and COOKIE_VALUE not in text and CSRF_VALUE not in text, path.name
    result = json.loads(results[0].read_text(encoding="utf-8"))  # still valid JSON
    assert "CCCD/CMND ĐÃ CHE" in result["statusDetails"]["message"]
    assert json.loads((staging / "evidence" / "ids.json").read_text(encoding="utf-8"))["run"] == UUID_WITH_DIGITS


def test_the_journal_is_owner_only(tmp_path):
    redactor = Redactor()
    attach_journal(redactor, tmp_path / "_run" / "secrets.jsonl")
    redactor.add(COOKIE_VALUE)
    redactor.add(COOKIE_VALUE)  # registered once
    path = tmp_path / "_run" / "secrets.jsonl"
    assert path.stat().st_mode & 0o077 == 0
    assert read_journal(path) == [COOKIE_VALUE]
