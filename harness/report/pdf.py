"""compliance.pdf and compliance-annex.pdf: the HTML record printed by Chromium (Playwright's
page.pdf) to A4, with the run id in the page header and "Trang n/N" in the footer.

Printing runs in a child process (`python -m harness.report.pdf RUN_ID HTML PDF …`): the run's
own pytest session may still hold Playwright's event loop, and a Chromium that hangs is killed
by the timeout instead of hanging the run. Nothing raises: a problem comes back as a warning.
"""
from __future__ import annotations

import html
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TIMEOUT_S = 180
MARGIN = {"top": "16mm", "bottom": "14mm", "left": "12mm", "right": "12mm"}
_HEAD_STYLE = "font-family:sans-serif;font-size:7.5pt;color:#333;width:100%;margin:0 12mm;"


def available() -> bool:
    """Whether a Chromium is there to print with (the one dokiem drives, or Playwright's own)."""
    from harness import chromium

    return chromium.find_chromium() is not None or chromium._playwright_has_own_chromium()


def print_pdfs(run_id: str, pairs: list[tuple[Path, Path]]) -> str | None:
    """Print each (html, pdf) pair; None when all were written, else the warning to show."""
    args = [sys.executable, "-m", "harness.report.pdf", run_id]
    for source, target in pairs:
        args += [str(source), str(target)]
    from harness import chromium, leftovers

    with tempfile.TemporaryDirectory(prefix="dokiem-browser-", dir=chromium.temp_base()) as temp:
        leftovers.mark(Path(temp))  # a run killed while printing: the next run removes the folder
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S,
                                  env={**os.environ, "TMPDIR": temp})
        except subprocess.TimeoutExpired:
            done = None
    if done is not None and done.returncode == 0:
        return None
    for _, target in pairs:  # never leave half a record behind
        Path(target).unlink(missing_ok=True)
    cause = "quá thời gian — timed out" if done is None else (done.stderr.strip().splitlines() or ["?"])[-1]
    return f"không in được biên bản PDF — the PDF record was not printed: {cause} (--no-pdf to skip)"


def _print(run_id: str, pairs: list[tuple[Path, Path]]) -> None:
    from playwright.sync_api import sync_playwright

    from harness import chromium

    header = f'<div style="{_HEAD_STYLE}">dokiem — mã lần chạy (run id) {html.escape(run_id)}</div>'
    footer = (f'<div style="{_HEAD_STYLE}text-align:center">Trang <span class="pageNumber"></span>/'
              '<span class="totalPages"></span></div>')
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium.find_chromium(), headless=True,
                                    args=chromium.launch_args())
        try:
            page = browser.new_page()
            for source, target in pairs:
                page.goto(Path(source).resolve().as_uri(), wait_until="load")
                page.emulate_media(media="print")
                page.pdf(path=str(target), format="A4", print_background=True, display_header_footer=True,
                         header_template=header, footer_template=footer, margin=MARGIN)
        finally:
            browser.close()


if __name__ == "__main__":
    argv = sys.argv[1:]
    _print(argv[0], [(Path(a), Path(b)) for a, b in zip(argv[1::2], argv[2::2])])
