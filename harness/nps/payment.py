"""The payment platform (nền tảng thanh toán), PROTOCOL.md §2: INIT, QUERY and the confirmation.

Pure logic plus the one outbound call (the CONFIRM POST to the target's UrlCallback). The web
layer records what happens; MaXacThuc is computed and checked only through payment_hash.
"""
from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from urllib.parse import quote

import requests

from harness.nps import clock
from harness.nps.payment_hash import is_valid, ma_xac_thuc

PENDING, PAID, FAILED = "0", "1", "2"
CALLBACK_TIMEOUT = (5, 15)  # connect, read (s): a target's callback must not hang the citizen's browser
SIM_BANK = "DOKIEMSIM"

MA_LOI = {  # MaLoi the platform answers, with their meaning (PROTOCOL.md §2, answer codes)
    "00": "Thành công — success",
    "01": "Giao dịch không thành công (người nộp hủy) — transaction failed (the payer cancelled)",
    "02": "Không tìm thấy giao dịch (MaThamChieu) — unknown MaThamChieu",
    "05": "Mã đối tác không hợp lệ (MaDoiTac) — unknown partner code",
    "07": "Sai mã xác thực (MaXacThuc) — wrong MaXacThuc",
    "08": "Giao dịch đã được thanh toán — this MaThamChieu is already paid",
    "99": "Bản tin không hợp lệ — malformed message",
}


def answer(code: str, **fields) -> dict:
    return {"MaLoi": code, "MoTaLoi": MA_LOI[code], **fields}


@dataclass
class Payment:
    ref: str
    partner: str
    init: dict
    state: str = PENDING
    transaction_id: str = ""
    confirm: dict | None = None
    callbacks: list[dict] = field(default_factory=list)

    @property
    def amount(self) -> str:
        return str(self.init.get("SoTien", ""))

    def summary(self) -> dict:
        return {"MaThamChieu": self.ref, "MaDoiTac": self.partner, "TrangThaiGD": self.state,
                "MaGiaoDich": self.transaction_id, "SoTien": self.amount, "confirm": self.confirm,
                "callbacks": self.callbacks}


class PaymentPlatform:
    def __init__(self, partners: dict[str, str], public_url: str, callback_verify: bool | str = True):
        self.partners = dict(partners)
        self.public_url = public_url.rstrip("/")
        self.callback_verify = callback_verify  # True, False, or a CA bundle path (read at each call)
        self._lock = threading.Lock()
        self._payments: dict[str, Payment] = {}
        self._numbers = itertools.count(1)

    def reset(self) -> None:
        with self._lock:
            self._payments.clear()

    def get(self, ref: str) -> Payment | None:
        with self._lock:
            return self._payments.get(ref)

    def pay_url(self, ref: str) -> str:
        return f"{self.public_url}/payment/pay/{quote(ref, safe='')}"

    # ------------------------------------------------------------------ messages from the target
    def handle(self, message) -> dict:
        if not isinstance(message, dict):
            return answer("99")
        kind = message.get("LoaiBanTin")
        if kind not in ("INIT", "QUERY"):
            return {**answer("99"), "MoTaLoi": f"LoaiBanTin {kind!r} không hỗ trợ — unknown LoaiBanTin; "
                                               "send INIT or QUERY"}
        partner = message.get("MaDoiTac")
        secret = self.partners.get(partner) if isinstance(partner, str) else None
        if secret is None:
            return answer("05")
        if not is_valid(message, secret, kind):
            return answer("07")
        return self._init(message, partner) if kind == "INIT" else self._query(message)

    def _init(self, message: dict, partner: str) -> dict:
        ref = message.get("MaThamChieu")
        if not isinstance(ref, str) or not ref:
            return {**answer("99"), "MoTaLoi": "thiếu MaThamChieu — MaThamChieu is missing"}
        with self._lock:
            known = self._payments.get(ref)
            if known is not None and known.state == PAID:
                return answer("08", MaThamChieu=ref)
            # a pending or failed reference may be started again: the newest INIT is the one paid
            self._payments[ref] = Payment(ref, partner, dict(message))
        return answer("00", MaThamChieu=ref, UrlThanhToan=self.pay_url(ref))

    def _query(self, message: dict) -> dict:
        payment = self.get(message.get("MaThamChieu") if isinstance(message.get("MaThamChieu"), str) else "")
        if payment is None:
            return answer("02", MaThamChieu=message.get("MaThamChieu"))
        return answer("00", MaThamChieu=payment.ref, TrangThaiGD=payment.state,
                      MaGiaoDich=payment.transaction_id, SoTien=payment.amount)

    # ------------------------------------------------------------------ the citizen pays (or cancels)
    def settle(self, ref: str, paid: bool = True) -> tuple[Payment, dict, bool]:
        """Mark the payment paid or failed and build its CONFIRM message.

        Settling a payment a second time changes nothing and gives the same confirmation again (a
        platform resends a confirmation its partner did not acknowledge). Returns (payment,
        confirm, resent). KeyError when the reference is unknown.
        """
        with self._lock:
            payment = self._payments[ref]
            if payment.confirm is not None:
                return payment, payment.confirm, True
            payment.state = PAID if paid else FAILED
            payment.transaction_id = f"SIM{clock.packet_time()}{next(self._numbers):05d}"
            init = payment.init
            confirm = {
                "LoaiBanTin": "CONFIRM", "MaLoi": "00" if paid else "01", "MaDoiTac": payment.partner,
                "MaThamChieu": ref, "SoTien": payment.amount, "MaTienTe": "VND",
                "MaGiaoDich": payment.transaction_id,
                "MaNganHang": str(init.get("MaNganHang") or SIM_BANK), "ThoiGianGD": clock.packet_time(),
                "ThongTinGiaoDich": str(init.get("ThongTinGiaoDich", "")),
            }
            confirm["MaXacThuc"] = ma_xac_thuc(confirm, self.partners[payment.partner], "CONFIRM")
            payment.confirm = confirm
            return payment, confirm, False

    def post_callback(self, payment: Payment, confirm: dict) -> dict:
        """POST the CONFIRM to the target's UrlCallback; what happened, never an exception."""
        url = payment.init.get("UrlCallback")
        outcome = {"url": url, "tls_verify": self.callback_verify}
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            outcome["error"] = ("INIT không có UrlCallback hợp lệ, không gửi được xác nhận — the INIT carried no "
                                "valid UrlCallback; the confirmation could not be sent")
        else:
            try:
                reply = requests.post(url, json=confirm, timeout=CALLBACK_TIMEOUT, verify=self.callback_verify)
                outcome["http_status"] = reply.status_code
                try:
                    outcome["body"] = reply.json()
                except ValueError:
                    outcome["body"] = reply.text[:2000]
            except (requests.RequestException, OSError) as exc:  # OSError: a CA file not there yet
                outcome["error"] = f"{type(exc).__name__}: {exc}"
        with self._lock:
            payment.callbacks.append(outcome)
        return outcome
