"""Open a run's record in the desktop's browser (`dokiem run --open`, which `make run` uses).

Only where a graphical browser can be there: on Linux without DISPLAY or WAYLAND_DISPLAY, Python's
webbrowser falls back to console browsers (lynx, w3m) that would take over the terminal, so there
the path is printed instead. Opening is a convenience; it never changes the run's exit code.
"""
from __future__ import annotations

import os
import sys
import webbrowser
from pathlib import Path


def has_display() -> bool:
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True  # Windows and macOS always have their own browser launcher


def open_record(html: Path) -> str:
    """Open `html` in a browser when possible; the line to print either way."""
    if not html.is_file():
        return f"[dokiem] không có biên bản để mở — no record to open: {html}"
    if not has_display():
        return (f"[dokiem] không có màn hình, hãy mở bằng trình duyệt — no display here; open it in a browser: "
                f"{html.as_uri()}")
    try:
        opened = webbrowser.open(html.as_uri())
    except webbrowser.Error:
        opened = False
    if opened:
        return f"[dokiem] đã mở biên bản trong trình duyệt — opened the record in the browser: {html}"
    return f"[dokiem] không mở được trình duyệt — could not start a browser; open: {html.as_uri()}"
