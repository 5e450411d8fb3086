"""The national-portal packets (PROTOCOL.md §1.3, §1.4) built from a dossier as it is now.

Every value is a string; dates are yyyyMMddHHmmss in Asia/Ho_Chi_Minh time; optional fields are
left out when refportal does not know them (never sent empty).
"""
from __future__ import annotations

import base64
import json
import sqlite3

from refportal import clock, defects, security
from refportal.context import Context

CHANNELS = {"counter": "1", "online": "2", "post": "3"}
# LoaiPhiLePhi: "1" phí, "2" lệ phí. HinhThucThu: "1" tại Bộ phận Một cửa, "2" trực tuyến.
FEE_KIND = {"phi": "1", "le_phi": "2"}


def attachment_url(ctx: Context, attachment_id: int) -> str:
    token = security.url_token(ctx.url_secret, "attachment", str(attachment_id))
    return f"{ctx.public_url}/tep/{attachment_id}/{token}"


def result_url(ctx: Context, dossier_code: str) -> str:
    token = security.url_token(ctx.url_secret, "result", dossier_code)
    return f"{ctx.public_url}/tep/ket-qua/{dossier_code}/{token}"


def _time(moment) -> str:
    """A packet date: yyyyMMddHHmmss in Asia/Ho_Chi_Minh time."""
    if defects.on("packet-date-format") and moment:
        return clock.iso(clock.parse(moment) if isinstance(moment, str) else moment)  # DEFECT: ISO 8601 dates
    return clock.packet_time(moment)


def _status(code: int) -> str:
    """A national status code 1–10, as text."""
    if defects.on("packet-status-code") and code == 4:
        return "DANG_XU_LY"  # DEFECT: refportal's internal code instead of the national one
    return str(code)


def _put(target: dict, key: str, value) -> None:
    if value not in (None, ""):
        target[key] = str(value)


