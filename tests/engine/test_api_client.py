"""The API client: templates, sessions, extraction, refusals, retries and redacted transcripts."""
from __future__ import annotations

import socket
import textwrap

import pytest

from harness import criteria
from harness.api import ConfigurationError, OperationError, TargetClient, render
from harness.evidence import Redactor
from harness.profile import load_profile

from .fake_target import PASSWORD, TOKEN, FakeTarget
from .test_profile import CRITERIA

# what every profile of the fake target starts with (URL: the fake's own)
FAKE_HEAD = """\
profile_version: 1
id: fake
vendor: test
system: fake target
version: "1"
environment: staging
systems: [dvc]
base_urls: {portal: "URL"}
"""
PROFILE = FAKE_HEAD + """\
accounts:
  citizen:
    - {username: congdan1, password_env: FAKE_PW}
    - {username: congdan9, password_env: FAKE_PW_WRONG}
session: {token: session, header: Authorization, header_value: "Bearer ${session}"}
operations:
  login: {method: POST, path: /api/login, json: {username: "${username}", password: "${password}"},
          returns: {session: token, user_display_name: user.full_name}}
  list_my_dossiers: {method: GET, path: /api/private, returns: {dossiers: items, first: "items[0].code", n: total}}
  lookup_dossier: {method: GET, path: "/api/echo/${dossier_code}", anonymous: true,
                   query: {q: "${keyword}", fixed: "1"}, returns: {raw: "$text", status: "$status"}}
  submit_dossier:
    method: POST
    path: /api/upload
    multipart: {fields: {procedure_code: "${procedure_code}", form_data: "${form_data|json}"}, files: {files: files}}
    expect: [201]
    returns: {dossier_code: code, names: "files[].name"}
status_labels: {Mới: 1}
"""


@pytest.fixture(scope="module")
def fake():
    with FakeTarget() as target:
        yield target


@pytest.fixture
def profile(tmp_path, fake, monkeypatch):
    monkeypatch.setenv("FAKE_PW", PASSWORD)
    monkeypatch.setenv("FAKE_PW_WRONG", "not-the-password")
    path = tmp_path / "fake.yaml"
    path.write_text(PROFILE.replace("URL", fake.url), encoding="utf-8")
    checks = criteria.load_checks(CRITERIA)
    return load_profile(path, criteria.load_edition(CRITERIA, None, checks), checks, CRITERIA)


def test_render_keeps_types_and_fills_strings():
    variables = {"code": "A-1", "n": 3, "data": {"x": "ý"}}
    assert render({"a": "${data}", "b": "/p/${code}/${n}", "c": "${data|json}"}, variables) == \
        {"a": {"x": "ý"}, "b": "/p/A-1/3", "c": '{"x": "ý"}'}
    with pytest.raises(KeyError):
        render("${missing}", variables)
    assert render({"q": "${missing}"}, variables, missing_ok=True) == {"q": None}


def test_login_then_a_protected_operation(profile):
    client = TargetClient(profile, Redactor(), profile.account("citizen"))
    result = client.must("list_my_dossiers")
    assert result.vars == {"dossiers": [{"code": "A-1", "status_label": "Mới"}], "first": "A-1", "n": 1}
    assert client.token == TOKEN


def test_without_a_session_the_target_refuses_and_call_reports_it(profile):
    anonymous = TargetClient(profile, Redactor())
    result = anonymous.call("list_my_dossiers")
    assert result.status == 401 and not result.ok and result.vars == {}
    with pytest.raises(OperationError, match="HTTP 401"):
        anonymous.must("list_my_dossiers")


def test_a_wrong_password_fails_the_login_as_an_operation_error(profile):
    client = TargetClient(profile, Redactor(), profile.account("citizen", 1))
    with pytest.raises(OperationError, match="login as citizen\\[1\\] congdan9 failed"):
        client.login()


def test_anonymous_operations_send_no_session_and_drop_empty_query_values(profile, fake):
    client = TargetClient(profile, Redactor(), profile.account("citizen"))
    client.login()
    result = client.must("lookup_dossier", dossier_code="000.00.00.H29-261124-0001")
    assert result.vars["status"] == 200 and "fixed=1" in result.vars["raw"]
    assert result.json["query"] == "fixed=1"  # the missing optional keyword was dropped
    method, path, headers = fake.seen[-1]
    assert path.startswith("/api/echo/000.00.00.H29-261124-0001") and "Authorization" not in headers


def test_multipart_submission_with_files(profile):
    client = TargetClient(profile, Redactor(), profile.account("citizen"))
    files = [{"name": "don.pdf", "content": b"%PDF-1.4 x", "content_type": "application/pdf"},
             {"name": "cccd.png", "content": b"\x89PNG..", "content_type": "image/png"}]
    result = client.must("submit_dossier", procedure_code="1.000001", form_data={"ho_ten": "Nguyễn Văn An"},
                         files=files)
    assert result.vars == {"dossier_code": "000.00.00.H29-261124-0001", "names": ["don.pdf", "cccd.png"]}
    assert result.json["fields"] == {"ho_ten": "Nguyễn Văn An"}


def test_an_unconfigured_operation_or_missing_variable_is_a_configuration_error(profile):
    client = TargetClient(profile, Redactor())
    with pytest.raises(ConfigurationError, match="'approve_dossier' is not configured"):
        client.call("approve_dossier", dossier_code="x")
    with pytest.raises(ConfigurationError, match="dossier_code"):
        client.call("lookup_dossier")


def test_a_closed_port_gives_no_answer_after_bounded_retries(profile):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    profile.overrides = {"base_urls": {"portal": f"http://127.0.0.1:{port}"}}
    client = TargetClient(profile, Redactor())
    result = client.call("lookup_dossier", dossier_code="x")
    assert result.status is None and not result.ok and "ConnectionError" in result.error
    assert "no answer" in result.describe()


def test_transcripts_never_hold_the_password_or_token(profile):
    redactor = Redactor()
    client = TargetClient(profile, redactor, profile.account("citizen"))
    client.must("list_my_dossiers")
    text = client.transcript.render()
    assert "/api/login" in text and "/api/private" in text
    assert PASSWORD not in text and TOKEN not in text
    assert textwrap.dedent(text).count("REDACTED") >= 2


def test_http_basic_sessions_are_probed(tmp_path, fake, monkeypatch):
    monkeypatch.setenv("FAKE_PW", PASSWORD)
    monkeypatch.setenv("FAKE_PW_WRONG", "not-the-password")
    text = PROFILE.replace("URL", fake.url).replace(
        'session: {token: session, header: Authorization, header_value: "Bearer ${session}"}',
        "session: {scheme: basic, probe: x_whoami}").replace(
        "status_labels:", "  x_whoami: {method: GET, path: /api/basic, returns: {user: user}}\nstatus_labels:")
    path = tmp_path / "basic.yaml"
    path.write_text(text, encoding="utf-8")
    checks = criteria.load_checks(CRITERIA)
    profile = load_profile(path, criteria.load_edition(CRITERIA, None, checks), checks, CRITERIA)
    assert TargetClient(profile, Redactor(), profile.account("citizen")).login().call("x_whoami").vars == \
        {"user": "congdan1"}
    with pytest.raises(OperationError, match="does not work"):
        TargetClient(profile, Redactor(), profile.account("citizen", 1)).login()

