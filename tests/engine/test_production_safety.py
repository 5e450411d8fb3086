"""Production safety by operation: on production without authorisation nothing that writes is sent.

Each path a request can take — a scenario's operation, a profile fixture (counter intake for a
public dossier), a raw probe (a malformed method counts as a change) and the browser — is tried
against a server that counts what it receives. Refused requests never arrive, are recorded in the
evidence, and make the check ERROR (Withheld is Inconclusive), never FAIL.
"""
from __future__ import annotations

import pytest

from harness import Inconclusive, criteria
from harness.api import TargetClient
from harness.evidence import Redactor
from harness.profile import load_profile
from harness.safety import Withheld, method_effect
from harness.scenario import Scenario
from harness.traffic import Traffic

from .counting_server import CountingServer
from .test_profile import CRITERIA

PASSWORD = "Mk!counting-42"
AUTHORISED = ("authorisation: {by: Sở TT&TT tỉnh B, date: \"2026-11-30\", reference: CV 12/STTTT, "
              "allows: [mutates]}\n")

PROFILE = """\
profile_version: 1
id: counting
vendor: test
system: counting target
version: "1"
environment: ENVIRONMENT
AUTHORISATION
systems: [mcdt]
base_urls: {portal: "URL"}
accounts:
  receiving_officer:
    - {username: motcua1, password_env: COUNTING_PW}
session: {token: session}
operations:
  login: {method: POST, path: /api/login, json: {username: "${username}", password: "${password}"},
          returns: {session: token}}
  lookup_dossier: {method: GET, path: "/api/lookup/${dossier_code}", anonymous: true, returns: {status_label: ok}}
  counter_intake: {method: POST, path: /api/intake, json: {procedure: "${procedure_code}"},
                   returns: {dossier_code: code}}
  x_cleanup: {method: DELETE, path: /api/thing, returns: {}}
  x_report: {method: GET, path: /api/report, returns: {}}
  x_search: {method: POST, path: /api/search, effect: read, returns: {}}
fixtures:
  public_dossier: {operation: counter_intake, as: receiving_officer, with: {procedure_code: "1.001"}, take: code}
status_labels: {Mới: 1}
"""


@pytest.fixture(scope="module")
def server():
    with CountingServer() as running:
        yield running


@pytest.fixture(scope="module")
def registry():
    checks = criteria.load_checks(CRITERIA)
    return criteria.load_edition(CRITERIA, None, checks), checks


@pytest.fixture
def make(tmp_path, server, registry, monkeypatch):
    monkeypatch.setenv("COUNTING_PW", PASSWORD)
    server.reset()

    def build(environment: str = "production", authorised: bool = False):
        path = tmp_path / f"{environment}-{authorised}.yaml"
        path.write_text(PROFILE.replace("ENVIRONMENT", environment).replace("URL", server.url)
                        .replace("AUTHORISATION\n", AUTHORISED if authorised else ""), encoding="utf-8")
        edition, checks = registry
        return load_profile(path, edition, checks, CRITERIA)
    return build


class _Evidence:
    def __init__(self):
        self.files: dict[str, str] = {}

    def write_text(self, name, text):
        self.files[name] = text
        return name


class _State:
    """What a Scenario reads of the run."""

    def __init__(self, profile):
        self.profile, self.redactor, self.not_configured = profile, Redactor(), {}
        self.traffic = Traffic(profile)
        self.written = _Evidence()

    def evidence_for(self, folder):
        return self.written

    def parameter(self, name):
        raise KeyError(name)


def test_every_vocabulary_operation_declares_its_effect(registry):
    _edition, checks = registry
    effects = {name: entry["effect"] for name, entry in checks.operations.items()}
    assert set(effects.values()) <= {"read", "create", "change"}
    assert effects["counter_intake"] == "create" and effects["lookup_dossier"] == "read"
    assert effects["approve_dossier"] == "change" and effects["login"] == "read"


@pytest.mark.parametrize("method,effect", [("GET", "read"), ("head", "read"), ("POST", "change"),
                                           ("DELETE", "change"), ("G3T", "change"), ("GET ", "change"),
                                           ("FOO", "change")])
def test_only_well_formed_read_methods_read(method, effect):
    assert method_effect(method) == effect


