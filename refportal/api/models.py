"""Request bodies of the API (they also document it in /openapi.json)."""
from __future__ import annotations

from pydantic import BaseModel, Field


class LoginBody(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=200)


class RegisterBody(BaseModel):
    username: str = Field(max_length=40)
    password: str = Field(max_length=200)
    full_name: str = Field(max_length=200)
    email: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=20)
    id_number: str | None = Field(None, max_length=20)
    birth_date: str | None = Field(None, max_length=10)
    address: str | None = Field(None, max_length=500)


class ReasonBody(BaseModel):
    reason: str = Field(max_length=4000)


class NoteBody(BaseModel):
    note: str | None = Field(None, max_length=4000)


class PaymentRequestBody(BaseModel):
    amount: int | None = Field(None, description="VNĐ; mặc định tổng phí, lệ phí của thủ tục (default: the procedure's fees)")
    note: str | None = Field(None, max_length=4000)


class AssignBody(BaseModel):
    assignee: str = Field(max_length=40, description="tên đăng nhập của chuyên viên, lãnh đạo — the specialist's user name")
    note: str | None = Field(None, max_length=4000)


class ApologyBody(BaseModel):
    reason: str | None = Field(None, max_length=4000, description="lý do chậm trả — why the result is late")
    new_appointment_date: str | None = Field(None, max_length=10, description="YYYY-MM-DD, sau ngày hẹn cũ — later "
                                                                               "than the old appointment")


class UserBody(BaseModel):
    username: str = Field(max_length=40)
    password: str = Field(max_length=200)
    full_name: str = Field(max_length=200)
    role: str = Field(pattern="^(receiving_officer|specialist|leader|admin)$")
    agency_code: str | None = Field(None, max_length=20)
    title: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=20)


class ReturnBody(BaseModel):
    note: str | None = Field(None, max_length=4000)
    consignment: str | None = Field(None, max_length=40, description="mã vận đơn bưu chính khi trả qua bưu chính — "
                                                                      "the postal consignment number")


class SurveyQuestionBody(BaseModel):
    type: str = Field(pattern="^(choice|text)$")
    text: str = Field(max_length=500)
    options: list[str] = []


class SurveyBody(BaseModel):
    title: str = Field(max_length=300)
    description: str | None = Field(None, max_length=2000)
    questions: list[SurveyQuestionBody]


class NameBody(BaseModel):
    name: str = Field(max_length=300)
    short_name: str | None = Field(None, max_length=200)


class RateBody(BaseModel):
    score: int = Field(ge=1, le=3)  # TT 32/2017 Điều 12: 3 Rất hài lòng, 2 Hài lòng, 1 Chưa hài lòng
    comment: str | None = Field(None, max_length=4000)


class MessageBody(BaseModel):
    text: str = Field(max_length=4000)


class ApplicantBody(BaseModel):
    full_name: str = Field(max_length=200)
    id_number: str | None = Field(None, max_length=20)
    birth_date: str | None = Field(None, max_length=10)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=500)
    type: str = Field("citizen", pattern="^(citizen|business)$")


class FileBody(BaseModel):
    name: str = Field(max_length=255)
    content_base64: str
    component_code: str | None = None
    content_type: str | None = None


class IntakeBody(BaseModel):
    procedure_code: str
    applicant: ApplicantBody
    files: list[FileBody] = []
    return_by_post: bool = False


class FeedbackBody(BaseModel):
    title: str = Field(max_length=300)
    content: str = Field(max_length=10000)
    email: str | None = Field(None, max_length=200)
    name: str | None = Field(None, max_length=200)


class AnswerBody(BaseModel):
    answer: str = Field(max_length=10000)


class SurveyAnswerBody(BaseModel):
    answers: dict[str, str]


class PullBody(BaseModel):
    procedure_code: str
