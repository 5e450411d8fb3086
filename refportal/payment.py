"""Online fee payment through the payment platform (PROTOCOL.md §2): INIT, QUERY and the
CONFIRM callback with its SHA-256 MaXacThuc. Without --national-portal, a built-in sandbox page
stands in for the platform and confirms through the same code path."""
from __future__ import annotations

import hashlib
import hmac

import requests

from refportal import clock
from refportal.context import Context

VERSION = "1.0.6"
MAC_FIELDS = {
    "INIT": ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "LoaiHinhThanhToan", "MaKenhThanhToan",
             "MaThietBi", "NgonNgu", "MaTienTe", "MaNganHang", "ThongTinGiaoDich", "ThoiGianGD", "Ip"),
    "QUERY": ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD"),
    "CONFIRM": ("LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaTienTe", "MaGiaoDich", "MaNganHang",
                "ThoiGianGD", "ThongTinGiaoDich"),
}
OK = "00"
WRONG_MAC = "07"


class PaymentError(Exception):
    pass


def mac(message: dict, secret: str) -> str:
    """MaXacThuc: lower-case hex SHA-256 of the message's fields joined with | then |secret."""
    fields = MAC_FIELDS[message["LoaiBanTin"]]
    text = "|".join(str(message.get(name, "")) for name in fields) + "|" + secret
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def mac_ok(message: dict, secret: str) -> bool:
    given = message.get("MaXacThuc")
    if not isinstance(given, str) or message.get("LoaiBanTin") not in MAC_FIELDS:
        return False
    return hmac.compare_digest(given.lower(), mac(message, secret))


def description(dossier_code: str) -> str:
    return f"THANH TOAN HO SO {dossier_code}"


def init_message(ctx: Context, reference: str, amount: int, dossier: dict, procedure: dict, applicant_name: str,
                 ip: str) -> dict:
    s = ctx.settings
    message = {
        "LoaiBanTin": "INIT", "PhienBan": VERSION, "MaDoiTac": s.payment_partner, "MaThamChieu": reference,
        "SoTien": str(amount), "LoaiHinhThanhToan": "PAY", "MaKenhThanhToan": "1", "MaThietBi": "1",
        "NgonNgu": "vi-VN", "MaTienTe": "VND", "MaNganHang": "", "ThongTinGiaoDich": description(dossier["code"]),
        "ThoiGianGD": clock.packet_time(clock.now()), "Ip": ip or "127.0.0.1",
        "UrlCallback": f"{ctx.public_url}/api/payment/callback",
        "UrlTraVe": f"{ctx.public_url}/ho-so/{dossier['code']}?thanh-toan={reference}",
        "ThongTinBienLai": {
            "MaHoSo": dossier["code"], "MaTTHC": procedure["code"], "TenTTHC": procedure["name"],
            "MaDonVi": procedure["agency_code"], "TenDonVi": procedure["agency_name"],
            "HoTenNguoiNop": applicant_name,
            "PhiLePhi": [{"LoaiPhiLePhi": "1" if f.get("kind") == "phi" else "2", "MaPhiLePhi": f["code"],
                          "TenPhiLePhi": f["name"], "SoTien": str(f["amount"])} for f in procedure["fees"]],
        },
    }
    message["MaXacThuc"] = mac(message, s.payment_secret)
    return message


def query_message(ctx: Context, reference: str) -> dict:
    message = {"LoaiBanTin": "QUERY", "PhienBan": VERSION, "MaDoiTac": ctx.settings.payment_partner,
               "MaThamChieu": reference, "ThoiGianGD": clock.packet_time(clock.now())}
    message["MaXacThuc"] = mac(message, ctx.settings.payment_secret)
    return message


def sandbox_confirm_message(ctx: Context, reference: str, amount: int, dossier_code: str) -> dict:
    """The CONFIRM the built-in sandbox 'platform' produces when the citizen presses pay."""
    message = {"LoaiBanTin": "CONFIRM", "MaLoi": OK, "MaDoiTac": ctx.settings.payment_partner,
               "MaThamChieu": reference, "SoTien": str(amount), "MaTienTe": "VND",
               "MaGiaoDich": "SANDBOX-" + reference, "MaNganHang": "SANDBOX",
               "ThoiGianGD": clock.packet_time(clock.now()), "ThongTinGiaoDich": description(dossier_code)}
    message["MaXacThuc"] = mac(message, ctx.settings.payment_secret)
    return message


def post(ctx: Context, message: dict) -> dict:
    url = ctx.settings.national_portal.rstrip("/") + "/payment/api"
    try:
        answer = requests.post(url, json=message, timeout=10)
        data = answer.json()
    except (requests.RequestException, ValueError) as exc:
        raise PaymentError(f"Nền tảng thanh toán không phản hồi — payment platform unreachable: {exc}") from exc
    if not isinstance(data, dict):
        raise PaymentError("Nền tảng thanh toán trả lời sai định dạng — malformed answer")
    if data.get("MaLoi") != OK:
        raise PaymentError(f"Nền tảng thanh toán từ chối ({message['LoaiBanTin']}): MaLoi {data.get('MaLoi')} "
                           f"{data.get('MoTaLoi', '')}".strip())
    return data
