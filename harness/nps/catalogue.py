"""The national procedure catalogue the simulator serves through LayThuTuc and LayDanhSachTTHC.

A YAML file (default national-catalogue.yaml beside this module) validated strictly by
national-catalogue.schema.json, with every problem reported as file:line:column, plus unique
codes and NFC text. Entries are served as written: their fields are the LayThuTuc answer.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator

from harness.criteria import nfc_problems, schema_problems
from harness.yamlsource import InputError, load_yaml

HERE = Path(__file__).resolve().parent
DEFAULT_CATALOGUE = HERE / "national-catalogue.yaml"
SCHEMA = HERE / "national-catalogue.schema.json"


@dataclass
class NationalCatalogue:
    path: Path
    procedures: dict[str, dict]  # MATTHC -> the LayThuTuc object

    def get(self, code: str) -> dict | None:
        return self.procedures.get(code)

    def for_unit(self, madonvi: str) -> list[dict]:
        """Procedures carried out by the unit's level-1 authority (the last part of its QCVN 102
        code, e.g. H29): a province asking LayDanhSachTTHC gets the procedures of its province."""
        level1 = str(madonvi).rsplit(".", 1)[-1]
        return [p for p in self.procedures.values()
                if any(agency["MADONVI"].rsplit(".", 1)[-1] == level1 for agency in p["COQUANTHUCHIEN"])]


def load_catalogue(path: Path | str | None = None) -> NationalCatalogue:
    """Load and validate; raise InputError listing every problem as file:line:column: subject: message."""
    path = Path(path) if path else DEFAULT_CATALOGUE
    source = load_yaml(path)
    data = source.data

    def subject_of(where: tuple) -> str:
        if len(where) >= 2 and where[0] == "procedures" and isinstance(where[1], int):
            try:
                return str(data["procedures"][where[1]].get("MATTHC") or f"procedures[{where[1]}]")
            except (KeyError, IndexError, TypeError, AttributeError):
                return f"procedures[{where[1]}]"
        return ""

    if not isinstance(data, dict):
        raise InputError([source.problem((), "", "must be a mapping with a 'procedures' list — tệp danh mục "
                                                 "phải là ánh xạ có danh sách 'procedures'")])
    validator = Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    problems = schema_problems(source, validator, subject_of) + nfc_problems(source, subject_of)
    if problems:
        raise InputError(problems)
    procedures: dict[str, dict] = {}
    for i, entry in enumerate(data["procedures"]):
        code = entry["MATTHC"]
        if code in procedures:
            problems.append(source.problem(("procedures", i, "MATTHC"), code,
                                           f"duplicate procedure code '{code}' — mã thủ tục bị trùng; "
                                           "each MATTHC appears once"))
        procedures[code] = entry
    if problems:
        raise InputError(problems)
    return NationalCatalogue(path, procedures)
