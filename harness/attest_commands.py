"""`dokiem attest init RUN_DIR` and `dokiem attest hash FILE…`: help a tester write attestations.

`init` reads a finished run's compliance.json and writes one stub per criterion still waiting for
a tester (MANUAL_PENDING), each preceded by its requirement and the evidence it needs. The stub's
empty fields (result, tester, dates, evidence) are YAML nulls, so the file is refused by
criteria/schema/attestations.schema.json until the tester has filled every one of them: an
unfilled stub can never count as an attestation. `hash` prints what an evidence entry needs.
"""
from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from harness.diff import COMPLIANCE
from harness.exitcodes import ExitCode
from harness.files import file_sha256
from harness.yamlsource import InputError, Problem, display_path


def _load(path: Path) -> dict:
    file = path / COMPLIANCE if path.is_dir() else path
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
        doc["run"]["id"], doc["edition"]["id"], doc["criteria"]  # noqa: B018 — the keys we need
    except FileNotFoundError:
        raise InputError([Problem(display_path(file), 1, 1, "", "file not found — không tìm thấy compliance.json; "
                                                                "give a run folder")]) from None
    except (ValueError, KeyError, TypeError):
        raise InputError([Problem(display_path(file), 1, 1, "", "not a dokiem compliance.json — không phải "
                                                                "biên bản của dokiem")]) from None
    return doc


def _scalar(value) -> str:
    """A YAML scalar: JSON's double-quoted string is valid YAML, and keeps "2.10" a string."""
    return json.dumps(str(value), ensure_ascii=False)


def _comment(label: str, text: str) -> list[str]:
    lines = textwrap.wrap(" ".join(str(text).split()), 96) or [""]
    return [f"  # {label}: {lines[0]}"] + [f"  #   {line}" for line in lines[1:]]


def pending(doc: dict) -> list[dict]:
    return [c for c in doc["criteria"] if c.get("verdict") == "MANUAL_PENDING"]


def stubs(doc: dict) -> str:
    """The stub file's text for the run's pending manual criteria."""
    run_id, target = doc["run"]["id"], doc.get("target") or {}
    lines = [f"# Chứng thực cho lần chạy {run_id} — attestations for run {run_id}",
             "# Điền result (pass | fail), tester, date, expiry (YYYY-MM-DD) và bằng chứng (path tương đối so với",
             "# tệp này, sha256 từ `dokiem attest hash TỆP`), rồi chạy lại với --attestations TỆP.",
             "# Fill in result, tester, date, expiry and the evidence (paths relative to this file, sha256 from",
             "# `dokiem attest hash FILE`), then run again with --attestations FILE. Delete a stub you do not attest.",
             f"edition: {_scalar(doc['edition']['id'])}",
             "target:"]
    for key in ("id", "vendor", "system", "version"):
        if target.get(key) not in (None, ""):
            lines.append(f"  {key}: {_scalar(target[key])}")
    lines.append("attestations:")
    for criterion in pending(doc):
        title = criterion.get("title_vi") or ""
        if criterion.get("title_en"):
            title += f" ({criterion['title_en']})"
        lines.append(f"  # {criterion['id']} — {title}")
        if criterion.get("requirement"):
            lines += _comment("Yêu cầu — requirement", criterion["requirement"])
        needed = criterion.get("evidence_required") or {}
        for language, label in (("vi", "Bằng chứng cần có"), ("en", "Evidence required")):
            if needed.get(language):
                lines += _comment(label, needed[language])
        lines += [f"  - criterion: {criterion['id']}",
                  "    result:      # pass | fail",
                  "    tester:      # họ tên người đánh giá — the tester's full name",
                  "    date:        # YYYY-MM-DD, ngày đánh giá — the day you judged it",
                  "    expiry:      # YYYY-MM-DD, ngày hết hiệu lực — when this attestation lapses",
                  "    # note: ghi chú — an optional note",
                  "    evidence:",
                  "      - path:    # tệp bằng chứng — evidence file, relative to this file",
                  "        sha256:  # dokiem attest hash TỆP"]
    return "\n".join(lines) + "\n"


def init(run_dir: Path, out: Path | None) -> int:
    doc = _load(Path(run_dir))
    todo = pending(doc)
    if not todo:
        print("Không còn tiêu chí nào chờ chứng thực — no manual criterion is pending in this run")
        return ExitCode.OK
    out = Path(out) if out else Path(f"attestations-{doc['run']['id']}.yaml")
    if out.exists():
        raise InputError([Problem(display_path(out), 1, 1, "--out", "file exists, not overwritten — tệp đã có, "
                                                                   "không ghi đè; choose another --out")])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(stubs(doc), encoding="utf-8")
    print(f"{out}: {len(todo)} tiêu chí chờ chứng thực — stubs for {len(todo)} pending criteria: "
          + ", ".join(c["id"] for c in todo))
    return ExitCode.OK


def hash_files(files: list[Path], fmt: str = "sha256sum") -> int:
    missing = [Problem(display_path(f), 1, 1, "", "not a readable file — không đọc được tệp này")
               for f in files if not Path(f).is_file()]
    if missing:
        raise InputError(missing)
    for file in files:
        digest = file_sha256(file)
        if fmt == "yaml":
            print(f"      - {{path: {_scalar(Path(file).as_posix())}, sha256: {digest}}}")
        else:
            print(f"{digest}  {file}")
    return ExitCode.OK


def dispatch(args) -> int:
    try:
        if args.attest_command == "init":
            return init(args.dir, args.out)
        return hash_files(args.files, args.format)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return ExitCode.BAD_INPUT
