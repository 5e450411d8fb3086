"""compliance.html: the Vietnamese record (Biên bản đánh giá, đo kiểm), rendered from compliance.json.

Self-contained (inline CSS, no script), printable (@media print) and accessible: lang="vi" with
English marked lang="en", one h1 and ordered headings, landmarks, tables with captions and
scoped headers, text contrast above 4.5:1, and verdicts written in words beside their symbol,
never by colour alone. tests/report/test_html.py opens it in Chromium and runs axe-core on it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from harness.report.deciding import deciding

from harness.scoring import VERDICT_LABELS, VERDICTS
from harness.selection import SAFETY_FLAGS

SYMBOLS = {"PASS": "✔", "ATTESTED_PASS": "✔", "WAIVED": "≈", "FAIL": "✘", "ATTESTED_FAIL": "✘", "ERROR": "⚠",
           "MANUAL_PENDING": "…", "NOT_APPLICABLE": "–", "NOT_RUN": "○"}
OUTCOME_LABELS = {"passed": "đạt — passed", "failed": "không đạt — failed", "error": "lỗi — error",
                  "skipped": "bỏ qua — skipped", "missing": "chưa cài đặt — not implemented",
                  "not_run": "không chạy — not run"}
PROVENANCE_LABELS = {"draft": "dự thảo (draft)",
                     "text": "văn bản của phiên bản (text)",
                     "in_force": "văn bản đã ban hành khi lập dự thảo (in force)",
                     "successor": "văn bản kế thừa (successor)",
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


VN_TIME = "Asia/Ho_Chi_Minh"


def _vn(value) -> dt.datetime:
    """An ISO time of compliance.json (UTC) in Vietnam time; Vietnam keeps UTC+07:00 all year."""
    moment = dt.datetime.fromisoformat(str(value))
    try:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(VN_TIME)
    except Exception:  # no tz database on this machine
        zone = dt.timezone(dt.timedelta(hours=7))
    return moment.astimezone(zone)


def _vn_time(value) -> str:
    return _vn(value).strftime("%H:%M:%S ngày %d/%m/%Y") + " (giờ Việt Nam, UTC+07:00)"


def _vn_date(value) -> str:
    """"ngày 06 tháng 12 năm 2026", as a Vietnamese administrative document writes its date."""
    moment = _vn(value)
    return f"ngày {moment.day:02d} tháng {moment.month:02d} năm {moment.year}"


def _bilingual(text) -> Markup:
    """"Vietnamese — English" with the English in its own italic span (lang="en"), never mixed in."""
    vi, sep, en = str(text).partition(" — ")
    if not sep:
        return escape(text)
    return Markup(f'{escape(vi)} <span class="en" lang="en">— {escape(en)}</span>')


def _vi(text) -> str:
    """The Vietnamese half of a "Vietnamese — English" text (the compact record table)."""
    return str(text).partition(" — ")[0]


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("harness.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    env.filters["vn_time"] = _vn_time
    env.filters["vn_date"] = _vn_date
    env.filters["bilingual"] = _bilingual
    env.filters["vi"] = _vi
    return env


def _context(doc: dict, **extra) -> dict:
    return dict(doc=doc, verdicts=VERDICTS, labels=VERDICT_LABELS, symbols=SYMBOLS, outcome_labels=OUTCOME_LABELS,
                provenance_labels=PROVENANCE_LABELS, statuses=STATUS_LABELS, safety_flags=SAFETY_FLAGS,
                flag_labels=FLAG_LABELS, annex=ANNEX_HTML, **extra)


ANNEX_HTML = "compliance-annex.html"


def deciding_evidence(doc: dict, out_dir: Path) -> dict[str, dict]:
    """check id -> its deciding evidence (report.deciding); writes the transcripts' HTML twins."""
    return {k["id"]: deciding(k, Path(out_dir)) for c in doc["criteria"] for k in c["checks"]}


def render(doc: dict, allure_report: bool = False, evidence_hash: str | None = None) -> str:
    """The HTML record (biên bản) of a compliance document (already redacted and validated).

    allure_report: whether allure-report/index.html was built (the footer links to it only then);
    evidence_hash: SHA-256 of evidence.sha256, printed so no one copies it by hand.
    """
    template = _environment().get_template("compliance.html.j2")
    return template.render(**_context(doc, allure_report=allure_report, evidence_hash=evidence_hash))


def render_annex(doc: dict, decided: dict[str, dict]) -> str:
    """The annex (phụ lục): every criterion in detail with its deciding and full evidence."""
    template = _environment().get_template("annex.html.j2")
    return template.render(**_context(doc, decided=decided))
