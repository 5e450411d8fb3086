"""Judge a received message against the edition's packet JSON Schemas and the NFC rule.

The schemas live in criteria/<edition>/packets/ and are found by service: a call whose service
is `DongBoHoSoMC` is validated by `DongBoHoSoMC.schema.json`; schemas refer to each other by
file name (`"$ref": "dossier.schema.json"`). A problem is a plain dict, ready for a record:
{"kind": "schema" | "nfc" | "json", "path": "$.data[0].NgayTiepNhan", "rule": ..., "message": ...}.
Validation never rejects a call: the simulator answers and records, the checks judge.
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from harness.yamlsource import InputError, Problem, display_path

SCHEMA_SUFFIX = ".schema.json"
_TYPE_VI = {"string": "chuỗi", "array": "mảng", "object": "đối tượng", "number": "số", "integer": "số nguyên",
            "boolean": "logic", "null": "null"}


def json_path(parts) -> str:
    """$.data[0].MaHoSo style path of a location inside a message."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif str(part).isidentifier():  # RFC 9535 allows non-ASCII names in dot notation
            text += f".{part}"
        else:
            text += "[" + json.dumps(str(part), ensure_ascii=False) + "]"
    return text


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _excerpt(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _schema_message(error, field: str) -> str:
    """One bilingual sentence per schema error, naming the field and what is expected."""
    rule, expected, value = error.validator, error.validator_value, error.instance
    if rule == "type":
        wanted = expected if isinstance(expected, str) else "/".join(expected)
        wanted_vi = _TYPE_VI.get(wanted, wanted)
        got = _json_type(value)
        return (f"'{field}' phải là {wanted_vi}, nhận được {_TYPE_VI.get(got, got)} {_excerpt(value)} — "
                f"'{field}' must be of type {wanted}, got {got} {_excerpt(value)}")
    if rule == "pattern":
        form = error.schema.get("title") or expected
        return (f"'{field}' = {_excerpt(value)} không đúng định dạng {form} — "
                f"'{field}' = {_excerpt(value)} does not match {form}")
    if rule == "enum":
        allowed = ", ".join(json.dumps(v, ensure_ascii=False) for v in expected)
        return (f"'{field}' = {_excerpt(value)} không thuộc các giá trị cho phép ({allowed}) — "
                f"'{field}' = {_excerpt(value)} is not one of the allowed values ({allowed})")
    if rule == "const":
        want = json.dumps(expected, ensure_ascii=False)
        return f"'{field}' phải là {want}, nhận được {_excerpt(value)} — '{field}' must be {want}, got {_excerpt(value)}"
    if rule == "minLength":
        return f"'{field}' không được để trống — '{field}' must not be empty"
    if rule == "minItems":
        return (f"'{field}' phải có ít nhất {expected} phần tử — '{field}' must have at least {expected} item(s)")
    return f"'{field}' không hợp lệ: {error.message} — '{field}' is invalid: {error.message}"


class PacketValidator:
    """The schemas of one edition, loaded once; `validate(service, message)` lists problems."""

    def __init__(self, packets_dir: Path):
        self.packets_dir = Path(packets_dir)
        self._validators: dict[str, Draft202012Validator] = {}
        schemas = self._load(self.packets_dir)
        registry = Registry().with_resources(
            (name, DRAFT202012.create_resource(schema)) for name, schema in schemas.items())
        for name, schema in schemas.items():
            self._validators[name[: -len(SCHEMA_SUFFIX)]] = Draft202012Validator(schema, registry=registry)

    @staticmethod
    def _load(folder: Path) -> dict[str, dict]:
        where = display_path(folder)
        if not folder.is_dir():
            raise InputError([Problem(where, 1, 1, "--edition-dir",
                                      "packets folder not found — không tìm thấy thư mục lược đồ gói tin "
                                      "packets/; give --edition-dir the edition folder that holds it")])
        schemas, problems = {}, []
        for path in sorted(folder.glob("*" + SCHEMA_SUFFIX)):
            try:
                schema = json.loads(path.read_text(encoding="utf-8"))
                Draft202012Validator.check_schema(schema)
            except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
                line, column = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
                problems.append(Problem(display_path(path), line, column, "",
                                        f"not valid JSON ({exc}) — tệp lược đồ không phải JSON hợp lệ"))
                continue
            except SchemaError as exc:
                problems.append(Problem(display_path(path), 1, 1, json_path(exc.path),
                                        f"not a valid JSON Schema ({exc.message}) — lược đồ không hợp lệ"))
                continue
            schemas[path.name] = schema
        if not schemas and not problems:
            problems.append(Problem(where, 1, 1, "", f"no *{SCHEMA_SUFFIX} file — thư mục không có lược đồ "
                                                     f"*{SCHEMA_SUFFIX} nào"))
        if problems:
            raise InputError(problems)
        return schemas

    @property
    def services(self) -> list[str]:
        return sorted(self._validators)

    def validate(self, service: str, message: Any) -> list[dict]:
        """Schema problems (when the edition has a schema for `service`) plus NFC problems."""
        problems = []
        validator = self._validators.get(service)
        if validator is not None:
            schema_name = service + SCHEMA_SUFFIX
            for error in sorted(validator.iter_errors(message), key=lambda e: [str(p) for p in e.absolute_path]):
                problems.extend(_problems_of(error, schema_name))
            # a value of the wrong type also breaks its enum or pattern: say only the type
            typed = {p["path"] for p in problems if p["rule"] == "type"}
            problems = [p for p in problems if p["rule"] == "type" or p["path"] not in typed]
            # jsonschema reports each missing field once per `required` list that names it
            problems = list({(p["path"], p["rule"], p["message"]): p for p in problems}.values())
        return problems + nfc_problems(message)


def _problems_of(error, schema_name: str) -> list[dict]:
    path = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        return [{"kind": "schema", "schema": schema_name, "rule": "required", "path": json_path(path + [key]),
                 "message": f"thiếu trường bắt buộc '{key}' — mandatory field '{key}' is missing"}
                for key in error.validator_value if key not in error.instance]
    if error.validator in ("allOf", "anyOf", "oneOf") and error.context:
        # report the innermost reasons; a bare "is not valid under any of the given schemas" helps nobody
        return [p for sub in error.context for p in _problems_of(sub, schema_name)]
    field = next((str(p) for p in reversed(path) if isinstance(p, str)), "gói tin (packet)")
    return [{"kind": "schema", "schema": schema_name, "rule": error.validator, "path": json_path(path),
             "message": _schema_message(error, field)}]


def nfc_problems(value: Any, path: tuple = ()) -> list[dict]:
    """Every string (value or key) not in Unicode NFC, TCVN 6909's precomposed form."""
    problems = []
    if isinstance(value, str):
        if not unicodedata.is_normalized("NFC", value):
            problems.append({"kind": "nfc", "rule": "nfc", "path": json_path(path), "value": _excerpt(value),
                             "message": "văn bản không ở dạng Unicode dựng sẵn NFC (TCVN 6909) — "
                                        "text is not in Unicode NFC (precomposed)"})
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and not unicodedata.is_normalized("NFC", key):
                problems.append({"kind": "nfc", "rule": "nfc", "path": json_path(path + (key,)),
                                 "value": _excerpt(key),
                                 "message": "tên trường không ở dạng NFC — field name is not in Unicode NFC"})
            problems += nfc_problems(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += nfc_problems(item, path + (index,))
    return problems


def parse_problem(reason: str) -> dict:
    """The problem recorded for a body that is not UTF-8 JSON (an object)."""
    return {"kind": "json", "rule": "json", "path": "$",
            "message": f"thân yêu cầu không phải JSON UTF-8 hợp lệ ({reason}) — body is not valid UTF-8 JSON ({reason})"}
