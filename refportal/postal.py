"""The public postal operator (bưu chính công ích): when a result goes back by post, refportal
orders the delivery from the operator's gateway and records the consignment number it returns.

Protocol (refportal's side, API.md): POST {--postal-gateway}/orders with JSON
{"reference": <dossier code>, "service": "tra_ket_qua", "sender": <portal name>,
 "recipient": {"name", "phone", "address"}} → 200 {"consignment": "<number>"}.
Without --postal-gateway (dokiem's simulator has no postal service) the officer types the
consignment number printed by the post office."""
from __future__ import annotations

import re

import requests

from refportal.failures import ApiError

CONSIGNMENT = re.compile(r"^[A-Z0-9-]{4,40}$")


def order_delivery(gateway: str, dossier_code: str, sender: str, recipient: dict) -> str:
    """Ask the operator to deliver a result; its consignment number, or ApiError 502."""
    body = {"reference": dossier_code, "service": "tra_ket_qua", "sender": sender,
            "recipient": {k: recipient.get(v) for k, v in (("name", "full_name"), ("phone", "phone"),
                                                            ("address", "address"))}}
    try:
        answer = requests.post(gateway.rstrip("/") + "/orders", json=body, timeout=10)
        consignment = str(answer.json().get("consignment") or "") if answer.ok else ""
    except (requests.RequestException, ValueError) as exc:
        raise ApiError(502, f"Không kết nối được doanh nghiệp bưu chính, nhập mã vận đơn thủ công — postal gateway "
                            f"unreachable, enter the consignment number by hand ({type(exc).__name__})") from None
    if not CONSIGNMENT.match(consignment):
        raise ApiError(502, f"Doanh nghiệp bưu chính không trả mã vận đơn (HTTP {answer.status_code}), nhập mã vận đơn "
                            "thủ công — the postal gateway returned no consignment number")
    return consignment
