"""Every recording the proofs replay matches its scenario's schema (suites/<topic>/<scenario>.schema.json),
and every scenario of criteria/checks.yaml has a schema and a recording made by tests/suites/record.py."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from harness import criteria
from tests.suites import record

HERE = Path(__file__).resolve().parent
RECORDINGS = sorted(HERE.glob("*/recorded/*.json"))


def _scenario(path: Path) -> str:
    return path.stem


def test_every_scenario_has_a_schema_and_a_recording():
    scenarios = {check.scenario for check in criteria.load_checks(record.REPO / "criteria").checks.values()
                 if check.scenario}
    assert scenarios == set(record.TOPICS)
    assert {_scenario(p) for p in RECORDINGS} == scenarios
    for scenario in scenarios:
        assert record.schema_path(scenario).is_file(), scenario
        assert record.recording_path(scenario) in RECORDINGS, scenario


@pytest.mark.parametrize("scenario", sorted(record.TOPICS))
def test_the_schema_is_draft_2020_12(scenario):
    schema = json.loads(record.schema_path(scenario).read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: str(p.relative_to(HERE)))
def test_the_recording_matches_its_schema(path):
    assert record.problems(_scenario(path), json.loads(path.read_text(encoding="utf-8"))) == []


def test_a_recording_that_breaks_the_contract_is_caught():
    obs = json.loads(record.recording_path("dossier_life").read_text(encoding="utf-8"))
    obs["dossiers"][0]["steps"][0].pop("expected_code")
    obs["dossiers"][0]["channel"] = "fax"
    found = record.problems("dossier_life", obs)
    assert any("expected_code" in p for p in found) and any("fax" in p for p in found)


def test_no_recording_is_marked_as_made_by_hand():
    for path in RECORDINGS:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert not any(key.startswith("_") for key in data), path


def test_scrub_masks_secrets_but_keeps_observations_about_them():
    obs = record.scrub({"session": "abc123token", "old_cookie": {"status": 401, "ok": False},
                        "cookie_names": ["rp_session"], "note": "CCCD 001090000001"})
    assert obs["session"] == record.MASK
    assert obs["old_cookie"] == {"status": 401, "ok": False} and obs["cookie_names"] == ["rp_session"]
    assert "001090000001" not in obs["note"]


def test_the_tool_writes_nothing_when_a_recording_breaks_its_schema(tmp_path, monkeypatch):
    work, out = tmp_path / "work", tmp_path / "recorded"
    (work / "raw").mkdir(parents=True)
    (work / "run").mkdir()
    (work / "run" / "compliance.json").write_text('{"target": {"base_urls": {}}}', encoding="utf-8")
    good = record.recording_path("survey_flow").read_text(encoding="utf-8")
    (work / "raw" / "scenario-survey_flow.json").write_text(good, encoding="utf-8")
    (work / "raw" / "scenario-feedback_flow.json").write_text('{"run_id": "r"}', encoding="utf-8")
    monkeypatch.setattr(record, "recording_path", lambda scenario: out / f"{scenario}.json")
    with pytest.raises(SystemExit, match="nothing written(.|\n)*feedback_flow"):
        record.write(["survey_flow", "feedback_flow"], work)
    assert not out.exists()
    assert record.write(["survey_flow"], work) == [out / "survey_flow.json"]
    assert (out / "survey_flow.json").read_text(encoding="utf-8") == good  # the same observations, the same file
