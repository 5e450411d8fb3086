"""Faults: the configured error for `count` calls, then recovery; delays; every faultable service."""
from __future__ import annotations

import time

import pytest
import requests

from harness.nps.client import NpsError
from npshelpers import dossier, init_message


def test_an_error_answers_count_calls_then_the_service_recovers(integrate, nps):
    nps.fault("DongBoHoSoMC", error_code="-1", count=2, message="Cổng DVC quốc gia đang bảo trì")
    answers = [integrate("DongBoHoSoMC", isUpdating="False", data=[dossier()]) for _ in range(3)]
    assert [a["error_code"] for a in answers] == ["-1", "-1", "0"]
    assert answers[0]["message"] == "Cổng DVC quốc gia đang bảo trì"
    records = nps.records(service="DongBoHoSoMC")
    assert [bool(r["fault"]) for r in records] == [True, True, False]
    assert records[0]["fault"]["error_code"] == "-1"


def test_a_refused_sync_is_not_remembered_by_tra_cuu_ho_so(integrate, nps):
    nps.fault("DongBoHoSoMC", error_code="-1")
    integrate("DongBoHoSoMC", isUpdating="False", data=[dossier()])
    assert integrate("TraCuuHoSo", mahoso=dossier()["MaHoSo"])["result"] == []


def test_a_fault_on_one_service_leaves_the_others_alone(integrate, nps):
    nps.fault("CapNhatTienDoHoSoMC", error_code="500")
    assert integrate("DongBoHoSoMC", isUpdating="False", data=[dossier()])["error_code"] == "0"
    assert integrate("CapNhatTienDoHoSoMC", data=[{"MaHoSo": "x"}])["error_code"] == "500"


def test_a_delay_is_applied_before_the_normal_answer(integrate, nps):
    nps.fault("LayDanhSachTTHC", delay_ms=400)
    started = time.monotonic()
    answer = integrate("LayDanhSachTTHC")
    assert time.monotonic() - started >= 0.4
    assert answer["error_code"] == "0" and answer["result"]
    integrate("LayDanhSachTTHC")
    assert nps.records(service="LayDanhSachTTHC")[-1]["fault"] is None  # one use only


def test_a_fault_can_answer_an_http_error(integrate, base_url, session_token, nps):
    nps.fault("TraCuuHoSo", http_status=503)
    reply = requests.post(f"{base_url}/dvcqg/integration", json={
        "session": session_token, "madonvi": "000.00.00.H29", "service": "TraCuuHoSo", "mahoso": "x"})
    assert reply.status_code == 503 and reply.json()["error_code"] == "-1"


def test_auth_and_payment_init_can_fail_too(base_url, nps):
    nps.fault("auth", error_code="-3", message="Hệ thống xác thực tạm ngừng")
    failed = requests.post(f"{base_url}/dvcqg/auth", json={"username": "dokiem", "password": "dokiem-nps"}).json()
    assert failed == {"error_code": "-3", "message": "Hệ thống xác thực tạm ngừng"}
    nps.fault("INIT", error_code="96")
    answer = requests.post(f"{base_url}/payment/api", json=init_message()).json()
    assert answer["MaLoi"] == "96" and "UrlThanhToan" not in answer
    assert requests.post(f"{base_url}/payment/api", json=init_message()).json()["MaLoi"] == "00"


def test_faults_are_listed_and_cleared(integrate, nps):
    answer = nps.fault("DongBoHoSoMC", error_code="-1", count=5)
    assert answer["faults"][0]["remaining"] == 5
    nps.clear_faults()
    assert nps.health()["faults"] == []
    assert integrate("DongBoHoSoMC", isUpdating="False", data=[dossier()])["error_code"] == "0"


@pytest.mark.parametrize("body, named", [
    ({"service": "GuiThu", "error_code": "-1"}, "service"),
    ({"service": "DongBoHoSoMC", "error_code": "-1", "count": 0}, "count"),
    ({"service": "DongBoHoSoMC", "delay_ms": 120_000}, "delay_ms"),
    ({"service": "DongBoHoSoMC"}, "error_code"),
    ({"service": "smtp", "error_code": "250"}, "4xx"),
    ({"service": "DongBoHoSoMC", "http_status": 200}, "http_status"),
])
def test_a_bad_fault_request_is_refused_naming_the_field(nps, body, named):
    reply = requests.post(f"{nps.base_url}/_sim/faults", json=body)
    assert reply.status_code == 400 and named in reply.json()["error"]
    with pytest.raises(NpsError):
        nps.fault("GuiThu", error_code="-1")
