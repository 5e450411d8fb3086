"""Check of surveys and consultations (khảo sát, tham vấn)."""
import pytest

from suites.feedback import judges


@pytest.mark.check("survey.answer")
def test_answer(survey_flow):
    judges.judge_survey(survey_flow)
