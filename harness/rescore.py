"""Judge an existing run's check outcomes against another edition, without re-running the target.

`dokiem rescore RUN_DIR --edition E` reads the run's compliance.json (after checking the folder
against its manifest), takes every check outcome with its reason, tests and evidence, and scores
edition E with them: a check E needs that the run did not execute is NOT_RUN with that reason, so a
criterion resting on it is NOT_RUN, never PASS. Attestations and waivers belong to the run's own
edition and are not carried over: E's manual criteria wait for the tester (MANUAL_PENDING). The
new record, compliance-<E>.json and compliance-<E>.html, is written beside the run's record and
points at the same evidence; editions.json and editions.md say, edition by edition, "đạt TT
22/2019, chưa đạt QĐ 473 mục …" with each unmet criterion's counterparts (criteria/crosswalk.yaml);
the manifest is rewritten to cover the new files.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from harness import __version__, criteria, crosswalk, scoring, selection
from harness.evidence import Redactor
from harness.report import COMPLIANCE_HTML, COMPLIANCE_JSON, RunRecord, document, html
from harness.verify import ManifestMissing, verify_folder, write_manifest
from harness.yamlsource import InputError, Problem

DEFAULT_CRITERIA_DIR = Path(__file__).resolve().parent.parent / "criteria"
NOT_EXECUTED = "lần chạy {run} không thực hiện kiểm tra này — the run {run} did not execute this check"
SUMMARY_JSON, SUMMARY_MD = "editions.json", "editions.md"
NOT_MET = ("FAIL", "ATTESTED_FAIL", "ERROR", "NOT_RUN", "MANUAL_PENDING")


def _problem(where: str, message: str) -> InputError:
    return InputError([Problem(where, 1, 1, "", message)])


def read_run(run_dir: Path) -> dict:
    """The run's compliance.json, once the folder matches its manifest (else InputError, exit 2)."""
    run_dir = Path(run_dir)
    try:
        check = verify_folder(run_dir)
    except ManifestMissing as exc:
        raise _problem(str(run_dir), f"{exc}; rescoring needs an intact run folder — cần thư mục kết quả nguyên vẹn")
    if not check.ok:
        changed = ", ".join(check.changed + check.added + check.missing)
        raise _problem(str(run_dir), f"the folder no longer matches manifest.sha256 ({changed}) — thư mục đã thay đổi "
                                     "sau khi ghi; run `dokiem verify` and rescore an intact copy")
    return json.loads((run_dir / COMPLIANCE_JSON).read_text(encoding="utf-8"))


def check_results(doc: dict, edition) -> dict[str, scoring.CheckResult]:
    """Every check `edition` needs: the run's outcome where the run executed it, else not_run."""
    seen: dict[str, scoring.CheckResult] = {}
    for criterion in doc["criteria"]:
        for entry in criterion["checks"]:
            if entry["outcome"] == "not_run" and entry["id"] in seen:
                continue
            seen[entry["id"]] = scoring.CheckResult(entry["id"], entry["outcome"], entry.get("reason") or "",
                                                    list(entry.get("tests") or []), list(entry.get("evidence") or []))
    reason = NOT_EXECUTED.format(run=doc["run"]["id"])
    results = {}
    for check_id in edition.check_ids():
        found = seen.get(check_id)
        if found is None or (found.outcome == "not_run" and not found.tests):
            results[check_id] = scoring.CheckResult(check_id, "not_run", reason)
        else:
            results[check_id] = found
    return results


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def rescore(run_dir: Path, edition_id: str, criteria_dir: Path) -> dict:
    """Write compliance-<edition>.json/html beside the run's record; return the new record."""
    run_dir = Path(run_dir)
    doc = read_run(run_dir)
    if edition_id == doc["edition"]["id"]:
        raise _problem("--edition", f"the run was already scored against {edition_id} — lần chạy đã được chấm theo "
                                    "phiên bản này (compliance.json)")
    checks = criteria.load_checks(criteria_dir)
    edition = criteria.load_edition(criteria_dir, edition_id, checks)
    edition.chosen = (f"chấm lại lần chạy {doc['run']['id']} (phiên bản gốc {doc['edition']['id']}) bằng dokiem "
                      f"rescore, không chạy lại — the run's outcomes rescored against this edition, not re-run")
    results = check_results(doc, edition)
    chosen = selection.select(edition)
    features = set(doc["target"].get("features_absent") or [])
    card = scoring.score(edition, chosen, results, features, None, demo=doc["run"]["demo"])
    if doc["run"]["partial"]:  # a partial run's missing checks are NOT_RUN already; it never certifies
        card.certification["certified"] = False
    record = RunRecord(run_id=doc["run"]["id"], started=_time(doc["run"]["started"]),
                       finished=_time(doc["run"]["finished"]), harness_version=__version__, demo=doc["run"]["demo"],
                       command=["dokiem", "rescore", str(run_dir), "--edition", edition_id],
                       partial=doc["run"]["partial"], edition=edition, checks=checks,
                       target=doc["target"], scorecard=card, check_results=results)
    new = document.build(record, {}, [], Redactor(), run_dir)
    (run_dir / f"compliance-{edition_id}.json").write_text(json.dumps(new, ensure_ascii=False, indent=2) + "\n",
                                                           encoding="utf-8")
    _write_html(run_dir, edition_id, new)
    write_summary(run_dir, criteria_dir)
    write_manifest(run_dir)
    return new


