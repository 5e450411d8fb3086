"""Checks of complaints and suggestions (phản ánh, kiến nghị)."""
import pytest

from suites.feedback import judges


@pytest.mark.check("feedback.submit")
def test_submit(feedback_flow):
    judges.judge_submit(feedback_flow)


@pytest.mark.check("feedback.answered")
def test_answered(feedback_flow):
    judges.judge_answered(feedback_flow)
