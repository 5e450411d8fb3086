"""A tiny HTTPS portal for the load test's own tests: catalogue, search, lookup, login, the
citizen's dossiers and submission, with faults to switch on. Not refportal: just enough API
for the generated locustfile, bound to 127.0.0.1 on a free port, stopped by the fixture.
"""
from __future__ import annotations

import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PROCEDURES = [{"code": f"1.00{i:04d}.000.00.00.H29", "name": f"Cấp giấy phép thử nghiệm số {i}",
               "agency_name": "Sở Thông tin và Truyền thông"} for i in range(1, 7)]
DOSSIER = "000.00.10.H29-261125-0001"
TOKEN = "tok-load-3c9e"


class Faults:
    def __init__(self):
        self.slow_search_s = 0.0     # search answers this late (refportal's slow-search defect)
        self.lookup_status = 200     # e.g. 500: lookups fail


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "load-target"
    sys_version = ""

    def log_message(self, *args):
        pass

    def _send(self, status: int, body) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):  # noqa: N802 (http.server's naming)
        url = urlparse(self.path)
        query = parse_qs(url.query)
        faults = self.server.faults
        self.server.count(url.path.split("/")[2] if url.path.startswith("/api/") else url.path)
        if url.path == "/api/procedures":
            if query.get("q"):
                time.sleep(faults.slow_search_s)
            return self._send(200, {"items": PROCEDURES})
        if url.path.startswith("/api/procedures/"):
            return self._send(200, PROCEDURES[0])
        if url.path.startswith("/api/lookup/"):
            if faults.lookup_status != 200:
                return self._send(faults.lookup_status, {"error": "lỗi"})
            return self._send(200, {"code": DOSSIER, "status_label": "Đã tiếp nhận"})
        if url.path == "/api/me/dossiers":
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._send(401, {"error": "chưa đăng nhập"})
            return self._send(200, {"items": [{"code": DOSSIER}]})
        return self._send(404, {"error": "không tìm thấy"})

    def do_POST(self):  # noqa: N802
        url = urlparse(self.path)
        body = self._body()
        self.server.count(url.path)
        if url.path == "/api/auth/login":
            data = json.loads(body or b"{}")
            if data.get("password") != self.server.password:
                return self._send(401, {"error": "sai mật khẩu"})
            return self._send(200, {"token": TOKEN})
        if url.path == "/api/dossiers":
            if self.headers.get("Authorization") != f"Bearer {TOKEN}" or b"%PDF" not in body:
                return self._send(422, {"error": "thiếu tệp"})
            return self._send(201, {"code": DOSSIER})
        return self._send(404, {"error": "không tìm thấy"})


class LoadTarget(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a burst of users connecting at once must not hit the backlog

    def __init__(self, server_cert, password: str):
        super().__init__(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_cert.configure_cert(context)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.password = password
        self.faults = Faults()
        self.counts: dict[str, int] = {}
        self.arrivals: list[float] = []  # time.monotonic() of every request: the rate the target saw
        self._lock = threading.Lock()

    def count(self, what: str) -> None:
        with self._lock:
            self.counts[what] = self.counts.get(what, 0) + 1
            self.arrivals.append(time.monotonic())

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server_address[1]}"


def profile_data(url: str, **load) -> dict:
    """A profile (as loaded YAML) mapping the vocabulary onto the load target."""
    return {
        "profile_version": 1, "id": "load-target", "vendor": "test", "system": "load target", "version": "1",
        "environment": "staging", "systems": ["dvc"], "base_urls": {"portal": url}, "tls": {"ca_file": "ca.pem"},
        "accounts": {"citizen": [{"username": "congdan.a", "password_env": "DOKIEM_TEST_LOAD_PW"},
                                 {"username": "congdan.b", "password_env": "DOKIEM_TEST_LOAD_PW"}]},
        "session": {"login_operation": "login", "token": "session", "header": "Authorization",
                    "header_value": "Bearer ${session}"},
        "operations": {
            "login": {"method": "POST", "path": "/api/auth/login",
                      "json": {"username": "${username}", "password": "${password}"}, "returns": {"session": "token"}},
            "list_procedures": {"method": "GET", "path": "/api/procedures", "returns": {"procedures": "items"}},
            "get_procedure": {"method": "GET", "path": "/api/procedures/${procedure_code}",
                              "returns": {"procedure": "@"}},
            "search_procedures": {"method": "GET", "path": "/api/procedures",
                                  "query": {"q": "${keyword}", "level": "${level}"},
                                  "returns": {"procedures": "items"}},
            "lookup_dossier": {"method": "GET", "path": "/api/lookup/${dossier_code}", "anonymous": True,
                               "returns": {"status_label": "status_label"}},
            "list_my_dossiers": {"method": "GET", "path": "/api/me/dossiers", "returns": {"dossiers": "items"}},
            "submit_dossier": {"method": "POST", "path": "/api/dossiers", "expect": [201],
                               "returns": {"dossier_code": "code"},
                               "multipart": {"fields": {"procedure_code": "${procedure_code}",
                                                        "form_data": "${form_data|json}"},
                                             "files": {"files": "files"}}},
        },
        "status_labels": {"Đã tiếp nhận": 2},
        "test_data": {"online_procedure": PROCEDURES[0]["code"], "form_data": {"trich_yeu": "thử tải"}},
        "limits": {"requests_per_second": 50, "max_users": 50, "request_timeout_s": 3},
        "load": {"wait_s": [0.2, 0.5], **load},
    }
