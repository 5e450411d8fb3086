"""The national portal adapter: sessions, the five services, and what TraCuuHoSo remembers."""
from __future__ import annotations

import time

import requests

from harness.nps.catalogue import load_catalogue
from harness.nps.process import start_simulator
from npshelpers import EDITION_DIR, UNIT, dossier


def test_auth_gives_a_session_and_wrong_credentials_do_not(base_url, nps):
    good = requests.post(f"{base_url}/dvcqg/auth", json={"username": "dokiem", "password": "dokiem-nps"}).json()
    bad = requests.post(f"{base_url}/dvcqg/auth", json={"username": "dokiem", "password": "sai"}).json()
    assert good["error_code"] == "0" and len(good["session"]) >= 20
    assert bad["error_code"] == "-1" and "session" not in bad
    records = nps.records(kind="auth")
    assert [r["response"]["error_code"] for r in records] == ["0", "-1"]
    assert all(r["request"]["password"] == "******" for r in records)  # the password is not kept
    assert all(r["service"] == "auth" and r["run_id"] == "run-nps-tests" for r in records)


def test_unknown_session_is_refused_with_minus_2(integrate, nps):
    answer = integrate("LayDanhSachTTHC", session="khong-co-phien-nay")
    assert answer["error_code"] == "-2"
    assert nps.records(kind="packet")[0]["response"]["error_code"] == "-2"


def test_expiring_sessions_forces_reauthentication(integrate, nps):
    assert integrate("LayDanhSachTTHC")["error_code"] == "0"
    assert nps.expire_sessions() >= 1
    assert integrate("LayDanhSachTTHC")["error_code"] == "-2"


def test_a_session_ends_after_its_lifetime(tmp_path):
    process = start_simulator("short-sessions", EDITION_DIR, extra_args=["--session-seconds", "0.5"])
    try:
        url = process.ready["url"]
        token = requests.post(f"{url}/dvcqg/auth", json={"username": "dokiem", "password": "dokiem-nps"}).json()["session"]
        body = {"session": token, "madonvi": UNIT, "service": "LayDanhSachTTHC"}
        codes = [requests.post(f"{url}/dvcqg/integration", json=body).json()["error_code"]]
        deadline = time.monotonic() + 10  # bounded poll: the session must die within its lifetime
        while codes[-1] == "0" and time.monotonic() < deadline:
            time.sleep(0.1)
            codes.append(requests.post(f"{url}/dvcqg/integration", json=body).json()["error_code"])
        assert codes[0] == "0" and codes[-1] == "-2"
    finally:
        process.stop()


def test_lay_thu_tuc_answers_the_catalogue_entry_or_nothing(integrate):
    found = integrate("LayThuTuc", maTTHC="1.009994.000.00.00.H29")
    assert found["error_code"] == "0" and len(found["result"]) == 1
    procedure = found["result"][0]
    assert procedure["TENTTHC"] == "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
    assert procedure["LINHVUCTHUCHIEN"] == [{"MALINHVUC": "H29-XD", "TENLINHVUC": "Hoạt động xây dựng"}]
    assert procedure["COQUANTHUCHIEN"][0]["MADONVI"] == "000.00.21.H29"
    assert procedure["CACHTHUCTHUCHIEN"][0]["PHILEPHI"][0]["SOTIEN"] == "75000"
    assert integrate("LayThuTuc", maTTHC="9.999999.000.00.00.H29") == {"error_code": "0", "result": []}
    assert integrate("LayThuTuc")["error_code"] == "-1"  # no maTTHC


def test_lay_danh_sach_tthc_lists_the_units_province_only(integrate, base_url, session_token):
    listed = integrate("LayDanhSachTTHC")["result"]
    assert {"MATTHC": "1.000894.000.00.00.H29", "TENTTHC": "Đăng ký khai sinh"} in listed
    assert len(listed) == len(load_catalogue().procedures) and all(set(p) == {"MATTHC", "TENTTHC"} for p in listed)
    other = requests.post(f"{base_url}/dvcqg/integration", json={
        "session": session_token, "madonvi": "000.00.00.H30", "service": "LayDanhSachTTHC"}).json()
    assert other == {"error_code": "0", "result": []}


def test_tra_cuu_ho_so_answers_the_last_synced_object(integrate):
    code = "000.00.00.H29-261124-0007"
    assert integrate("TraCuuHoSo", mahoso=code) == {"error_code": "0", "result": []}
    assert integrate("DongBoHoSoMC", isUpdating="False", data=[dossier(MaHoSo=code, TrangThaiHoSo="1")])["error_code"] == "0"
    assert integrate("TraCuuHoSo", mahoso=code)["result"][0]["TrangThaiHoSo"] == "1"
    integrate("DongBoHoSoMC", isUpdating="True", data=[dossier(MaHoSo=code, TrangThaiHoSo="2")])
    assert integrate("TraCuuHoSo", mahoso=code)["result"] == [dossier(MaHoSo=code, TrangThaiHoSo="2")]


def test_progress_and_unknown_services_are_answered(integrate):
    assert integrate("CapNhatTienDoHoSoMC", data=[{"MaHoSo": "x"}])["error_code"] == "0"
    assert integrate("CapNhatTienDoHoSoMC", data=[])["error_code"] == "-1"
    unknown = integrate("GuiHoSoLa")
    assert unknown["error_code"] == "-1" and "GuiHoSoLa" in unknown["message"]


def test_a_body_that_is_not_json_is_recorded_and_refused(base_url, nps):
    reply = requests.post(f"{base_url}/dvcqg/integration", data="MaHoSo=1".encode(), timeout=10)
    assert reply.status_code == 400 and reply.json()["error_code"] == "-1"
    record = nps.records(kind="packet")[0]
    assert record["request"] == {"_raw": "MaHoSo=1"}
    assert record["validation"][0]["kind"] == "json"


def test_an_unknown_service_is_judged_by_the_envelope_schema(integrate, nps):
    integrate("GuiHoSoLa")
    problem = nps.records(kind="packet")[0]["validation"][0]
    assert (problem["schema"], problem["rule"], problem["path"]) == ("envelope.schema.json", "enum", "$.service")


def test_a_password_sent_as_form_text_is_not_kept_either(base_url, nps):
    reply = requests.post(f"{base_url}/dvcqg/auth", data="username=dokiem&password=dokiem-nps", timeout=10)
    assert reply.status_code == 400 and reply.json()["error_code"] == "-1"
    record = nps.records(kind="auth")[0]
    assert "dokiem-nps" not in str(record) and record["validation"][0]["kind"] == "json"
