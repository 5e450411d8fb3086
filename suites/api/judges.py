"""Judges of the api_probe checks (pure)."""
from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ElementTree

import yaml

from harness import Inconclusive
from harness.outcomes import require
from suites.catalogue.judges import _assert_none
from suites.catalogue.text import fold

NOT_FOUND_WORDS = re.compile(r"khong tim thay|khong ton tai|khong co ho so|not found|no such|unknown|does not exist")
NOT_FOUND_STATUSES = (404, 410)
PARAMETER = re.compile(r"\$\{[^}]+\}|\{[^}]+\}")


# ------------------------------------------------------------------------- lookup.unknown_code

def unknown_code(observations: dict) -> None:
    """lookup.unknown_code"""
    lookups = require(observations.get("unknown_lookups"), "tra cứu mã hồ sơ không tồn tại (unknown-code lookup)")
    badly_formed = [l["code"] for l in lookups if not l.get("well_formed")]
    if badly_formed:
        raise Inconclusive(f"mã thử {badly_formed} không khớp mẫu mã hồ sơ của phiên bản — the probe codes do not match "
                           f"dossier.code_pattern {observations.get('code_pattern')!r}: the harness cannot build one")
    missing = [l["code"] for l in lookups if l.get("answer") is None]
    if missing:
        raise Inconclusive(f"không tra cứu được {missing}: {'; '.join(observations.get('errors') or [])}")
    problems = []
    for lookup in lookups:
        code, got = lookup["code"], lookup["answer"]
        text = got.get("body") or ""
        others = set(re.findall(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}", text)) - {code}
        if got.get("error"):
            problems.append(f"{code}: không phản hồi — no answer ({got['error']})")
        elif got["status"] >= 500:
            problems.append(f"{code}: lỗi máy chủ HTTP {got['status']} — a server error instead of 'not found'")
        elif got["ok"] and got["vars"].get("status_label"):
            problems.append(f"{code}: trả về một hồ sơ (trạng thái '{got['vars']['status_label']}') — answers with a "
                            "dossier for a code that does not exist")
        elif others:
            problems.append(f"{code}: trả về hồ sơ khác {sorted(others)} — answers with another dossier")
        elif got["status"] in NOT_FOUND_STATUSES:
            continue
        elif not NOT_FOUND_WORDS.search(fold(text)):
            problems.append(f"{code}: HTTP {got['status']} không nói rõ 'không tìm thấy' — no clear 'not found' "
                            f"(answer: {text[:200]!r})")
    _assert_none(problems, "Tra cứu mã hồ sơ không tồn tại không trả lời rõ ràng — unknown-code lookup unclear")


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
    _assert_none(problems, "Giao diện dữ liệu không trả JSON UTF-8 chuẩn NFC — data operations not JSON, UTF-8, NFC")


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
    _assert_none(problems, f"Tài liệu API thiếu {len(problems)}/{len(operations)} thao tác hồ sơ mục tiêu dùng — the API "
                           "description lacks operations the profile maps")
