"""The status machine: the national transitions (unit), refusal, withdrawal, stop, steps that are
not allowed (409), role checks, intake at the counter and by post, and code sequences."""
from __future__ import annotations

import base64

import pytest

from refportal import status
from tests.refportal.conftest import CODE_RE, LEVEL2, LEVEL3, LEVEL4_WITH_FEE

NATIONAL = {1: {2, 3, 7}, 2: {4, 5, 6, 7, 8}, 4: {5, 6, 7, 8, 9}, 5: {2, 4, 7, 8}, 6: {4, 9, 7, 8}, 9: {10, 6}}


def test_allowed_transitions_are_the_national_ones():
    assert {k: set(v) for k, v in status.ALLOWED.items()} == NATIONAL
    assert status.FINAL == {3, 7, 8, 10}
    for step in status.STEPS.values():
        for current in range(1, 11):
            if current in step.from_states:
                for came_from in (None, 2, 4, 9):
                    assert status.is_allowed(current, status.target_of(step.name, current, came_from))
            else:
                with pytest.raises(status.TransitionNotAllowed):
                    status.target_of(step.name, current, None)
    for final in status.FINAL:  # nothing leaves a final state
        assert not any(final in s.from_states for s in status.STEPS.values())


def test_labels_are_distinct_nfc_and_the_contract_s():
    import unicodedata

    assert len(set(status.LABELS.values())) == 10
    assert all(unicodedata.is_normalized("NFC", v) for v in status.LABELS.values())
    assert status.LABELS[1] == "Mới đăng ký" and status.LABELS[10] == "Đã trả kết quả"


def test_refusal_is_final_with_its_reason(citizen, officer, specialist):
    code = citizen.submit()["code"]
    assert officer.step(code, "refuse", reason="Hồ sơ thiếu tờ khai")["status_label"] == "Từ chối tiếp nhận"
    view = citizen.dossier(code)
    assert view["status_reason"] == "Hồ sơ thiếu tờ khai" and view["closed_at"]
    officer.step(code, "receive", expect=409)
    specialist.step(code, "process", expect=409)


def test_refuse_needs_a_reason(citizen, officer):
    code = citizen.submit()["code"]
    assert officer.post(f"/api/dossiers/{code}/refuse", json={"reason": "  "}).status_code == 422
    assert officer.post(f"/api/dossiers/{code}/refuse").status_code == 422
    assert citizen.dossier(code)["status_label"] == "Mới đăng ký"


def test_withdraw_then_processing_refused(citizen, officer, specialist):
    code = citizen.submit()["code"]
    officer.step(code, "receive")
    assert citizen.step(code, "withdraw", note="Không còn nhu cầu")["status_label"] == "Đã rút hồ sơ"
    specialist.step(code, "process", expect=409)
    citizen.step(code, "withdraw", expect=409)


def test_stop_with_reason_then_processing_refused(citizen, officer, specialist, leader):
    code = citizen.submit()["code"]
    officer.step(code, "receive")
    specialist.step(code, "process")
    assert specialist.step(code, "stop", reason="Người nộp không bổ sung đúng hạn")["status_label"] == "Dừng xử lý"
    assert citizen.dossier(code)["status_reason"] == "Người nộp không bổ sung đúng hạn"
    leader.step(code, "approve", expect=409)
    specialist.step(code, "process", expect=409)


def test_steps_not_allowed_from_new(citizen, officer, specialist, leader):
    code = citizen.submit()["code"]
    leader.step(code, "approve", expect=409)
    officer.step(code, "return", expect=409)
    specialist.step(code, "process", expect=409)
    specialist.step(code, "request-payment", expect=409, amount=1000)
    citizen.step(code, "pay", expect=409)
    assert citizen.post(f"/api/dossiers/{code}/rate", json={"score": 2}).status_code == 409
    answer = citizen.post(f"/api/dossiers/{code}/supplement", data={"note": "x"})
    assert answer.status_code == 409
    assert citizen.dossier(code)["status_label"] == "Mới đăng ký"


def test_supplement_from_received_returns_to_received(citizen, officer):
    code = citizen.submit()["code"]
    officer.step(code, "receive")
    officer.step(code, "request-supplement", reason="Thiếu ảnh")
    answer = citizen.post(f"/api/dossiers/{code}/supplement", data={"note": "Gửi ảnh"},
                          files=[("files", ("anh.jpg", b"\xff\xd8\xffanh", "image/jpeg"))])
    assert answer.json()["status_label"] == "Đã tiếp nhận"


