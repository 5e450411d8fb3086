"""The profile language against a small workflow target: roles, steps and captures, computed
returns, pagination, value filters, several codes per label, status_model; and the mistakes the
profile check names before any run."""
from __future__ import annotations

import datetime as dt

import pytest
import yaml

from harness import criteria
from harness.api import ConfigurationError, TargetClient
from harness.evidence import Redactor
from harness.profile import load_profile
from harness.profile_values import render, sends_component_codes
from harness.yamlsource import InputError

from tests.engine.test_profile import CRITERIA
from .workflow_target import CSRF, ITEMS, WorkflowTarget

PROFILE = {
    "profile_version": 1, "id": "workflow", "vendor": "test", "system": "workflow target", "version": "1",
    "environment": "staging", "systems": ["dvc", "mcdt"], "timezone": "Asia/Ho_Chi_Minh",
    "base_urls": {"portal": "URL"},
    "accounts": {"citizen": [{"anonymous": True}], "receiving_officer": [{"anonymous": True}]},
    "operations": {
        "receive_dossier": {
            "steps": [
                {"method": "GET", "path": "/bo/dossiers", "query": {"code": "${dossier_code}"},
                 "capture": {"dossier_id": "items[0].id"}},
                {"method": "GET", "path": "/bo/dossiers/${dossier_id}",
                 "capture": {"step_id": {"jmespath": "workflow.step.id"}, "version": {"header": "ETag"},
                             "sid": {"cookie": "SID"}}},
                {"method": "GET", "path": "/bo/dossiers/${dossier_id}/form",
                 "capture": {"csrf": {"regex": 'name="csrf" value="([^"]+)"'}}},
                {"method": "POST", "path": "/bo/dossiers/${dossier_id}/transitions",
                 "headers": {"If-Match": "${version}", "X-CSRF": "${csrf}", "Cookie": "SID=${sid}"},
                 "json": {"step_id": "${step_id}", "action": "receive"}},
            ],
            "returns": {"status_label": "state", "internal_id": "${dossier_id}"},
        },
        "get_dossier": {
            "returns": {"status_label": "data[?code == '${dossier_code}'] | [0].state"},
            "variants": {
                "citizen": {"method": "GET", "path": "/list/all"},
                "receiving_officer": {"method": "GET", "path": "/bo/dossiers/42", "returns": {"status_label": "state"}},
            },
        },
        "list_dossiers": {"method": "GET", "path": "/list/page", "query": {"page": "${page}"},
                          "returns": {"dossiers": "data"}, "paginate": {"items": "dossiers"}},
        "list_my_dossiers": {"method": "GET", "path": "/list/offset", "query": {"offset": "${offset}"},
                             "returns": {"dossiers": "data"}, "paginate": {"items": "dossiers", "by": "offset"}},
        "x_cursor": {"method": "GET", "path": "/list/cursor", "query": {"after": "${cursor}"},
                     "returns": {"dossiers": "data"}, "paginate": {"items": "dossiers", "by": "cursor", "next": "next"}},
        "x_echo": {"method": "POST", "path": "/echo",
                   "json": {"when": "${moment|utc}", "day": "${moment|date:%d/%m/%Y}",
                            "later": "${day|plus_days:3}", "chain": "${day|plus_days:-1|date:%d.%m}",
                            "file": "${files|data_url}", "run": "dokiem-${run_id}", "mine": "${vendor_key}"},
                   "returns": {"got": "got"}},
        "x_whoami": {"method": "GET", "path": "/whoami", "as": "anonymous", "returns": {"auth": "auth"}},
    },
    "status_labels": {"NEW": 1, "RECEIVED": [2, 4], "DONE": [9, 10]},
    "status_model": {"implicit": {"receive": "on_submit"}, "steps_absent": ["request_payment"]},
    "test_data": {"vendor_key": "riêng của đơn vị"},
}


@pytest.fixture(scope="module")
def target():
    with WorkflowTarget() as t:
        yield t


@pytest.fixture(scope="module")
def registry():
    checks = criteria.load_checks(CRITERIA)
    return checks, criteria.load_edition(CRITERIA, None, checks)


def write(tmp_path, data):
    path = tmp_path / "workflow.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def profile(tmp_path, target, registry):
    target.reset()
    data = yaml.safe_load(yaml.safe_dump(PROFILE))
    data["base_urls"]["portal"] = target.url
    checks, edition = registry
    return load_profile(write(tmp_path, data), edition, checks, CRITERIA)


