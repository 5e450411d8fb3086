"""Feedback and petitions, surveys, statistics, and the payment platform's callback."""
from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from refportal import defects, dossier_payment, feedback, stats
from refportal.accounts import User
from refportal.api.models import AnswerBody, FeedbackBody, SurveyAnswerBody
from refportal.failures import ApiError
from refportal.web import api_role, api_user, client_ip, ctx_of, get_conn, query_day

router = APIRouter()


@router.post("/feedback", status_code=201, tags=["Phản ánh, kiến nghị — feedback"],
             summary="Gửi phản ánh, kiến nghị — submit feedback")
def submit_feedback(body: FeedbackBody, request: Request, conn: sqlite3.Connection = Depends(get_conn)):
    if defects.on("no-feedback-form"):
        raise ApiError(404, "Không tìm thấy — not found")  # DEFECT: no feedback and petitions
    return {"tracking_code": feedback.submit(conn, body.model_dump(), client_ip(request))}


@router.get("/feedback", tags=["Phản ánh, kiến nghị — feedback"],
            summary="Phản ánh, kiến nghị đã trả lời được công khai — answered feedback, published")
def published_feedback(conn: sqlite3.Connection = Depends(get_conn)):
    return {"items": feedback.published(conn)}


@router.get("/feedback/{tracking_code}", tags=["Phản ánh, kiến nghị — feedback"],
            summary="Xem phản ánh và trả lời — read feedback by tracking code")
def get_feedback(tracking_code: str, conn: sqlite3.Connection = Depends(get_conn)):
    found = feedback.get(conn, tracking_code)
    if found is None:
        raise ApiError(404, "Không tìm thấy phản ánh, kiến nghị — unknown tracking code")
    return found


@router.post("/feedback/{tracking_code}/answer", tags=["Phản ánh, kiến nghị — feedback"],
             summary="Trả lời phản ánh — answer (specialist)")
def answer_feedback(tracking_code: str, body: AnswerBody, request: Request,
                    user: User = Depends(api_role("specialist")), conn: sqlite3.Connection = Depends(get_conn)):
    return feedback.answer(conn, tracking_code, body.answer, user.full_name, user.username, client_ip(request))


@router.get("/surveys", tags=["Khảo sát — surveys"], summary="Các khảo sát đang mở — open surveys")
def surveys(conn: sqlite3.Connection = Depends(get_conn)):
    return {"items": feedback.surveys(conn)}


@router.post("/surveys/{survey_id}/answers", status_code=201, tags=["Khảo sát — surveys"],
             summary="Trả lời khảo sát — answer a survey")
def answer_survey(survey_id: int, body: SurveyAnswerBody, conn: sqlite3.Connection = Depends(get_conn)):
    feedback.answer_survey(conn, survey_id, body.answers)
    return {"status": "ok"}


@router.get("/surveys/{survey_id}/results", tags=["Khảo sát — surveys"], summary="Kết quả khảo sát — survey results")
def survey_results(survey_id: int, conn: sqlite3.Connection = Depends(get_conn)):
    return feedback.survey_results(conn, survey_id)


@router.get("/statistics", tags=["Thống kê — statistics"],
            summary="Thống kê giải quyết hồ sơ — received, resolved, on time, late, pending")
def statistics(date_from: str | None = None, date_to: str | None = None, agency: str | None = None,
               conn: sqlite3.Connection = Depends(get_conn)):
    return stats.statistics(conn, query_day(date_from, "date_from"), query_day(date_to, "date_to"), agency or None)


@router.get("/statistics/ratings", tags=["Thống kê — statistics"],
            summary="Đánh giá mức độ hài lòng theo cơ quan và cán bộ xử lý — ratings by agency and officer")
def rating_statistics(conn: sqlite3.Connection = Depends(get_conn)):
    return stats.ratings(conn)


@router.post("/payment/callback", tags=["Thanh toán — payment"],
             summary="Xác nhận thanh toán (CONFIRM) của nền tảng thanh toán — the platform's confirmation")
async def payment_callback(request: Request):
    try:
        message = await request.json()
    except ValueError:
        return JSONResponse({"MaLoi": "99", "MoTaLoi": "Không phải JSON — not JSON"}, status_code=400)
    conn = ctx_of(request).connect()
    try:
        code, answer = dossier_payment.confirm_payment(conn, ctx_of(request), message)
    finally:
        conn.close()
    return JSONResponse(answer, status_code=code)


@router.post("/payment/sandbox/{reference}/complete", tags=["Thanh toán — payment"],
             summary="Hoàn tất thanh toán thử (không có nền tảng thanh toán) — complete a sandbox payment (owner)")
def sandbox_complete(reference: str, request: Request, user: User = Depends(api_user),
                     conn: sqlite3.Connection = Depends(get_conn)):
    row = dossier_payment.sandbox_pay(conn, ctx_of(request), user, reference)
    return {"payment_reference": reference, "code": row["code"], "status": "paid"}
