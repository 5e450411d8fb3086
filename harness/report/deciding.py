"""The deciding evidence of a check, linked precisely: the judge's own observation, the transcript
step its reason names (an anchor in an HTML copy of the transcript), and for a failing check the
screenshot shown inline. The full evidence list stays in the annex.

Transcripts are written as Markdown during the run (`### N. METHOD URL → status`); a browser shows
Markdown as plain text without anchors, so the steps a record links to get an HTML twin beside the
Markdown file (`transcript-01-x.html#step-3`).
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urlsplit

from harness.evidence import folder_name

STEP = re.compile(r"^### (\d+)\. (\S+) (\S+)  →  (.*)$", re.M)
MAX_OWN = 3
SCREENSHOT = (".png", ".jpg", ".jpeg")


def _steps(text: str) -> list[tuple[int, str, str, int, int]]:
    """(number, method, url, start, end) of each step of a Markdown transcript."""
    found = list(STEP.finditer(text))
    return [(int(m.group(1)), m.group(2), m.group(3), m.start(), found[i + 1].start() if i + 1 < len(found) else len(text))
            for i, m in enumerate(found)]


def transcript_html(out_dir: Path, rel: str) -> str:
    """Write (once) the HTML twin of a Markdown transcript, each step an anchor; return its path."""
    target = rel.removesuffix(".md") + ".html"
    path = Path(out_dir) / target
    if path.is_file():
        return target
    text = (Path(out_dir) / rel).read_text(encoding="utf-8", errors="replace")
    parts = []
    for number, method, url, start, end in _steps(text):
        body = text[start:end].split("\n", 1)[1] if "\n" in text[start:end] else ""
        # a stored binary body is written "→ [name](name)": keep it a link in the HTML twin
        body_html = re.sub(r"\[([^\]/]+)\]\(([^)/]+)\)", r'<a href="\2">\1</a>', html.escape(body))
        parts.append(f'<section id="step-{number}"><h2>{number}. {html.escape(method)} {html.escape(url)} → '
                     f'{html.escape(text[start:end].split("→", 1)[1].splitlines()[0].strip())}</h2>'
                     f'<pre>{body_html}</pre></section>')
    name = html.escape(Path(rel).name)
    path.write_text(
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{name}</title>'
        '<style>body{font-family:sans-serif;margin:1rem}pre{white-space:pre-wrap;overflow-wrap:anywhere;'
        'font-size:0.85rem}h2{font-size:1rem;border-top:1px solid #888;padding-top:0.4rem}</style></head>'
        f'<body><main><h1>{name}</h1><p><a href="{html.escape(Path(rel).name)}">Markdown</a></p>'
        + "".join(parts) + "</main></body></html>\n", encoding="utf-8")
    return target


def _step_named(out_dir: Path, transcripts: list[str], reason: str) -> tuple[str, int] | None:
    """The transcript step whose request path the reason names (the last such step), if any."""
    best = None
    for rel in transcripts:
        text = (Path(out_dir) / rel).read_text(encoding="utf-8", errors="replace")
        for number, _method, url, _s, _e in _steps(text):
            path = urlsplit(url).path
            if len(path) > 1 and path in reason:
                best = (rel, number)
    return best


def deciding(check: dict, out_dir: Path) -> dict:
    """{"links": [{"href", "label"}], "screenshot": path or None} for one check of compliance.json."""
    evidence = check.get("evidence") or []
    folder = f"evidence/{folder_name(check['id'])}/"
    own = [p for p in evidence if p.startswith(folder) and not p.endswith(SCREENSHOT)]
    transcripts = [p for p in evidence if Path(p).name.startswith("transcript-") and p.endswith(".md")]
    # without files of its own, what its scenario observed (the judge's input) decides
    own = own or [p for p in evidence if Path(p).name == "observations.json"]
    links = [{"href": p, "label": Path(p).name} for p in own[:MAX_OWN]]
    failing = check.get("outcome") in ("failed", "error")
    if transcripts and (failing or not links):
        step = _step_named(out_dir, transcripts, check.get("reason") or "") if failing else None
        rel, number = step or (transcripts[0], None)
        target = transcript_html(out_dir, rel)
        anchor = f"#step-{number}" if number else ""
        links.append({"href": target + anchor,
                      "label": f"{Path(rel).name}{f', bước {number}' if number else ''}"})
    shots = [p for p in evidence if p.endswith(SCREENSHOT)]
    return {"links": links, "screenshot": shots[-1] if failing and shots else None}