def test_a_creating_operation_is_not_sent_and_is_recorded(make, server):
    client = TargetClient(make(), Redactor())
    with pytest.raises(Withheld) as refused:
        client.call("counter_intake", procedure_code="1.001")
    assert isinstance(refused.value, Inconclusive)  # ERROR, never FAIL
    assert server.count(path_prefix="/api/intake") == 0
    assert "NOT SENT" in client.transcript.render() and "counter_intake" in client.transcript.render()


def test_the_fixture_that_counter_intakes_a_public_dossier_creates_nothing(make, server):
    """The hole: a fixture calling counter intake created a dossier on production."""
    state = _State(make())
    scenario = Scenario(state, "lookup")
    with pytest.raises(Withheld):
        scenario.fixture("public_dossier")
    scenario.close()
    assert server.count(path_prefix="/api/intake") == 0
    assert server.count("POST", "/api/login") == 1  # logging in reads: it was sent
    assert any("NOT SENT" in text for text in state.written.files.values())


def test_reads_and_extra_reads_are_sent(make, server):
    client = TargetClient(make(), Redactor())
    assert client.call("lookup_dossier", dossier_code="X").ok
    assert client.call("x_report").ok
    assert server.count("GET") == 2
    assert client.call("x_search").ok  # an extra operation the profile declares a read: posted
    assert server.count("POST", "/api/search") == 1


def test_an_extra_operation_is_judged_by_its_method(make, server):
    client = TargetClient(make(), Redactor())
    with pytest.raises(Withheld):
        client.call("x_cleanup")
    assert server.count("DELETE") == 0


@pytest.mark.parametrize("method", ["POST", "DELETE", "PUT", "G3T", "FOOBAR"])
def test_a_probe_that_writes_or_is_malformed_is_not_sent(make, server, method):
    client = TargetClient(make(), Redactor())
    with pytest.raises(Withheld):
        client.request(method, server.url + "/api/thing")
    assert server.seen == []
    assert client.request("GET", server.url + "/api/thing").status_code == 200
    assert server.count() == 1


def test_with_authorisation_or_on_staging_everything_is_sent(make, server):
    for profile in (make(authorised=True), make(environment="staging")):
        client = TargetClient(profile, Redactor())
        assert client.call("counter_intake", procedure_code="1.001").ok
        assert client.request("DELETE", server.url + "/api/thing").status_code == 200
    assert server.count(path_prefix="/api/intake") == 2 and server.count("DELETE") == 2


@pytest.mark.browser
def test_the_browser_posts_nothing_on_production(make, server, browser, tmp_path):
    from harness.browser import BrowserSession

    evidence = _Evidence()
    evidence.path_for = lambda name: tmp_path / name
    evidence.register = lambda path: str(path)
    evidence.write_bytes = lambda name, data: name
    profile = make()
    session = BrowserSession(browser, profile, evidence, "guard")
    try:
        session.page.goto(server.url + "/trang")
        session.page.get_by_label("Họ tên").fill("Nguyễn Văn An")
        with pytest.raises(Withheld):
            session.journeys.run_steps("x_submit", [{"click": {"role": "button", "name": "Nộp hồ sơ"}}])
        other = session.context.new_page()  # the refused post leaves its page on an error page
        other.goto(server.url + "/trang")
        before = len(session.guard.refused)
        other.locator("#xoa").click()
        for _ in range(100):  # the fetch runs after the click returns
            if len(session.guard.refused) > before:
                break
            other.wait_for_timeout(50)
    finally:
        session.close()
    assert server.count("POST") == 0 and server.count("DELETE") == 0
    assert server.count("GET", "/trang") == 2
    assert len(session.guard.refused) >= 2
    assert "POST" in evidence.files["refused-requests.txt"] and "DELETE" in evidence.files["refused-requests.txt"]


@pytest.mark.browser
def test_the_browser_posts_on_staging(make, server, browser, tmp_path):
    from harness.browser import BrowserSession

    evidence = _Evidence()
    evidence.path_for = lambda name: tmp_path / name
    evidence.register = lambda path: str(path)
    evidence.write_bytes = lambda name, data: name
    session = BrowserSession(browser, make(environment="staging"), evidence, "guard")
    try:
        session.page.goto(server.url + "/trang")
        with session.page.expect_response(lambda r: r.request.method == "POST"):
            session.page.get_by_role("button", name="Nộp hồ sơ").click()
    finally:
        session.close()
    assert server.count("POST", "/nop") == 1 and not session.guard.refused