def client(profile, role):
    return TargetClient(profile, Redactor(), profile.account(role) if role else None)


def test_steps_feed_each_other_through_every_kind_of_capture(profile):
    officer = client(profile, "receiving_officer")
    result = officer.call("receive_dossier", dossier_code="HS-042")
    assert result.ok, result.describe()
    assert result.vars == {"status_label": "RECEIVED", "internal_id": 42}
    transcript = officer.transcript.render()
    assert transcript.count("/bo/dossiers") >= 4 and "s-9" not in transcript  # a captured cookie is a secret
    # the target refused nothing: step id, version, CSRF token and cookie all came from earlier answers
    again = client(profile, "receiving_officer").call("receive_dossier", dossier_code="HS-042")
    assert again.ok and again.vars["status_label"] == "RECEIVED"


def test_a_capture_that_finds_nothing_stops_the_operation_and_says_which(profile):
    result = client(profile, "receiving_officer").call("receive_dossier", dossier_code="HS-999")
    assert not result.ok
    assert "capture 'dossier_id'" in result.describe() and "1/4" in result.describe()


def test_a_refused_step_is_named(profile, target):
    target.server.state["step"] = "elsewhere"  # the dossier moved on: the transition is refused
    steps = dict(profile.operations["receive_dossier"])
    steps["steps"] = [s for s in steps["steps"] if "form" not in s["path"]]  # and no CSRF token
    profile.data["operations"]["receive_dossier"] = {**steps, "returns": {"status_label": "state"}}
    profile.data["operations"]["receive_dossier"]["steps"][-1]["headers"] = {"X-CSRF": CSRF}
    result = client(profile, "receiving_officer").call("receive_dossier", dossier_code="HS-042")
    assert not result.ok and result.status == 409
    assert "step 3/3" in result.describe()


def test_each_role_does_its_own_variant_and_returns_use_the_inputs(profile):
    citizen = client(profile, "citizen").call("get_dossier", dossier_code="HS-004")
    assert citizen.ok and citizen.vars == {"status_label": ITEMS[3]["state"]}
    other = client(profile, "citizen").call("get_dossier", dossier_code="HS-003")
    assert other.vars == {"status_label": ITEMS[2]["state"]} and ITEMS[2]["state"] != ITEMS[3]["state"]
    officer = client(profile, "receiving_officer").call("get_dossier", dossier_code="HS-004")
    assert officer.vars == {"status_label": "NEW"}  # the officer's variant reads the back office
    with pytest.raises(ConfigurationError, match="no variant for role 'anonymous'"):
        client(profile, None).call("get_dossier", dossier_code="HS-004")


@pytest.mark.parametrize("operation", ["list_dossiers", "list_my_dossiers", "x_cursor"])
def test_every_pagination_reads_every_page_once(profile, operation):
    result = client(profile, "receiving_officer").call(operation)
    assert result.ok
    assert result.vars["dossiers"] == ITEMS  # 7 items over pages of 3


def test_pagination_stops_at_max_pages(profile):
    profile.data["operations"]["list_dossiers"]["paginate"]["max_pages"] = 2
    assert len(client(profile, "receiving_officer").call("list_dossiers").vars["dossiers"]) == 6


def test_filters_run_id_and_vendor_keys(profile, monkeypatch):
    monkeypatch.setenv("DOKIEM_RUN_ID", "r-77")
    files = [{"name": "a.pdf", "content": b"%PDF", "content_type": "application/pdf"}]
    result = client(profile, "citizen").call("x_echo", moment="2026-03-01T08:30:00", day="2026-03-01", files=files)
    assert result.ok, result.describe()
    assert result.vars["got"] == {
        "when": "2026-03-01T01:30:00Z",  # a time without zone is the target's (UTC+7)
        "day": "01/03/2026", "later": "2026-03-04", "chain": "28.02",
        "file": "data:application/pdf;base64,JVBERg==", "run": "dokiem-r-77", "mine": "riêng của đơn vị"}


def test_filters_use_the_declared_time_zone():
    moment = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.timezone.utc)
    assert render("${m|date:%Y-%m-%d %H:%M}", {"m": moment}) == "2026-03-02 06:30"
    assert render("${m|date:%Y-%m-%d %H:%M}", {"m": moment}, timezone="UTC") == "2026-03-01 23:30"
    with pytest.raises(ConfigurationError, match="plus_days"):
        render("${d|plus_days:x}", {"d": "2026-01-01"})


