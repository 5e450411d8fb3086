"""What refportal sends to the (stub) national portal: session first, TraCuuHoSo before a
dossier's first DongBoHoSoMC, isUpdating, packets in step order with allowed status transitions,
mandatory fields, codes, date formats, files by URL, fees; resent after an error answer and
after a lost session; LayThuTuc pulls a procedure into the catalogue."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime

import pytest

from tests.refportal.conftest import LEVEL3, LEVEL4_WITH_FEE, wait_sync_idle

MANDATORY_DOSSIER = ("MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "KenhThucHien", "ChuHoSo",
                     "LoaiDoiTuong", "TrichYeuHoSo", "NgayTiepNhan", "NgayHenTra", "TrangThaiHoSo", "DonViXuLy")
MANDATORY_PROGRESS = ("MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "NoiDungXuLy", "TrangThai")
DATE_FIELDS = ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy", "ThoiDiemXuLy", "NgayBatDau",
               "NgayKetThucTheoQuyDinh", "NgayBoSung", "NgayTiepNhanBoSung", "NgayHenTraTruoc", "NgayHenTraMoi")
ALLOWED = {1: {2, 3, 7}, 2: {4, 5, 6, 7, 8}, 4: {5, 6, 7, 8, 9}, 5: {2, 4, 7, 8}, 6: {4, 9, 7, 8}, 9: {10, 6}}
AGENCY = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
PROCEDURE = re.compile(r"^\d\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?$")
DOSSIER = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$")


@pytest.fixture(scope="module")
def synced(citizen, officer, specialist, leader, stub):
    """One dossier through a life with supplement and payment, fully synced."""
    code = citizen.submit(LEVEL4_WITH_FEE, files={"to-khai.pdf": b"%PDF-1.4 to khai", "anh.jpg": b"\xff\xd8\xffanh"},
                          ghi_chu="dokiem-run-packets")["code"]
    officer.step(code, "receive")
    specialist.step(code, "process")
    specialist.step(code, "request-supplement", reason="Bổ sung ảnh chân dung")
    citizen.post(f"/api/dossiers/{code}/supplement", files=[("files", ("anh-moi.jpg", b"\xff\xd8\xffmoi", "image/jpeg"))])
    specialist.step(code, "request-payment")
    stub.confirm(citizen.step(code, "pay")["payment_reference"])
    leader.step(code, "approve")
    officer.step(code, "return")
    stub.wait_for(lambda s: len(s.records(service="CapNhatTienDoHoSoMC", code=code)) >= 9, what="9 progress packets")
    return code


def _dossier_packets(stub, code):
    return [r for r in stub.records(service="DongBoHoSoMC", code=code) if r.response.get("error_code") == "0"]


def _strings_only(value, where="") -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _strings_only(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _strings_only(v, f"{where}[{i}]")]
    return [] if isinstance(value, str) else [where]


def test_session_and_madonvi_on_every_call(synced, stub):
    calls = stub.records(kind="packet")
    auths = stub.records(kind="auth")
    assert auths and auths[0].seq < calls[0].seq and auths[0].request == {"username": "dokiem", "password": "dokiem-nps"}
    for call in calls:
        assert call.request["session"] and call.request["madonvi"] == "000.00.00.H29"


def test_lookup_before_first_sync_and_is_updating(synced, stub):
    lookups = [r for r in stub.records(service="TraCuuHoSo", code=synced)]
    syncs = _dossier_packets(stub, synced)
    assert lookups and lookups[0].seq < syncs[0].seq and lookups[0].request["mahoso"] == synced
    assert [s.request["isUpdating"] for s in syncs] == ["False"] + ["True"] * (len(syncs) - 1)


def test_one_dossier_packet_per_step_in_order(synced, stub):
    statuses = [int(s.request["data"][0]["TrangThaiHoSo"]) for s in _dossier_packets(stub, synced)]
    assert statuses == [1, 2, 4, 5, 4, 6, 4, 9, 10]
    for before, after in zip(statuses, statuses[1:]):
        assert after in ALLOWED[before]
    progress = [r.request["data"][0] for r in stub.records(service="CapNhatTienDoHoSoMC", code=synced)]
    assert [int(p["TrangThai"]) for p in progress] == statuses
    times = [p["ThoiDiemXuLy"] for p in progress]
    assert times == sorted(times)
    # each step's dossier packet arrives before its progress packet
    seqs = [(r.seq, r.service) for r in stub.records(code=synced) if r.kind == "packet" and r.service != "TraCuuHoSo"]
    assert [s for _, s in seqs] == ["DongBoHoSoMC", "CapNhatTienDoHoSoMC"] * 9


def test_mandatory_fields_and_string_values(synced, stub):
    for record in _dossier_packets(stub, synced):
        item = record.request["data"][0]
        assert not _strings_only(item), _strings_only(item)
        for name in MANDATORY_DOSSIER:
            assert isinstance(item.get(name), str) and item[name].strip(), name
    for record in stub.records(service="CapNhatTienDoHoSoMC", code=synced):
        item = record.request["data"][0]
        assert not _strings_only(item)
        for name in MANDATORY_PROGRESS:
            assert item.get(name, "").strip(), name


def test_codes_in_packets(synced, stub, portal):
    procedure = portal.get(f"/api/procedures/{LEVEL4_WITH_FEE}").json()
    for record in _dossier_packets(stub, synced):
        item = record.request["data"][0]
        assert DOSSIER.match(item["MaHoSo"]) and PROCEDURE.match(item["MaTTHC"]) and AGENCY.match(record.request["madonvi"])
        assert item["MaTTHC"] == LEVEL4_WITH_FEE and item["MaLinhVuc"] == procedure["sector_code"]
        assert item["TenTTHC"] == procedure["name"] and item["KenhThucHien"] == "2" and item["LoaiDoiTuong"] == "1"
        assert item["GhiChu"] == "dokiem-run-packets"


def test_date_formats(synced, stub):
    packets = [r.request["data"][0] for r in stub.records(code=synced) if r.kind == "packet" and r.request.get("data")]
    seen = 0

    def check(obj):
        nonlocal seen
        for key, value in obj.items():
            if key in DATE_FIELDS:
                assert re.fullmatch(r"\d{14}", value), (key, value)
                datetime.strptime(value, "%Y%m%d%H%M%S")
                seen += 1
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        check(item)

    for item in packets:
        check(item)
        if "NgayHenTra" in item:
            assert item["NgayHenTra"] >= item["NgayTiepNhan"]
    assert seen > 20
    # event times are Asia/Ho_Chi_Minh: the first progress time is the submission time in UTC+7
    first = [r for r in stub.records(service="CapNhatTienDoHoSoMC", code=synced)][0]
    event = datetime.strptime(first.request["data"][0]["ThoiDiemXuLy"], "%Y%m%d%H%M%S")
    received = datetime.utcfromtimestamp(first.time)
    assert abs((event - received).total_seconds() - 7 * 3600) < 60


def test_files_by_url_and_result(synced, stub, portal, citizen):
    last = _dossier_packets(stub, synced)[-1].request["data"][0]
    view = citizen.dossier(synced)
    anonymous = portal.session()
    by_name = {a["name"]: a["sha256"] for a in view["attachments"]}
    assert {f["TenTepDinhKem"] for f in last["TaiLieuNop"]} == {"to-khai.pdf", "anh.jpg"}
    for f in last["TaiLieuNop"]:
        assert f["DuongDanTaiTepTin"].startswith("https://") and f["IsDeleted"] == "False" and f["MaThanhPhanHoSo"]
        body = anonymous.get(f["DuongDanTaiTepTin"]).content
        assert hashlib.sha256(body).hexdigest() == by_name[f["TenTepDinhKem"]]
    tampered = last["TaiLieuNop"][0]["DuongDanTaiTepTin"][:-4] + "0000"
    assert anonymous.get(tampered).status_code == 404
    rounds = last["DanhSachHoSoBoSung"]
    assert len(rounds) == 1 and rounds[0]["TrangThaiBoSung"] == "1" and rounds[0]["DanhSachGiayToBoSung"][0]["TenTepDinhKem"] == "anh-moi.jpg"
    result = last["DanhSachGiayToKetQua"][0]
    assert anonymous.get(result["DuongDanTepTinKetQua"]).content == citizen.get(f"/api/dossiers/{synced}/result").content
    assert last["NgayTra"] and last["HinhThuc"] == "0" and last["NgayKetThucXuLy"]


def test_fees_in_packets(synced, stub, portal):
    procedure = portal.get(f"/api/procedures/{LEVEL4_WITH_FEE}").json()
    fees = _dossier_packets(stub, synced)[0].request["data"][0]["DanhSachLePhi"]
    assert [(f["MaPhiLePhi"], f["TenPhiLePhi"], f["Gia"]) for f in fees] == \
        [(f["code"], f["name"], str(f["amount"])) for f in procedure["fees"]]
    assert all(f["HinhThucThu"] and f["LoaiPhiLePhi"] in ("1", "2") for f in fees)


def test_resent_after_error_answer_in_order(citizen, officer, admin, stub):
    wait_sync_idle(admin)
    stub.fail_next("DongBoHoSoMC", "-1", count=2)
    code = citizen.submit(LEVEL3)["code"]
    officer.step(code, "receive")
    stub.wait_for(lambda s: len(s.records(service="CapNhatTienDoHoSoMC", code=code)) >= 2, what="resent packets")
    calls = [r for r in stub.records(code=code) if r.service in ("DongBoHoSoMC", "CapNhatTienDoHoSoMC")]
    answers = [(r.service, r.response["error_code"], r.request["data"][0].get("TrangThaiHoSo") or r.request["data"][0]["TrangThai"])
               for r in calls]
    assert answers == [("DongBoHoSoMC", "-1", "1"), ("DongBoHoSoMC", "-1", "1"), ("DongBoHoSoMC", "0", "1"),
                       ("CapNhatTienDoHoSoMC", "0", "1"), ("DongBoHoSoMC", "0", "2"), ("CapNhatTienDoHoSoMC", "0", "2")]
    flags = [r.request["isUpdating"] for r in calls if r.service == "DongBoHoSoMC"]
    assert flags == ["False", "False", "False", "True"]  # not stored until accepted
    assert stub.state.synced[code]["TrangThaiHoSo"] == "2"


def test_new_session_after_session_invalid(citizen, admin, stub):
    wait_sync_idle(admin)
    stub.expire_sessions()
    code = citizen.submit(LEVEL3)["code"]
    stub.wait_for(lambda s: s.records(service="CapNhatTienDoHoSoMC", code=code), what="packet after re-auth")
    tail = [r for r in stub.records() if r.kind in ("auth", "packet")]
    first_refused = next(i for i, r in enumerate(tail) if r.response.get("error_code") == "-2")
    assert tail[first_refused + 1].kind == "auth" and tail[first_refused + 1].response["error_code"] == "0"
    assert tail[first_refused + 2].request["service"] == tail[first_refused].request["service"]
    assert tail[first_refused + 2].request["session"] == tail[first_refused + 1].response["session"]


def test_pull_procedure_with_lay_thu_tuc(admin, stub, portal, specialist):
    code = "1.013000.000.00.00.H29"
    stub.add_procedure({"MATTHC": code, "TENTTHC": "Cấp giấy phép tổ chức lễ hội cấp tỉnh",
                        "LINHVUCTHUCHIEN": [{"MALINHVUC": "H29-VH", "TENLINHVUC": "Văn hóa cơ sở"}],
                        "COQUANTHUCHIEN": [{"MADONVI": "000.00.24.H29", "TENDONVI": "Sở Văn hóa, Thể thao và Du lịch"}],
                        "CANCUPHAPLY": [{"SOVANBAN": "110/2018/NĐ-CP", "TENVANBAN": "Nghị định quy định về quản lý và tổ chức lễ hội"}],
                        "KETQUATHUCHIEN": [{"MAKETQUA": "KQ1", "TENKETQUA": "Văn bản cho phép tổ chức lễ hội"}],
                        "THANHPHANHOSO": [{"GIAYTO": [{"MAGIAYTO": "VB", "TENGIAYTO": "Văn bản đề nghị", "TENMAUDON": "Mẫu văn bản đề nghị"}]}]})
    assert portal.get(f"/api/procedures/{code}").status_code == 404
    answer = admin.post("/api/admin/procedures/pull", json={"procedure_code": code})
    assert answer.status_code == 200, answer.text
    pulled = answer.json()["procedure"]
    assert pulled["name"] == "Cấp giấy phép tổ chức lễ hội cấp tỉnh" and pulled["sector_code"] == "H29-VH"
    assert pulled["agency_code"] == "000.00.24.H29" and pulled["forms"]
    assert portal.get(f"/api/procedures/{code}").json()["sector_name"] == "Văn hóa cơ sở"
    call = stub.records(service="LayThuTuc")[-1]
    assert call.request["maTTHC"] == code
    assert admin.post("/api/admin/procedures/pull", json={"procedure_code": "1.099999.000.00.00.H29"}).status_code == 502
    assert specialist.post("/api/admin/procedures/pull", json={"procedure_code": code}).status_code == 403


def test_sync_status_drains(admin):
    state = wait_sync_idle(admin)
    assert state["enabled"] is True and state["sent"] > 0 and state["pending"] == 0
