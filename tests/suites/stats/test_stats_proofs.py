"""Negative proofs of the statistics checks on the observations recorded from a clean refportal run
(recorded/stats_snapshot.json)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from harness import Inconclusive
from suites.stats import judges

RECORDED = Path(__file__).parent / "recorded" / "stats_snapshot.json"
_GOOD = json.loads(RECORDED.read_text(encoding="utf-8"))


@pytest.fixture
def obs() -> dict:
    return copy.deepcopy(_GOOD)


# ------------------------------------------------------------------------------ stats.page

@pytest.mark.proves("stats.page")
def test_page_fails_without_the_late_measure(obs):
    judges.page(copy.deepcopy(obs))
    obs["page"]["labels"] = [label for label in obs["page"]["labels"] if label != "Trễ hạn"]
    with pytest.raises(AssertionError, match="trễ hạn"):
        judges.page(obs)


@pytest.mark.proves("stats.page")
def test_page_fails_without_figures_breakdown_or_period(obs):
    obs["page"]["cells"] = ["Chưa có hồ sơ trong kỳ."]
    obs["page"]["controls"] = []
    obs["page"]["labels"] = [label for label in obs["page"]["labels"]
                             if "cơ quan" not in label.lower() and "lĩnh vực" not in label.lower()]
    with pytest.raises(AssertionError) as caught:
        judges.page(obs)
    message = str(caught.value)
    assert "ô số liệu" in message and "cơ quan hay lĩnh vực" in message and "chọn kỳ" in message


def test_page_is_inconclusive_when_no_page_was_found(obs):
    obs["page"] = {"url": None, "error": "TimeoutError: locator get_by_role('link', name=/thống kê/i)"}
    with pytest.raises(Inconclusive, match="x_statistics_page"):
        judges.page(obs)


# ------------------------------------------------------------------------------ stats.json

@pytest.mark.proves("stats.json")
def test_json_fails_when_resolved_is_not_on_time_plus_late(obs):
    judges.json(copy.deepcopy(obs))
    obs["snapshot"]["values"]["late"] += 1
    with pytest.raises(AssertionError, match="resolved is not on time"):
        judges.json(obs)


@pytest.mark.proves("stats.json")
def test_json_fails_when_counts_are_text(obs):
    obs["snapshot"]["values"]["received"] = str(obs["snapshot"]["values"]["received"])
    with pytest.raises(AssertionError, match="không phải số nguyên"):
        judges.json(obs)


@pytest.mark.proves("stats.json")
def test_json_fails_when_received_is_below_resolved(obs):
    obs["statistics_after"]["received"] = obs["statistics_after"]["resolved"] - 1
    with pytest.raises(AssertionError, match="received is less than resolved"):
        judges.json(obs)


def test_json_is_inconclusive_when_not_configured(obs):
    obs["snapshot"] = {"ok": False, "not_configured": True, "error": "not in the profile"}
    with pytest.raises(Inconclusive):
        judges.json(obs)


# ------------------------------------------------------------------------------ stats.agree_with_dossiers

@pytest.mark.proves("stats.agree_with_dossiers")
@pytest.mark.parametrize("field, change", [("received", 1), ("received", -1), ("resolved", 1)])
def test_agree_fails_when_the_counts_disagree_with_the_run(obs, field, change):
    judges.agree_with_dossiers(copy.deepcopy(obs))
    obs["statistics_after"][field] += change
    with pytest.raises(AssertionError, match="grew by"):
        judges.agree_with_dossiers(obs)


def test_agree_uses_the_refreshed_snapshot_when_there_is_one(obs):
    refreshed = dict(obs["statistics_after"])
    obs["statistics_after"]["received"] -= 1  # not refreshed yet when dossier_life ended
    obs["statistics_refreshed"] = refreshed
    judges.agree_with_dossiers(obs)


def test_agree_counts_the_run(obs):
    grown, unknown = judges.expected_growth(obs["dossiers"])
    # received: online_full, online_browser, counter, postal, withdrawn, stopped, delayed (refused never
    # is); resolved, each days before its appointment: online_full, online_browser, counter, postal
    assert grown == {"received": 7, "resolved": 4, "on_time": 4, "late": 0} and unknown == []


@pytest.mark.proves("stats.agree_with_dossiers")
def test_agree_fails_when_a_dossier_resolved_on_time_is_counted_late(obs):
    obs["statistics_after"]["on_time"] -= 1
    obs["statistics_after"]["late"] += 1  # resolved = on time + late still holds: only the run can tell
    with pytest.raises(AssertionError, match="the run resolved late 0"):
        judges.agree_with_dossiers(obs)


def test_a_dossier_resolved_after_its_appointment_is_expected_late(obs):
    online = next(d for d in obs["dossiers"] if d["key"] == "online_full")
    for step in online["steps"]:
        step["appointment_date"] = "2020-01-02T17:00:00+07:00" if step.get("appointment_date") else None
    assert judges.on_time(online) is False
    obs["statistics_after"]["on_time"] -= 1
    obs["statistics_after"]["late"] += 1
    judges.agree_with_dossiers(obs)
    resolved_day = next(s for s in online["steps"] if s.get("expected_code") == 9)["finished"][:10]
    for step in online["steps"]:  # resolved on the appointment day itself: on time
        step["appointment_date"] = resolved_day
    assert judges.on_time(online) is True


@pytest.mark.parametrize("unknown", ["appointment", "apology"])
def test_timeliness_is_not_judged_when_an_appointment_is_unknown_or_moved(obs, unknown):
    online = next(d for d in obs["dossiers"] if d["key"] == "online_full")
    if unknown == "apology":
        online["apology"] = True
    else:
        for step in online["steps"]:
            step["appointment_date"] = None
    grown, _ = judges.expected_growth(obs["dossiers"])
    assert grown["on_time"] is None and grown["late"] is None and grown["resolved"] == 4
    obs["statistics_after"]["late"] += 1
    obs["statistics_after"]["on_time"] -= 1
    judges.agree_with_dossiers(obs)  # received and resolved are still judged, and agree


@pytest.mark.parametrize("change", [{"crossed_midnight": True}, {"statistics_before": None},
                                    {"dossier_life_error": "FixtureLookupError: dossier_life"}])
def test_agree_is_inconclusive_when_it_cannot_compare(obs, change):
    obs.update(change)
    with pytest.raises(Inconclusive):
        judges.agree_with_dossiers(obs)
