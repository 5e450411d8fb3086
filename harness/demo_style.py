"""`dokiem run --demo --portal-style NAME`: the demo on a styled refportal (refportal/styles.py).

The style reaches every process of the run through the environment: the refportal the demo starts
gets `--style NAME` and the run certifies it through profiles/refportal-NAME.yaml, the profile a
vendor of that style would write, or through profiles/refportal.yaml where that one already
describes the style (`envelope`: its envelope rule reads the refusals sent as HTTP 200). Without a
style the demo is the classic refportal and profiles/refportal.yaml.
"""
from __future__ import annotations

import os
from pathlib import Path

ENV_DEMO_STYLE = "DOKIEM_DEMO_STYLE"
PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def style() -> str | None:
    return os.environ.get(ENV_DEMO_STYLE) or None


def choose(name: str | None) -> None:
    """Set (or clear) the demo's style for this process and those it starts."""
    if name:
        os.environ[ENV_DEMO_STYLE] = name
    else:
        os.environ.pop(ENV_DEMO_STYLE, None)


def profile(classic: Path) -> Path:
    own = PROFILES / f"refportal-{style()}.yaml"
    return own if style() and own.is_file() else classic


def names() -> list[str]:
    from refportal import styles  # refportal's own list, not a copy

    return sorted(styles.STYLES)


def refportal_args() -> list[str]:
    return ["--style", style()] if style() else []