def _write_html(run_dir: Path, edition_id: str, doc: dict) -> None:
    """compliance-<E>.html and its own annex compliance-<E>-annex.html (the run's annex is the run
    edition's): the same templates as the run's record, pointed at the edition's annex."""
    annex = f"compliance-{edition_id}-annex.html"
    env = html._environment()
    (run_dir / f"compliance-{edition_id}.html").write_text(
        env.get_template("compliance.html.j2").render(**{**html._context(doc), "annex": annex, "allure_report": False,
                                                          "evidence_hash": None}), encoding="utf-8")
    decided = html.deciding_evidence(doc, run_dir)
    (run_dir / annex).write_text(html.render_annex(doc, decided).replace(f'href="{COMPLIANCE_HTML}"',
                                                                         f'href="compliance-{edition_id}.html"'),
                                 encoding="utf-8")


# --------------------------------------------------------------------------- the statement

def _records(run_dir: Path) -> list[dict]:
    first = json.loads((run_dir / COMPLIANCE_JSON).read_text(encoding="utf-8"))
    others = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(run_dir.glob("compliance-*.json"))]
    return [first] + others


def _short(criteria_dir: Path, edition_id: str) -> str:
    try:
        return criteria.load_edition(criteria_dir, edition_id).meta.get("short_name") or edition_id
    except InputError:
        return edition_id


def _ids(items: list[dict], limit: int = 8) -> str:
    shown = ", ".join(c["id"] for c in items[:limit])
    return shown + (f" và {len(items) - limit} mục khác" if len(items) > limit else "")


def statement(records: list[dict], criteria_dir: Path) -> tuple[str, list[dict]]:
    """One line ("đạt TT 22/2019, chưa đạt QĐ 473/2024 mục CN-09, …") and the detail per edition.
    Unmet: scored criteria that FAIL, ATTESTED_FAIL, ERROR or NOT_RUN, worst first (mandatory ones
    only in a checklist); those waiting for a tester's attestation are counted apart."""
    try:
        maps = crosswalk.load(criteria_dir)
    except InputError:
        maps = []
    ids = [r["edition"]["id"] for r in records]
    parts, detail = [], []
    for doc in records:
        edition_id = doc["edition"]["id"]
        short = _short(criteria_dir, edition_id)
        overall = doc["scores"]["overall"]
        points = doc["scores"]["model"]["model"] == "points"
        counted = [c for c in doc["criteria"] if c["scored"] and (c["mandatory"] or points)]
        unmet = sorted((c for c in counted if c["verdict"] in NOT_MET and c["verdict"] != "MANUAL_PENDING"),
                       key=lambda c: NOT_MET.index(c["verdict"]))
        pending = [c for c in counted if c["verdict"] == "MANUAL_PENDING"]
        certified = doc["certification"]["certified"]
        grade = f" (loại {overall['grade']}, {overall['percent']:g} %)" if overall.get("grade") else ""
        text = f"{'đạt' if certified else 'chưa đạt'} {short}{grade}"
        if unmet:
            text += (" mục " if not certified else ", chưa đạt mục ") + _ids(unmet)
        if pending:
            text += f"{',' if unmet else ''} {len(pending)} mục chờ chứng thực"
        parts.append(text)
        detail.append({"edition": edition_id, "short_name": short, "certified": certified,
                       "percent": overall.get("percent"), "grade": overall.get("grade"),
                       "pending": [c["id"] for c in pending],
                       "unmet": [{"id": c["id"], "verdict": c["verdict"], "title_vi": c["title_vi"],
                                  "counterparts": {o: crosswalk.counterparts(maps, edition_id, c["id"], o)
                                                   for o in ids if o != edition_id}} for c in unmet]})
    return "; ".join(parts), detail


