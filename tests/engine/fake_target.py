"""A tiny HTTP target for the engine's own tests: login, a protected resource, multipart, pages.

It is not a portal; it answers just enough for the profile, API client, pre-flight and journey
runner to be exercised both ways (working and refusing). Bound to 127.0.0.1 on a free port.
"""
from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PASSWORD = "Mk!fake-target-42"
TOKEN = "tok-7f3a9c2e51"

PAGES = {
    "/": """<!doctype html><html lang="vi"><head><title>Trang chủ</title></head><body>
<a href="/tra-cuu">Tra cứu hồ sơ</a> <a href="/dang-nhap">Đăng nhập</a></body></html>""",
    "/tra-cuu": """<!doctype html><html lang="vi"><head><title>Tra cứu</title></head><body>
<form action="/ket-qua" method="get"><label for="ma">Mã hồ sơ</label><input id="ma" name="ma">
<button type="submit">Tra cứu</button></form></body></html>""",
    "/dang-nhap": """<!doctype html><html lang="vi"><head><title>Đăng nhập</title></head><body>
<form action="/" method="get"><label for="u">Tên đăng nhập</label><input id="u" name="u">
<label for="p">Mật khẩu</label><input id="p" type="password" name="p">
<button type="submit">Đăng nhập</button></form></body></html>""",
}


class Handler(BaseHTTPRequestHandler):
    server_version = "fake"
    sys_version = ""

    def log_message(self, *args):  # quiet tests
        pass

    def _send(self, status: int, body, content_type: str = "application/json; charset=utf-8") -> None:
        data = body if isinstance(body, bytes) else (
            json.dumps(body, ensure_ascii=False).encode() if not isinstance(body, str) else body.encode())
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _json_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def do_GET(self):  # noqa: N802 (http.server's naming)
        path, _, query = self.path.partition("?")
        self.server.seen.append(("GET", self.path, dict(self.headers)))
        if path in PAGES:
            return self._send(200, PAGES[path], "text/html; charset=utf-8")
        if path == "/ket-qua":
            code = query.split("=", 1)[-1]
            return self._send(200, f"""<!doctype html><html lang="vi"><body><dl><dt>Mã hồ sơ</dt><dd>{code}</dd>
<dt>Trạng thái</dt><dd>Đang giải quyết</dd></dl></body></html>""", "text/html; charset=utf-8")
        if path.startswith("/api/private"):
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._send(401, {"error": "unauthorised"})
            return self._send(200, {"items": [{"code": "A-1", "status_label": "Mới"}], "total": 1})
        if path == "/api/basic":
            expected = "Basic " + base64.b64encode(f"congdan1:{PASSWORD}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                return self._send(401, {"error": "unauthorised"})
            return self._send(200, {"user": "congdan1"})
        if path.startswith("/api/echo"):
            return self._send(200, {"path": path, "query": query})
        if path.startswith("/api/envelope/"):  # a vendor API that answers 200 and says in the body (`code`)
            said = path.rsplit("/", 1)[-1]
            return self._send(200, {"success": True, "items": [{"id": 7}]} if said == "ok" else
                              {"success": False, "code": said, "message": "Không có quyền — no right"})
        return self._send(404, {"error": "not found"})

    def do_POST(self):  # noqa: N802
        self.server.seen.append(("POST", self.path, dict(self.headers)))
        if self.path == "/api/login":
            body = self._json_body()
            if body.get("username") == "congdan1" and body.get("password") == PASSWORD:
                return self._send(200, {"token": TOKEN, "user": {"full_name": "Nguyễn Văn An"}})
            return self._send(401, {"error": "sai tài khoản hoặc mật khẩu"})
        if self.path == "/api/upload":
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            refusal = {"forbidden": 403, "broken": 500}.get(getattr(self.server, "mode", "good"))
            if refusal:  # the account lacks the role in the target (403), or the target breaks (500)
                return self._send(refusal, {"error": "không được phép" if refusal == 403 else "lỗi máy chủ"})
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + raw)
            fields, files = {}, []
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if part.get_filename():
                    files.append({"name": part.get_filename(), "size": len(part.get_payload(decode=True))})
                else:
                    fields[name] = part.get_payload(decode=True).decode("utf-8")
            code = {"bad-code": "H29-261124-1", "undecidable": "000.00.00.H29-261124-0000"}.get(
                getattr(self.server, "mode", "good"), "000.00.00.H29-261124-0001")
            return self._send(201, {"code": code, "fields": json.loads(fields["form_data"]), "files": files})
        return self._send(404, {"error": "not found"})


class FakeTarget:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.seen = []
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def seen(self):
        return self.server.seen

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