def test_roles_are_enforced(portal, citizen, officer, specialist, admin):
    code = citizen.submit()["code"]
    assert citizen.post(f"/api/dossiers/{code}/receive").status_code == 403
    officer.step(code, "receive")
    specialist.step(code, "process")
    assert officer.post(f"/api/dossiers/{code}/approve").status_code == 403
    assert citizen.post(f"/api/dossiers/{code}/approve").status_code == 403
    assert specialist.get("/api/admin/audit-log").status_code == 403
    assert admin.get("/api/admin/audit-log").status_code == 200
    assert admin.post(f"/api/dossiers/{code}/approve").status_code == 403
    anonymous = portal.session()
    assert anonymous.post(portal.url + f"/api/dossiers/{code}/approve").status_code == 401
    assert anonymous.get(portal.url + f"/api/dossiers/{code}").status_code == 401
    assert anonymous.get(portal.url + "/api/dossiers").status_code == 401
    assert citizen.get("/api/dossiers").status_code == 403
    assert officer.post("/api/dossiers", data={"procedure_code": LEVEL3, "form_data": "{}"},
                        files=[("files", ("a.pdf", b"%PDF", "application/pdf"))]).status_code == 403


def test_online_submission_checks(citizen):
    citizen.submit(LEVEL2, expect=422)                      # level 2: forms only, no online dossier
    citizen.submit(LEVEL3, files={}, expect=422)            # at least one file
    citizen.submit("1.999999.000.00.00.H29", expect=404)    # unknown procedure
    answer = citizen.post("/api/dossiers", data={"procedure_code": LEVEL3, "form_data": "{không phải json"},
                          files=[("files", ("a.pdf", b"%PDF", "application/pdf"))])
    assert answer.status_code == 422 and "form_data" in answer.json()["error"]
    answer = citizen.post("/api/dossiers", data={"procedure_code": LEVEL3, "form_data": "{}", "component_codes": "XYZ"},
                          files=[("files", ("a.pdf", b"%PDF", "application/pdf"))])
    assert answer.status_code == 422 and "XYZ" in answer.json()["error"]


def test_codes_unique_and_rising(citizen):
    codes = [citizen.submit(LEVEL3)["code"] for _ in range(3)]
    parts = [CODE_RE.match(c).groups() for c in codes]
    assert {p[0] for p in parts} == {"000.00.16.H29"} and len({p[1] for p in parts}) == 1
    numbers = [int(p[2]) for p in parts]
    assert numbers == list(range(numbers[0], numbers[0] + 3))


def _file(name: str, data: bytes, component: str | None = None) -> dict:
    return {"name": name, "content_base64": base64.b64encode(data).decode(), "component_code": component}


def test_counter_intake_is_received_at_once(officer, citizen_b):
    answer = officer.post("/api/dossiers/counter", json={
        "procedure_code": LEVEL3,
        "applicant": {"full_name": "Trần Thị Bình", "id_number": "001185023456", "phone": "0912345602",
                      "email": "congdan2@mail.anbinh.test", "address": "Số 45 đường Trần Hưng Đạo"},
        "files": [_file("don-de-nghi.pdf", b"%PDF don", "DDN")]})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert CODE_RE.match(body["code"]) and body["status_label"] == "Đã tiếp nhận" and body["appointment_date"]
    view = officer.dossier(body["code"])
    assert view["channel"] == "counter" and view["received_at"] and view["attachments"][0]["component_code"] == "DDN"
    # the applicant has an account with that id number: the dossier is in her list
    assert any(d["code"] == body["code"] for d in citizen_b.get("/api/me/dossiers").json()["items"])


def test_postal_intake_and_bad_input(officer, citizen):
    answer = officer.post("/api/dossiers/postal", json={"procedure_code": LEVEL2,
                                                        "applicant": {"full_name": "Ngô Văn Phúc"}, "files": []})
    assert answer.status_code == 201
    view = officer.dossier(answer.json()["code"])
    assert view["channel"] == "post" and view["return_by_post"] is True
    assert officer.post("/api/dossiers/counter", json={"procedure_code": LEVEL3, "applicant": {"full_name": "A"},
                                                       "files": [{"name": "x", "content_base64": "!!"}]}).status_code == 422
    assert citizen.post("/api/dossiers/counter", json={"procedure_code": LEVEL3,
                                                       "applicant": {"full_name": "A"}}).status_code == 403


def test_messages_two_way(citizen, officer, citizen_b):
    code = citizen.submit(LEVEL4_WITH_FEE)["code"]
    assert citizen.post(f"/api/dossiers/{code}/messages", json={"text": "Khi nào có kết quả?"}).status_code == 201
    assert officer.post(f"/api/dossiers/{code}/messages", json={"text": "Dự kiến trong 10 ngày làm việc."}).status_code == 201
    messages = citizen.dossier(code)["messages"]
    assert [(m["role"], m["text"]) for m in messages] == [("citizen", "Khi nào có kết quả?"),
                                                          ("receiving_officer", "Dự kiến trong 10 ngày làm việc.")]
    assert citizen_b.post(f"/api/dossiers/{code}/messages", json={"text": "xem trộm"}).status_code == 404
    assert citizen.post(f"/api/dossiers/{code}/messages", json={"text": ""}).status_code == 422
