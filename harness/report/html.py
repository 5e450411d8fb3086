"""compliance.html: the Vietnamese record (Biên bản đánh giá, đo kiểm), rendered from compliance.json.

Self-contained (inline CSS, no script), printable (@media print) and accessible: lang="vi" with
English marked lang="en", one h1 and ordered headings, landmarks, tables with captions and
scoped headers, text contrast above 4.5:1, and verdicts written in words beside their symbol,
never by colour alone. tests/report/test_html.py opens it in Chromium and runs axe-core on it.
"""
from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from harness.scoring import VERDICT_LABELS, VERDICTS
from harness.selection import SAFETY_FLAGS

SYMBOLS = {"PASS": "✔", "ATTESTED_PASS": "✔", "WAIVED": "≈", "FAIL": "✘", "ATTESTED_FAIL": "✘", "ERROR": "⚠",
           "MANUAL_PENDING": "…", "NOT_APPLICABLE": "–", "NOT_RUN": "○"}
OUTCOME_LABELS = {"passed": "đạt — passed", "failed": "không đạt — failed", "error": "lỗi — error",
                  "skipped": "bỏ qua — skipped", "missing": "chưa cài đặt — not implemented",
                  "not_run": "không chạy — not run"}
PROVENANCE_LABELS = {"draft": "dự thảo (draft)", "successor": "văn bản kế thừa (successor)",
                     "code": "mã nguồn (code)", "inferred": "suy luận (inferred)",
                     "recalled": "theo trí nhớ, chưa kiểm chứng (recalled)"}
STATUS_LABELS = {"draft": "dự thảo — draft", "effective": "có hiệu lực — effective",
                 "superseded": "đã được thay thế — superseded"}
FLAG_LABELS = {"mutates": "tạo dữ liệu (mutates)", "intrusive": "thăm dò bảo mật (intrusive)",
               "load": "kiểm thử tải (load)"}


def _num(value) -> str:
    if value is None:
        return "—"
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",")  # Vietnamese decimal comma


def _pct(value) -> str:
    return "—" if value is None else f"{_num(round(float(value), 2))} %"


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("harness.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    return env


def render(doc: dict, allure_report: bool = False) -> str:
    """The HTML record of a compliance document (already redacted and validated).

    allure_report: whether allure-report/index.html was built (the footer links to it only then).
    """
    template = _environment().get_template("compliance.html.j2")
    return template.render(doc=doc, allure_report=allure_report, verdicts=VERDICTS, labels=VERDICT_LABELS,
                           symbols=SYMBOLS, outcome_labels=OUTCOME_LABELS, provenance_labels=PROVENANCE_LABELS,
                           statuses=STATUS_LABELS, safety_flags=SAFETY_FLAGS, flag_labels=FLAG_LABELS)
