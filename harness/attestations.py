"""A tester's attestations (manual verdicts) and waivers, bound to one edition, target and version.

The file (YAML, criteria/schema/attestations.schema.json):

    edition: cv255-2018
    target: {vendor: Công ty A, system: Cổng DVC tỉnh B, version: "2.3.1"}   # optional id
    attestations:
      - criterion: GEN-01
        result: pass                      # pass | fail
        tester: Nguyễn Văn An
        date: 2026-03-02                  # when the tester judged it
        expiry: 2027-03-02                # after this day the attestation is refused
        note: Đã xem thuyết minh …        # optional
        evidence:                         # at least one; paths relative to this file
          - {path: bang-chung/gen-01.pdf, sha256: 9f86d0…}
    waivers:
      - criterion: SEC-03
        reason: Chưa có chứng thư số của cơ quan; đang chờ cấp   # required, non-empty
        by: Trần Thị Bình, Sở TT&TT
        date: 2026-03-02
        expiry: 2026-06-30
        reference: Công văn 123/STTTT-CNTT     # optional

An attestation is evidence a person vouches for: it only counts when it is about exactly what
was measured. So the file is refused (InputError, exit 2, file:line:column per problem) when it
names another edition, another target (vendor, system, or id when both give one) or another
version; a criterion the edition does not have, an informative one (never scored), or an
automated one (its checks decide; a waiver is the way to accept a failing automated criterion);
a date in the future or an expiry already past (expiry before today) or before the date; an
evidence file that is missing or whose SHA-256 differs; or the same criterion twice.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from harness import criteria
from harness.files import file_sha256
from harness.suggest import did_you_mean
from harness.yamlsource import InputError, Problem, SourceFile, display_path, load_yaml

REPO_SCHEMA = Path(__file__).resolve().parent.parent / "criteria" / "schema" / "attestations.schema.json"


@dataclass(frozen=True)
class EvidenceFile:
    path: str            # as written in the attestation file
    resolved: Path       # absolute path on this machine
    sha256: str          # lower-case hex, checked when loaded


@dataclass(frozen=True)
class Attestation:
    criterion: str
    result: str          # pass | fail
    tester: str
    date: dt.date
    expiry: dt.date
    note: str | None
    evidence: tuple[EvidenceFile, ...]
    where: str           # file:line:column of the entry, for the record

    def to_dict(self) -> dict:
        return {"criterion": self.criterion, "result": self.result, "tester": self.tester,
                "date": self.date.isoformat(), "expiry": self.expiry.isoformat(), "note": self.note,
                "evidence": [{"path": e.path, "sha256": e.sha256} for e in self.evidence],
                "where": self.where}


@dataclass(frozen=True)
class Waiver:
    criterion: str
    reason: str
    by: str
    date: dt.date
    expiry: dt.date
    reference: str | None
    where: str

    def to_dict(self) -> dict:
        return {"criterion": self.criterion, "reason": self.reason, "by": self.by,
                "date": self.date.isoformat(), "expiry": self.expiry.isoformat(),
                "reference": self.reference, "where": self.where}


@dataclass
class Attestations:
    path: Path
    sha256: str
    edition: str
    target: dict
    attestations: dict[str, Attestation] = field(default_factory=dict)
    waivers: dict[str, Waiver] = field(default_factory=dict)
    record: dict = field(default_factory=dict)   # the biên bản's heading and signatories (schema: record)

    def attestation(self, criterion_id: str) -> Attestation | None:
        return self.attestations.get(criterion_id)

    def waiver(self, criterion_id: str) -> Waiver | None:
        return self.waivers.get(criterion_id)

    def to_dict(self) -> dict:
        return {"path": display_path(self.path), "sha256": self.sha256, "edition": self.edition,
                "target": dict(self.target),
                "attestations": [a.to_dict() for a in self.attestations.values()],
                "waivers": [w.to_dict() for w in self.waivers.values()]}


def _schema_for(edition) -> Path:
    local = criteria.schema_path(edition.folder.parent, "attestations")
    return local if local.is_file() else REPO_SCHEMA


def _same(a, b) -> bool:
    """Names compare after NFC and whitespace folding: 'Công  ty A' is 'Công ty A'."""
    def norm(value) -> str:
        return " ".join(unicodedata.normalize("NFC", str(value)).split())
    return norm(a) == norm(b)


def _dates_as_text(value):
    """YAML turns 2026-03-02 into a date; the schema (and JSON) speak text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value


