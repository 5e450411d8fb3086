"""--only / --section selection and production safety."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness import criteria, selection
from harness.yamlsource import InputError

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    target = tmp_path_factory.mktemp("c") / "criteria"
    shutil.copytree(HERE.parent / "criteria" / "mini-criteria", target)
    shutil.copytree(HERE.parent.parent / "criteria" / "schema", target / "schema")
    return criteria.load_edition(target)


def test_everything_by_default(edition):
    chosen = selection.select(edition)
    assert chosen.criteria == ("GEN-01", "GEN-02", "HS-01", "HS-02") and not chosen.partial
    assert chosen.checks == {"dossier.code_format", "lookup.public", "perf.avg_response"}


def test_only_and_section(edition):
    assert selection.select(edition, only="HS-01").checks == {"dossier.code_format"}
    chosen = selection.select(edition, section="1")
    assert chosen.criteria == ("GEN-01", "GEN-02") and chosen.checks == frozenset() and chosen.partial
    assert selection.select(edition, only="HS-01,HS-02", section="2").criteria == ("HS-01", "HS-02")


def test_unknown_ids_and_sections_are_bad_input(edition):
    with pytest.raises(InputError) as exc:
        selection.select(edition, only="HS-01,XX-09", section="9")
    text = str(exc.value)
    assert "XX-09" in text and "--only" in text and "--section" in text


@pytest.mark.parametrize("flags,environment,authorised,skipped", [
    (["mutates"], "production", False, True),
    (["intrusive"], "production", False, True),
    (["load"], "production", False, True),
    (["mutates"], "production", True, False),
    (["mutates", "load"], "staging", False, False),
    ([], "production", False, False),
])
def test_production_safety(flags, environment, authorised, skipped):
    reason = selection.safety_skip_reason(flags, environment, authorised)
    assert (reason is not None) == skipped
    if reason:
        assert all(f in reason for f in flags) and "production" in reason


def test_a_read_only_check_inherits_the_flags_of_its_scenario(edition, tmp_path):
    checks = criteria.load_checks(edition.folder.parent)
    # lookup.public has no flags but shares the scenario dossier_life with dossier.code_format (mutates)
    assert checks.checks["lookup.public"].flags == []
    assert selection.check_flags(checks, "lookup.public") == ["mutates"]
    assert selection.check_flags(checks, "perf.avg_response") == ["load"]


def test_an_authorisation_allows_only_the_flags_it_names():
    reason = selection.safety_skip_reason(["mutates", "load"], "production", ["mutates"])
    assert reason is not None and "load" in reason and "mutates" not in reason
    assert selection.safety_skip_reason(["mutates"], "production", ["mutates", "load"]) is None


def test_decide_gives_each_check_its_scenario_flags_and_safety_once(edition):
    checks = criteria.load_checks(edition.folder.parent)
    ids = selection.select(edition).checks
    on_production = selection.decide(checks, ids, "production", ["load"])
    assert on_production["dossier.code_format"] == selection.CheckDecision("dossier_life", ("mutates",),
                                                                           on_production["dossier.code_format"].withheld)
    assert "mutates" in on_production["dossier.code_format"].withheld
    assert "mutates" in on_production["lookup.public"].withheld  # its scenario creates data
    assert on_production["perf.avg_response"].withheld is None  # the authorisation allows load
    assert not any(d.withheld for d in selection.decide(checks, ids, "staging", []).values())