def dossier_object(conn: sqlite3.Connection, ctx: Context, dossier: sqlite3.Row, procedure: dict) -> dict:
    applicant = json.loads(dossier["applicant"])
    form_data = json.loads(dossier["form_data"])
    status = dossier["status"]
    apology = conn.execute("SELECT new_appointment FROM apologies WHERE dossier_id = ? ORDER BY id DESC LIMIT 1",
                           (dossier["id"],)).fetchone()
    appointment = apology["new_appointment"] if apology else dossier["appointment_date"]  # after an apology: the new date
    obj = {
        "MaHoSo": dossier["code"],
        "MaTTHC": procedure["code"],
        "TenTTHC": procedure["name"],
        "MaLinhVuc": procedure["sector_code"],
        "TenLinhVuc": procedure["sector_name"],
        "KenhThucHien": CHANNELS[dossier["channel"]],
        "ChuHoSo": applicant.get("full_name") or "",
        "LoaiDoiTuong": "2" if applicant.get("type") == "business" else "1",
        "TrichYeuHoSo": form_data.get("trich_yeu") or f"{procedure['name']} — {applicant.get('full_name', '')}",
        "NgayTiepNhan": _time(dossier["received_at"] or dossier["submitted_at"]),
        "NgayHenTra": _time(appointment),
        "TrangThaiHoSo": _status(status),
        "DonViXuLy": procedure["agency_name"],
        "HinhThuc": "1" if dossier["return_by_post"] else "0",
    }
    if defects.on("packet-missing-field"):
        del obj["ChuHoSo"]  # DEFECT: a mandatory field left out
    if dossier["received_at"]:
        obj["SoBienNhan"] = dossier["code"]
    _put(obj, "Email", applicant.get("email"))
    _put(obj, "SoDienThoai", applicant.get("phone"))
    _put(obj, "ThongTinKhac", f"Địa chỉ: {applicant['address']}" if applicant.get("address") else None)
    _put(obj, "GhiChu", form_data.get("ghi_chu"))
    if dossier["returned_at"] and not defects.on("packet-no-return-date"):  # DEFECT: no return date
        obj["NgayTra"] = _time(dossier["returned_at"])
    if dossier["returned_at"]:
        obj["ThongTinTra"] = ("Trả kết quả qua dịch vụ bưu chính công ích" if dossier["return_by_post"]
                              else "Trả kết quả tại Bộ phận Một cửa và trên Cổng Dịch vụ công")
        dispatch = conn.execute("SELECT consignment FROM postal_dispatches WHERE dossier_id = ?",
                                (dossier["id"],)).fetchone()
        if dispatch:
            obj["ThongTinTra"] += f", mã vận đơn {dispatch['consignment']}"
    end = dossier["resolved_at"] or dossier["closed_at"]
    if end:
        obj["NgayKetThucXuLy"] = _time(end)
    attachments = conn.execute("SELECT id, name, component_code, supplement_id, deleted FROM attachments "
                               "WHERE dossier_id = ? ORDER BY id", (dossier["id"],)).fetchall()
    obj["TaiLieuNop"] = [{
        "TepDinhKemId": str(a["id"]), "TenTepDinhKem": a["name"], "IsDeleted": "True" if a["deleted"] else "False",
        "MaThanhPhanHoSo": a["component_code"] or "", "DuongDanTaiTepTin": attachment_url(ctx, a["id"]),
    } for a in attachments if a["supplement_id"] is None]
    if defects.on("attachments-inline"):
        # DEFECT: the files' content travels inside the packet (base64) instead of a download link
        for item in obj["TaiLieuNop"]:
            data = conn.execute("SELECT data FROM attachments WHERE id = ?", (int(item["TepDinhKemId"]),)).fetchone()
            item["DuongDanTaiTepTin"] = ""
            item["NoiDungTepDinhKem"] = base64.b64encode(data["data"]).decode("ascii")
    online = procedure["level"] == 4
    obj["DanhSachLePhi"] = [{
        "TenPhiLePhi": f["name"], "MaPhiLePhi": f["code"], "HinhThucThu": "2" if online else "1",
        "Gia": str(f["amount"]), "LoaiPhiLePhi": FEE_KIND[f.get("kind", "le_phi")],
    } for f in procedure["fees"]]
    rounds = conn.execute("SELECT * FROM supplements WHERE dossier_id = ? ORDER BY id", (dossier["id"],)).fetchall()
    if rounds:
        obj["DanhSachHoSoBoSung"] = [_supplement(ctx, r, attachments, dossier) for r in rounds]
    if status in (9, 10) or conn.execute("SELECT 1 FROM results WHERE dossier_id = ?", (dossier["id"],)).fetchone():
        obj["DanhSachGiayToKetQua"] = [{
            "TenGiayTo": procedure["result"], "MaThanhPhanHoSo": "KQ", "GiayToId": str(dossier["id"]),
            "DuongDanTepTinKetQua": result_url(ctx, dossier["code"]),
        }]
    return obj


def _supplement(ctx: Context, row: sqlite3.Row, attachments, dossier) -> dict:
    item = {"HoSoBoSungId": str(row["id"]), "NguoiYeuCauBoSung": row["requested_by"], "NoiDungBoSung": row["reason"],
            "NgayBoSung": _time(row["requested_at"]), "TrangThaiBoSung": "1" if row["supplied_at"] else "0",
            "DanhSachGiayToBoSung": [{
                "TepDinhKemId": str(a["id"]), "TenTepDinhKem": a["name"], "MaThanhPhanHoSo": a["component_code"] or "",
                "DuongDanTaiTepTin": attachment_url(ctx, a["id"])} for a in attachments if a["supplement_id"] == row["id"]],
            "DanhSachLePhiBoSung": []}
    if row["supplied_at"]:
        item["NgayTiepNhanBoSung"] = _time(row["supplied_at"])
        _put(item, "ThongTinTiepNhan", row["note"])
    if dossier["appointment_date"]:
        item["NgayHenTraTruoc"] = item["NgayHenTraMoi"] = _time(dossier["appointment_date"])
    return item


def progress_object(dossier: sqlite3.Row, history: sqlite3.Row) -> dict:
    obj = {
        "MaHoSo": dossier["code"],
        "NguoiXuLy": history["full_name"],
        "ThoiDiemXuLy": _time(history["time"]),
        "NoiDungXuLy": history["action"] + (f": {history['note']}" if history["note"] else ""),
        "TrangThai": _status(history["status"]),
        "NgayBatDau": _time(history["time"]),
    }
    _put(obj, "ChucDanh", history["title"])
    _put(obj, "PhongBanXuLy", history["department"])
    if dossier["appointment_date"]:
        obj["NgayKetThucTheoQuyDinh"] = _time(dossier["appointment_date"])
    return obj
