"""What one operation gave back (OpResult) and how a value is read out of an answer (extract).

Apart from the client (harness/api.py) so that the profile language (harness/profile_steps.py),
which the client calls, can build results without importing the client back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jmespath
import requests


@dataclass
class OpResult:
    operation: str
    status: int | None
    ok: bool
    vars: dict = field(default_factory=dict)
    json: Any = None
    content: bytes = b""
    headers: dict = field(default_factory=dict)
    url: str = ""
    elapsed_ms: float = 0.0
    error: str = ""  # no answer at all (connection refused, timeout), or the operation is not mapped
    unmapped: bool = False
    # the answer came as HTTP 2xx but its body refused (the profile's envelope, harness/envelope.py):
    # `status` is then the one the body states, and this says so
    refused_in_body: str = ""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def header(self, name: str, default: str | None = None) -> str | None:
        """A response header by name, whatever its case on the wire."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), default)

    def describe(self) -> str:
        if self.unmapped:
            return f"{self.operation}: {self.error}"
        if self.error:
            return f"{self.operation}: no answer — không có phản hồi ({self.error})"
        snippet = self.text[:300].replace("\n", " ")
        if self.refused_in_body:
            return f"{self.operation}: {self.refused_in_body}, from {self.url} — {snippet}"
        return f"{self.operation}: HTTP {self.status} from {self.url} — {snippet}"


def extract(expression: str, response: requests.Response | None, data: Any) -> Any:
    if expression == "$status":
        return response.status_code if response is not None else None
    if expression == "$body":
        return response.content if response is not None else b""
    if expression == "$text":
        return response.text if response is not None else ""
    if expression == "$url":
        return response.url if response is not None else ""
    if expression.startswith("$header:"):
        return response.headers.get(expression.split(":", 1)[1]) if response is not None else None
    if data is None:
        return None
    return jmespath.search(expression, data)
