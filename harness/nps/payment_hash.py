"""MaXacThuc, the integrity hash of payment-platform messages (PROTOCOL.md §2).

The simulator checks it on INIT and QUERY and computes it on CONFIRM; suites reuse the same
function to judge what a target sent, so there is exactly one definition of the rule.
"""
from __future__ import annotations

import hashlib
from typing import Mapping

# The fields each message type hashes, in order. Anything not listed is not covered by the hash.
HASHED_FIELDS: dict[str, tuple[str, ...]] = {
    "INIT": ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "LoaiHinhThanhToan",
             "MaKenhThanhToan", "MaThietBi", "NgonNgu", "MaTienTe", "MaNganHang", "ThongTinGiaoDich",
             "ThoiGianGD", "Ip"),
    "QUERY": ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD"),
    "CONFIRM": ("LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaTienTe", "MaGiaoDich",
                "MaNganHang", "ThoiGianGD", "ThongTinGiaoDich"),
}


def hash_input(message: Mapping, secret: str, message_type: str | None = None) -> str:
    """The text that is hashed: the message's fields joined with '|', then '|' and the secret.

    A missing field counts as the empty string; a non-string value (a vendor sending SoTien as a
    number) is written as JSON would print it, so the hash still says what was sent.
    """
    kind = message_type or str(message.get("LoaiBanTin", ""))
    if kind not in HASHED_FIELDS:
        raise ValueError(f"không có quy tắc MaXacThuc cho loại bản tin {kind!r} — no MaXacThuc rule for "
                         f"message type {kind!r}; expected one of {', '.join(HASHED_FIELDS)}")
    parts = [_text(message.get(name)) for name in HASHED_FIELDS[kind]]
    return "|".join(parts + [secret])


def ma_xac_thuc(message: Mapping, secret: str, message_type: str | None = None) -> str:
    """Lower-case hex SHA-256 of `hash_input` (UTF-8)."""
    return hashlib.sha256(hash_input(message, secret, message_type).encode("utf-8")).hexdigest()


def is_valid(message: Mapping, secret: str, message_type: str | None = None) -> bool:
    """True when the message's MaXacThuc equals the one computed (case-insensitive hex)."""
    sent = message.get("MaXacThuc")
    if not isinstance(sent, str):
        return False
    try:
        return sent.strip().lower() == ma_xac_thuc(message, secret, message_type)
    except ValueError:
        return False


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
