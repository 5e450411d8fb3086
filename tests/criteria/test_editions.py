"""The three editions, their dates (--date), the cross-edition map and partial credit (QĐ 473)."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from harness import criteria, crosswalk, editions, scoring, selection
from harness.cli import main
from harness.yamlsource import InputError

CRITERIA = Path(__file__).resolve().parent.parent.parent / "criteria"
EDITIONS = ("cv255-2018", "tt22-2019", "tt21-2023")


@pytest.fixture(scope="module")
def loaded():
    checks = criteria.load_checks(CRITERIA)
    return {e: criteria.load_edition(CRITERIA, e, checks) for e in EDITIONS}


@pytest.mark.parametrize("edition_id", EDITIONS)
def test_criteria_validate_passes_for_every_edition(capsys, edition_id):
    assert main(["criteria", "validate", "--edition", edition_id]) == 0
    out = capsys.readouterr().out
    assert f"{edition_id}: hợp lệ — valid" in out and "crosswalk.yaml: hợp lệ — valid" in out


def test_tt22_has_every_item_of_articles_3_to_9(loaded):
    by_section = {}
    for c in loaded["tt22-2019"].criteria:
        by_section.setdefault(c["section"], []).append(c)
    assert [len(by_section[k]) for k in (1, 3, 4)] == [10, 10, 19]  # Điều 3 khoản 1-10, Điều 5, Điều 6
    assert len(by_section[2]) >= 2 and len(by_section[5]) >= 4 and len(by_section[6]) >= 3
    # Điều 3 khoản 10: central authentication makes SSO mandatory in 2019+ (review E24)
    assert loaded["tt22-2019"].criterion("YC-10")["mandatory"] and "security.password_policy" in \
        loaded["tt22-2019"].criterion("YC-10")["checks"]


def test_tt21_scores_qd473_groups_and_grades(loaded):
    edition = loaded["tt21-2023"]
    totals = {s["key"]: sum(c["weight"] for c in edition.criteria if c["section"] == s["key"]) for s in edition.sections}
    assert totals == {1: 50, 2: 5, 3: 20, 4: 15, 5: 5, 6: 5}
    assert [(g["grade"], g["min_percent"]) for g in edition.scoring["grades"]] == \
        [("A", 90), ("B", 80), ("C", 65), ("D", 50), ("E", 0)]
    # every per-criterion point is labelled an assumption
    assert all("assumed" in c["provenance"]["note"] for c in edition.criteria)


@pytest.mark.parametrize("day,expected", [("2018-06-01", "cv255-2018"), ("2020-02-19", "cv255-2018"),
                                          ("2020-02-20", "tt22-2019"), ("2024-04-04", "tt22-2019"),
                                          ("2024-04-05", "tt21-2023"), ("2026-12-07", "tt21-2023")])
def test_date_picks_the_edition_in_force(day, expected):
    edition_id, why = editions.resolve(CRITERIA, None, day)
    assert edition_id == expected
    assert "--date" in why and dt.date.fromisoformat(day).strftime("%d/%m/%Y") in why


def test_date_before_any_edition_and_bad_dates_are_input_errors():
    with pytest.raises(InputError, match="no edition is in force"):
        editions.resolve(CRITERIA, None, "2017-01-01")
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        editions.resolve(CRITERIA, None, "07/12/2026")
    with pytest.raises(InputError, match="not both"):
        editions.resolve(CRITERIA, "tt22-2019", "2021-01-01")
    assert editions.resolve(CRITERIA, None, None) == (None, "phiên bản mặc định (default: true) — the default edition")


def test_dokiem_run_date_before_any_edition_exits_2(capsys):
    code = main(["run", "--demo", "--date", "2010-01-01", "--out", "/tmp/dokiem-editions-never"])
    assert code == 2
    assert "--date" in capsys.readouterr().err
    assert not Path("/tmp/dokiem-editions-never").exists()


def test_the_record_states_the_dates(loaded):
    validity = editions.validity(loaded["tt22-2019"], "chosen")
    assert validity["span"] == "20/02/2020 – 04/04/2024" and validity["supersedes"] == ["cv255-2018"]
    assert editions.validity(loaded["tt21-2023"])["span"].endswith("nay (now)")


def test_overlapping_dates_and_unknown_supersedes_are_refused(tmp_path):
    folder = tmp_path / "criteria"
    shutil.copytree(CRITERIA, folder)
    meta = folder / "tt22-2019" / "edition.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace('effective_to: "2024-04-04"', 'effective_to: "2024-05-01"')
                    .replace("supersedes: [cv255-2018]", "supersedes: [qd1697-2018]"), encoding="utf-8")
    with pytest.raises(InputError, match="several editions are in force"):
        editions.resolve(folder, None, "2024-04-20")
    with pytest.raises(InputError, match=r"edition.yaml:\d+:\d+: tt22-2019: 'qd1697-2018' is not another edition"):
        criteria.load_edition(folder, "tt22-2019")


def test_crosswalk_names_counterparts_both_ways(loaded):
    maps = crosswalk.load(CRITERIA, loaded)
    assert crosswalk.counterparts(maps, "tt22-2019", "YC-10", "cv255-2018") == ["DVC-06", "DVC-25", "SEC-05"]
    assert "YC-10" in crosswalk.counterparts(maps, "cv255-2018", "DVC-25", "tt22-2019")
    assert crosswalk.counterparts(maps, "tt21-2023", "CN-09", "tt22-2019") == []  # online payment: not in TT 22's 19
    assert crosswalk.counterparts(maps, "tt21-2023", "EMC-01", "cv255-2018") == []


def test_crosswalk_with_an_unknown_id_is_refused(tmp_path):
    folder = tmp_path / "criteria"
    shutil.copytree(CRITERIA, folder)
    path = folder / "crosswalk.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("YC-01: [GEN-01]", "YC-01: [GEN-99]"), encoding="utf-8")
    with pytest.raises(InputError, match=r"crosswalk.yaml:\d+:\d+: GEN-99: no such criterion in cv255-2018"):
        crosswalk.load(folder)


# --------------------------------------------------------------------------- partial credit

def _results(edition, outcome_of) -> dict:
    return {c: scoring.CheckResult(c, outcome_of(c), "") for c in edition.check_ids()}


def test_partial_credit_keeps_the_share_of_passed_checks_on_a_fail(loaded):
    edition = loaded["tt21-2023"]
    sel = selection.select(edition)
    card = scoring.score(edition, sel, _results(edition, lambda c: "failed" if c == "perf.max_response" else "passed"), set())
    hn01 = card.criteria["HN-01"]  # PERF-01 + PERF-02: avg_response, search_response, max_response
    assert hn01.verdict == "FAIL" and hn01.partial_earned == round(8 * 2 / 3, 2)
    section = next(s for s in card.sections if s.key == 3)
    # HN-02 passes (6); HN-03, HN-04 wait for attestations (0): the section keeps 6 + 5.33
    assert section.earned == pytest.approx(6 + round(8 * 2 / 3, 2))


def test_partial_credit_never_rewards_an_error(loaded):
    edition = loaded["tt21-2023"]
    card = scoring.score(edition, selection.select(edition),
                         _results(edition, lambda c: "error" if c == "perf.max_response" else "passed"), set())
    assert card.criteria["HN-01"].verdict == "ERROR" and not card.criteria["HN-01"].partial_earned


def test_a_checklist_edition_scores_all_or_nothing(loaded):
    edition = loaded["tt22-2019"]
    card = scoring.score(edition, selection.select(edition),
                         _results(edition, lambda c: "failed" if c == "perf.max_response" else "passed"), set())
    assert card.criteria["HN-01"].verdict == "FAIL" and card.criteria["HN-01"].partial_earned is None


def test_partial_credit_outside_a_per_check_edition_is_refused(tmp_path):
    folder = tmp_path / "criteria"
    shutil.copytree(CRITERIA, folder)
    section = folder / "tt22-2019" / "05-hieu-nang.yaml"
    text = section.read_text(encoding="utf-8")
    section.write_text(text.replace("  weight: 2\n", "  weight: 2\n  partial_credit: true\n", 1), encoding="utf-8")
    with pytest.raises(InputError, match="partial_credit needs 'partial_credit: per_check'"):
        criteria.load_edition(folder, "tt22-2019")
