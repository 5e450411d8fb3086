"""Allure results with one result per criterion, and the Allure 3 report built from them.

Allure is the viewer, not the judge (anchors lesson 11): every status here is a translation of
a verdict scoring.py already reached. The tree is the criteria: parentSuite = the edition,
suite = the section, one result per criterion with historyId = testCaseId = "<edition>:<id>" so
nightly trends follow a criterion across runs; its checks are steps (their tests as sub-steps)
with the check's evidence attached. Status: PASS/ATTESTED_PASS/WAIVED → passed, FAIL/ATTESTED_FAIL
→ failed when it counts against certification (a mandatory criterion; any scored one under the
`points` model), else skipped with a message saying it failed but does not count, so Allure's
"failed" and the record's conclusion name the same criteria; ERROR → broken, MANUAL_PENDING →
unknown, NOT_APPLICABLE/NOT_RUN (informative criteria among them) → skipped.
categories.json sorts failures into target defect (failed), configuration error and
inconclusive (broken, told apart by the message prefix we write). The certification verdict is
in environment.properties (Allure's summary block), and the report's quality gate is the
mandatory rule itself: every mandatory applicable criterion passed.

Sizes: each evidence file is copied into allure-results once, however many checks cite it; the
report is Allure's multi-file form (its data files beside index.html, each attachment once).
"""
from __future__ import annotations

import json
import mimetypes
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from datetime import datetime
from pathlib import Path

from harness.evidence import Redactor, folder_name
from harness.report.redact import copy_redacted, scrub
from harness.report.summary_md import headline

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
BUILD_TIMEOUT_S = 120
HISTORY_FILE = "allure-history.jsonl"
CONFIG_FILE = "allurerc.mjs"

STATUS = {"PASS": "passed", "ATTESTED_PASS": "passed", "WAIVED": "passed", "FAIL": "failed",
          "ATTESTED_FAIL": "failed", "ERROR": "broken", "MANUAL_PENDING": "unknown",
          "NOT_APPLICABLE": "skipped", "NOT_RUN": "skipped"}
STEP_STATUS = {"passed": "passed", "failed": "failed", "error": "broken", "missing": "broken",
               "skipped": "skipped", "not_run": "skipped"}
NOT_COUNTED_PREFIX = "[Không đạt, không tính vào chứng nhận — Failed, does not count for certification]"
CONFIG_PREFIX = "[Lỗi cấu hình — Configuration error]"
INCONCLUSIVE_PREFIX = "[Không kết luận được — Inconclusive]"
DEFECT_PREFIX = "[Lỗi của hệ thống — Target defect]"
# An ERROR is a configuration error when the profile, not the target, is what broke: an
# operation or journey that is not configured, a journey step that finds no element.
CONFIGURATION = re.compile(r"(?i)cấu hình|configur|journey|hành trình|profile|operation|không tìm thấy phần tử|"
                           r"element not found|locator|timeout.*waiting for")
CATEGORIES = [
    {"name": "Lỗi của hệ thống được đo — Target defect", "matchedStatuses": ["failed"]},
    {"name": "Lỗi cấu hình — Configuration error", "matchedStatuses": ["broken"],
     "messageRegex": re.escape(CONFIG_PREFIX) + ".*"},
    {"name": "Không kết luận được — Inconclusive", "matchedStatuses": ["broken"]},
]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def counts_for_certification(doc: dict, criterion: dict) -> bool:
    """Whether a failing verdict of this criterion stands between the target and certification."""
    model = (doc.get("scores") or {}).get("model") or {}
    return bool(criterion["mandatory"] or (model.get("model") == "points" and criterion.get("scored")))


def status(doc: dict, criterion: dict) -> str:
    """The Allure status of a criterion's verdict (see the module docstring); JUnit uses it too."""
    found = STATUS[criterion["verdict"]]
    if found == "failed" and not counts_for_certification(doc, criterion):
        return "skipped"
    return found