def load_attestations(path, edition, target: dict, today: dt.date | None = None) -> Attestations:
    """Load, validate and bind an attestations file; raise InputError listing every problem.

    `edition`: the criteria.Edition of the run. `target`: {"id" (optional), "vendor", "system",
    "version"} of the profile under test. `today` defaults to the local date (tests pass one).
    """
    path = Path(path)
    today = today or dt.date.today()
    try:
        source = load_yaml(path)
    except ValueError as exc:  # PyYAML builds dates itself: 2026-02-30 fails outside its error type
        raise InputError([Problem(display_path(path), 1, 1, "", f"invalid value: {exc} — giá trị không hợp lệ "
                                                               "(ngày không tồn tại?)")]) from None
    data = _dates_as_text(source.data)
    source = SourceFile(source.path, data, source.value_marks, source.key_marks)
    if not isinstance(data, dict):
        raise InputError([source.problem((), "", "must be a mapping with edition, target, attestations, waivers "
                                                 "— tệp phải là một ánh xạ (mapping)")])

    def subject_of(p: tuple) -> str:
        if len(p) >= 2 and p[0] in ("attestations", "waivers") and isinstance(p[1], int):
            try:
                return str(data[p[0]][p[1]].get("criterion", f"{p[0]}[{p[1]}]"))
            except (KeyError, IndexError, TypeError, AttributeError):
                return f"{p[0]}[{p[1]}]"
        return str(p[0]) if p else ""

    problems = criteria.schema_problems(source, criteria.schema_validator(str(_schema_for(edition))), subject_of)
    problems += criteria.nfc_problems(source, subject_of)
    if problems:
        raise InputError(problems)

    problems += _binding_problems(source, edition, target)
    attestations: dict[str, Attestation] = {}
    waivers: dict[str, Waiver] = {}
    for kind in ("attestations", "waivers"):
        seen: dict[str, int] = {}
        for i, entry in enumerate(data.get(kind) or []):
            cid = entry["criterion"]
            found = _entry_problems(source, kind, i, entry, edition, today)
            if cid in seen:
                line, _ = source.position((kind, seen[cid]))
                found.append(source.problem((kind, i, "criterion"), cid,
                                            f"criterion listed twice in {kind} (first at line {line}) — "
                                            "tiêu chí bị lặp; keep one entry"))
            seen.setdefault(cid, i)
            if kind == "attestations":
                evidence, evidence_problems = _evidence(source, i, entry, path.parent)
                found += evidence_problems
            problems += found
            if found:
                continue
            line, column = source.position((kind, i))
            where = f"{source.name}:{line}:{column}"
            date, expiry = dt.date.fromisoformat(entry["date"]), dt.date.fromisoformat(entry["expiry"])
            if kind == "attestations":
                attestations[cid] = Attestation(cid, entry["result"], entry["tester"], date, expiry,
                                                entry.get("note"), evidence, where)
            else:
                waivers[cid] = Waiver(cid, entry["reason"].strip(), entry["by"], date, expiry,
                                      entry.get("reference"), where)
    if problems:
        raise InputError(problems)
    bound = {k: str(v) for k, v in data["target"].items()}
    return Attestations(path, file_sha256(path), data["edition"], bound, attestations, waivers,
                        dict(data.get("record") or {}))


