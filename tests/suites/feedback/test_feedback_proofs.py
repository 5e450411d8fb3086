"""Negative proofs of the feedback and survey checks on the observations recorded from a clean
refportal run (recorded/feedback_flow.json, recorded/survey_flow.json)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from harness import Inconclusive
from suites.feedback import judges
from suites.survey import judges as survey_judges

HERE = Path(__file__).parent / "recorded"
_FEEDBACK = json.loads((HERE / "feedback_flow.json").read_text(encoding="utf-8"))
_SURVEY = json.loads((HERE / "survey_flow.json").read_text(encoding="utf-8"))


@pytest.fixture
def feedback() -> dict:
    return copy.deepcopy(_FEEDBACK)


@pytest.fixture
def survey() -> dict:
    return copy.deepcopy(_SURVEY)


# ------------------------------------------------------------------------------ feedback.submit

@pytest.mark.proves("feedback.submit")
def test_submit_fails_when_the_portal_has_no_feedback_form(feedback):
    """refportal's "no feedback form" defect: the page answers 404 and so does the API."""
    judges.submit(copy.deepcopy(feedback))
    page = feedback["portal"]["documents"][0][0]
    feedback["portal"] = {"tracking_code": None, "documents": [[page, 404]],
                          "error": "JourneyError: journey 'submit_feedback', step 2 (fill label='Tiêu đề') failed"}
    feedback["api"] = {"ok": False, "http_status": 404, "error": "submit_feedback: HTTP 404", "tracking_code": None}
    feedback["views_before"] = {}
    with pytest.raises(AssertionError) as caught:
        judges.submit(feedback)
    assert "HTTP 404" in str(caught.value)


@pytest.mark.proves("feedback.submit")
def test_submit_fails_when_the_lookup_does_not_show_the_complaint(feedback):
    code = next(iter(feedback["views_before"]))
    feedback["views_before"][code].update(content="", status_label="")
    with pytest.raises(AssertionError, match="nội dung đã gửi"):
        judges.submit(feedback)


def test_submit_is_inconclusive_when_only_the_journey_misfits(feedback):
    feedback["portal"] = {"tracking_code": None, "documents": [["https://x/phan-anh", 200]],
                          "error": "JourneyError: step 2 failed"}
    with pytest.raises(Inconclusive, match="submit_feedback"):
        judges.submit(feedback)


# ------------------------------------------------------------------------------ feedback.answered

@pytest.mark.proves("feedback.answered")
def test_answered_fails_when_the_status_does_not_change(feedback):
    judges.answered(copy.deepcopy(feedback))
    code = feedback["answer"]["tracking_code"]
    feedback["view_after"]["status_label"] = feedback["views_before"][code]["status_label"]
    with pytest.raises(AssertionError, match="did not change"):
        judges.answered(feedback)


@pytest.mark.proves("feedback.answered")
def test_answered_fails_when_the_sender_cannot_see_the_answer(feedback):
    feedback["view_after"]["answer"] = None
    with pytest.raises(AssertionError, match="not visible"):
        judges.answered(feedback)


@pytest.mark.proves("feedback.answered")
def test_answered_fails_when_the_officer_is_refused(feedback):
    feedback["answer"].update(ok=False, http_status=500, error="answer_feedback: HTTP 500")
    with pytest.raises(AssertionError, match="HTTP 500"):
        judges.answered(feedback)


# ------------------------------------------------------------------------------ survey.answer

@pytest.mark.proves("survey.answer")
def test_survey_fails_when_the_count_does_not_rise_by_one(survey):
    survey_judges.answer(copy.deepcopy(survey))
    survey["after"]["response_count"] = survey["before"]["response_count"]
    with pytest.raises(AssertionError, match="not up by one"):
        survey_judges.answer(survey)


@pytest.mark.proves("survey.answer")
def test_survey_fails_when_the_answer_is_refused(survey):
    survey["answer"] = {"ok": False, "http_status": 422, "error": "answer_survey: HTTP 422"}
    with pytest.raises(AssertionError, match="refused an answer"):
        survey_judges.answer(survey)


def test_survey_is_inconclusive_without_an_open_survey(survey):
    with pytest.raises(Inconclusive):
        survey_judges.answer({"error": "OperationError: fixture 'open_survey' is empty"})


# ------------------------------------------------------------------------------ feedback.published

from suites.feedback import publication  # noqa: E402


def _published(feedback: dict) -> dict:
    """The clean recording with the list refportal publishes after the answer (GET /api/feedback)."""
    answer = feedback["answer"]
    feedback["published"] = {"ok": True, "http_status": 200, "error": None,
                             "items": [{"tracking_code": "PAKN-000000-0001", "answer": "khác"},
                                       {"tracking_code": answer["tracking_code"], "title": "…", "answer": answer["text"]}]}
    return feedback


def test_published_passes_when_the_answer_is_in_the_public_list(feedback):
    publication.judge_published(_published(feedback))


@pytest.mark.proves("feedback.published")
def test_published_fails_when_the_answered_complaint_is_not_listed(feedback):
    obs = _published(feedback)
    obs["published"]["items"] = obs["published"]["items"][:1]
    with pytest.raises(AssertionError, match="not published"):
        publication.judge_published(obs)


@pytest.mark.proves("feedback.published")
def test_published_fails_when_listed_without_the_answer(feedback):
    obs = _published(feedback)
    obs["published"]["items"][1]["answer"] = ""
    with pytest.raises(AssertionError, match="without its answer"):
        publication.judge_published(obs)


@pytest.mark.proves("feedback.published")
def test_published_fails_when_the_portal_refuses_the_list(feedback):
    obs = _published(feedback)
    obs["published"] = {"ok": False, "http_status": 404, "error": "HTTP 404", "items": None}
    with pytest.raises(AssertionError, match="does not publish"):
        publication.judge_published(obs)


def test_published_cannot_judge_without_the_operation_or_an_answer(feedback):
    obs = _published(feedback)
    obs["published"] = {"ok": False, "http_status": None, "error": "not mapped", "items": None}
    with pytest.raises(Inconclusive):
        publication.judge_published(obs)
    obs = _published(feedback)
    obs["answer"]["ok"] = False
    with pytest.raises(Inconclusive):
        publication.judge_published(obs)
    obs = _published(feedback)
    obs["published"]["items"] = None
    with pytest.raises(Inconclusive):
        publication.judge_published(obs)