def _message(doc: dict, criterion: dict) -> str:
    status_ = status(doc, criterion)
    if status_ == "skipped" and STATUS[criterion["verdict"]] == "failed":
        return f"{NOT_COUNTED_PREFIX} {criterion['reason']}"
    if status_ == "broken":
        reasons = " ".join(c["reason"] for c in criterion["checks"] if c["outcome"] in ("error", "skipped"))
        prefix = CONFIG_PREFIX if CONFIGURATION.search(reasons) else INCONCLUSIVE_PREFIX
        return f"{prefix} {criterion['reason']}"
    if status_ == "failed":
        return f"{DEFECT_PREFIX} {criterion['reason']}"
    return criterion["reason"]


class _Attachments:
    """Copies files into allure-results under Allure's `<uuid>-attachment.<ext>` names, each file once:
    a scenario's transcript cited by seven checks is one attachment the seven steps point to."""

    def __init__(self, results_dir: Path, out_dir: Path, redactor: Redactor):
        self.results_dir, self.out_dir, self.redactor = results_dir, out_dir, redactor
        self.warnings: list[str] = []
        self.copied: dict[str, dict | None] = {}

    def attach(self, rel: str, name: str | None = None) -> dict | None:
        if rel not in self.copied:
            self.copied[rel] = self._copy(rel)
        found = self.copied[rel]
        return {**found, "name": name or found["name"]} if found else None

    def _copy(self, rel: str) -> dict | None:
        source = self.out_dir / rel
        if not source.is_file():
            return None
        suffix = "".join(source.suffixes[-1:]) or ".txt"
        target = self.results_dir / f"{uuid.uuid4().hex}-attachment{suffix}"
        warning = copy_redacted(source, target, self.redactor)
        if warning:
            self.warnings.append(warning)
            return None
        kind = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        return {"name": source.name, "source": target.name, "type": kind}


def _step(name: str, status: str, message: str, start: int, stop: int, attachments=(), steps=()) -> dict:
    return {"name": name, "status": status, "statusDetails": {"message": message} if message else {},
            "stage": "finished", "start": start, "stop": stop, "attachments": [a for a in attachments if a],
            "steps": list(steps), "parameters": []}


def _span(tests: list[dict]) -> tuple[int, int] | None:
    """When the tests really ran: the first start and the last stop pytest reported, in ms."""
    starts = [_ms(datetime.fromisoformat(t["start"])) for t in tests if t.get("start")]
    stops = [_ms(datetime.fromisoformat(t["stop"])) for t in tests if t.get("stop")]
    return (min(starts), max(stops + starts)) if starts else None


def _split_evidence(check: dict) -> tuple[list[str], list[str]]:
    """(attach, link): a check's own files are attached; its scenario's files, shared by every check
    of the scenario, are linked (../evidence/… from the report) unless the check failed or could not
    decide, when they are the story of the failure and are shown inline (each copied once)."""
    if check["outcome"] in ("failed", "error"):
        return list(check["evidence"]), []
    own = f"evidence/{folder_name(check['id'])}/"
    attach = [p for p in check["evidence"] if p.startswith(own)]
    return attach, [p for p in check["evidence"] if not p.startswith(own)]


