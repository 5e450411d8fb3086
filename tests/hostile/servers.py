"""Hostile targets for dokiem's own tests: small local servers that lie, loop, hang or die.

Each binds 127.0.0.1 on a free port, runs in a daemon thread and is stopped by `stop()` (or a
`with` block); nothing here needs the internet. They are shared by every test that proves what
dokiem does against a target that is not a portal:

- EmptyJsonServer   `{}` with HTTP 200 to every request
- EchoServer        the request itself (method, path, query, headers, body) as JSON, HTTP 200
- ErrorPageServer   an HTML error page with HTTP 200 (a portal's "Lỗi hệ thống" page)
- RedirectLoopServer  302 to itself, for ever
- RefuseAfterServer  answers `{}` to the first `answers` connections, then closes the port
- DripServer        a valid answer, one byte per `interval_s`
- BlackHoleServer   accepts TCP connections and never sends a byte
- HugeServer        a valid JSON answer of `size` bytes, streamed
"""
from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hostile"
    sys_version = ""

    def log_message(self, *args):
        pass

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self):
        self.server.hits += 1
        self.server.answer(self)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _answer  # noqa: N815 (http.server's naming)


def send(handler, status: int, body: bytes, content_type: str = "application/json; charset=utf-8",
         headers: dict | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


class HostileServer(ThreadingHTTPServer):
    """An HTTP server on a free loopback port whose `answer(handler)` decides what it does."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits = 0
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def answer(self, handler) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> "HostileServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class EmptyJsonServer(HostileServer):
    def answer(self, handler):
        handler._body()
        send(handler, 200, b"{}")


class EchoServer(HostileServer):
    def answer(self, handler):
        url = urlparse(handler.path)
        body = handler._body()
        echo = {"method": handler.command, "path": url.path, "query": parse_qs(url.query),
                "headers": dict(handler.headers), "body": body.decode("utf-8", errors="replace")}
        send(handler, 200, json.dumps(echo, ensure_ascii=False).encode())


ERROR_PAGE = ("<!doctype html><html lang=vi><head><title>Lỗi hệ thống</title></head><body><h1>Lỗi hệ thống</h1>"
              "<p>Hệ thống đang bảo trì, vui lòng quay lại sau.</p></body></html>").encode()


class ErrorPageServer(HostileServer):
    def answer(self, handler):
        handler._body()
        send(handler, 200, ERROR_PAGE, content_type="text/html; charset=utf-8")


class RedirectLoopServer(HostileServer):
    def answer(self, handler):
        handler._body()
        send(handler, 302, b"", headers={"Location": handler.path})


class RefuseAfterServer(HostileServer):
    """Serves `{}`-free plausible answers to the first `answers` requests, then stops listening:
    every later connection is refused (what a target does when it dies after the pre-flight)."""

    def __init__(self, answers: int = 1):
        super().__init__()
        self.answers = answers

    def answer(self, handler):
        handler._body()
        send(handler, 200, json.dumps({"items": [], "ok": True}).encode(), headers={"Connection": "close"})
        if self.hits >= self.answers:
            threading.Thread(target=self.stop, daemon=True).start()


class DripServer(HostileServer):
    """Sends a complete, valid answer one byte every `interval_s` (headers included)."""

    def __init__(self, interval_s: float = 1.0):
        super().__init__()
        self.interval_s = interval_s

    def answer(self, handler):
        handler._body()
        payload = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        try:
            for byte in payload:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(self.interval_s)
        except OSError:
            pass  # the client gave up: what it should do
        handler.close_connection = True


class HugeServer(HostileServer):
    """A JSON answer of `size` bytes, streamed in 64 KiB pieces."""

    def __init__(self, size: int = 100 * 1024 * 1024):
        super().__init__()
        self.size = size
        self.sent = 0

    def answer(self, handler):
        handler._body()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(self.size))
        handler.end_headers()
        piece = b" " * 65536
        left = self.size
        try:
            while left > 0:
                chunk = piece[:min(left, len(piece))]
                handler.wfile.write(chunk)
                left -= len(chunk)
                self.sent += len(chunk)
        except OSError:
            pass
        handler.close_connection = True


class BlackHoleServer:
    """Accepts TCP connections and never answers (nor closes them until stopped)."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.accepted: list[socket.socket] = []
        self._running = True
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while self._running:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}"

    def start(self) -> "BlackHoleServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._running = False
        try:
            self.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.socket.close()
        for connection in self.accepted:
            connection.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def free_port() -> int:
    """A loopback port nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
