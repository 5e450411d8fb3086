"""Load and validate criteria editions and checks.yaml.

Two layers of validation, both reporting `file:line:column: subject: message`:
1. the JSON Schemas in criteria/schema/ (structure, types, allowed values);
2. meaning: unique ids, section keys and prefixes, checks and parameters that exist, NFC text.
All problems are collected and raised together, so a tester fixes a file in one pass.
"""
from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from jsonschema import Draft202012Validator

from harness import credit, editions
from harness.editions import EDITION_FILE, edition_ids  # noqa: F401 (their home: harness/editions.py)
from harness.yamlsource import InputError, Problem, SourceFile, display_path, load_yaml

CHECKS_FILE = "checks.yaml"


# --------------------------------------------------------------------------- schema errors

@lru_cache(maxsize=None)
def schema_validator(schema_path: str) -> Draft202012Validator:
    """The validator of one JSON Schema file, checked once and cached for the process."""
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_path(criteria_dir: Path, name: str) -> Path:
    return Path(criteria_dir) / "schema" / f"{name}.schema.json"


def _field_name(path: Iterable[Any]) -> str:
    names = [p for p in path if isinstance(p, str)]
    return names[-1] if names else "(document)"


_GENERIC = {
    "type": ("must be of type {v}", "phải có kiểu {v}"),
    "enum": ("must be one of {v}", "phải là một trong {v}"),
    "const": ("must be {v}", "phải là {v}"),
    "pattern": ("must match the pattern {v}", "phải khớp mẫu {v}"),
    "minItems": ("must have at least {v} item(s)", "phải có ít nhất {v} phần tử"),
    "maxItems": ("must have at most {v} item(s)", "chỉ được có tối đa {v} phần tử"),
    "minimum": ("must be ≥ {v}", "phải ≥ {v}"),
    "maximum": ("must be ≤ {v}", "phải ≤ {v}"),
    "minLength": ("must not be empty", "không được để trống"),
    "uniqueItems": ("must not repeat items", "không được lặp phần tử"),
}


