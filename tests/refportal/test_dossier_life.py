"""The whole life of a dossier through the API: submit → receive → process → supplement →
payment → approve → return → rate, with the status after each step, the code format, the
receipt, the result and its signature."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import date, datetime

import pytest
import yaml

from refportal import workdays
from tests.refportal.conftest import CODE_RE, LEVEL4_WITH_FEE, REPO

ATTACHED = {"to-khai-lltp.pdf": b"%PDF-1.4 to khai ly lich tu phap", "can-cuoc.jpg": b"\xff\xd8\xff anh can cuoc"}


@pytest.fixture(scope="module")
def life(portal, citizen, officer, specialist, leader, stub):
    """Drive one dossier through its whole life once; tests below judge what was recorded."""
    seen = {}
    submitted = citizen.submit(LEVEL4_WITH_FEE, files=ATTACHED, ghi_chu="dokiem-run-20261125-life",
                               trich_yeu="Cấp Phiếu lý lịch tư pháp số 1")
    code = submitted["code"]
    seen["submit"] = submitted
    seen["after_submit"] = citizen.dossier(code)
    seen["receive"] = officer.step(code, "receive")
    seen["process"] = specialist.step(code, "process", note="Thẩm định hồ sơ")
    seen["request-supplement"] = specialist.step(code, "request-supplement", reason="Bổ sung bản sao hộ chiếu")
    seen["after_request_supplement"] = citizen.dossier(code)
    answer = citizen.post(f"/api/dossiers/{code}/supplement", data={"note": "Đã bổ sung hộ chiếu"},
                          files=[("files", ("ho-chieu.pdf", b"%PDF-1.4 ho chieu", "application/pdf"))])
    assert answer.status_code == 200, answer.text
    seen["supplement"] = answer.json()
    seen["request-payment"] = specialist.step(code, "request-payment")
    seen["pay"] = citizen.step(code, "pay")
    reference = seen["pay"]["payment_reference"]
    seen["confirm_wrong"] = stub.confirm(reference, correct_mac=False)
    seen["after_wrong_confirm"] = citizen.dossier(code)
    seen["confirm"] = stub.confirm(reference)
    seen["after_confirm"] = citizen.dossier(code)
    seen["approve"] = leader.step(code, "approve")
    seen["return"] = officer.step(code, "return")
    seen["rate"] = citizen.post(f"/api/dossiers/{code}/rate", json={"score": 3, "comment": "Nhanh, đúng hẹn"})
    seen["rate_again"] = citizen.post(f"/api/dossiers/{code}/rate", json={"score": 1})
    seen["final"] = citizen.dossier(code)
    seen["code"] = code
    return seen


def test_statuses_after_each_step(life):
    assert life["submit"]["status_label"] == "Mới đăng ký"
    assert life["receive"]["status_label"] == "Đã tiếp nhận"
    assert life["process"]["status_label"] == "Đang giải quyết"
    assert life["request-supplement"]["status_label"] == "Chờ bổ sung hồ sơ"
    assert life["supplement"]["status_label"] == "Đang giải quyết"  # back to where it was asked
    assert life["request-payment"]["status_label"] == "Chờ thực hiện nghĩa vụ tài chính"
    assert life["after_confirm"]["status_label"] == "Đang giải quyết"
    assert life["approve"]["status_label"] == "Đã có kết quả"
    assert life["return"]["status_label"] == "Đã trả kết quả"
    assert life["final"]["status_label"] == "Đã trả kết quả"


def test_code_format_and_date_part(life):
    match = CODE_RE.match(life["code"])
    assert match, life["code"]
    agency, day, _ = match.groups()
    assert agency == life["after_submit"]["agency_code"] == "000.00.10.H29"
    submitted = datetime.fromisoformat(life["submit"]["submitted_at"])
    assert submitted.utcoffset().total_seconds() == 7 * 3600
    assert day == submitted.strftime("%y%m%d")


def test_appointment_date_in_working_days(life, portal):
    final = life["final"]
    received = datetime.fromisoformat(final["received_at"])
    appointment = datetime.fromisoformat(final["appointment_date"])
    assert appointment > received
    processing_days = portal.get(f"/api/procedures/{LEVEL4_WITH_FEE}").json()["processing_days"]
    seed = yaml.safe_load((REPO / "refportal/seed/holidays.yaml").read_text("utf-8"))["holidays"]
    holidays = {date.fromisoformat(str(h["day"])) for h in seed}
    assert appointment == workdays.add_working_days(received, processing_days, holidays)
    assert (appointment.date() - received.date()).days >= processing_days  # weekends only lengthen it


def test_supplement_reason_visible_and_round_recorded(life):
    view = life["after_request_supplement"]
    assert view["status_reason"] == "Bổ sung bản sao hộ chiếu"
    rounds = life["final"]["supplements"]
    assert len(rounds) == 1 and rounds[0]["reason"] == "Bổ sung bản sao hộ chiếu" and rounds[0]["supplied_at"]
    assert any(a["name"] == "ho-chieu.pdf" and a["supplement"] for a in life["final"]["attachments"])


def test_payment_wrong_mac_refused_right_mac_recorded(life):
    wrong = life["confirm_wrong"]
    assert wrong.status_code == 400 and wrong.json()["MaLoi"] == "07"
    assert life["after_wrong_confirm"]["status_label"] == "Chờ thực hiện nghĩa vụ tài chính"
    assert life["after_wrong_confirm"]["payment"]["status"] == "pending"
    right = life["confirm"]
    assert right.status_code == 200 and right.json()["MaLoi"] == "00"
    payment = life["final"]["payment"]
    assert payment["status"] == "paid" and payment["amount"] == 200000 and payment["transaction_id"]


def test_init_message_to_payment_platform(life, stub):
    from tests.refportal.stub_services import mac

    inits = [r.request for r in stub.records(kind="payment", service="INIT")
             if r.request["ThongTinBienLai"]["MaHoSo"] == life["code"]]
    assert len(inits) == 1
    init = inits[0]
    assert init["MaXacThuc"] == mac(init)
    assert init["SoTien"] == "200000" and init["MaThamChieu"] == life["pay"]["payment_reference"]
    assert life["code"] in init["ThongTinGiaoDich"]
    assert init["UrlCallback"].endswith("/api/payment/callback") and init["UrlTraVe"].startswith("https://")
    assert len(init["ThoiGianGD"]) == 14 and init["ThoiGianGD"].isdigit()
    assert all(isinstance(v, str) for k, v in init.items() if k != "ThongTinBienLai")


def test_return_date_and_history(life):
    final = life["final"]
    assert datetime.fromisoformat(final["returned_at"]) >= datetime.fromisoformat(final["resolved_at"])
    assert life["return"]["returned_at"] == final["returned_at"]
    labels = [h["status_label"] for h in final["history"]]
    assert labels == ["Mới đăng ký", "Đã tiếp nhận", "Đang giải quyết", "Chờ bổ sung hồ sơ", "Đang giải quyết",
                      "Chờ thực hiện nghĩa vụ tài chính", "Đang giải quyết", "Đã có kết quả", "Đã trả kết quả"]
    users = [h["user"] for h in final["history"]]
    assert users[:4] == ["congdan1", "motcua1", "chuyenvien1", "chuyenvien1"] and users[-2:] == ["lanhdao1", "motcua1"]
    assert all(h["time"] for h in final["history"])
    assert final["form_data"]["ghi_chu"] == "dokiem-run-20261125-life"


def test_rating_once(life):
    assert life["rate"].status_code == 200
    assert life["rate_again"].status_code == 409
    assert life["final"]["rating"] == 3 and life["final"]["rating_comment"] == "Nhanh, đúng hẹn"


def test_attachments_download_unchanged(life, officer):
    for item in life["final"]["attachments"]:
        body = officer.get(f"/api/dossiers/{life['code']}/attachments/{item['id']}").content
        assert hashlib.sha256(body).hexdigest() == item["sha256"]
    names = {a["name"]: a["component_code"] for a in life["final"]["attachments"] if not a["supplement"]}
    assert names == {"to-khai-lltp.pdf": "TK", "can-cuoc.jpg": "GTTT"}


def test_result_is_signed_by_the_local_ca(life, citizen, portal, tmp_path):
    result = citizen.get(f"/api/dossiers/{life['code']}/result")
    signature = citizen.get(f"/api/dossiers/{life['code']}/result.sig")
    assert result.status_code == 200 and result.headers["content-type"] == "application/pdf"
    assert result.content.startswith(b"%PDF-1.4") and result.content.rstrip().endswith(b"%%EOF")
    assert life["code"].encode() in result.content
    assert signature.status_code == 200 and signature.content[:1] == b"\x30"  # DER SEQUENCE
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed: cannot verify the CMS signature here")
    (tmp_path / "r.pdf").write_bytes(result.content)
    (tmp_path / "r.sig").write_bytes(signature.content)
    verify = ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "r.sig"),
              "-content", str(tmp_path / "r.pdf"), "-CAfile", portal.ca_file, "-out", "/dev/null"]
    assert subprocess.run(verify, capture_output=True).returncode == 0
    (tmp_path / "r.pdf").write_bytes(result.content.replace(life["code"].encode(), b"X" * len(life["code"])))
    assert subprocess.run(verify, capture_output=True).returncode != 0  # a changed file no longer verifies


def test_my_dossiers_lists_own_only(life, citizen, citizen_b):
    mine = citizen.get("/api/me/dossiers").json()["items"]
    assert any(d["code"] == life["code"] and d["status_label"] == "Đã trả kết quả" for d in mine)
    assert all(d["code"] != life["code"] for d in citizen_b.get("/api/me/dossiers").json()["items"])


def test_register_lists_the_dossier(life, officer):
    today = datetime.fromisoformat(life["final"]["received_at"]).date().isoformat()
    items = officer.get("/api/dossiers", params={"date_from": today, "date_to": today}).json()["items"]
    row = next(i for i in items if i["code"] == life["code"])
    assert row["status_label"] == "Đã trả kết quả" and row["channel"] == "online" and row["appointment_date"]
    assert row["overdue"] is False


def test_receipt_form_names_the_dossier(life, officer, citizen):
    form = officer.get(f"/api/dossiers/{life['code']}/forms/1")
    assert form.status_code == 200 and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in form.text
    assert life["code"] in form.text and "Nguyễn Văn An" in form.text
    assert citizen.get(f"/api/dossiers/{life['code']}/forms/1").status_code == 403


def test_the_rating_has_the_three_levels_of_tt32_2017():
    """TT 32/2017/TT-BTTTT Điều 12 khoản 1 điểm c: Rất hài lòng / Hài lòng / Chưa hài lòng."""
    from refportal.dossiers import RATING_LABELS

    assert RATING_LABELS == {3: "Rất hài lòng", 2: "Hài lòng", 1: "Chưa hài lòng"}
    template = (REPO / "refportal" / "templates" / "dossier.html").read_text(encoding="utf-8")
    assert "'Rất hài lòng'), (2, 'Hài lòng'), (1, 'Chưa hài lòng')" in template and "Bình thường" not in template
