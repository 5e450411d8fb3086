"""Fixtures of the report tests: the mini edition with extra criteria (see reportkit.EXTRA_CRITERIA)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness import criteria
from reportkit import EXTRA_CRITERIA, MINI, REPO


@pytest.fixture(scope="session")
def criteria_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("criteria") / "criteria"
    shutil.copytree(MINI, target)
    shutil.copytree(REPO / "criteria" / "schema", target / "schema")
    section = target / "mini" / "02-ho-so.yaml"
    section.write_text(section.read_text(encoding="utf-8").rstrip("\n") + "\n" + EXTRA_CRITERIA.lstrip("\n"),
                       encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def edition(criteria_dir):
    return criteria.load_edition(criteria_dir)


@pytest.fixture(scope="session")
def check_registry(criteria_dir):
    return criteria.load_checks(criteria_dir)
