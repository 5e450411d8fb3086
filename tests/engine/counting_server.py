"""A local target that counts every request it receives, whatever its method (malformed ones too).

Each request is kept as (monotonic time, method, path). It answers JSON for the API, an HTML page
with a form that posts (and a script that fetches with DELETE) for the browser, redirect chains,
and sets a session cookie and an anti-CSRF token, so tests can prove what was (not) sent and
what must not survive in evidence. Bound to 127.0.0.1 on a free port.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "tok-counting-5b1e0c9a"
COOKIE_VALUE = "sid-3c8e1f9b7a2d4e60"
CSRF_VALUE = "csrf-9f1c2b7e4d3a8b06"

PAGE = f"""<!doctype html><html lang="vi"><head><title>Nộp hồ sơ</title>
<meta name="csrf-token" content="{CSRF_VALUE}"></head><body>
<form action="/nop" method="post"><input type="hidden" name="csrf_token" value="{CSRF_VALUE}">
<label for="ten">Họ tên</label><input id="ten" name="ten">
<button type="submit">Nộp hồ sơ</button></form>
<button id="xoa" onclick="fetch('/api/thing', {{method: 'DELETE'}})">Xóa</button>
</body></html>"""


class Handler(BaseHTTPRequestHandler):
    server_version = "counting"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def __getattr__(self, name):  # do_GET, do_POST, do_DELETE, do_G3T: one handler for every method
        if name.startswith("do_"):
            return self._any
        raise AttributeError(name)

    def _reply(self, status: int, body: bytes, content_type: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _any(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with self.server.lock:
            self.server.seen.append((time.monotonic(), self.command, self.path))
        path = self.path.split("?", 1)[0]
        if path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            target = f"/redirect/{left - 1}" if left > 1 else "/api/thing"
            return self._reply(302, b"", "text/plain", {"Location": target})
        if path == "/trang":
            return self._reply(200, PAGE.encode(), "text/html; charset=utf-8",
                               {"Set-Cookie": f"sid={COOKIE_VALUE}; Path=/; HttpOnly"})
        body = {"token": TOKEN, "code": "000.00.10.H99-261206-0001", "ok": True,
                "csrf_token": CSRF_VALUE}
        self._reply(200, json.dumps(body).encode(), "application/json",
                    {"Set-Cookie": f"sid={COOKIE_VALUE}; Path=/; HttpOnly", "X-CSRF-Token": CSRF_VALUE})


class CountingServer:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.seen = []
        self.httpd.lock = threading.Lock()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def seen(self) -> list[tuple[float, str, str]]:
        with self.httpd.lock:
            return list(self.httpd.seen)

    def count(self, method: str | None = None, path_prefix: str = "") -> int:
        return sum(1 for _t, m, p in self.seen if (method is None or m == method) and p.startswith(path_prefix))

    def reset(self) -> None:
        with self.httpd.lock:
            self.httpd.seen.clear()

    def __enter__(self) -> "CountingServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def max_in_window(times: list[float], window: float) -> int:
    """The largest number of requests that arrived within any `window` seconds."""
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] > window:
            start += 1
        best = max(best, end - start + 1)
    return best