def _binding_problems(source: SourceFile, edition, target: dict) -> list[Problem]:
    data, problems = source.data, []
    if data["edition"] != edition.id:
        problems.append(source.problem(("edition",), "edition",
                                       f"attestations are for edition '{data['edition']}' but this run uses "
                                       f"'{edition.id}' — chứng thực thuộc bộ tiêu chí khác; "
                                       "attest again against this edition"))
    bound = data["target"]
    for key in ("vendor", "system", "id"):
        if key in bound and target.get(key) is not None and not _same(bound[key], target[key]):
            problems.append(source.problem(("target", key), "target",
                                           f"attestations are for another target: {key} '{bound[key]}', the profile "
                                           f"says '{target[key]}' — chứng thực của hệ thống khác, không dùng được"))
    if target.get("version") is not None and not _same(bound["version"], target["version"]):
        problems.append(source.problem(("target", "version"), "target",
                                       f"attestations are for version '{bound['version']}', the target is version "
                                       f"'{target['version']}' — chứng thực của phiên bản khác; "
                                       "a new version must be attested again"))
    return problems


def _entry_problems(source: SourceFile, kind: str, i: int, entry: dict, edition, today: dt.date) -> list[Problem]:
    cid, problems = entry["criterion"], []
    criterion = edition.criterion(cid)
    if criterion is None:
        problems.append(source.problem((kind, i, "criterion"), cid,
                                       f"no criterion '{cid}' in edition {edition.id} — không có tiêu chí này; "
                                       "see `dokiem criteria list`"
                                       + did_you_mean(cid, [c["id"] for c in edition.criteria])))
    elif criterion.get("informative"):
        problems.append(source.problem((kind, i, "criterion"), cid,
                                       "informative criterion: it is never scored, nothing to attest or waive — "
                                       "tiêu chí tham khảo, không chấm điểm; remove the entry"))
    elif kind == "attestations" and criterion["method"] == "automated":
        problems.append(source.problem((kind, i, "criterion"), cid,
                                       "automated criterion: its checks decide it, an attestation cannot — "
                                       "tiêu chí tự động, không chứng thực được; use a waiver with a reason "
                                       "to accept a failing result"))
    for key in ("date", "expiry"):
        try:
            dt.date.fromisoformat(entry[key])
        except ValueError:
            problems.append(source.problem((kind, i, key), cid, f"'{key}' is not a real date — ngày không tồn tại"))
            return problems
    date, expiry = dt.date.fromisoformat(entry["date"]), dt.date.fromisoformat(entry["expiry"])
    if date > today:
        problems.append(source.problem((kind, i, "date"), cid,
                                       f"date {date} is in the future — ngày ký sau hôm nay ({today})"))
    if expiry < date:
        problems.append(source.problem((kind, i, "expiry"), cid,
                                       f"expiry {expiry} is before the date {date} — ngày hết hạn trước ngày ký"))
    elif expiry < today:
        problems.append(source.problem((kind, i, "expiry"), cid,
                                       f"expired on {expiry} — đã hết hạn; attest again or remove the entry"))
    return problems


def _evidence(source: SourceFile, i: int, entry: dict, base: Path) -> tuple[tuple[EvidenceFile, ...], list[Problem]]:
    files, problems = [], []
    for j, item in enumerate(entry["evidence"]):
        resolved = (base / item["path"]).resolve()
        where = ("attestations", i, "evidence", j, "path")
        if not resolved.is_file():
            problems.append(source.problem(where, entry["criterion"],
                                           f"evidence file not found: {display_path(resolved)} — không tìm thấy tệp "
                                           "bằng chứng (paths are relative to the attestations file)"))
            continue
        actual = file_sha256(resolved)
        if actual != item["sha256"].lower():
            problems.append(source.problem(("attestations", i, "evidence", j, "sha256"), entry["criterion"],
                                           f"evidence {item['path']} has changed: its SHA-256 is {actual}, "
                                           "the attestation says otherwise — tệp bằng chứng đã thay đổi "
                                           "sau khi chứng thực; attest again"))
            continue
        files.append(EvidenceFile(item["path"], resolved, actual))
    return tuple(files), problems
