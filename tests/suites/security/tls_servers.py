"""TLS servers on 127.0.0.1 for the TLS probes: one version range, one trustme certificate.

Each accepts connections in a thread, completes (or fails) the handshake and closes; it stops
when the `with` block ends and, whatever happens, after LIFETIME_S.
"""
from __future__ import annotations

import socket
import ssl
import threading
import time
import warnings
from pathlib import Path

from suites.security import tls

LIFETIME_S = 60


class TlsServer:
    def __init__(self, cert, lowest: str, highest: str):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(self.context)
        with warnings.catch_warnings():  # old versions on purpose
            warnings.simplefilter("ignore", DeprecationWarning)
            self.context.minimum_version = tls.tls_version(lowest)
            self.context.maximum_version = tls.tls_version(highest)
        self.context.set_ciphers(tls.LEGACY_CIPHERS)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        deadline = time.monotonic() + LIFETIME_S
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                raw, _ = self.sock.accept()
            except OSError:
                continue
            raw.settimeout(5)
            try:
                with self.context.wrap_socket(raw, server_side=True):
                    pass
            except (OSError, ssl.SSLError):
                pass  # a refused version: exactly what the probe looks for
            finally:
                raw.close()
        self.sock.close()

    def __enter__(self) -> "TlsServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


class LoopbackProfile:
    """The two things tls.observe reads of a profile."""

    def __init__(self, port: int, ca_file: Path | None):
        self.url = f"https://127.0.0.1:{port}"
        self.ca_file = ca_file

    def base_url(self, which: str = "api") -> str:
        return self.url
