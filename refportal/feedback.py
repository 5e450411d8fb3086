"""Phản ánh, kiến nghị (feedback and petitions) with tracking codes, and surveys (khảo sát)."""
from __future__ import annotations

import json
import secrets
import sqlite3

from refportal import audit, clock, db, defects
from refportal.accounts import EMAIL, INVALID_EMAIL
from refportal.failures import ApiError
from refportal.text import nfc

RECEIVED, ANSWERED = "Đã tiếp nhận", "Đã trả lời"


def _text(value, field: str, limit: int, required: bool = True) -> str | None:
    value = nfc(value.strip()) if isinstance(value, str) else ""
    if required and not value:
        raise ApiError(422, f"Cần nhập {field} — {field} is required")
    if len(value) > limit:
        raise ApiError(422, f"{field} tối đa {limit} ký tự — {field}: at most {limit} characters")
    return value or None


def submit(conn: sqlite3.Connection, data: dict, ip: str | None) -> str:
    title = _text(data.get("title"), "title", 300)
    content = _text(data.get("content"), "content", 10000)
    name = _text(data.get("name"), "name", 200, required=False)
    email = _text(data.get("email"), "email", 200, required=False)
    if email and not EMAIL.fullmatch(email):
        raise ApiError(422, INVALID_EMAIL)
    now = clock.now()
    with db.transaction(conn):
        for _ in range(5):
            code = f"PAKN-{now:%y%m%d}-{secrets.token_hex(3).upper()}"
            if not conn.execute("SELECT 1 FROM feedback WHERE tracking_code = ?", (code,)).fetchone():
                break
        conn.execute("INSERT INTO feedback(tracking_code, title, content, name, email, created_at) VALUES (?,?,?,?,?,?)",
                     (code, title, content, name, email, clock.iso(now)))
        audit.record(conn, None, "feedback_submit", code, ip)
    return code


def get(conn: sqlite3.Connection, tracking_code: str) -> dict | None:
    row = conn.execute("SELECT * FROM feedback WHERE tracking_code = ?", (tracking_code.strip(),)).fetchone()
    return _view(row) if row else None


def _view(row: sqlite3.Row) -> dict:
    return {"tracking_code": row["tracking_code"], "title": row["title"], "content": row["content"],
            "status_label": ANSWERED if row["answer"] else RECEIVED, "answer": row["answer"],
            "created_at": row["created_at"], "answered_at": row["answered_at"]}


def answer(conn: sqlite3.Connection, tracking_code: str, text, officer_name: str, username: str, ip: str | None) -> dict:
    text = _text(text, "answer", 10000)
    with db.transaction(conn):
        row = conn.execute("SELECT * FROM feedback WHERE tracking_code = ?", (tracking_code,)).fetchone()
        if row is None:
            raise ApiError(404, "Không tìm thấy phản ánh, kiến nghị — unknown tracking code")
        conn.execute("UPDATE feedback SET answer = ?, answered_at = ?, answered_by = ? WHERE id = ?",
                     (text, clock.iso(clock.now()), officer_name, row["id"]))
        audit.record(conn, username, "feedback_answer", tracking_code, ip)
    return get(conn, tracking_code)


def published(conn: sqlite3.Connection, limit: int = 20) -> list[dict]:
    """Answered feedback, published without the sender's name or e-mail."""
    rows = conn.execute("SELECT * FROM feedback WHERE answer IS NOT NULL ORDER BY answered_at DESC LIMIT ?", (limit,))
    return [_view(r) for r in rows]


# --- surveys -----------------------------------------------------------------------------------

def surveys(conn: sqlite3.Connection) -> list[dict]:
    return [_survey(r) for r in conn.execute("SELECT * FROM surveys WHERE is_open = 1 ORDER BY id")]


def _survey(row: sqlite3.Row) -> dict:
    return {"id": row["id"], "title": row["title"], "description": row["description"],
            "questions": json.loads(row["questions"]), "open": bool(row["is_open"])}


def survey(conn: sqlite3.Connection, survey_id: int) -> dict | None:
    row = conn.execute("SELECT * FROM surveys WHERE id = ?", (survey_id,)).fetchone()
    return _survey(row) if row else None


