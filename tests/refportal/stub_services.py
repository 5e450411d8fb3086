"""A small stand-in for the national portal, the payment platform, the SMS gateway and an SMTP
sink (harness/nps/PROTOCOL.md), written for refportal's own tests: it records what it receives
and answers per the protocol, and can be told to answer errors or forget sessions."""
from __future__ import annotations

import email
import hashlib
import html
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import requests
from aiosmtpd.controller import Controller

PAYMENT_SECRET = "dokiem-secret"
PARTNER = "DOKIEM"
USERNAME, PASSWORD = "dokiem", "dokiem-nps"
MAC_FIELDS = {
    "INIT": ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "LoaiHinhThanhToan", "MaKenhThanhToan",
             "MaThietBi", "NgonNgu", "MaTienTe", "MaNganHang", "ThongTinGiaoDich", "ThoiGianGD", "Ip"),
    "QUERY": ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD"),
    "CONFIRM": ("LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaTienTe", "MaGiaoDich", "MaNganHang",
                "ThoiGianGD", "ThongTinGiaoDich"),
}


def mac(message: dict, secret: str = PAYMENT_SECRET) -> str:
    text = "|".join(str(message.get(k, "")) for k in MAC_FIELDS[message["LoaiBanTin"]]) + "|" + secret
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Record:
    seq: int
    time: float
    kind: str          # auth | packet | payment | sms | mail
    service: str
    request: dict
    response: dict


@dataclass
class StubState:
    records: list[Record] = field(default_factory=list)
    sessions: set[str] = field(default_factory=set)
    faults: dict[str, list[str]] = field(default_factory=dict)   # service -> error codes to answer next
    synced: dict[str, dict] = field(default_factory=dict)        # MaHoSo -> last dossier object
    catalogue: dict[str, dict] = field(default_factory=dict)     # maTTHC -> LayThuTuc record
    payments: dict[str, dict] = field(default_factory=dict)      # MaThamChieu -> INIT message (+ state)


