"""Helpers the simulator tests share: a valid dossier packet, payment messages with their hash,
and a small HTTP server standing in for the target's payment callback and return page."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from harness.nps.payment_hash import is_valid, ma_xac_thuc

REPO = Path(__file__).resolve().parents[2]
EDITION_DIR = REPO / "criteria" / "cv255-2018"
UNIT = "000.00.00.H29"
SECRET = "dokiem-secret"


def dossier(**overrides) -> dict:
    """A dossier object that satisfies dossier.schema.json; overrides replace or (None) remove fields."""
    item = {
        "MaHoSo": "000.00.00.H29-261124-0001", "MaTTHC": "1.000894.000.00.00.H29", "TenTTHC": "Đăng ký khai sinh",
        "MaLinhVuc": "H29-HT", "TenLinhVuc": "Hộ tịch", "KenhThucHien": "2", "ChuHoSo": "Nguyễn Thị Hoà",
        "LoaiDoiTuong": "1", "TrichYeuHoSo": "Đăng ký khai sinh cho con", "NgayTiepNhan": "20261124093000",
        "NgayHenTra": "20261125170000", "TrangThaiHoSo": "2", "DonViXuLy": "UBND phường Điện Biên",
        "SoDienThoai": "0912345678", "NgayTra": "", "HinhThuc": "0",
        "TaiLieuNop": [{"TepDinhKemId": "1", "TenTepDinhKem": "to-khai.pdf", "IsDeleted": "False",
                        "MaThanhPhanHoSo": "HT-KS-01", "DuongDanTaiTepTin": "https://portal.example/files/1"}],
        "DanhSachLePhi": [], "DanhSachGiayToKetQua": [],
    }
    for key, value in overrides.items():
        if value is None:
            item.pop(key, None)
        else:
            item[key] = value
    return item


def progress(**overrides) -> dict:
    item = {"MaHoSo": "000.00.00.H29-261124-0001", "NguoiXuLy": "Trần Văn Bình", "ThoiDiemXuLy": "20261124100000",
            "NoiDungXuLy": "Tiếp nhận hồ sơ", "TrangThai": "2", "PhongBanXuLy": "Bộ phận một cửa"}
    item.update(overrides)
    return item


def init_message(ref: str = "REF-0001", amount: str = "50000", callback: str = "http://127.0.0.1:9/cb",
                 return_url: str = "http://127.0.0.1:9/back", partner: str = "DOKIEM", secret: str = SECRET,
                 **overrides) -> dict:
    message = {
        "LoaiBanTin": "INIT", "PhienBan": "1.0.6", "MaDoiTac": partner, "MaThamChieu": ref, "SoTien": amount,
        "LoaiHinhThanhToan": "PAY", "MaKenhThanhToan": "1", "MaThietBi": "1", "NgonNgu": "vi-VN",
        "MaTienTe": "VND", "MaNganHang": "", "ThongTinGiaoDich": "THANH TOAN HO SO 000.00.00.H29-261124-0001",
        "ThoiGianGD": "20261124093000", "Ip": "127.0.0.1", "UrlCallback": callback, "UrlTraVe": return_url,
        "ThongTinBienLai": {"MaHoSo": "000.00.00.H29-261124-0001", "MaTTHC": "1.009994.000.00.00.H29",
                            "TenTTHC": "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "MaDonVi": UNIT,
                            "TenDonVi": "Ủy ban nhân dân quận Ba Đình", "HoTenNguoiNop": "Nguyễn Thị Hoà",
                            "PhiLePhi": [{"LoaiPhiLePhi": "2", "MaPhiLePhi": "LP-XD", "SoTien": amount,
                                          "TenPhiLePhi": "Lệ phí cấp giấy phép xây dựng"}]},
    }
    message.update(overrides)
    message["MaXacThuc"] = ma_xac_thuc(message, secret, "INIT")
    return message


def query_message(ref: str = "REF-0001", secret: str = SECRET) -> dict:
    message = {"LoaiBanTin": "QUERY", "PhienBan": "1.0.6", "MaDoiTac": "DOKIEM", "MaThamChieu": ref,
               "ThoiGianGD": "20261124093500"}
    message["MaXacThuc"] = ma_xac_thuc(message, secret, "QUERY")
    return message


class FakeTarget:
    """The target's side (over HTTPS when given a server TLS context) of a payment: POST /callback checks the CONFIRM hash and answers
    {"MaLoi": "00"} (or "07"); GET /back is the page the citizen returns to."""

    def __init__(self, tls_context=None):
        self.confirms: list[dict] = []
        self.arrived = threading.Event()
        target = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                target.confirms.append(body)
                target.arrived.set()
                self._send(200, "application/json",
                           json.dumps({"MaLoi": "00" if is_valid(body, SECRET, "CONFIRM") else "07"}))

            def do_GET(self):
                self._send(200, "text/html; charset=utf-8",
                           '<html lang="vi"><body><h1>Đã quay lại cổng dịch vụ công</h1></body></html>')

            def _send(self, status, content_type, text):
                data = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls_context is not None:  # an HTTPS target with its own CA, as refportal is
            self.server.socket = tls_context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
