"""Mail and SMS to the applicant: at receipt, at a supplement request and when the result is ready."""
from __future__ import annotations

from tests.refportal.conftest import ACCOUNTS, LEVEL3


def test_mail_and_sms_at_each_milestone(citizen, officer, specialist, leader, stub):
    code = citizen.submit(LEVEL3)["code"]
    officer.step(code, "receive")
    officer.step(code, "request-supplement", reason="Bổ sung bản vẽ")
    citizen.post(f"/api/dossiers/{code}/supplement", files=[("files", ("ban-ve.pdf", b"%PDF ban ve", "application/pdf"))])
    specialist.step(code, "process")
    leader.step(code, "approve")
    person = ACCOUNTS["congdan1"]

    def mails(s):
        found = [r.request for r in s.records(kind="mail") if code in r.request["subject"]]
        return found if len(found) >= 4 else None

    found = stub.wait_for(mails, what="four mails naming the dossier")
    assert all(m["to"] == [person["email"]] for m in found)
    subjects = " | ".join(m["subject"] for m in found)
    for words in ("đã nộp thành công", "đã được tiếp nhận", "cần bổ sung, hoàn thiện", "đã có kết quả"):
        assert words in subjects
    supplement_mail = next(m for m in found if "cần bổ sung" in m["subject"])
    assert "Bổ sung bản vẽ" in supplement_mail["text"] and code in supplement_mail["text"]

    def texts(s):
        found = [r.request for r in s.records(kind="sms") if code in r.request["message"]]
        return found if len(found) >= 3 else None

    sms = stub.wait_for(texts, what="three SMS naming the dossier")
    assert all(m["to"] == person["phone"] and m["sender"] for m in sms)
    joined = " | ".join(m["message"] for m in sms)
    assert "tiep nhan" in joined and "ket qua" in joined and "bo sung" in joined


def test_refused_dossier_is_told_why(citizen, officer, stub):
    code = citizen.submit(LEVEL3)["code"]
    officer.step(code, "refuse", reason="Sai thẩm quyền giải quyết")
    mail = stub.wait_for(lambda s: [r.request for r in s.records(kind="mail")
                                    if code in r.request["subject"] and "từ chối" in r.request["subject"]],
                         what="refusal mail")[0]
    assert "Sai thẩm quyền giải quyết" in mail["text"]