def schema_problems(source: SourceFile, validator: Draft202012Validator,
                    subject_of: Callable[[tuple], str]) -> list[Problem]:
    """Validate `source.data`; turn every schema error into a positioned, bilingual Problem."""
    problems: list[Problem] = []
    for error in sorted(validator.iter_errors(source.data), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(error.absolute_path)
        subject = subject_of(path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
                    problems.append(source.problem(path + (key,), subject,
                                                   f"unknown field '{key}' — trường '{key}' không hợp lệ; "
                                                   f"allowed: {', '.join(sorted(allowed))}", prefer_key=True))
            continue
        if error.validator == "required" and isinstance(error.instance, dict):
            for key in error.validator_value:
                if key not in error.instance:
                    problems.append(source.problem(path, subject,
                                                   f"'{key}' is required — thiếu trường bắt buộc '{key}'",
                                                   prefer_key=True))
            continue
        if error.validator == "propertyNames":
            problems.append(source.problem(path, subject, f"invalid name: {error.message}"))
            continue
        name = _field_name(path)
        custom = error.schema.get("x-error") if isinstance(error.schema, dict) else None
        if custom:
            en, vi = custom["en"], custom["vi"]
        else:
            en_t, vi_t = _GENERIC.get(error.validator, ("is invalid: {v}", "không hợp lệ: {v}"))
            value = error.validator_value
            if error.validator == "enum":
                value = ", ".join(map(str, value))
            en, vi = en_t.format(v=value), vi_t.format(v=value)
        problems.append(source.problem(path, subject, f"'{name}' {en} — '{name}' {vi}"))
    return problems


def nfc_problems(source: SourceFile, subject_of: Callable[[tuple], str]) -> list[Problem]:
    """Vietnamese text must be Unicode NFC (TCVN 6909); decomposed text breaks search and comparison."""
    problems = []

    def walk(value: Any, path: tuple) -> None:
        if isinstance(value, str):
            if not unicodedata.is_normalized("NFC", value):
                problems.append(source.problem(path, subject_of(path),
                                               f"'{_field_name(path)}' is not Unicode NFC — văn bản chưa chuẩn hóa NFC "
                                               "(TCVN 6909); save the file with composed characters"))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, path + (i,))

    walk(source.data, ())
    return problems


# --------------------------------------------------------------------------- data model

@dataclass
class Check:
    id: str
    data: dict
    position: tuple[str, int, int]  # file, line, column of its entry in checks.yaml

    @property
    def flags(self) -> list[str]:
        return list(self.data.get("flags", []))

    @property
    def parameters(self) -> list[str]:
        return list(self.data.get("parameters", []))

    @property
    def scenario(self) -> str:
        return self.data["scenario"]

    @property
    def needs(self) -> dict:
        needs = self.data.get("needs") or {}
        return {k: list(needs.get(k, [])) for k in ("operations", "journeys", "roles")}


@dataclass
class CheckRegistry:
    source: SourceFile
    roles: list[str]
    applicant_roles: list[str]  # who applies for services; every other role is an officer's
    operations: dict[str, dict]
    journeys: dict[str, dict]
    checks: dict[str, Check]

    def sha256(self) -> str:
        return hashlib.sha256(self.source.path.read_bytes()).hexdigest()


@dataclass
class Edition:
    id: str
    folder: Path
    meta: dict
    sections: list[dict]
    criteria: list[dict]
    files: dict[str, str] = field(default_factory=dict)  # path relative to criteria dir -> sha256
    chosen: str | None = None  # why the run uses this edition (--edition, --date, default), for the record

    @property
    def parameters(self) -> dict[str, dict]:
        return self.meta.get("parameters", {})

    @property
    def scoring(self) -> dict:
        return self.meta["scoring"]

    @property
    def is_default(self) -> bool:
        return bool(self.meta.get("default"))

    def criterion(self, criterion_id: str) -> dict | None:
        return next((c for c in self.criteria if c["id"] == criterion_id), None)

    def parameter(self, name: str) -> Any:
        return self.parameters[name]["value"]

    def check_ids(self) -> set[str]:
        return {check for c in self.criteria for check in c["checks"]}

    def to_dict(self) -> dict:
        """The plain-dict form scoring and reports work on."""
        doc = self.meta["document"]
        return {
            "id": self.id, "title_vi": self.meta["title_vi"], "title_en": self.meta["title_en"],
            "status": self.meta["status"], "document": doc,
            "note_vi": doc.get("note_vi"), "note_en": doc.get("note_en"),
            "scoring": self.scoring, "parameters": self.parameters, "files": dict(self.files),
            "sections": [dict(s) for s in self.sections], "criteria": [dict(c) for c in self.criteria],
        }


CRITERION_DEFAULTS = {"informative": False, "optional_feature": None, "evidence": None, "lab_policy": None,
                     "partial_credit": False}


# --------------------------------------------------------------------------- loading

def default_edition_id(criteria_dir: Path) -> str:
    """The edition marked `default: true`; exactly one edition may carry the mark."""
    marked = []
    for edition_id in edition_ids(criteria_dir):
        source = load_yaml(Path(criteria_dir) / edition_id / EDITION_FILE)
        if isinstance(source.data, dict) and source.data.get("default") is True:
            marked.append((edition_id, source))
    if len(marked) == 1:
        return marked[0][0]
    if not marked:
        raise InputError([Problem(display_path(Path(criteria_dir)), 1, 1, "",
                                  "no edition is marked 'default: true' — chưa có phiên bản nào được đánh dấu mặc định; "
                                  "add it to one edition.yaml or pass --edition")])
    raise InputError([source.problem(("default",), edition_id,
                                     "more than one edition is marked default — có nhiều hơn một phiên bản mặc định: "
                                     + ", ".join(e for e, _ in marked)) for edition_id, source in marked])


def load_checks(criteria_dir: Path) -> CheckRegistry:
    criteria_dir = Path(criteria_dir)
    source = load_yaml(criteria_dir / CHECKS_FILE)
    data = source.data

    def subject_of(path: tuple) -> str:
        if len(path) >= 2 and path[0] == "checks" and isinstance(path[1], int):
            try:
                return str(data["checks"][path[1]].get("id", f"checks[{path[1]}]"))
            except (KeyError, IndexError, TypeError, AttributeError):
                return f"checks[{path[1]}]"
        return ".".join(str(p) for p in path[:2]) if path else ""

    if not isinstance(data, dict):
        raise InputError([source.problem((), "", "must be a mapping with roles, operations, journeys and checks "
                                                 "— tệp phải là một ánh xạ (mapping)")])
    problems = schema_problems(source, schema_validator(str(schema_path(criteria_dir, "checks"))), subject_of)
    problems += nfc_problems(source, subject_of)
    if problems:
        raise InputError(problems)

    roles = data["roles"]
    checks: dict[str, Check] = {}
    for i, entry in enumerate(data["checks"]):
        line, column = source.position(("checks", i))
        if entry["id"] in checks:
            problems.append(source.problem(("checks", i, "id"), entry["id"],
                                           f"duplicate check id '{entry['id']}' — mã kiểm tra bị trùng"))
            continue
        check = Check(entry["id"], entry, (source.name, line, column))
        checks[check.id] = check
        for kind, known in (("operations", data["operations"]), ("journeys", data["journeys"]), ("roles", roles)):
            for j, name in enumerate(check.needs[kind]):
                if name not in known:
                    problems.append(source.problem(("checks", i, "needs", kind, j), check.id,
                                                   f"unknown {kind[:-1]} '{name}' — không có trong danh mục '{kind}' "
                                                   f"của checks.yaml; declare it there or fix the name"))
    for j, role in enumerate(data["applicant_roles"]):
        if role not in roles:
            problems.append(source.problem(("applicant_roles", j), role,
                                           f"unknown role '{role}' — vai trò không có trong 'roles'"))
    for kind in ("operations", "journeys"):
        for name, entry in data[kind].items():
            role = entry.get("role")
            if role is not None and role not in roles:
                problems.append(source.problem((kind, name, "role"), name,
                                               f"unknown role '{role}' — vai trò không có trong 'roles'"))
    if problems:
        raise InputError(problems)
    return CheckRegistry(source, roles, data["applicant_roles"], data["operations"], data["journeys"], checks)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_edition(criteria_dir: Path, edition_id: str | None = None,
                 checks: CheckRegistry | None = None) -> Edition:
    """Load and fully validate one edition (and checks.yaml); raise InputError listing every problem."""
    criteria_dir = Path(criteria_dir)
    edition_id = edition_id or default_edition_id(criteria_dir)
    folder = criteria_dir / edition_id
    if not (folder / EDITION_FILE).is_file():
        known = ", ".join(edition_ids(criteria_dir)) or "none"
        raise InputError([Problem(display_path(folder / EDITION_FILE), 1, 1, "",
                                  f"unknown edition '{edition_id}' — không có phiên bản này; known editions: {known}")])
    problems: list[Problem] = []
    try:
        checks = checks or load_checks(criteria_dir)
    except InputError as exc:
        problems += exc.problems
        checks = None

    try:
        meta_source = load_yaml(folder / EDITION_FILE)
    except InputError as exc:
        raise InputError(problems + exc.problems) from None
    meta = meta_source.data

    def meta_subject(path: tuple) -> str:
        if len(path) >= 2 and path[0] == "parameters":
            return str(path[1])
        return edition_id

    if not isinstance(meta, dict):
        raise InputError(problems + [meta_source.problem((), edition_id, "must be a mapping — phải là một ánh xạ")])
    meta_problems = schema_problems(meta_source, schema_validator(str(schema_path(criteria_dir, "edition"))), meta_subject)
    meta_problems += nfc_problems(meta_source, meta_subject)
    if meta_problems:
        raise InputError(problems + meta_problems)
    if meta["id"] != edition_id:
        problems.append(meta_source.problem(("id",), edition_id,
                                            f"'id' is '{meta['id']}' but the folder is '{edition_id}' — "
                                            "mã phiên bản phải trùng tên thư mục"))
    problems += editions.date_problems(meta_source, meta, edition_ids(criteria_dir))

    files = {f"{edition_id}/{EDITION_FILE}": _sha256(folder / EDITION_FILE)}
    if checks is not None:
        files[CHECKS_FILE] = checks.sha256()
    sections: list[dict] = []
    criteria: list[dict] = []
    seen_keys: dict[int, int] = {}
    seen_ids: dict[str, tuple[SourceFile, tuple]] = {}
    section_validator = schema_validator(str(schema_path(criteria_dir, "section")))
    for index, entry in enumerate(meta["sections"]):
        key = entry["key"]
        if key in seen_keys:
            problems.append(meta_source.problem(("sections", index, "key"), edition_id,
                                                f"section key {key} is listed twice — khóa mục {key} bị lặp"))
            continue
        seen_keys[key] = index
        try:
            source = load_yaml(folder / entry["file"])
        except InputError as exc:
            problems += exc.problems
            continue
        files[f"{edition_id}/{entry['file']}"] = _sha256(source.path)
        data = source.data

        def subject_of(path: tuple, data=data) -> str:
            if len(path) >= 2 and path[0] == "criteria" and isinstance(path[1], int):
                try:
                    return str(data["criteria"][path[1]].get("id", f"criteria[{path[1]}]"))
                except (KeyError, IndexError, TypeError, AttributeError):
                    return f"criteria[{path[1]}]"
            return f"section {key}"

        if not isinstance(data, dict):
            problems.append(source.problem((), f"section {key}", "must be a mapping — phải là một ánh xạ"))
            continue
        found = schema_problems(source, section_validator, subject_of) + nfc_problems(source, subject_of)
        if found:
            problems += found
            continue
        if data["key"] != key:
            problems.append(source.problem(("key",), f"section {key}",
                                           f"'key' is {data['key']} but edition.yaml lists this file as section {key} "
                                           "— khóa mục không khớp edition.yaml"))
        sections.append({"key": key, "prefix": data["prefix"], "title_vi": data["title_vi"],
                         "title_en": data["title_en"], "file": entry["file"],
                         "provenance": data.get("provenance")})
        for i, raw in enumerate(data["criteria"]):
            criterion = {**CRITERION_DEFAULTS, **raw, "section": key}
            cid = criterion["id"]
            if not cid.startswith(data["prefix"] + "-"):
                problems.append(source.problem(("criteria", i, "id"), cid,
                                               f"id must start with the section prefix '{data['prefix']}-' — "
                                               "mã tiêu chí phải bắt đầu bằng tiền tố của mục"))
            if cid in seen_ids:
                first_source, first_path = seen_ids[cid]
                line, _ = first_source.position(first_path)
                problems.append(source.problem(("criteria", i, "id"), cid,
                                               f"duplicate criterion id (first at {first_source.name}:{line}) — "
                                               "mã tiêu chí bị trùng"))
                continue
            seen_ids[cid] = (source, ("criteria", i, "id"))
            if checks is not None:
                for j, check_id in enumerate(criterion["checks"]):
                    if check_id not in checks.checks:
                        problems.append(source.problem(("criteria", i, "checks", j), cid,
                                                       f"unknown check '{check_id}' — kiểm tra không có trong "
                                                       f"criteria/{CHECKS_FILE}; add it there or fix the id"))
                problems += editions.lab_policy_problems(source, i, criterion, checks, meta.get("parameters") or {})
            problems += credit.problems(source, i, criterion, meta["scoring"])
            criteria.append(criterion)

    if checks is not None:
        used = {c for crit in criteria for c in crit["checks"] if c in checks.checks}
        for check_id in sorted(used):
            check = checks.checks[check_id]
            for j, name in enumerate(check.parameters):
                if name not in meta["parameters"]:
                    i = next(n for n, e in enumerate(checks.source.data["checks"]) if e["id"] == check_id)
                    problems.append(checks.source.problem(("checks", i, "parameters", j), check_id,
                                                          f"unknown parameter '{name}': edition '{edition_id}' "
                                                          "does not define it — tham số không có trong "
                                                          f"{edition_id}/{EDITION_FILE}"))
    if criteria and not any(c["weight"] > 0 for c in criteria if not c["informative"]):
        # every score would be 0/0: the record could never say anything
        problems.append(meta_source.problem(("sections",), edition_id,
                                            "every criterion has weight 0 — mọi tiêu chí đều có trọng số 0; "
                                            "give the scored criteria their weights"))
    if problems:
        raise InputError(problems)
    packets = folder / "packets"
    if packets.is_dir():
        for path in sorted(packets.rglob("*.json")):
            files[f"{edition_id}/{path.relative_to(folder).as_posix()}"] = _sha256(path)
    return Edition(edition_id, folder, meta, sorted(sections, key=lambda s: s["key"]), criteria, files)
