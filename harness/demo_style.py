"""`dokiem run --demo --portal-style NAME`: the demo on a styled refportal (refportal/styles.py).

The style reaches every process of the run through the environment: the refportal the demo starts
gets `--style NAME` and the run certifies it through profiles/refportal-NAME.yaml, the profile a
vendor of that style would write. Without it the demo is the classic refportal and profiles/refportal.yaml.
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
    return PROFILES / f"refportal-{style()}.yaml" if style() else classic


def refportal_args() -> list[str]:
    return ["--style", style()] if style() else []
