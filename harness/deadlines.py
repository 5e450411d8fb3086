"""Hard limits on one HTTP exchange: a wall-clock deadline and a cap on the answer's size.

requests' `timeout` bounds each read, not the exchange: a target that sends one byte a second
never trips it, and an answer of 100 MB is read whole into memory. Here every exchange gets a
watchdog that, at the deadline, shuts down the sockets the exchange is using (the blocked read
then returns at once), and the body is streamed and given up past `max_bytes`.

Sockets are found through the connection classes of DeadlineAdapter, which every session made
by `session()` (or passed to `request()`) mounts: each connection registers its socket with the
exchange of its thread when it sends a request and before it reads the answer. Connecting is
bounded by requests' own connect timeout, set no longer than the deadline.
"""
from __future__ import annotations

import socket
import threading
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

CHUNK_BYTES = 64 * 1024
MEGABYTE = 1024 * 1024


class DeadlineExceeded(requests.Timeout):
    """No whole answer within the exchange's deadline."""


class AnswerTooLarge(requests.RequestException):
    """The answer is larger than the cap; it was not read past it."""


# ------------------------------------------------------------------ the exchange of this thread

_current = threading.local()


class Exchange:
    """One bounded exchange: a timer that, at the deadline, shuts down every socket registered."""

    def __init__(self, deadline_s: float):
        self.deadline_s = deadline_s
        self.ends_at = time.monotonic() + deadline_s
        self.expired = False
        self._sockets: list = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(deadline_s, self._expire)
        self._timer.daemon = True

    def remaining(self) -> float:
        return max(self.ends_at - time.monotonic(), 0.0)

    def watch(self, sock) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def __enter__(self) -> "Exchange":
        self._outer = getattr(_current, "exchange", None)
        _current.exchange = self
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        _current.exchange = self._outer


def _shut(sock) -> None:
    """Wake up a read blocked on `sock` (the plain socket's shutdown: an SSL socket's own would
    drop its SSL object under the reading thread)."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, TypeError):
        pass


def _watch(connection) -> None:
    exchange = getattr(_current, "exchange", None)
    if exchange is not None:
        exchange.watch(getattr(connection, "sock", None))


class _Watched:
    """Registers the connection's socket with the running exchange before sending and reading."""

    def request(self, *args, **kwargs):
        _watch(self)
        return super().request(*args, **kwargs)

    def getresponse(self, *args, **kwargs):
        _watch(self)
        return super().getresponse(*args, **kwargs)


class _HTTPConnection(_Watched, HTTPConnection):
    pass


class _HTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def session() -> requests.Session:
    """A requests session whose exchanges `request()` can cut at their deadline."""
    http = requests.Session()
    _mount(http)
    return http


def _mount(http: requests.Session) -> None:
    if not isinstance(http.get_adapter("https://x"), DeadlineAdapter):
        adapter = DeadlineAdapter()
        http.mount("http://", adapter)
        http.mount("https://", adapter)


# ------------------------------------------------------------------ one exchange

def request(http: requests.Session | None, method: str, url: str, *, deadline_s: float,
            max_bytes: int, **kwargs) -> requests.Response:
    """Send one request and read its whole answer within `deadline_s` seconds and `max_bytes`
    bytes; DeadlineExceeded or AnswerTooLarge otherwise (both requests exceptions). `http`: the
    session to send it in (None: a fresh one, no cookies kept)."""
    own = http is None
    http = session() if own else http
    _mount(http)
    timeout = kwargs.pop("timeout", None) or deadline_s
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    kwargs["timeout"] = (min(connect, deadline_s), min(read, deadline_s))
    try:
        with Exchange(deadline_s) as exchange:
            try:
                response = http.request(method, url, stream=True, **kwargs)
                _read_capped(response, max_bytes, exchange)
            except requests.RequestException as exc:
                if exchange.expired and not isinstance(exc, AnswerTooLarge):
                    raise DeadlineExceeded(f"no whole answer within {deadline_s:g} s (deadline of the exchange) "
                                           f"— không có câu trả lời trọn vẹn trong {deadline_s:g} s") from None
                raise
    finally:
        if own:
            http.close()
    return response


def _read_capped(response: requests.Response, max_bytes: int, exchange: Exchange) -> None:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes and response.request.method != "HEAD":
        response.close()
        raise AnswerTooLarge(_too_large(max_bytes, f"{int(declared)} bytes declared"))
    body = bytearray()
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            body += chunk
            if len(body) > max_bytes:
                raise AnswerTooLarge(_too_large(max_bytes, f"more than {max_bytes} bytes sent"))
            if exchange.expired:
                raise requests.ConnectionError("deadline")
    except BaseException:
        response.close()
        raise
    response._content = bytes(body)
    response._content_consumed = True


def _too_large(max_bytes: int, what: str) -> str:
    return (f"answer over {max_bytes / MEGABYTE:g} MB ({what}; limits.max_response_mb) — câu trả lời vượt "
            f"{max_bytes / MEGABYTE:g} MB, không đọc tiếp")
