"""Evidence files and the redaction that runs before anything is written (docs/ARCHITECTURE.md, "Outputs and trust").

What is removed: the profile's secrets (passwords, tokens), Authorization / Cookie / Set-Cookie
headers, password-like fields in JSON and form bodies, and 12-digit citizen ID numbers
(`(?<![\\d.])\\d{12}(?!\\d)`: 14-digit packet timestamps and decimal fractions survive). Every writer in this module
redacts; nothing else in the harness writes evidence.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from harness.files import safe_name

MASK = "[ĐÃ CHE / REDACTED]"
CITIZEN_ID = re.compile(r"(?<![\d.])\d{12}(?!\d)")  # not the digits after a decimal point
SECRET_HEADERS = {"authorization", "cookie", "set-cookie", "proxy-authorization", "x-csrf-token", "x-api-key"}
# A key holds a secret when one of its words (split at _ - . and camelCase) is one of these:
# `password`, `csrf_token`, `matKhau`, `MaXacThuc` are masked; `passed`, `session_end`,
# `password_length` and `token_count` are not (they describe, they do not hold).
SECRET_WORDS = {"password", "passwd", "pass", "pwd", "matkhau", "secret", "token", "session", "sessionid",
                "otp", "csrf", "csrftoken", "maxacthuc", "authorization", "apikey", "cookie", "accesstoken",
                "refreshtoken", "idtoken"}
DESCRIPTIVE_WORDS = {"length", "count", "policy", "end", "ended", "expired", "expiry", "problems", "rule", "rules",
                     "attempts", "valid", "ok", "status", "required", "min", "max", "type", "name", "label", "field"}
MAX_STORED_BODY = 5_000_000  # a larger binary body is named by its hash only, not kept
MIN_SECRET_LENGTH = 4  # shorter values would mask innocent text everywhere


def is_secret_key(key: str) -> bool:
    """Whether a JSON or form key names a value to mask (see SECRET_WORDS and DESCRIPTIVE_WORDS)."""
    words = [w.lower() for w in re.split(r"[_\-.\s]+|(?<=[a-z])(?=[A-Z])", key) if w]
    # single words and pairs written together (api+key, mat+khau, ma+xac+thuc)
    units = set(words) | {a + b for a, b in zip(words, words[1:])} | {"".join(words)}
    if not units & SECRET_WORDS:
        return False
    return not any(w in DESCRIPTIVE_WORDS for w in words)


@dataclass
class Redactor:
    secrets: set[str] = field(default_factory=set)
    journal: Path | None = None  # where a worker hands what it registers to the controller (attach_journal)

    def add(self, *values: str | None) -> None:
        new = [v for v in values if v and len(v) >= MIN_SECRET_LENGTH and v not in self.secrets]
        self.secrets.update(new)
        if new and self.journal is not None:
            append_journal(self.journal, new)

    def text(self, value: str) -> str:
        # longest first, so a secret that contains another is masked whole
        for secret in sorted(self.secrets, key=len, reverse=True):
            value = value.replace(secret, MASK)
        return CITIZEN_ID.sub("[CCCD/CMND ĐÃ CHE]", value)

    def headers(self, headers: dict[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
        items = headers.items() if isinstance(headers, dict) else headers
        return {k: (MASK if k.lower() in SECRET_HEADERS else self.text(str(v))) for k, v in items}

    def data(self, value: Any) -> Any:
        """Redact a JSON-like structure: secret-looking keys lose their values, all text is scrubbed."""
        if isinstance(value, dict):
            return {k: (MASK if isinstance(k, str) and is_secret_key(k) and v not in (None, "")
                        else self.data(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def body(self, body: str | bytes | None, content_type: str = "") -> str:
        if body is None:
            return ""
        if isinstance(body, bytes):
            body = body.decode("utf-8", errors="replace")
        if "json" in content_type or body[:1] in ("{", "["):
            try:
                return json.dumps(self.data(json.loads(body)), ensure_ascii=False, indent=2)
            except ValueError:
                pass
        if "x-www-form-urlencoded" in content_type:
            from urllib.parse import parse_qsl, urlencode

            pairs = [(k, MASK if is_secret_key(k) else v) for k, v in parse_qsl(body, keep_blank_values=True)]
            return self.text(urlencode(pairs))
        return self.text(body)


# ------------------------------------------------------------------ across processes
# Workers are separate processes: what one registers is appended to a journal in the staging
# folder (owner-only), which the controller reads before the last sweep.

def attach_journal(redactor, path: Path) -> None:
    """From now on every value this process registers is also appended to `path` (owner-only)."""
    redactor.journal = Path(path)


def append_journal(path: Path, values: list[str]) -> None:
    if not values:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as stream:  # one short line per write
        for value in values:
            stream.write(json.dumps(value) + "\n")


def read_journal(path: Path) -> list[str]:
    if not Path(path).is_file():
        return []
    values = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            values.append(json.loads(line))
        except ValueError:
            continue  # a line cut by a crashed worker
    return [v for v in values if isinstance(v, str)]


def folder_name(folder: str) -> str:
    """The folder under evidence/ that a check id or scenario label is written to."""
    return safe_name(folder, "misc")


class EvidenceStore:
    """Writes evidence under <out>/evidence/<folder>/, always redacted, and returns paths relative to <out>."""

    def __init__(self, out_dir: Path, redactor: Redactor):
        self.out_dir = Path(out_dir)
        self.redactor = redactor

    def _path(self, folder: str, name: str) -> Path:
        path = self.out_dir / "evidence" / folder_name(folder) / safe_name(name, "evidence")
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def relative(self, path: Path) -> str:
        return path.relative_to(self.out_dir).as_posix()

    def write_text(self, folder: str, name: str, text: str) -> str:
        path = self._path(folder, name)
        path.write_text(self.redactor.text(text), encoding="utf-8")
        return self.relative(path)

    def write_json(self, folder: str, name: str, data: Any) -> str:
        path = self._path(folder, name)
        path.write_text(json.dumps(self.redactor.data(data), ensure_ascii=False, indent=2, default=str),
                        encoding="utf-8")
        return self.relative(path)

    def write_bytes(self, folder: str, name: str, data: bytes) -> str:
        """Binary evidence (screenshots, traces). Callers must only pass what cannot hold a typed secret."""
        path = self._path(folder, name)
        path.write_bytes(data)
        return self.relative(path)


@dataclass
class Exchange:
    method: str
    url: str
    request_headers: dict
    request_body: str
    status: int | None
    response_headers: dict
    response_body: str
    elapsed_ms: float
    note: str = ""
    request_content: bytes | None = None   # binary bodies, kept whole: render() stores them as files
    response_content: bytes | None = None


def is_binary(data: bytes, content_type: str = "") -> bool:
    """Whether a body is not text: a non-text content type, or bytes that are not UTF-8."""
    kind = content_type.split(";")[0].strip().lower()
    if kind and any(t in kind for t in ("json", "text", "html", "xml", "x-www-form-urlencoded")):
        return False
    if kind and not kind.startswith("multipart/"):
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return b"\x00" in data


def _extension(content_type: str) -> str:
    import mimetypes

    return mimetypes.guess_extension(content_type.split(";")[0].strip().lower() or "") or ".bin"


class Transcript:
    """HTTP exchanges of one scenario, redacted when rendered."""

    def __init__(self, redactor: Redactor):
        self.redactor = redactor
        self.exchanges: list[Exchange] = []

    def record(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)

    def render(self, attach=None) -> str:
        """The exchanges as Markdown. Binary bodies are never pasted: with `attach(name, data) -> path`
        each is stored as a file of its own and the step names its size, type, SHA-256 and file."""
        r = self.redactor
        parts = []
        for n, x in enumerate(self.exchanges, 1):
            req_headers = "\n".join(f"{k}: {v}" for k, v in r.headers(x.request_headers).items())
            resp_headers = "\n".join(f"{k}: {v}" for k, v in r.headers(x.response_headers).items())
            ctype_req = next((v for k, v in x.request_headers.items() if k.lower() == "content-type"), "")
            ctype_resp = next((v for k, v in x.response_headers.items() if k.lower() == "content-type"), "")
            request = (_stored(x.request_content, ctype_req, f"step-{n:02d}-request", attach)
                       if x.request_content is not None else r.body(x.request_body, ctype_req))
            response = (_stored(x.response_content, ctype_resp, f"step-{n:02d}-response", attach)
                        if x.response_content is not None else r.body(x.response_body, ctype_resp))
            parts.append(
                f"### {n}. {x.method} {r.text(x.url)}  →  {x.status}  ({x.elapsed_ms:.0f} ms){'  ' + x.note if x.note else ''}\n"
                f"{req_headers}\n\n{request}\n\n--- response ---\n{resp_headers}\n\n"
                f"{response}\n")
        return "\n".join(parts)


def _stored(data: bytes, content_type: str, name: str, attach) -> str:
    """The line a transcript shows for a binary body, after storing the body (when it can)."""
    import hashlib

    kind = content_type.split(";")[0].strip() or "application/octet-stream"
    line = f"<nội dung nhị phân — binary body: {len(data)} bytes, {kind}, sha256 {hashlib.sha256(data).hexdigest()}"
    if attach is None or len(data) > MAX_STORED_BODY:
        return line + ">"
    path = attach(name + _extension(kind), data)
    return f"{line}> → [{Path(path).name}]({Path(path).name})"
