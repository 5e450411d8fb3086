"""What a run prints and hands to CI once its folder is in place.

    lines = finish_outputs(out_dir, warnings, junit_xml=None, summary_md_file=None)

Everything is read back from the folder's compliance.json, the record itself, so the terminal, the
JUnit XML and the Markdown summary cannot disagree with it. The terminal's last lines: warnings,
the counts, the headline (a partial run that passed says so, without "CHƯA ĐẠT"), the criteria
that failed, erred or wait for a tester, and the paths.
"""
from __future__ import annotations

import json
from pathlib import Path

from harness.report import junit, summary_md

PREFIX = "[dokiem]"
MAX_LISTED = 30


def final_lines(doc: dict, out_dir: Path, warnings: list[str]) -> list[str]:
    lines = [f"{PREFIX} cảnh báo (warning): {w}" for w in warnings]
    counts = {verdict: n for verdict, n in doc["summary"]["verdicts"].items() if n}
    lines.append(f"{PREFIX} " + ", ".join(f"{verdict}: {n}" for verdict, n in counts.items()))
    problems = summary_md.problem_criteria(doc)
    if problems:
        lines.append(f"{PREFIX} tiêu chí chưa đạt, lỗi hoặc chờ chứng thực — failing, erroring or pending:")
        for c in problems[:MAX_LISTED]:
            mark = "bắt buộc — mandatory" if c["mandatory"] else "không bắt buộc — optional"
            lines.append(f"{PREFIX}   {c['id']:<8} {c['verdict']:<15} {c['title_vi']} ({mark})")
        if len(problems) > MAX_LISTED:
            lines.append(f"{PREFIX}   … {len(problems) - MAX_LISTED} nữa — more, see the record")
    lines.append(f"{PREFIX} {summary_md.headline(doc)}")
    lines.append(f"{PREFIX} báo cáo (reports): {out_dir}")
    lines.append(f"{PREFIX} biên bản (record): {out_dir / 'compliance.html'}")
    if (out_dir / "compliance.pdf").exists():
        lines.append(f"{PREFIX} biên bản PDF (to sign: dokiem sign): {out_dir / 'compliance.pdf'}")
    allure = out_dir / "allure-report" / "index.html"
    if allure.exists():
        lines.append(f"{PREFIX} Allure: {allure}")
    return lines


def finish_outputs(out_dir: Path, warnings: list[str], junit_xml: str | None = None,
                   summary_md_file: str | None = None) -> list[str]:
    """Write the CI files asked for and return the terminal's last lines."""
    out_dir = Path(out_dir)
    doc = json.loads((out_dir / "compliance.json").read_text(encoding="utf-8"))
    extra = []
    if junit_xml:
        junit.write(doc, Path(junit_xml))
        extra.append(f"{PREFIX} JUnit XML: {Path(junit_xml).resolve()}")
    if summary_md_file:
        summary_md.write(doc, Path(summary_md_file), str(out_dir / "compliance.html"))
        extra.append(f"{PREFIX} tóm tắt (Markdown summary): {Path(summary_md_file).resolve()}")
    return final_lines(doc, out_dir, warnings) + extra
