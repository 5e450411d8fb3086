"""Playwright glue: every browser dokiem drives is the Chromium harness.chromium finds.

pytest-playwright owns the `browser`, `context` and `page` fixtures; suites/conftest.py overrides
its two argument fixtures with the values computed here (a conftest outranks a plugin, so the
override is reliable). One browser per worker (pytest-playwright's session-scoped `browser`),
a fresh context per scenario.
"""
from __future__ import annotations

from harness.chromium import find_chromium, launch_args


def launch_arguments(base: dict) -> dict:
    merged = dict(base)
    executable = find_chromium()
    if executable:
        merged["executable_path"] = executable
    merged["args"] = [*merged.get("args", []), *launch_args()]
    merged.setdefault("headless", True)
    return merged


def context_arguments(base: dict) -> dict:
    # TLS is judged by the tls checks with the profile's CA file; Chromium cannot take a CA file
    # without a system certificate store, so the browser itself does not refuse a private CA.
    return {**base, "ignore_https_errors": True, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}
