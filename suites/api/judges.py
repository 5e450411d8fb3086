"""Judges of the api_probe checks (pure)."""
from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ElementTree

import yaml

from harness.judging import Inconclusive, fail_if, require

PARAMETER = re.compile(r"\$\{[^}]+\}|\{[^}]+\}")


# ------------------------------------------------------------------------- api.json_utf8

def _non_nfc(value, path: str = "$") -> str | None:
    """The first string (key or value) in a JSON document that is not NFC, as a path."""
    if isinstance(value, str):
        return None if unicodedata.is_normalized("NFC", value) else f"{path}: {value[:60]!r}"
    if isinstance(value, dict):
        for k, v in value.items():
            if not unicodedata.is_normalized("NFC", k):
                return f"{path} key {k!r}"
            found = _non_nfc(v, f"{path}.{k}")
            if found:
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = _non_nfc(v, f"{path}[{i}]")
            if found:
                return found
    return None


def json_problem(got: dict) -> str | None:
    ctype = (got.get("content_type") or "").lower()
    media = ctype.split(";")[0].strip()
    charset = re.search(r"charset=\"?([\w-]+)", ctype)
    if not (media == "application/json" or media.endswith("+json")):
        return f"Content-Type '{got.get('content_type')}' không phải JSON — not a JSON content type"
    if charset and charset.group(1).lower() not in ("utf-8", "utf8"):
        return f"bảng mã {charset.group(1)} thay vì UTF-8 — charset is not UTF-8"
    if got.get("body") is None:
        return f"nội dung không phải UTF-8 — the body is not UTF-8 ({got.get('utf8_error')})"
    if got.get("truncated"):
        return None  # too long to keep whole: type and encoding were checked, the rest cannot be
    try:
        data = json.loads(got["body"])
    except ValueError as exc:
        return f"không đọc được JSON — does not parse as JSON ({exc})"
    where = _non_nfc(data)
    return f"văn bản không ở dạng NFC tại {where} — text not in Unicode NFC" if where else None


def json_utf8(observations: dict) -> None:
    """api.json_utf8"""
    answers = [a for a in observations.get("answers") or [] if a.get("status") and 200 <= a["status"] < 300]
    for lookup in observations.get("unknown_lookups") or []:
        got = lookup.get("answer") or {}
        if "json" in (got.get("content_type") or "").lower():  # a not-found answer that says it is JSON must be
            answers.append(got)
    require(answers, "câu trả lời của thao tác dữ liệu (data operation answer)")
    problems = []
    for got in answers:
        problem = json_problem(got)
        if problem:
            problems.append(f"{got['operation']} {got['url']}: {problem}")
    fail_if(problems, "Giao diện dữ liệu không trả JSON UTF-8 chuẩn NFC", "data operations not JSON, UTF-8, NFC")


# ------------------------------------------------------------------------- api.openapi

def parse_description(got: dict):
    """('openapi', document) | ('wsdl', root element); raises AssertionError when it does not parse."""
    text = got.get("body")
    if text is None:
        raise AssertionError(f"tài liệu API không phải văn bản UTF-8 — the API description is not UTF-8 text "
                             f"({got.get('utf8_error')})")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        try:
            root = ElementTree.fromstring(stripped)
        except ElementTree.ParseError as exc:
            raise AssertionError(f"tài liệu WSDL không đọc được — the WSDL does not parse: {exc}") from None
        if root.tag.rsplit("}", 1)[-1] not in ("definitions", "description") or "wsdl" not in root.tag.lower():
            raise AssertionError(f"tài liệu XML không phải WSDL — the XML document is not a WSDL ({root.tag})")
        return "wsdl", root
    try:
        document = json.loads(stripped) if stripped.startswith("{") else yaml.safe_load(stripped)
    except (ValueError, yaml.YAMLError) as exc:
        raise AssertionError(f"tài liệu API không đọc được (JSON/YAML) — the API description does not parse: {exc}") from None
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3"):
        found = document.get("swagger") if isinstance(document, dict) else None
        raise AssertionError("tài liệu không phải OpenAPI 3 — not an OpenAPI 3 document"
                             + (f" (Swagger {found}: convert it to OpenAPI 3)" if found else ""))
    return "openapi", document


def _canonical(path: str) -> str:
    return PARAMETER.sub("{}", "/" + path.strip("/"))


def documented_paths(document: dict) -> dict[str, set[str]]:
    """Canonical full path -> methods, with the first server's path prefix, and without it."""
    from urllib.parse import urlsplit

    servers = document.get("servers") or [{}]
    prefix = urlsplit(str(servers[0].get("url", ""))).path.rstrip("/") if servers else ""
    out: dict[str, set[str]] = {}
    for path, item in (document.get("paths") or {}).items():
        methods = {m.upper() for m in (item or {}) if m.lower() in ("get", "put", "post", "delete", "patch", "head", "options")}
        for full in {_canonical(prefix + "/" + path.lstrip("/")), _canonical(path)}:
            out.setdefault(full, set()).update(methods)
    return out


def openapi(observations: dict) -> None:
    """api.openapi"""
    got = observations.get("api_description")
    if got is None:
        raise Inconclusive("không gọi được get_api_description — " + "; ".join(
            e for e in observations.get("errors") or [] if e.startswith("get_api_description")))
    if got.get("error"):
        raise AssertionError(f"tài liệu API {got['url']} không phản hồi — the API description does not answer: {got['error']}")
    if got["status"] != 200:
        raise AssertionError(f"hệ thống không công bố tài liệu API: {got['url']} trả HTTP {got['status']} — "
                             "no published API description")
    kind, document = parse_description(got)
    if kind == "wsdl":
        operations = [e for e in document.iter() if e.tag.rsplit("}", 1)[-1] == "operation"]
        if not operations:
            raise AssertionError("tài liệu WSDL không mô tả thao tác nào — the WSDL documents no operation")
        return
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    try:
        validate(document)
    except OpenAPIValidationError as exc:
        raise AssertionError(f"tài liệu OpenAPI không hợp lệ — the OpenAPI document is invalid: {exc.message} "
                             f"(at {'/'.join(str(p) for p in exc.path)})") from None
    operations = require(observations.get("profile_operations"), "thao tác hồ sơ mục tiêu ánh xạ (mapped operation)")
    paths = documented_paths(document)
    problems = []
    for op in operations:
        methods = paths.get(_canonical(op["path"]))
        if methods is None:
            problems.append(f"{op['name']}: {op['method']} {op['path']} không có trong tài liệu — the path is not documented")
        elif op["method"] not in methods:
            problems.append(f"{op['name']}: {op['path']} không mô tả phương thức {op['method']} — the method is not "
                            f"documented (only {', '.join(sorted(methods))})")
    fail_if(problems, f"Tài liệu API thiếu {len(problems)}/{len(operations)} thao tác hồ sơ mục tiêu dùng",
            "the API description lacks operations the profile maps")
