"""The outputs of a run (docs/ARCHITECTURE.md, "Outputs and trust"), written into the staging folder and then moved into place.

    warnings = write_run(staging_dir, record, redactor, history_dir)   # everything but the manifest
    finalize(staging_dir, out_dir)                                     # manifest.sha256, then rename

The output folder:

    compliance.json          the record, valid against criteria/schema/result.schema.json
    compliance.html          the Vietnamese record (biên bản đánh giá, đo kiểm), from compliance.json
    compliance-annex.html    its annex (phụ lục): each criterion in detail, its deciding and full evidence
    compliance.pdf, compliance-annex.pdf   both printed by Chromium (with pdf=True)
    evidence.sha256          SHA-256 of every file but the four above; the record prints its hash
    evidence/<check>/…       written during the run by harness.evidence (already redacted)
    attestations/            the attestations file and the attested evidence, copied (redacted)
    tables/<name>.csv        the suites' measurement tables
    allure-results/          one Allure result per criterion, environment.properties, categories.json
    allurerc.mjs             Allure 3's config for this run: the report's form and the mandatory quality gate
    allure-raw/              allure-pytest's per-check results, when the run kept them
    allure-report/index.html Allure 3 multi-file report (when Node and `npm ci` are there)
    manifest.sha256          SHA-256 of every other file (`dokiem verify DIR`)

Secrets: every string written goes through the run's Redactor (report.redact.scrub); copied files
are redacted as text or refused as binary holding a secret; a last sweep checks every file,
inside zip archives too, before the manifest is written. Nothing here raises for a missing Node
or a failed Allure build: those come back as warnings for the run to print.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from harness.evidence import Redactor
from harness.files import safe_name
from harness.report import allure, document, html
from harness.report.pdf import print_pdfs
from harness.report.redact import copy_redacted, scrub, sweep
from harness.verify import EVIDENCE_MANIFEST, file_sha256, write_manifest

COMPLIANCE_JSON = "compliance.json"
COMPLIANCE_HTML = "compliance.html"
COMPLIANCE_PDF = "compliance.pdf"
ANNEX_PDF = "compliance-annex.pdf"


@dataclass
class RunRecord:
    """Everything report/ needs to know about a finished run."""

    run_id: str
    started: datetime
    finished: datetime
    harness_version: str
    demo: bool
    command: list[str]
    partial: bool
    edition: object                 # criteria.Edition
    checks: object                  # criteria.CheckRegistry the run loaded (titles, SHA-256)
    target: dict                    # vendor, system, version, environment, systems, base_urls, profile_path,
                                    # profile_sha256, features_absent, authorisation (or None), allowed_flags,
                                    # lowered_parameters {name: {"edition": v, "profile": v}}
    scorecard: object               # scoring.Scorecard
    check_results: dict             # {check id: scoring.CheckResult}
    tables: list[dict] = field(default_factory=list)        # {"id", "title_vi", "title_en", "columns", "rows", "csv"}
    review_items: list[dict] = field(default_factory=list)  # {"criterion", "check", "text_vi", "text_en", "evidence"}
    allure_raw_dir: Path | None = None
    attestations: object | None = None  # attestations.Attestations, to copy the file and its evidence


def _copy_attestations(staging: Path, record: RunRecord, redactor: Redactor) -> tuple[dict, list[str]]:
    """Copy the attestations file and each attested evidence file into attestations/."""
    copies, warnings = {}, []
    source = record.attestations
    if source is None:
        return copies, warnings
    folder = staging / "attestations"
    warning = copy_redacted(Path(source.path), folder / "attestations.yaml", redactor)
    if warning:
        warnings.append(warning)
    for attestation in source.attestations.values():
        for evidence in attestation.evidence:
            folder_name = safe_name(attestation.criterion, "criterion")
            rel = f"attestations/{folder_name}/{safe_name(Path(evidence.path).name, 'evidence')}"
            warning = copy_redacted(evidence.resolved, staging / rel, redactor)
            if warning:
                warnings.append(warning)
                copies[(attestation.criterion, evidence.path)] = {"copy": None, "copy_note": warning}
                continue
            changed = (staging / rel).read_bytes() != evidence.resolved.read_bytes()
            copies[(attestation.criterion, evidence.path)] = {
                "copy": rel,
                "copy_note": ("bản sao đã che bí mật, mã băm khác bản gốc — redacted copy: its SHA-256 differs "
                              "from the attested file" if changed else None)}
    return copies, warnings


def _write_tables(staging: Path, tables: list[dict], redactor: Redactor) -> list[dict]:
    written, used = [], set()
    for i, table in enumerate(tables, 1):
        table = scrub(redactor, json.loads(json.dumps(table, ensure_ascii=False, default=str)))
        name = safe_name(table.get("csv") or table.get("id") or f"table-{i}", f"table-{i}")
        if not name.endswith(".csv"):
            name += ".csv"
        while name in used:
            name = f"{i}-{name}"
        used.add(name)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.get("columns", []))
        writer.writerows(table.get("rows", []))
        path = staging / "tables" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        # UTF-8 with BOM: spreadsheet programs then read Vietnamese text correctly
        path.write_text(buffer.getvalue(), encoding="utf-8-sig")
        written.append({"id": str(table.get("id") or f"table-{i}"), "title_vi": table.get("title_vi", ""),
                        "title_en": table.get("title_en", ""), "columns": [str(c) for c in table.get("columns", [])],
                        "rows": [list(r) for r in table.get("rows", [])], "csv": f"tables/{name}"})
    return written


def _keep_raw_results(staging: Path, raw_dir: Path | None, redactor: Redactor) -> list[str]:
    """allure-pytest's own results go to allure-raw/, redacted, even when the run wrote them inside
    the staging folder (where they would otherwise mix with our per-criterion results)."""
    if raw_dir is None or not Path(raw_dir).is_dir():
        return []
    raw, target = Path(raw_dir).resolve(), (staging / "allure-raw").resolve()
    if raw == target:
        return []  # already in place; the sweeps remove what the run registered as secret
    warnings = allure.copy_raw(raw, target, redactor)
    if staging.resolve() in raw.parents:
        shutil.rmtree(raw)
    return warnings


def write_run(staging_dir: Path, record: RunRecord, redactor: Redactor,
              history_dir: Path | None = None, build_allure: bool = True, pdf: bool = False) -> list[str]:
    """Write compliance.json, compliance.html, tables, Allure results and report into staging_dir.

    Returns warnings to print (Allure not built, a file that could not be redacted). Raises
    document.ReportBug when compliance.json would not match its schema (a harness bug).
    With history_dir, Allure 3 keeps its history there (allure-history.jsonl: trends across
    nightly runs) and compliance.json is copied to history_dir/runs/<run_id>.json. With pdf, the
    record and its annex are printed to compliance.pdf and compliance-annex.pdf (report.pdf).
    """
    staging = Path(staging_dir)
    staging.mkdir(parents=True, exist_ok=True)
    warnings = sweep(staging, redactor)  # what the run wrote before us: evidence, traces
    copies, copy_warnings = _copy_attestations(staging, record, redactor)
    warnings += copy_warnings
    tables = _write_tables(staging, record.tables, redactor)
    doc = document.build(record, copies, tables, redactor, staging)
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    (staging / COMPLIANCE_JSON).write_text(text + "\n", encoding="utf-8")

    warnings += _keep_raw_results(staging, record.allure_raw_dir, redactor)
    warnings += allure.write_results(doc, staging / "allure-results", staging, redactor)
    name = allure.report_name(doc)
    if build_allure:
        problem = allure.build_report(staging / "allure-results", staging / "allure-report", name, history_dir)
    else:
        problem = ("allure-report chưa dựng (--no-allure-report) — not built on request: "
                   + allure.HOW_TO_BUILD.format(results="allure-results", report="allure-report"))
    if problem:
        warnings.append(problem)

    decided = html.deciding_evidence(doc, staging)  # writes the transcripts' HTML twins it links to
    (staging / html.ANNEX_HTML).write_text(html.render_annex(doc, decided), encoding="utf-8")
    # swept now, so the last sweep below cannot change a file evidence.sha256 lists
    warnings += sweep(staging, redactor)
    evidence_hash = file_sha256(write_manifest(staging, EVIDENCE_MANIFEST))
    (staging / COMPLIANCE_HTML).write_text(
        html.render(doc, allure_report=problem is None, evidence_hash=evidence_hash), encoding="utf-8")
    if pdf:
        pdf_problem = print_pdfs(record.run_id, [(staging / COMPLIANCE_HTML, staging / COMPLIANCE_PDF),
                                             (staging / html.ANNEX_HTML, staging / ANNEX_PDF)])
        if pdf_problem:
            warnings.append(pdf_problem)
    if history_dir is not None:
        runs = Path(history_dir) / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        (runs / f"{safe_name(record.run_id, 'run')}.json").write_text(text + "\n", encoding="utf-8")
    warnings += sweep(staging, redactor)
    return warnings


def wants_pdf(option: bool | None) -> bool:
    """--pdf / --no-pdf as given; by default, print when there is a Chromium to print with."""
    if option is not None:
        return option
    from harness.report import pdf

    return pdf.available()


def finalize(staging_dir: Path, out_dir: Path) -> None:
    """Write manifest.sha256 over the staging folder and move it to out_dir (which must not hold files)."""
    staging, out = Path(staging_dir), Path(out_dir)
    write_manifest(staging)
    if out.exists():
        if any(out.iterdir()):
            raise FileExistsError(f"{out}: thư mục kết quả đã có dữ liệu — output folder is not empty")
        out.rmdir()
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(staging, out)
    except OSError:  # another file system: copy, then remove the staging folder
        shutil.copytree(staging, out)
        shutil.rmtree(staging)


__all__ = ["RunRecord", "write_run", "finalize", "COMPLIANCE_JSON", "COMPLIANCE_HTML"]