class NationalStub:
    def __init__(self):
        self.state = StubState()
        self.cond = threading.Condition()
        self.ca_file: str | None = None  # set once refportal is up: the CONFIRM goes to its HTTPS callback
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        self.smtp_port = free_port()
        self.smtp = Controller(_SmtpHandler(self), hostname="127.0.0.1", port=self.smtp_port)
        self._thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    # --- life -----------------------------------------------------------------------------------
    def start(self) -> "NationalStub":
        self._thread.start()
        self.smtp.start()
        return self

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.smtp.stop()

    # --- recording ------------------------------------------------------------------------------
    def record(self, kind: str, service: str, request: dict, response: dict) -> None:
        with self.cond:
            self.state.records.append(Record(len(self.state.records) + 1, time.time(), kind, service, request, response))
            self.cond.notify_all()

    def records(self, kind: str | None = None, service: str | None = None, code: str | None = None) -> list[Record]:
        with self.cond:
            found = list(self.state.records)
        return [r for r in found if (kind is None or r.kind == kind) and (service is None or r.service == service)
                and (code is None or code in _codes(r))]

    def apology_messages(self, code: str) -> tuple[list[dict], list[dict]]:
        """The apology mails and SMS sent about dossier `code` (their requests)."""
        mails = [r.request for r in self.records(kind="mail")
                 if code in r.request["subject"] and "xin lỗi" in r.request["subject"]]
        texts = [r.request for r in self.records(kind="sms")
                 if code in r.request["message"] and "xin loi" in r.request["message"]]
        return mails, texts

    def wait_for_apology(self, code: str) -> tuple[list[dict], list[dict]]:
        """Block (bounded) until the apology about `code` went out both by mail and by SMS."""
        return self.wait_for(lambda s: s.apology_messages(code) if all(s.apology_messages(code)) else None,
                             what="the apology by mail and SMS")

    def wait_for(self, predicate, timeout: float = 15.0, what: str = "records"):
        """Block until predicate(stub) is truthy (re-checked on every new record), bounded."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                value = predicate(self)
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"stub: timed out after {timeout}s waiting for {what}")
                self.cond.wait(remaining)

    # --- control --------------------------------------------------------------------------------
    def fail_next(self, service: str, error_code: str = "-1", count: int = 1) -> None:
        with self.cond:
            self.state.faults.setdefault(service, []).extend([error_code] * count)

    def expire_sessions(self) -> None:
        with self.cond:
            self.state.sessions.clear()

    def add_procedure(self, record: dict) -> None:
        self.state.catalogue[record["MATTHC"]] = record

    def confirm(self, reference: str, correct_mac: bool = True) -> requests.Response:
        """The citizen has paid: POST the CONFIRM to the target's UrlCallback."""
        init = self.state.payments[reference]
        message = {"LoaiBanTin": "CONFIRM", "MaLoi": "00", "MaDoiTac": init["MaDoiTac"], "MaThamChieu": reference,
                   "SoTien": init["SoTien"], "MaTienTe": "VND", "MaGiaoDich": "GD" + secrets.token_hex(4).upper(),
                   "MaNganHang": "NCB", "ThoiGianGD": time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() + 7 * 3600)),
                   "ThongTinGiaoDich": init["ThongTinGiaoDich"]}
        message["MaXacThuc"] = mac(message) if correct_mac else mac(message, "wrong-secret")
        answer = requests.post(init["UrlCallback"], json=message, verify=self.ca_file, timeout=10)
        if answer.status_code == 200 and answer.json().get("MaLoi") == "00":
            init["paid"] = message["MaGiaoDich"]
        self.record("payment", "CONFIRM", message, {"status": answer.status_code, **_json(answer)})
        return answer

    # --- HTTP -----------------------------------------------------------------------------------
    def _handler_class(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _body(self) -> dict:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                    return {}
                return json.loads(raw or b"{}")

            def _send(self, status: int, body, content_type="application/json; charset=utf-8", headers=None):
                data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                path = urlsplit(self.path).path
                if path.startswith("/payment/pay/"):
                    self._body()
                    reference = path.rsplit("/", 1)[1]
                    stub.confirm(reference)
                    return self._send(303, b"", "text/plain", {"location": stub.state.payments[reference]["UrlTraVe"]})
                body = self._body()
                if path == "/dvcqg/auth":
                    self._send(200, stub._auth(body))
                elif path == "/dvcqg/integration":
                    self._send(200, stub._integration(body))
                elif path == "/payment/api":
                    self._send(200, stub._payment(body))
                elif path == "/postal/orders":
                    answer = {"consignment": "EB" + str(len(stub.records(kind="postal")) + 100000001) + "VN"}
                    stub.record("postal", "orders", body, answer)
                    self._send(200, answer)
                elif path == "/sms/send":
                    answer = {"status": "ok", "id": secrets.token_hex(4)}
                    stub.record("sms", "send", body, answer)
                    self._send(200, answer)
                else:
                    self._send(404, {"error": "not found"})

            def do_GET(self):
                path = urlsplit(self.path).path
                if path.startswith("/payment/pay/"):
                    reference = path.rsplit("/", 1)[1]
                    init = stub.state.payments.get(reference)
                    if init is None:
                        return self._send(404, {"error": "unknown payment"})
                    page = (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Thanh toán</title></head>'
                            f'<body><main><h1>Nền tảng thanh toán (giả lập)</h1><p>Số tiền: <strong id="so-tien">'
                            f'{html.escape(init["SoTien"])}</strong> VND</p><p>{html.escape(init["ThongTinGiaoDich"])}</p>'
                            f'<form method="post" action="/payment/pay/{html.escape(reference)}">'
                            f'<button type="submit">Xác nhận thanh toán</button></form></main></body></html>')
                    return self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")
                self._send(404, {"error": "not found"})

        return Handler

    def _auth(self, body: dict) -> dict:
        if body.get("username") == USERNAME and body.get("password") == PASSWORD:
            token = secrets.token_hex(8)
            with self.cond:
                self.state.sessions.add(token)
            answer = {"error_code": "0", "session": token, "message": "ok"}
        else:
            answer = {"error_code": "-1", "message": "sai thông tin đăng nhập"}
        self.record("auth", "auth", body, answer)
        return answer

    def _integration(self, body: dict) -> dict:
        service = body.get("service", "")
        with self.cond:
            session_ok = body.get("session") in self.state.sessions
            fault = self.state.faults.get(service, [])
            error = fault.pop(0) if session_ok and fault else None
        if not session_ok:
            answer = {"error_code": "-2", "message": "session không hợp lệ"}
        elif error is not None:
            answer = {"error_code": error, "message": "lỗi giả lập"}
        elif service == "DongBoHoSoMC":
            for item in body.get("data") or []:
                self.state.synced[item.get("MaHoSo")] = item
            answer = {"error_code": "0", "message": "ok"}
        elif service == "CapNhatTienDoHoSoMC":
            answer = {"error_code": "0", "message": "ok"}
        elif service == "TraCuuHoSo":
            known = self.state.synced.get(body.get("mahoso"))
            answer = {"error_code": "0", "result": [known] if known else []}
        elif service == "LayThuTuc":
            known = self.state.catalogue.get(body.get("maTTHC"))
            answer = {"error_code": "0", "result": [known] if known else []}
        else:
            answer = {"error_code": "-9", "message": f"dịch vụ không hỗ trợ: {service}"}
        self.record("packet", service, body, answer)
        return answer

    def _payment(self, body: dict) -> dict:
        kind = body.get("LoaiBanTin")
        if kind not in ("INIT", "QUERY") or body.get("MaXacThuc") != mac(body):
            answer = {"MaLoi": "07", "MoTaLoi": "sai mã xác thực"}
        elif kind == "INIT":
            self.state.payments[body["MaThamChieu"]] = dict(body)
            answer = {"MaLoi": "00", "MoTaLoi": "ok", "MaThamChieu": body["MaThamChieu"],
                      "UrlThanhToan": f"{self.url}/payment/pay/{body['MaThamChieu']}"}
        else:
            known = self.state.payments.get(body.get("MaThamChieu"))
            paid = bool(known and known.get("paid"))
            answer = {"MaLoi": "00" if known else "02", "TrangThaiGD": "1" if paid else "0",
                      "MaGiaoDich": known.get("paid", "") if known else "", "SoTien": known["SoTien"] if known else "0"}
        self.record("payment", kind or "?", body, answer)
        return answer


class _SmtpHandler:
    def __init__(self, stub: NationalStub):
        self.stub = stub

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        self.stub.record("mail", "smtp", {"to": list(envelope.rcpt_tos), "from": envelope.mail_from,
                                          "subject": str(message["subject"]),
                                          "text": body.get_content() if body else ""}, {})
        return "250 OK"


def _codes(record: Record) -> set[str]:
    request = record.request
    found = {request.get("mahoso")}
    if isinstance(request.get("ThongTinBienLai"), dict):
        found.add(request["ThongTinBienLai"].get("MaHoSo"))
    for item in request.get("data") or []:
        if isinstance(item, dict):
            found.add(item.get("MaHoSo"))
    if record.kind == "mail":
        found.update(w for w in (request.get("subject") or "").split() if "-" in w)
    if record.kind == "sms":
        found.update(w for w in (request.get("message") or "").split() if "-" in w)
    return {c for c in found if c}


def _json(response: requests.Response) -> dict:
    try:
        value = response.json()
        return value if isinstance(value, dict) else {}
    except ValueError:
        return {}
