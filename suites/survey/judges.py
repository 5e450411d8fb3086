"""Judge of the survey.* checks: an open survey takes an answer and counts it (survey_flow).
Pure function; the observations are described in suites/feedback/README.md.
"""
from __future__ import annotations

from harness.judging import Inconclusive
from suites.feedback.judges import was_refused


def answer(obs: dict) -> None:
    if obs.get("error"):
        raise Inconclusive(f"không thử được khảo sát — the survey could not be tried: {obs['error']}")
    before, answer, after = obs.get("before") or {}, obs.get("answer") or {}, obs.get("after") or {}
    if not before.get("ok"):
        raise Inconclusive(f"không đọc được kết quả khảo sát trước khi trả lời — survey results unreadable: "
                           f"{before.get('error')}")
    if not answer.get("ok"):
        if was_refused(answer):
            raise AssertionError(f"Khảo sát {obs.get('survey_id')} không nhận câu trả lời: {answer.get('error')} — the "
                                 "open survey refused an answer")
        raise Inconclusive(f"answer_survey: {answer.get('error')}")
    counts = before.get("response_count"), after.get("response_count")
    if not after.get("ok") or not all(isinstance(c, int) and not isinstance(c, bool) for c in counts):
        raise AssertionError(f"Khảo sát {obs.get('survey_id')}: số lượt trả lời không đọc được là số ({counts[0]!r} → "
                             f"{counts[1]!r}) — the published response count is not a number")
    if counts[1] != counts[0] + 1:
        raise AssertionError(f"Khảo sát {obs.get('survey_id')}: số lượt trả lời {counts[0]} → {counts[1]}, phải tăng "
                             f"đúng 1 — the response count went {counts[0]} → {counts[1]}, not up by one")