def criterion_result(doc: dict, criterion: dict, section: dict, files: _Attachments, order: int = 0) -> dict:
    edition = doc["edition"]
    # what ran nothing (manual, not run) is placed at the run's start, one millisecond apart in
    # edition order, so Allure's "order" sort still follows the edition
    run_start = _ms(datetime.fromisoformat(doc["run"]["started"])) + order
    span = _span([t for check in criterion["checks"] for t in check["tests"]])
    start, stop = span or (run_start, run_start)
    steps, links = [], {}
    for check in criterion["checks"]:
        attached, linked = _split_evidence(check)
        links.update((rel, {"name": rel, "url": f"../{rel}", "type": "link"}) for rel in linked)
        check_start, check_stop = _span(check["tests"]) or (start, start)
        tests = [_step(t["nodeid"], STEP_STATUS.get(t["outcome"], "broken"), t.get("reason", ""),
                       *(_span([t]) or (check_start, check_start))) for t in check["tests"]]
        title = f" — {check['title_vi']}" if check.get("title_vi") else ""
        steps.append(_step(f"Kiểm tra {check['id']}{title}", STEP_STATUS[check["outcome"]], check["reason"],
                           check_start, check_stop, [files.attach(p) for p in attached], tests))
    attestation = criterion.get("attestation")
    if attestation:
        steps.append(_step(f"Chứng thực — Attestation: {attestation['result']} ({attestation['tester']}, "
                           f"{attestation['date']})", "passed" if attestation["result"] == "pass" else "failed",
                           attestation.get("note") or "", start, stop,
                           [files.attach(e["copy"]) for e in attestation["evidence"] if e.get("copy")]))
    waiver = criterion.get("waiver")
    if waiver:
        steps.append(_step(f"Miễn trừ — Waiver ({waiver['by']}, {waiver['date']})", "passed", waiver["reason"],
                           start, stop))
    history_id = f"{edition['id']}:{criterion['id']}"
    prov = criterion["provenance"]
    description = (f"{criterion['requirement']}\n\n{criterion['requirement_en']}\n\n"
                   f"Căn cứ — Basis: {'; '.join(criterion['basis'])}\n"
                   f"Nguồn gốc — Provenance: {prov['source']}{': ' + prov['note'] if prov.get('note') else ''}")
    labels = [
        {"name": "parentSuite", "value": f"{edition['id']} — {edition['title_vi']}"},
        {"name": "suite", "value": f"Mục {section['key']}. {section['title_vi']}"},
        {"name": "epic", "value": edition["id"]},
        {"name": "feature", "value": f"{section['key']}. {section['title_en']}"},
        {"name": "story", "value": criterion["id"]},
        {"name": "tag", "value": criterion["verdict"]},
        {"name": "tag", "value": f"provenance:{prov['source']}"},
        {"name": "tag", "value": "mandatory" if criterion["mandatory"] else
                                 ("informative" if criterion["informative"] else "optional")},
        {"name": "severity", "value": "critical" if criterion["mandatory"] else "normal"},
        {"name": "package", "value": f"{edition['id']}.{section['prefix']}"},
        {"name": "framework", "value": "dokiem"},
    ]
    parameters = [
        {"name": "Kết quả — Verdict", "value": criterion["verdict"]},
        {"name": "Nguồn gốc — Provenance", "value": prov["source"]},
        {"name": "Bắt buộc — Mandatory", "value": "có — yes" if criterion["mandatory"] else "không — no"},
        {"name": "Trọng số — Weight", "value": str(criterion["weight"])},
        {"name": "Phương pháp — Method", "value": criterion["method"]},
    ]
    if criterion.get("verdict_before_waiver"):
        parameters.append({"name": "Khi không miễn trừ — Without the waiver",
                           "value": criterion["verdict_before_waiver"]})
    for parameter in parameters:  # shown, but kept out of Allure's history key: a criterion's trend
        parameter["excluded"] = True  # must survive a change of verdict
    return {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"dokiem:{doc['run']['id']}:{history_id}")),
        "historyId": history_id, "testCaseId": history_id,
        "name": f"{criterion['id']} {criterion['title_vi']}", "fullName": f"{edition['id']}.{criterion['id']}",
        "status": status(doc, criterion), "statusDetails": {"message": _message(doc, criterion)},
        "stage": "finished", "start": start, "stop": stop, "description": description,
        "labels": labels, "parameters": parameters, "links": list(links.values()), "steps": steps,
        "attachments": [],
    }


