"""A Markdown summary of a run, short enough for a GitHub job summary or a GitLab merge-request note.

    headline(doc)          the one-line verdict, shared with the terminal's last lines
    problem_criteria(doc)  failing, erroring and pending criteria, mandatory first
    render(doc)            the Markdown

Rendered from compliance.json, so it says what the record says. A partial run (--only/--section)
never certifies, so its headline reports whether the selected criteria pass, not "CHƯA ĐẠT".
"""
from __future__ import annotations

from pathlib import Path

PROBLEMS = ("FAIL", "ATTESTED_FAIL", "ERROR", "MANUAL_PENDING")
MAX_REASON = 300


def headline(doc: dict) -> str:
    run, code = doc["run"], doc["exit_code"]
    if run["partial"]:
        text = {0: "các tiêu chí đã chọn đều đạt — every selected criterion passes",
                4: "các tiêu chí đã chọn đạt phần tự động, còn chờ chứng thực — the selected criteria pass "
                   "their automated part; manual attestation pending"}.get(
            code, "có tiêu chí đã chọn không đạt — some selected criteria do not pass")
        text += " (chạy một phần, không phải chứng nhận — partial run, not a certification)"
    elif doc["certification"]["certified"]:
        text = "ĐẠT — certified"
    elif code == 4:
        text = "CHƯA ĐẠT — not certified: chỉ còn chờ chứng thực thủ công (only manual attestation pending)"
    else:
        text = "CHƯA ĐẠT — not certified"
    if run["demo"]:
        text += " (chạy minh họa — demonstration run)"
    return f"{text}; exit {code}"


def problem_criteria(doc: dict) -> list[dict]:
    found = [c for c in doc["criteria"] if c["selected"] and c["verdict"] in PROBLEMS]
    return sorted(found, key=lambda c: (PROBLEMS.index(c["verdict"]), not c["mandatory"]))


def _cell(text) -> str:
    text = " ".join(str(text or "").split()).replace("|", "\\|")
    return text if len(text) <= MAX_REASON else text[:MAX_REASON - 1] + "…"


def render(doc: dict, record_path: str | None = None) -> str:
    target, edition, run = doc["target"], doc["edition"], doc["run"]
    lines = [f"## dokiem: {_cell(target.get('system'))} {_cell(target.get('version'))} — {edition['id']}", "",
             f"**{headline(doc)}**", "",
             f"Lần chạy — run `{run['id']}` · {doc['summary']['selected']} tiêu chí đã chọn — criteria selected · "
             f"{run['duration_s']:.0f} s", ""]
    counts = {v: n for v, n in doc["summary"]["verdicts"].items() if n}
    lines += ["| Kết quả — Verdict | Số — Count |", "|---|---:|"]
    lines += [f"| {verdict} | {n} |" for verdict, n in counts.items()]
    problems = problem_criteria(doc)
    if problems:
        lines += ["", "### Tiêu chí chưa đạt, lỗi hoặc chờ chứng thực — failing, erroring or pending", "",
                  "| Tiêu chí — Criterion | Bắt buộc — Mandatory | Kết quả — Verdict | Lý do — Reason |",
                  "|---|---|---|---|"]
        lines += [f"| {c['id']} {_cell(c['title_vi'])} | {'có — yes' if c['mandatory'] else 'không — no'} | "
                  f"{c['verdict']} | {_cell(c['reason'])} |" for c in problems]
    sections = [s for s in doc["scores"]["sections"] if s.get("possible")]
    if sections:
        lines += ["", "| Mục — Section | Điểm — Score |", "|---|---:|"]
        lines += [f"| {s['key']}. {_cell(s['title_vi'])} | "
                  f"{'—' if s['percent'] is None else format(s['percent'], '.1f') + ' %'} |" for s in sections]
    if record_path:
        lines += ["", f"Biên bản — record: `{record_path}`"]
    return "\n".join(lines) + "\n"


def write(doc: dict, path: Path, record_path: str | None = None) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(doc, record_path), encoding="utf-8")
