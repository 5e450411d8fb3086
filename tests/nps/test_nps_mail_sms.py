"""The SMTP sink and the SMS gateway record what a target sends, decoded."""
from __future__ import annotations

import smtplib
import unicodedata
from email.message import EmailMessage
from email.mime.text import MIMEText

import requests

BODY = "Hồ sơ 000.00.00.H29-261124-0001 của ông/bà đã được tiếp nhận. Ngày hẹn trả: 25/11/2026."


def _smtp(simulator):
    return smtplib.SMTP(simulator.ready["smtp_host"], simulator.ready["smtp_port"], timeout=10)


def test_a_utf8_vietnamese_mail_is_recorded_decoded(simulator, nps):
    message = EmailMessage()
    message["From"] = "Cổng dịch vụ công <no-reply@dvc.example.vn>"
    message["To"] = "congdan@example.vn"
    message["Subject"] = "Thông báo tiếp nhận hồ sơ 000.00.00.H29-261124-0001"
    message.set_content(BODY, charset="utf-8", cte="quoted-printable")
    raw = message.as_bytes()
    assert b"=E1=BB" in raw and "Thông báo".encode() not in raw.split(b"\n\n")[0]  # really encoded on the wire
    with _smtp(simulator) as smtp:
        smtp.send_message(message)
    mail = nps.wait_for(kind="mail", match="261124-0001", timeout=10)
    assert len(mail) == 1
    request = mail[0]["request"]
    assert request["subject"] == "Thông báo tiếp nhận hồ sơ 000.00.00.H29-261124-0001"
    assert request["text"].strip() == BODY
    assert request["envelope"] == {"mail_from": "no-reply@dvc.example.vn", "rcpt_tos": ["congdan@example.vn"]}
    assert ["To", "congdan@example.vn"] in request["headers"]
    assert mail[0]["validation"] == [] and mail[0]["response"] == {"smtp": "250 OK"}


def test_a_base64_mail_with_a_decomposed_subject_is_flagged(simulator, nps):
    text = MIMEText(BODY, "plain", "utf-8")  # base64 by default
    text["Subject"] = unicodedata.normalize("NFD", "Yêu cầu bổ sung hồ sơ")
    text["From"], text["To"] = "dvc@example.vn", "a@example.vn"
    with _smtp(simulator) as smtp:
        smtp.sendmail("dvc@example.vn", ["a@example.vn"], text.as_bytes())
    record = nps.wait_for(kind="mail", timeout=10)[0]
    assert record["request"]["text"].strip() == BODY
    assert [(p["kind"], p["path"]) for p in record["validation"]] == [("nfc", "$.subject")]


def test_an_smtp_fault_refuses_the_mail(simulator, nps):
    nps.fault("smtp", error_code="451", message="4.3.0 thử lại sau")
    with _smtp(simulator) as smtp:
        try:
            smtp.sendmail("dvc@example.vn", ["a@example.vn"], b"Subject: x\r\n\r\nx")
            refused = None
        except smtplib.SMTPDataError as exc:
            refused = exc.smtp_code
    assert refused == 451
    assert nps.records(kind="mail")[0]["response"]["smtp"].startswith("451")


def test_an_sms_is_recorded_and_acknowledged(base_url, nps):
    answer = requests.post(f"{base_url}/sms/send", json={
        "to": "0912345678", "message": "Ho so 000.00.00.H29-261124-0001 da co ket qua", "sender": "DVC-HANOI"}).json()
    assert answer["status"] == "ok" and answer["id"]
    sms = nps.records(kind="sms", match="0912345678")
    assert len(sms) == 1 and sms[0]["request"]["sender"] == "DVC-HANOI" and sms[0]["validation"] == []


def test_an_sms_without_a_number_is_refused_and_recorded(base_url, nps):
    reply = requests.post(f"{base_url}/sms/send", json={"message": "xin chào"})
    assert reply.status_code == 400 and "to" in reply.json()["message"]
    assert [(p["rule"], p["path"]) for p in nps.records(kind="sms")[0]["validation"]] == [("required", "$.to")]
