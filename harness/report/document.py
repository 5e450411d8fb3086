"""compliance.json: the machine-readable record of a run, valid against criteria/schema/result.schema.json.

Built once, redacted once (report.redact.scrub), validated, and then the HTML record and the
Allure results are rendered from this same document, so what a tester reads in compliance.html,
what Allure shows and what compliance.json says cannot disagree.
"""
from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

from harness import criteria, editions
from harness.report.redact import scrub
from harness.scoring import VERDICT_LABELS, VERDICTS
from harness.verify import MANIFEST

FORMAT = "dokiem-compliance/1"
REPO_SCHEMA = Path(__file__).resolve().parent.parent.parent / "criteria" / "schema" / "result.schema.json"


class ReportBug(RuntimeError):
    """compliance.json does not match its schema: a harness bug, never the tester's input."""


def schema_path(edition) -> Path:
    local = criteria.schema_path(edition.folder.parent, "result")
    return local if local.is_file() else REPO_SCHEMA


def validate(doc: dict, path: Path = REPO_SCHEMA) -> None:
    errors = sorted(criteria.schema_validator(str(path)).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = [f"{'/'.join(map(str, e.absolute_path)) or '(document)'}: {e.message}" for e in errors[:20]]
        raise ReportBug("compliance.json does not match result.schema.json (harness bug):\n" + "\n".join(lines))


def _iso(value) -> str:
    return value.isoformat()


def _check_titles(checks) -> dict[str, dict]:
    """Per check: its titles, the OWASP ASVS requirements it serves (security probes) and its parameters."""
    return {cid: {"title_vi": c.data.get("title_vi"), "title_en": c.data.get("title_en"),
                  **({"asvs": list(c.data["asvs"])} if c.data.get("asvs") else {}),
                  "parameters": c.parameters} for cid, c in checks.checks.items()}


def _parameters(names, edition, lowered: dict) -> list[dict]:
    """The edition parameters a criterion's checks used, with the value the run used (a profile's
    lowering applied) and the edition's own value beside a lowered one."""
    rows = []
    for name in sorted(set(names)):
        meta = edition.parameters.get(name) or {}
        low = (lowered or {}).get(name)
        rows.append({"name": name, "value": low["profile"] if low else meta.get("value"),
                     "edition_value": low["edition"] if low else None, "unit": meta.get("unit"),
                     "title_vi": meta.get("title_vi"), "assumed": bool(meta.get("assumed"))})
    return rows


def _check_entry(result, titles: dict, existing) -> dict:
    entry = result.to_dict()
    entry.update({k: v for k, v in titles.get(result.check_id, {"title_vi": None, "title_en": None}).items()
                  if k != "parameters"})
    entry["evidence"] = [p for p in entry["evidence"] if existing(p)]
    return entry


def _attestation_entry(attestation, copies: dict) -> dict | None:
    if attestation is None:
        return None
    entry = attestation.to_dict()
    for item in entry["evidence"]:
        item.update(copies.get((attestation.criterion, item["path"]), {"copy": None, "copy_note": None}))
    return entry


def build(record, copies: dict, tables: list[dict], redactor, out_dir: Path) -> dict:
    """The compliance document of a run, redacted and validated. `copies`: where attestation evidence
    was copied ({(criterion, path): {"copy", "copy_note"}}); `tables`: tables with their CSV paths."""
    edition, card = record.edition, record.scorecard
    titles = _check_titles(record.checks)

    def existing(rel: str) -> bool:
        return (out_dir / rel).is_file()

    criteria = []
    for criterion in edition.criteria:
        result = card.criteria[criterion["id"]]
        checks = [_check_entry(c, titles, existing) for c in result.checks]
        used = [p for c in result.checks for p in titles.get(c.check_id, {}).get("parameters", [])]
        criteria.append({
            **{k: criterion.get(k) for k in ("id", "section", "title_vi", "title_en", "requirement",
                                             "requirement_en", "applies_to", "basis", "provenance", "mandatory",
                                             "weight", "informative", "method", "pass_rule", "optional_feature",
                                             "lab_policy")},
            "evidence_required": criterion.get("evidence"),
            "parameters": _parameters(used, edition, record.target.get("lowered_parameters")),
            "verdict": result.verdict, "verdict_label": VERDICT_LABELS[result.verdict], "reason": result.reason,
            "selected": result.selected, "scored": result.scored,
            "verdict_before_waiver": result.verdict_before_waiver,
            "checks": checks,
            "evidence": sorted({p for c in checks for p in c["evidence"]}),
            "attestation": _attestation_entry(result.attestation, copies),
            "waiver": result.waiver.to_dict() if result.waiver is not None else None,
        })
    attestations = getattr(record, "attestations", None)
    edition_dict = edition.to_dict()
    raw = {
        "format": FORMAT,
        "run": {
            "id": record.run_id, "started": _iso(record.started), "finished": _iso(record.finished),
            "duration_s": round((record.finished - record.started).total_seconds(), 3),
            "harness_version": record.harness_version, "demo": record.demo, "partial": record.partial,
            "command": list(record.command),
            "selected_criteria": [c["id"] for c in criteria if c["selected"]],
            "runtime": {"python": sys.version.split()[0], "platform": platform.platform(terse=True)},
        },
        "target": _target(record.target),
        "edition": {
            **{k: edition_dict[k] for k in ("id", "title_vi", "title_en", "status", "document", "note_vi",
                                            "note_en", "files", "scoring")},
            "checks_sha256": record.checks.sha256(),
            "validity": editions.validity(edition, getattr(edition, "chosen", None)),
            "sections": [{k: s.get(k) for k in ("key", "prefix", "title_vi", "title_en", "provenance")}
                         for s in edition.sections],
        },
        "record": _record_form(attestations),
        "attestations_file": ({"path": attestations.to_dict()["path"], "sha256": attestations.sha256,
                               "copy": "attestations/attestations.yaml"} if attestations is not None else None),
        "summary": {
            "criteria": len(criteria), "selected": sum(c["selected"] for c in criteria),
            "scored": sum(c["scored"] for c in criteria),
            "verdicts": card.counts(), "verdicts_scored": card.counts(scored_only=True),
        },
        "certification": card.certification,
        "scores": {"model": card.model, "sections": card.to_dict()["sections"], "overall": card.overall,
                   "gates": card.gates},
        "exit_code": card.exit_code,
        "criteria": criteria,
        "review_items": [_review_item(item) for item in record.review_items],
        "tables": tables,
        "manifest": {"file": MANIFEST, "command": "dokiem verify <thư mục — folder>"},
    }
    doc = scrub(redactor, json.loads(json.dumps(raw, ensure_ascii=False, default=str)))
    validate(doc, schema_path(edition))
    return doc


def _record_form(attestations) -> dict:
    """The heading and signatories of the biên bản, from the attestations file's `record` block."""
    form = dict(getattr(attestations, "record", None) or {})
    form.setdefault("testing_unit_representatives", [])
    form.setdefault("vendor_representatives", [])
    return form


def _target(target: dict) -> dict:
    target = dict(target)
    for key in ("vendor", "system", "version"):  # a profile may write version: 2.3 (a number)
        if target.get(key) is not None:
            target[key] = str(target[key])
    return target


def _review_item(item: dict) -> dict:
    evidence = item.get("evidence") or []
    if isinstance(evidence, str):
        evidence = [evidence]
    return {"criterion": item.get("criterion"), "check": item.get("check"), "text_vi": item.get("text_vi", ""),
            "text_en": item.get("text_en", ""), "evidence": list(evidence)}


__all__ = ["FORMAT", "ReportBug", "build", "validate", "VERDICTS"]
