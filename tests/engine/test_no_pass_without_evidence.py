"""No PASS without the target's own evidence: a foreign system that sends the national portal
nothing gets no PASS on a packet criterion, even though the simulator holds dokiem's own calls;
one that refuses every injection probe gets no PASS on the injection criteria.

A real simulator process takes the catalogue scenario's probe (its authentication and LayThuTuc,
as suites/catalogue/observe.py sends them); the target sends nothing. The packet judges then see
the records the packet scenario would give them, beside the steps of a clean run: every check
whose criterion requires the target to send FAILs, none PASSes.
"""
from __future__ import annotations

import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from harness import Inconclusive, criteria
from harness.api import TargetClient
from harness.evidence import Redactor
from harness.nps.client import NpsClient, own_call
from harness.nps.process import start_simulator
from harness.nps.records import DOKIEM, TARGET, from_target
from harness.profile import load_profile
from harness.measured import Measurements
from suites.catalogue.observe import national_records
from suites.packets import judges
from suites.packets import judges_protocol as protocol
from suites.packets.observe import fetch_records
from suites.security import injection
from suites.security import judges as sec_judges

REPO = Path(__file__).resolve().parents[2]
RECORDED = REPO / "tests" / "suites" / "packets" / "recorded" / "packet_log.json"
DOSSIER_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$"
PROCEDURE_PATTERN = r"^\d\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?$"
AGENCY_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$"

# every packet check whose criterion requires the target to send something to the national portal
MUST_SEND = {
    "packets.dossier_synced": lambda o: judges.dossier_synced(o),
    "packets.order": lambda o: judges.order(o),
    "packets.delay": lambda o: judges.delay(o, 60.0, measured=Measurements()),
    "packets.mandatory_fields": lambda o: judges.mandatory_fields(o),
    "packets.codes": lambda o: judges.codes(o, DOSSIER_PATTERN, PROCEDURE_PATTERN, AGENCY_PATTERN),
    "packets.status_codes": lambda o: judges.status_codes(o),
    "packets.date_format": lambda o: judges.date_format(o, 60.0),
    "packets.schema": lambda o: protocol.schema(o),
    "packets.session": lambda o: protocol.session(o, 120.0),
    "packets.is_updating": lambda o: protocol.is_updating(o),
    "packets.lookup": lambda o: protocol.lookup(o),
    "packets.procedure_pull": lambda o: protocol.procedure_pull(o),
    "packets.error_handling": lambda o: protocol.error_handling(o, 120.0),
    "packets.attachments_by_url": lambda o: protocol.attachments_by_url(o),
    "packets.fees": lambda o: protocol.fees(o),
}


@pytest.fixture(scope="module")
def simulator_url():
    process = start_simulator("run-no-pass", REPO / "criteria" / "cv255-2018")
    yield process.ready["url"]
    process.stop()


def test_the_simulator_marks_dokiems_own_calls_and_the_one_filter_drops_them(simulator_url):
    NpsClient(simulator_url).reset()
    requests.post(f"{simulator_url}/dvcqg/auth", json={"username": "dokiem", "password": "dokiem-nps"},
                  headers=own_call("a_probe"), timeout=10)
    requests.post(f"{simulator_url}/dvcqg/auth", json={"username": "dokiem", "password": "dokiem-nps"}, timeout=10)
    raw = NpsClient(simulator_url).records()
    assert [r["origin"] for r in raw] == [DOKIEM, TARGET]
    assert raw[0]["probe"] == "a_probe"
    assert from_target(raw) == [raw[1]]


@pytest.mark.proves(*MUST_SEND)
def test_a_target_that_sends_nothing_gets_no_pass_on_the_packet_criteria(simulator_url):
    nps = NpsClient(simulator_url)
    nps.reset()
    procs = [{"code": "1.000046", "record": {"agency_code": "000.00.00.H29"}, "listing": {}}]
    national_records(simulator_url, procs)  # the catalogue scenario's own probe
    assert procs[0]["national"]["ok"], procs[0]["national"]
    assert len(nps.records()) == 2  # the simulator holds dokiem's authentication and LayThuTuc...
    obs = copy.deepcopy(json.loads(RECORDED.read_text(encoding="utf-8")))
    obs["records"] = fetch_records(nps)  # ...and the packet scenario gives its judges none of them
    obs["downloads"] = []
    assert obs["records"] == []
    verdicts = {}
    for check, judge in MUST_SEND.items():
        try:
            judge(copy.deepcopy(obs))
            verdicts[check] = "PASS"
        except AssertionError:
            verdicts[check] = "FAIL"
        except Exception:  # Inconclusive: ERROR
            verdicts[check] = "ERROR"
    assert "PASS" not in verdicts.values(), verdicts
    # the flow was driven (the recording's dossiers took their steps): sending nothing is FAIL
    assert verdicts == dict.fromkeys(MUST_SEND, "FAIL"), verdicts