def answer_survey(conn: sqlite3.Connection, survey_id: int, answers) -> None:
    found = survey(conn, survey_id)
    if found is None or not found["open"]:
        raise ApiError(404, "Không có khảo sát đang mở — no such open survey")
    if not isinstance(answers, dict) or not answers:
        raise ApiError(422, "answers phải là đối tượng {mã câu hỏi: câu trả lời} — answers must map question ids to answers")
    questions = {q["id"]: q for q in found["questions"]}
    clean = {}
    for qid, value in answers.items():
        question = questions.get(qid)
        if question is None:
            raise ApiError(422, f"Không có câu hỏi '{qid}' — unknown question; use one of {', '.join(questions)}")
        value = nfc(str(value).strip())
        if question["type"] == "choice" and value not in question["options"]:
            raise ApiError(422, f"Câu {qid}: chọn một trong {question['options']} — choose one of the options")
        if len(value) > 4000:
            raise ApiError(422, f"Câu {qid}: tối đa 4000 ký tự — at most 4000 characters")
        clean[qid] = value
    if defects.on("survey-not-counted"):
        return  # DEFECT: the answer is accepted, then forgotten
    with db.transaction(conn):
        conn.execute("INSERT INTO survey_answers(survey_id, answers, created_at) VALUES (?,?,?)",
                     (survey_id, json.dumps(clean, ensure_ascii=False), clock.iso(clock.now())))


def survey_results(conn: sqlite3.Connection, survey_id: int) -> dict:
    found = survey(conn, survey_id)
    if found is None:
        raise ApiError(404, "Không có khảo sát — no such survey")
    rows = [json.loads(r["answers"]) for r in conn.execute("SELECT answers FROM survey_answers WHERE survey_id = ?",
                                                              (survey_id,))]
    questions = []
    for q in found["questions"]:
        item = {"id": q["id"], "text": q["text"], "type": q["type"],
                "answered": sum(1 for r in rows if r.get(q["id"]))}
        if q["type"] == "choice":
            item["counts"] = {option: sum(1 for r in rows if r.get(q["id"]) == option) for option in q["options"]}
        questions.append(item)
    return {"survey_id": survey_id, "title": found["title"], "response_count": len(rows), "questions": questions}


def create_survey(conn: sqlite3.Connection, username: str, data: dict, ip: str | None) -> dict:
    """A new open survey: a title, a description and questions, each a choice (two or more options)
    or a free text; 422 naming the question and field that is wrong."""
    title = _text(data.get("title"), "title", 300)
    description = _text(data.get("description"), "description", 2000, required=False) or ""
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw or len(raw) > 20:
        raise ApiError(422, "questions: cần 1–20 câu hỏi — give 1 to 20 questions")
    questions = []
    for i, q in enumerate(raw, start=1):
        if not isinstance(q, dict) or q.get("type") not in ("choice", "text"):
            raise ApiError(422, f"questions[{i - 1}].type: choice hoặc text — must be choice or text")
        text = _text(q.get("text"), f"questions[{i - 1}].text", 500)
        item = {"id": f"q{i}", "type": q["type"], "text": text}
        if q["type"] == "choice":
            options = [nfc(str(o).strip()) for o in q.get("options") or [] if str(o).strip()]
            if len(options) < 2 or len(set(options)) != len(options):
                raise ApiError(422, f"questions[{i - 1}].options: cần ít nhất hai phương án khác nhau — "
                                    "at least two different options")
            item["options"] = options
        questions.append(item)
    with db.transaction(conn):
        cur = conn.execute("INSERT INTO surveys(title, description, questions) VALUES (?,?,?)",
                           (title, description, json.dumps(questions, ensure_ascii=False)))
        audit.record(conn, username, "survey_create", str(cur.lastrowid), ip)
    return survey(conn, cur.lastrowid)


def close_survey(conn: sqlite3.Connection, username: str, survey_id: int, ip: str | None) -> dict:
    with db.transaction(conn):
        if conn.execute("UPDATE surveys SET is_open = 0 WHERE id = ?", (survey_id,)).rowcount == 0:
            raise ApiError(404, "Không có khảo sát — no such survey")
        audit.record(conn, username, "survey_close", str(survey_id), ip)
    return survey(conn, survey_id)


def all_surveys(conn: sqlite3.Connection) -> list[dict]:
    return [_survey(r) for r in conn.execute("SELECT * FROM surveys ORDER BY id")]