def test_component_codes_go_with_the_files_and_an_operation_that_sends_them_is_known():
    files = [{"name": "a.pdf", "content": b"x", "component_code": "GTTT"}, {"name": "b.pdf", "content": b"y"}]
    assert render("${files|component_codes}", {"files": files}) == "GTTT,"
    assert sends_component_codes({"multipart": {"fields": {"codes": "${files|component_codes}"}, "files": {"f": "files"}}})
    assert sends_component_codes({"json": {"files": "${files|files_b64}"}})
    assert not sends_component_codes({"multipart": {"fields": {"x": "${form_data|json}"}, "files": {"f": "files"}}})


def test_an_anonymous_role_never_logs_in_and_as_anonymous_sends_no_session(profile):
    officer = client(profile, "receiving_officer")
    officer.use_token("secret-token")
    assert officer.call("x_whoami").vars["auth"] is None
    assert client(profile, "citizen").login().token is None


def test_several_codes_per_label_and_the_status_model(profile):
    assert profile.status_code("RECEIVED") == 2
    assert profile.status_code("RECEIVED", expected=4) == 4
    assert profile.status_code("RECEIVED", expected=9) == 2
    assert profile.status_codes("done") == [9, 10]
    assert profile.implicit_step("receive") == "on_submit" and profile.implicit_step("approve") is None
    assert profile.step_absent("request_payment") and not profile.step_absent("pay")


@pytest.mark.parametrize("edit, fragment", [
    (lambda d: d["operations"]["x_echo"]["json"].update(bad="${moment|shout}"), "unknown filter '|shout'"),
    (lambda d: d["operations"]["list_dossiers"]["paginate"].update(items="nope"), "paginate.items 'nope'"),
    (lambda d: d["operations"]["x_whoami"].update({"as": "leader"}), "done as 'leader', which has no account"),
    (lambda d: d.update(timezone="Asia/Nowhere"), "unknown time zone"),
    (lambda d: d["operations"]["x_cursor"]["paginate"].pop("next"), "'next' is required"),
    (lambda d: d["status_labels"].update(LATE=[11]), "11"),
    (lambda d: d["status_model"].update(steps_absent=["teleport"]), "status_model.steps_absent.0"),
    (lambda d: d["operations"]["receive_dossier"]["steps"][0]["capture"].update(x={"xpath": "//a"}), "xpath"),
])
def test_mistakes_in_the_language_are_named_with_their_place(tmp_path, registry, edit, fragment):
    data = yaml.safe_load(yaml.safe_dump(PROFILE))
    data["base_urls"]["portal"] = "http://127.0.0.1:9"
    edit(data)
    checks, edition = registry
    with pytest.raises(InputError) as caught:
        load_profile(write(tmp_path, data), edition, checks, CRITERIA)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert fragment in text, text
    assert "workflow.yaml:" in text


def test_every_request_of_steps_and_variants_is_listed_and_the_first_is_what_probes_send(profile):
    from harness.profile_steps import first_request, requests_of

    receive = requests_of("receive_dossier", profile.operations["receive_dossier"])
    assert [label for label, _ in receive] == [f"receive_dossier (step {n})" for n in range(1, 5)]
    assert [spec["path"] for _, spec in requests_of("get_dossier", profile.operations["get_dossier"])] == \
        ["/list/all", "/bo/dossiers/42"]
    assert first_request(profile, "receive_dossier")["path"] == "/bo/dossiers"
    assert first_request(profile, "get_dossier", "receiving_officer")["path"] == "/bo/dossiers/42"
    assert first_request(profile, "get_dossier")["path"] == "/list/all"  # no default: the first variant


def test_an_operation_of_steps_is_noted_as_exercised_once_with_its_role(profile, tmp_path, monkeypatch):
    from harness import exercise
    from harness.ledger import ENV_STAGING, RUN_FILES

    (tmp_path / "staging" / RUN_FILES).mkdir(parents=True)
    monkeypatch.setenv(ENV_STAGING, str(tmp_path / "staging"))
    client(profile, "receiving_officer").call("receive_dossier", dossier_code="HS-042")
    client(profile, "receiving_officer").call("receive_dossier", dossier_code="HS-999")  # a capture finds nothing
    rows = exercise.read(tmp_path / "staging" / RUN_FILES / exercise.FILE)
    assert [(r["name"], r["role"]) for r in rows] == [("receive_dossier", "receiving_officer")] * 2
    assert rows[0]["status"] == 200