def test_where_the_flow_could_not_be_driven_sending_nothing_is_error():
    obs = copy.deepcopy(json.loads(RECORDED.read_text(encoding="utf-8")))
    obs["records"] = []
    for dossier in obs["dossiers"]:
        for step in dossier["steps"]:
            step["ok"] = False
    for check in ("packets.schema", "packets.codes", "packets.mandatory_fields", "packets.session"):
        with pytest.raises(Inconclusive):
            MUST_SEND[check](copy.deepcopy(obs))


# ---------------------------------------------------------------- a target that refuses every probe

REFUSING_PROFILE = """\
profile_version: 1
id: strict
vendor: test
system: a portal that validates every input
version: "1"
environment: staging
systems: [dvc]
base_urls: {portal: "URL"}
accounts: {}
operations:
  search_procedures: {method: GET, path: /api/search, anonymous: true, query: {q: "${keyword}"},
                      returns: {procedures: items}}
  lookup_dossier: {method: GET, path: "/api/lookup", anonymous: true, query: {code: "${dossier_code}"},
                   returns: {status_label: status}}
status_labels: {Mới: 1}
"""


class _Strict(BaseHTTPRequestHandler):
    """Answers ordinary words (200, or 404 for an unknown dossier) and refuses anything else with 422."""

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        query = parse_qs(urlsplit(self.path).query)
        value = (query.get("q") or query.get("code") or [""])[0]
        if not value.isalnum():
            status, body = 422, {"detail": "dữ liệu không hợp lệ — invalid input"}
        elif self.path.startswith("/api/search"):
            status, body = 200, {"items": []}
        else:
            status, body = 404, {"detail": "không tìm thấy hồ sơ"}
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def strict_client(tmp_path, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Strict)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    path = tmp_path / "strict.yaml"
    path.write_text(REFUSING_PROFILE.replace("URL", f"http://127.0.0.1:{server.server_address[1]}"), encoding="utf-8")
    checks = criteria.load_checks(REPO / "criteria")
    profile = load_profile(path, criteria.load_edition(REPO / "criteria", None, checks), checks, REPO / "criteria")
    yield TargetClient(profile, Redactor())
    server.shutdown()
    server.server_close()


@pytest.mark.proves("security.sqli", "security.xss")
def test_a_target_that_refuses_every_injection_probe_gets_no_pass(strict_client):
    obs = {"sqli": injection.sqli(strict_client, "dk12345q"),
           "xss": injection.api_xss(strict_client, None, injection.xss_payloads("dk12345"), None)}
    assert {b["status"] for b in obs["sqli"]["baseline"].values()} == {200, 404}  # ordinary queries are answered
    assert {p["status"] for p in obs["sqli"]["probes"]} == {422}                  # every probe is refused
    assert {r["status"] for r in obs["xss"]} == {422}
    with pytest.raises(Inconclusive, match="every probe was refused"):
        sec_judges.sqli(obs)
    with pytest.raises(Inconclusive, match="refused probe proves nothing"):
        sec_judges.xss(obs)


@pytest.mark.proves("packets.schema", "packets.codes", "packets.fees", "packets.attachments_by_url")
def test_a_target_that_only_pulls_procedures_gets_no_pass_on_what_sync_packets_carry():
    """Its own LayThuTuc calls (valid, well coded) are not the dossier packets these criteria are about."""
    obs = copy.deepcopy(json.loads(RECORDED.read_text(encoding="utf-8")))
    obs["records"] = [r for r in obs["records"] if r["kind"] == "auth" or r["service"] == "LayThuTuc"]
    obs["downloads"] = []
    assert any(r["service"] == "LayThuTuc" for r in obs["records"])
    for check in ("packets.schema", "packets.codes", "packets.fees", "packets.attachments_by_url"):
        with pytest.raises(AssertionError, match="DongBoHoSoMC"):
            MUST_SEND[check](copy.deepcopy(obs))