def _property(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", " ").replace("=", "\\=").replace(":", "\\:")


def write_results(doc: dict, results_dir: Path, out_dir: Path, redactor: Redactor) -> list[str]:
    """Write allure-results/ from the (redacted) compliance document; returns warnings."""
    results_dir.mkdir(parents=True, exist_ok=True)
    files = _Attachments(results_dir, out_dir, redactor)
    sections = {s["key"]: s for s in doc["edition"]["sections"]}
    for order, criterion in enumerate(doc["criteria"]):
        result = scrub(redactor, criterion_result(doc, criterion, sections[criterion["section"]], files, order))
        (results_dir / f"{result['uuid']}-result.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    target, run, cert = doc["target"], doc["run"], doc["certification"]
    environment = {
        "Edition": doc["edition"]["id"], "Vendor": target["vendor"], "System": target["system"],
        "Version": target["version"], "Environment": target["environment"], "Run": run["id"],
        "Harness": f"dokiem {run['harness_version']}", "Demo": str(run["demo"]).lower(),
        "Partial": str(run["partial"]).lower(), "Certified": str(cert["certified"]).lower(),
        "Verdict": headline(doc), "Exit code": str(doc["exit_code"]),
    }
    lines = [f"{_property(k)}={_property(redactor.text(str(v)))}" for k, v in environment.items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (results_dir / "categories.json").write_text(json.dumps(CATEGORIES, ensure_ascii=False, indent=1),
                                                 encoding="utf-8")
    # beside allure-results, so `npx allure generate allure-results` or `npx allure quality-gate
    # allure-results` run in the run folder (Allure reads ./allurerc.mjs) use the same report and gate
    (out_dir / CONFIG_FILE).write_text(allure_config(redactor.text(report_name(doc)), Path("allure-report"), None),
                                       encoding="utf-8")
    return files.warnings


def report_name(doc: dict) -> str:
    return f"dokiem {doc['edition']['id']} — {doc['target']['system']} {doc['target']['version']}"


def copy_raw(raw_dir: Path, target_dir: Path, redactor: Redactor) -> list[str]:
    """Keep allure-pytest's own per-check results beside ours, redacted."""
    warnings = []
    for source in sorted(p for p in Path(raw_dir).rglob("*") if p.is_file()):
        warning = copy_redacted(source, target_dir / source.relative_to(raw_dir), redactor)
        if warning:
            warnings.append(warning)
    return warnings


def allure_command() -> list[str] | None:
    """The Allure 3 CLI installed by `npm ci` (package.json), or None without Node or the package."""
    if shutil.which("node") is None:
        return None
    local = REPO_ROOT / "node_modules" / ".bin" / ("allure.cmd" if os.name == "nt" else "allure")
    if local.exists():
        return [str(local)]
    return None


HOW_TO_BUILD = ("cài Node.js ≥ 18 và chạy `npm ci` trong thư mục dokiem, rồi: "
                "npx allure generate {results} -o {report} — install Node.js ≥ 18, run `npm ci` in the dokiem "
                "folder, then run the command above")


# The quality gate is Allure's own statement of the mandatory rule: every mandatory criterion that
# applies (tag `mandatory`, verdict not NOT_APPLICABLE) passed. Allure's built-in rules count only
# failed and broken results, but a pending or skipped mandatory criterion withholds certification
# too, hence a rule of ours. A function cannot be written in JSON: the config is an ES module.
QUALITY_GATE = """
const mandatoryAllPass = {
  rule: "mandatoryAllPass",
  message: ({ actual }) => `${actual} tiêu chí bắt buộc chưa đạt — mandatory criteria not passed`,
  successMessage: () => "mọi tiêu chí bắt buộc đều đạt — every mandatory criterion passed",
  validate: async ({ trs, expected }) => {
    const notPassed = trs.filter((tr) => tr.status !== "passed");
    return { success: notPassed.length <= expected, actual: notPassed.length,
             testResults: notPassed.map((tr) => tr.id) };
  },
};
const hasTag = (tr, value) => (tr.labels || []).some((l) => l.name === "tag" && l.value === value);
export const qualityGate = {
  use: [mandatoryAllPass],
  rules: [{ id: "mandatory", mandatoryAllPass: 0,
            filter: (tr) => hasTag(tr, "mandatory") && !hasTag(tr, "NOT_APPLICABLE") }],
};
"""
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CAUSE = re.compile(r"(?i)\berror\b|exception|fail|too large|cannot|could not|enoent|eacces|enospc|heap")


def allure_config(name: str, report_dir: Path, history_dir: Path | None) -> str:
    """allurerc.mjs: the awesome report in its multi-file form (single-file mode embeds every attachment
    in index.html, base64 and all, and refuses large runs), with the quality gate."""
    config = {"name": name, "output": Path(report_dir).as_posix(),
              "plugins": {"awesome": {"options": {"singleFile": False, "reportName": name, "reportLanguage": "en",
                                                  "groupBy": ["parentSuite", "suite"]}}}}
    if history_dir is not None:
        Path(history_dir).mkdir(parents=True, exist_ok=True)
        config["historyPath"] = str(Path(history_dir).resolve() / HISTORY_FILE)
    return (QUALITY_GATE + "export default { ..." + json.dumps(config, ensure_ascii=False)
            + ", qualityGate };\n")


def failure_cause(output: str) -> str:
    """The lines of Allure's output that say why it failed (not its last progress line), ANSI colours removed."""
    lines = [ANSI.sub("", line).strip() for line in output.splitlines()]
    lines = [line for line in lines if line]
    causes = [line for line in lines if CAUSE.search(line) and not line.startswith("at ")]
    picked = list(dict.fromkeys(causes[:3] + lines[-1:])) if causes else lines[-3:]
    return " / ".join(picked)[:1500] or "no output — không có thông báo"


def build_report(results_dir: Path, report_dir: Path, name: str, history_dir: Path | None = None,
                 timeout_s: float = BUILD_TIMEOUT_S) -> str | None:
    """Build allure-report/ (multi-file) with Allure 3; return a warning instead of failing."""
    command = allure_command()
    how = HOW_TO_BUILD.format(results=results_dir.name, report=report_dir.name)
    results_dir, report_dir = Path(results_dir).resolve(), Path(report_dir).resolve()  # Allure runs elsewhere
    if command is None:
        return f"Không có Allure 3 (Node.js hoặc node_modules), chưa dựng allure-report — Allure 3 not found: {how}"
    with tempfile.TemporaryDirectory(prefix="dokiem-allure-") as work:
        config_path = Path(work) / "allurerc.mjs"
        config_path.write_text(allure_config(name, report_dir, history_dir), encoding="utf-8")
        try:
            proc = subprocess.run([*command, "generate", str(results_dir), "--config", str(config_path),
                                   "--output", str(report_dir)], cwd=work, capture_output=True, text=True,
                                  timeout=timeout_s, env={**os.environ, "NO_COLOR": "1", "CI": "1"})
        except subprocess.TimeoutExpired:
            shutil.rmtree(report_dir, ignore_errors=True)
            return f"Allure 3 quá {timeout_s:g} s, bỏ qua allure-report — Allure 3 took over {timeout_s:g} s: {how}"
        except OSError as exc:
            return f"Không chạy được Allure 3 — could not start Allure 3 ({exc}): {how}"
    if proc.returncode != 0 or not (report_dir / "index.html").is_file():
        shutil.rmtree(report_dir, ignore_errors=True)
        cause = failure_cause(f"{proc.stderr}\n{proc.stdout}")
        return (f"Allure 3 lỗi (exit {proc.returncode}), chưa có allure-report — Allure 3 failed: {cause} "
                f"(allure-results còn nguyên — is kept: `npx allure generate {results_dir.name} -o "
                f"{report_dir.name}` in the run folder builds it again)")
    return None
