"""How the feedback and survey scenarios drive the portal: a complaint through the portal's page
(journey submit_feedback) and one through the API, both looked up by tracking code, one answered
by a specialist; an answer to the open survey between two reads of its results."""
from __future__ import annotations

from harness.judging import iso, now


def _step(result) -> dict:
    return {"ok": result.ok, "http_status": result.status, "error": None if result.ok else result.describe()}


def sender_email(profile) -> str | None:
    citizen = profile.account("citizen")
    return (citizen.known.get("email") if citizen else None) or (profile.test_data.get("applicant") or {}).get("email")


def submit_in_portal(sc, browser, sent: dict) -> dict:
    """The complaint sent through the portal's own page; the main documents' HTTP statuses are kept,
    so a missing page (404) is told apart from a journey that does not fit."""
    session = sc.browser(browser, "phan-anh")
    documents: list[tuple[str, int]] = []
    session.page.on("response", lambda r: documents.append((r.url, r.status))
                    if r.request.resource_type == "document" and r.frame == session.page.main_frame else None)
    outcome = {"tracking_code": None, "error": None}
    try:
        fields = {k: sent[k] for k in ("title", "content", "email")}  # `name` is the journey's own argument
        outcome["tracking_code"] = session.journey("submit_feedback", **fields).get("tracking_code")
    except Exception as exc:  # noqa: BLE001 - judged: a page error is FAIL, a journey misfit ERROR
        outcome["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        session.close(failed=outcome["error"] is not None)
    outcome["documents"] = documents
    return outcome


def view(client, code: str) -> dict:
    result = client.try_call("get_feedback", tracking_code=code)
    return {**_step(result), **({k: result.vars.get(k) for k in ("status_label", "answer", "content", "title")}
                                if result.ok else {})}


def feedback_flow(sc, browser, profile, run_id: str) -> dict:
    sent = {"title": f"Góp ý thử nghiệm {run_id}",
            "content": f"Nội dung phản ánh, kiến nghị do dokiem gửi để kiểm tra chức năng (lượt chạy {run_id}).",
            "email": sender_email(profile), "name": "Người kiểm thử dokiem"}
    anonymous = sc.client(None)
    portal = submit_in_portal(sc, browser, sent)
    api_sent = {**sent, "title": sent["title"] + " (API)"}
    result = anonymous.try_call("submit_feedback", **api_sent)
    api = {**_step(result), "tracking_code": result.vars.get("tracking_code") if result.ok else None}
    codes = [c for c in (portal.get("tracking_code"), api.get("tracking_code")) if c]
    views_before = {code: view(anonymous, code) for code in codes}
    answer = {"tracking_code": api.get("tracking_code") or portal.get("tracking_code"),
              "text": f"Cơ quan đã tiếp nhận và trả lời góp ý của Quý vị (dokiem {run_id}).", "ok": False,
              "http_status": None, "error": None}
    view_after = None
    if answer["tracking_code"]:
        try:
            started = now()
            result = sc.client("specialist").try_call("answer_feedback", tracking_code=answer["tracking_code"],
                                                  answer=answer["text"])
            answer.update(_step(result), started=iso(started))
        except Exception as exc:  # noqa: BLE001 - e.g. no specialist account: ERROR with the reason
            answer["error"] = f"{type(exc).__name__}: {exc}"
        view_after = view(anonymous, answer["tracking_code"])
    return {"sent": sent, "portal": portal, "api": api, "views_before": views_before, "answer": answer,
            "view_after": view_after, "published": published(anonymous) if answer.get("ok") else None}


def published(client) -> dict:
    """The public list of answered complaints, read anonymously after the answer."""
    if not client.has("list_published_feedback"):
        return {"ok": False, "http_status": None, "items": None,
                "error": "the profile does not map list_published_feedback — hồ sơ mục tiêu chưa khai báo thao tác này"}
    result = client.call("list_published_feedback")
    items = result.vars.get("items") if result.ok else None
    return {**_step(result), "items": items if isinstance(items, list) else None}


# ------------------------------------------------------------------------------ surveys

def survey_answers(profile, results_json) -> dict:
    """test_data.survey_answers when the profile gives them, else one answer per question of the
    published results (refportal/API.md shape: questions[{id, type, counts}]): its first option,
    or a short text."""
    given = profile.test_data.get("survey_answers")
    if given:
        return given
    answers = {}
    for question in (results_json or {}).get("questions") or []:
        if not isinstance(question, dict) or "id" not in question:
            continue
        options = list((question.get("counts") or {}).keys())
        answers[question["id"]] = options[0] if question.get("type") == "choice" and options else "Ý kiến thử nghiệm (dokiem)"
    return answers


def survey_flow(sc, profile) -> dict:
    anonymous = sc.client(None)
    try:
        survey_id = sc.fixture("open_survey")
    except Exception as exc:  # noqa: BLE001 - no open survey: ERROR with the reason
        return {"error": f"{type(exc).__name__}: {exc}"}
    before = anonymous.try_call("get_survey_results", survey_id=survey_id)
    answers = survey_answers(profile, before.json if before.ok else None)
    answered = anonymous.try_call("answer_survey", survey_id=survey_id, answers=answers)
    after = anonymous.try_call("get_survey_results", survey_id=survey_id)
    return {"survey_id": survey_id, "answers": answers, "error": None,
            "before": {**_step(before), "response_count": before.vars.get("response_count") if before.ok else None},
            "answer": _step(answered),
            "after": {**_step(after), "response_count": after.vars.get("response_count") if after.ok else None}}
