"""Target profiles: the bundled ones load; each kind of mistake is refused naming file:line:column."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from harness import criteria
from harness.profile import load_profile
from harness.yamlsource import InputError

REPO = Path(__file__).resolve().parent.parent.parent
CRITERIA = REPO / "criteria"


@pytest.fixture(scope="module")
def checks():
    return criteria.load_checks(CRITERIA)


@pytest.fixture(scope="module")
def edition(checks):
    return criteria.load_edition(CRITERIA, None, checks)


def load(path, edition, checks, **kw):
    return load_profile(path, edition, checks, CRITERIA, **kw)


MINIMAL = """\
profile_version: 1
id: vendor-x
vendor: Công ty X
system: Cổng DVC tỉnh X
version: "2.1"
environment: staging
systems: [dvc, mcdt]
base_urls: {portal: "https://dvc.example.vn"}
accounts:
  citizen:
    - {username: cd1, password_env: X_PW_CD1}
operations:
  login: {method: POST, path: /api/login, json: {u: "${username}", p: "${password}"}, returns: {session: token}}
status_labels: {Mới: 1, Đã tiếp nhận: 2}
"""


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path, edition, checks) -> str:
    with pytest.raises(InputError) as exc:
        load(path, edition, checks)
    return str(exc.value)


def test_the_bundled_profiles_load(edition, checks):
    refportal = load(REPO / "profiles" / "refportal.yaml", edition, checks, check_files=False)
    assert refportal.id == "refportal" and refportal.status_code("Đã trả kết quả") == 10
    template = load(REPO / "profiles" / "template.yaml", edition, checks, check_files=False)
    assert template.environment in ("staging", "production")


def test_a_minimal_profile_loads(tmp_path, edition, checks):
    profile = load(write(tmp_path, MINIMAL), edition, checks)
    assert profile.base_url("api") == "https://dvc.example.vn"
    assert profile.account("citizen").username == "cd1" and profile.account("leader") is None
    assert profile.allowed_flags() == ["mutates", "intrusive", "load"]


@pytest.mark.parametrize("edit,expected", [
    (lambda d: d.pop("environment"), ["p.yaml:1:1", "'environment' is required"]),
    (lambda d: d.update(environment="prod"), ["p.yaml:6:14", "environment", "must be one of"]),
    (lambda d: d.update(journeys={"lookup": [{"goto": "/"}]}), ["unknown journey 'lookup'", "lookup_dossier"]),
    (lambda d: d["operations"].update(submit={"method": "POST", "path": "/x"}), ["unknown operation 'submit'", "x_"]),
    (lambda d: d["accounts"]["citizen"][0].pop("password_env"), ["password_env, token_env or storage_state"]),
    (lambda d: d.update(features_absent=["postall"]), ["unknown optional feature 'postall'", "postal"]),
    (lambda d: d.update(parameters={"perf.duration_s": 600}), ["may only be lowered"]),
    (lambda d: d.update(parameters={"perf.avg_response_ms": 100}), ["does not let a profile change"]),
    (lambda d: d.update(tls={"ca_file": "nowhere.pem"}), ["CA file not found: nowhere.pem"]),
    (lambda d: d.update(status_labels={"Mới": 11}), ["status_labels", "must be ≤ 10"]),
])
def test_each_mistake_is_named_with_its_position(tmp_path, edition, checks, edit, expected):
    data = yaml.safe_load(MINIMAL)
    edit(data)
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    text = problems_of(path, edition, checks)
    for fragment in expected:
        assert fragment in text, text
    assert "p.yaml:" in text


def test_a_lowered_parameter_is_used_and_reported(tmp_path, edition, checks):
    data = yaml.safe_load(MINIMAL)
    data["parameters"] = {"perf.duration_s": 10}
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    profile = load(path, edition, checks)
    assert profile.parameter(edition, "perf.duration_s") == 10
    assert profile.parameter(edition, "perf.avg_response_ms") == edition.parameter("perf.avg_response_ms")
    assert profile.lowered_parameters(edition) == {
        "perf.duration_s": {"edition": edition.parameter("perf.duration_s"), "profile": 10}}


def test_status_labels_map_exactly_then_loosely(tmp_path, edition, checks):
    profile = load(write(tmp_path, MINIMAL), edition, checks)
    assert profile.status_code("Đã tiếp nhận") == 2
    assert profile.status_code("  đã  TIẾP nhận ") == 2
    assert profile.status_code("Đã trả kết quả") is None and profile.status_code(None) is None


def test_production_allows_only_what_the_authorisation_names(tmp_path, edition, checks):
    data = yaml.safe_load(MINIMAL)
    data["environment"] = "production"
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load(path, edition, checks).allowed_flags() == []
    data["authorisation"] = {"by": "Cục THH", "date": "2026-11-20", "reference": "CV 12/THH", "allows": ["mutates"]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load(path, edition, checks).allowed_flags() == ["mutates"]


def test_secrets_come_from_the_environment(tmp_path, edition, checks, monkeypatch):
    profile = load(write(tmp_path, MINIMAL), edition, checks)
    assert profile.secrets() == []
    monkeypatch.setenv("X_PW_CD1", "Bí-mật-123!")
    assert profile.secrets() == ["Bí-mật-123!"]
