"""The profile's envelope rule (harness/envelope.py): a refusal answered with HTTP 200 and a body
that says so is read as the refusal it is — the status the body states, or 400 where it states none;
without the rule, or where an operation turns it off, the same answer is a success."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from harness import criteria
from harness.api import TargetClient
from harness.evidence import Redactor
from harness.profile import load_profile
from harness.yamlsource import InputError
from suites.performance.plan import render_request

from .fake_target import FakeTarget
from .test_api_client import FAKE_HEAD
from .test_profile import CRITERIA

PROFILE = FAKE_HEAD + """\
accounts:
  citizen:
    - {anonymous: true}
ENVELOPE
operations:
  lookup_dossier: {method: GET, path: "/api/envelope/${dossier_code}", anonymous: true, returns: {first: "items[0].id"}}
  x_unwrapped: {method: GET, path: "/api/envelope/${dossier_code}", anonymous: true, envelope: false}
  x_two_steps:
    anonymous: true
    steps:
      - {method: GET, path: "/api/envelope/${dossier_code}", capture: {id: "items[0].id"}}
      - {method: GET, path: "/api/envelope/ok"}
    returns: {id: "${id}"}
status_labels: {Mới: 1}
"""
RULE = 'envelope: {refused_when: "success == `false`", status: code}'


@pytest.fixture(scope="module")
def fake():
    with FakeTarget() as target:
        yield target


def client(tmp_path, fake, rule: str = RULE) -> TargetClient:
    path = tmp_path / "fake.yaml"
    path.write_text(PROFILE.replace("URL", fake.url).replace("ENVELOPE", rule), encoding="utf-8")
    checks = criteria.load_checks(CRITERIA)
    return TargetClient(load_profile(path, criteria.load_edition(CRITERIA, None, checks), checks, CRITERIA), Redactor())


def test_a_refusal_in_the_body_carries_the_status_the_body_states(tmp_path, fake):
    result = client(tmp_path, fake).call("lookup_dossier", dossier_code="403")
    assert (result.status, result.ok, result.vars) == (403, False, {})
    assert "HTTP 200" in result.describe() and "403" in result.describe()


def test_a_body_that_states_no_usable_status_is_a_refusal_read_as_400(tmp_path, fake):
    result = client(tmp_path, fake).call("lookup_dossier", dossier_code="E7")
    assert (result.status, result.ok) == (400, False)
    assert "không nêu mã" in result.refused_in_body


def test_an_answer_the_rule_does_not_match_is_a_success(tmp_path, fake):
    result = client(tmp_path, fake).call("lookup_dossier", dossier_code="ok")
    assert (result.status, result.ok, result.vars, result.refused_in_body) == (200, True, {"first": 7}, "")


def test_without_the_rule_or_where_an_operation_turns_it_off_the_answer_is_a_success(tmp_path, fake):
    assert client(tmp_path, fake, rule="").call("lookup_dossier", dossier_code="403").ok
    (tmp_path / "again").mkdir()
    unwrapped = client(tmp_path / "again", fake).call("x_unwrapped", dossier_code="403")
    assert (unwrapped.status, unwrapped.ok) == (200, True)


def test_a_step_refused_in_the_body_stops_the_operation_there(tmp_path, fake):
    result = client(tmp_path, fake).call("x_two_steps", dossier_code="403")
    assert (result.status, result.ok, result.failure) == (403, False, "step 1/2")
    assert "HTTP 200" in result.describe()
    assert client(tmp_path, fake).call("x_two_steps", dossier_code="ok").vars == {"id": 7}


def test_a_rule_that_is_not_jmespath_is_bad_input_naming_its_line(tmp_path, fake):
    with pytest.raises(InputError) as caught:
        client(tmp_path, fake, rule='envelope: {refused_when: "success ==="}')
    assert "fake.yaml:12:12:" in str(caught.value) and "JMESPath" in str(caught.value)


def test_the_load_test_counts_a_refusal_in_the_body_as_a_failed_request(tmp_path, fake):
    planned = render_request(client(tmp_path, fake).profile, "lookup_dossier", dossier_code="403")
    assert planned["refused_when"] == "success == `false`"
    # the locustfile monkey-patches the standard library when imported: read it in a process of its own
    probe = textwrap.dedent(f"""
        import types
        from suites.performance.locustfile_template import refused_in_body
        refused = types.SimpleNamespace(json=lambda: {{"success": False, "code": 403}})
        served = types.SimpleNamespace(json=lambda: {{"success": True}})
        print(bool(refused_in_body(refused, {planned["refused_when"]!r})), refused_in_body(served, {planned["refused_when"]!r}),
              refused_in_body(refused, None))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                          cwd=str(CRITERIA.parent))
    assert done.stdout.split() == ["True", "None", "None"], done.stderr[-2000:]