def write_summary(run_dir: Path, criteria_dir: Path) -> str:
    records = _records(run_dir)
    line, detail = statement(records, criteria_dir)
    run_id = records[0]["run"]["id"]
    (run_dir / SUMMARY_JSON).write_text(json.dumps({"run": run_id, "statement": line, "editions": detail},
                                                   ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    lines = [f"# Lần chạy {run_id}: kết quả theo từng phiên bản tiêu chí — results per edition", "", line, ""]
    for d in detail:
        percent = "—" if d["percent"] is None else f"{d['percent']:g} %"
        lines.append(f"## {d['short_name']} (`{d['edition']}`): {'đạt — met' if d['certified'] else 'chưa đạt — not met'}, "
                     f"{percent}{', loại ' + d['grade'] if d['grade'] else ''}")
        for u in d["unmet"]:
            links = "; ".join(f"{o}: {', '.join(v)}" for o, v in u["counterparts"].items() if v)
            lines.append(f"- {u['id']} {u['verdict']}: {u['title_vi']}" + (f" (tương ứng — corresponds to {links})" if links else ""))
        lines.append("")
    (run_dir / SUMMARY_MD).write_text("\n".join(lines), encoding="utf-8")
    return line


def command(args) -> int:
    """`dokiem rescore RUN_DIR --edition E[,F]`: exit 0 when every edition is met, 1 otherwise, 2 bad input."""
    run_dir = Path(args.dir)
    if run_dir.is_file():
        run_dir = run_dir.parent
    met = True
    for edition_id in [e.strip() for e in args.edition.split(",") if e.strip()]:
        new = rescore(run_dir, edition_id, Path(args.criteria_dir))
        met = met and new["certification"]["certified"]
    print(write_summary(run_dir, Path(args.criteria_dir)))
    print(f"→ {run_dir / SUMMARY_MD}")
    return 0 if met else 1


def run_editions(args, run) -> int:
    """`dokiem run --editions a,b`: run once against the first edition (which certifies and sets the
    exit code), then rescore the same run against the others."""
    wanted = [e.strip() for e in args.editions.split(",") if e.strip()]
    if not wanted or args.edition or getattr(args, "date", None):
        raise _problem("--editions", "give a comma-separated list of editions, without --edition or --date — "
                                     "liệt kê các phiên bản, không dùng kèm --edition hay --date")
    criteria_dir = Path(args.criteria_dir or DEFAULT_CRITERIA_DIR)
    known = criteria.edition_ids(criteria_dir)
    unknown = [e for e in wanted if e not in known]
    if unknown:
        raise _problem("--editions", f"unknown edition(s) {', '.join(unknown)} — không có phiên bản này; "
                                     f"known: {', '.join(known)}")
    if not args.out:
        args.out = Path("reports") / dt.datetime.now().strftime("%Y%m%d-%H%M%S-editions")
    args.edition = wanted[0]
    code = run(args)
    if not (Path(args.out) / COMPLIANCE_JSON).is_file():
        return code  # the run did not finish its record: nothing to rescore
    for edition_id in wanted[1:]:
        rescore(Path(args.out), edition_id, criteria_dir)
    print(write_summary(Path(args.out), criteria_dir))
    return code
