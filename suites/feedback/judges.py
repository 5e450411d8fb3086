"""Judges of the `feedback_flow` and `survey_flow` observations. Pure functions; the observations
are described in suites/feedback/README.md.
"""
from __future__ import annotations

import unicodedata
from functools import partial

from harness import judging
from harness.judging import Inconclusive

fail_if = partial(judging.fail_if, more=judging.AND_MORE_SEE_OBSERVATIONS)


def _norm(text) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).split())


def was_refused(step: dict) -> bool:
    """The target answered, and refused (HTTP 4xx/5xx) — unlike no answer or no configuration."""
    return not step.get("ok") and isinstance(step.get("http_status"), int)


def submit(obs: dict) -> None:
    sent = obs.get("sent") or {}
    portal, api, views = obs.get("portal") or {}, obs.get("api") or {}, obs.get("views_before") or {}
    problems, undecided = [], []
    broken_pages = [f"{url} → HTTP {status}" for url, status in portal.get("documents") or [] if status >= 400]
    if portal.get("error"):
        if broken_pages:
            problems.append(f"gửi phản ánh trên Cổng: trang trả lỗi ({'; '.join(broken_pages)}) — the complaint page "
                            "answered an error")
        else:
            undecided.append(f"hành trình submit_feedback không chạy được — the submit_feedback journey failed: "
                             f"{portal['error']}")
    elif not str(portal.get("tracking_code") or "").strip():
        problems.append("gửi phản ánh trên Cổng không nhận được mã theo dõi — the portal gave no tracking code")
    if was_refused(api):
        problems.append(f"Cổng từ chối phản ánh gửi qua thao tác submit_feedback: {api.get('error')} — the portal "
                        "refused a valid complaint")
    elif not api.get("ok"):
        undecided.append(f"submit_feedback: {api.get('error')}")
    elif not str(api.get("tracking_code") or "").strip():
        problems.append("submit_feedback không trả về mã theo dõi — no tracking code returned")
    for code, view in views.items():
        if not view.get("ok"):
            problems.append(f"tra cứu phản ánh {code} không được: {view.get('error')} — the complaint cannot be looked "
                            "up by its tracking code")
            continue
        if _norm(sent.get("content")) not in _norm(view.get("content")):
            problems.append(f"phản ánh {code} không hiển thị nội dung đã gửi — the lookup does not show the content "
                            "that was sent")
        if not _norm(view.get("status_label")):
            problems.append(f"phản ánh {code} không có trạng thái — the lookup shows no status")
    fail_if(problems, "Không gửi, tra cứu được phản ánh, kiến nghị", "Complaints cannot be submitted or looked up")
    if undecided:
        raise Inconclusive("; ".join(undecided))
    if not views:
        raise Inconclusive("không có phản ánh nào được gửi để tra cứu — no complaint was submitted to look up")


def answered(obs: dict) -> None:
    answer = obs.get("answer") or {}
    code = answer.get("tracking_code")
    if not code:
        raise Inconclusive(f"không có phản ánh nào để trả lời — no complaint to answer: {answer.get('error') or ''}")
    if not answer.get("ok"):
        if was_refused(answer):
            raise AssertionError(f"Cán bộ không trả lời được phản ánh {code}: {answer.get('error')} — the officer "
                                 "could not answer the complaint")
        raise Inconclusive(f"answer_feedback: {answer.get('error')}")
    before, after = (obs.get("views_before") or {}).get(code) or {}, obs.get("view_after") or {}
    if not after.get("ok"):
        raise AssertionError(f"Sau khi trả lời, không tra cứu được phản ánh {code}: {after.get('error')} — the "
                             "complaint cannot be looked up after the answer")
    problems = []
    if _norm(answer.get("text")) not in _norm(after.get("answer")):
        problems.append(f"phản ánh {code}: người gửi không thấy câu trả lời của cán bộ — the answer is not visible by "
                        "tracking code")
    if _norm(after.get("status_label")) == _norm(before.get("status_label")):
        problems.append(f"phản ánh {code}: trạng thái vẫn là {after.get('status_label')!r} sau khi trả lời — the "
                        "status did not change to answered")
    fail_if(problems, "Câu trả lời phản ánh, kiến nghị không đến được người gửi",
            "The answer does not reach the sender")
