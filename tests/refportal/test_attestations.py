"""The demonstration attestations (profiles/refportal.attestations.yaml) load against the real
edition and refportal profile: one per manual or partial criterion, bound to refportal's target,
every evidence file present with its SHA-256 — so a doc edit that breaks a hash fails here with the
loader's message. The refresh script finds and fixes stale hashes."""
from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import subprocess
import sys

import pytest

from harness import criteria
from harness.attestations import load_attestations
from harness.profile import load_profile
from harness.yamlsource import InputError
from tests.refportal.conftest import REPO

ATTESTATIONS = REPO / "profiles" / "refportal.attestations.yaml"
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def bound():
    checks = criteria.load_checks(REPO / "criteria")
    edition = criteria.load_edition(REPO / "criteria", "cv255-2018", checks)
    profile = load_profile(REPO / "profiles" / "refportal.yaml", edition, checks, REPO / "criteria", check_files=False)
    return edition, profile.summary()


def test_demo_attestations_load_for_every_manual_and_partial_criterion(bound):
    edition, target = bound
    loaded = load_attestations(ATTESTATIONS, edition, target, today=TODAY)
    needed = {c["id"] for c in edition.criteria if c["method"] in ("manual", "partial") and not c.get("informative")}
    assert set(loaded.attestations) == needed and len(needed) >= 45
    failed = {cid for cid, a in loaded.attestations.items() if a.result == "fail"}
    mandatory = {c["id"] for c in edition.criteria if c["mandatory"]}
    assert failed and not failed & mandatory  # what refportal lacks is optional, and said so
    for a in loaded.attestations.values():
        assert a.tester == "Kiểm thử viên minh họa (demo)" and a.date <= TODAY < a.expiry
        assert any(e.path.endswith("tuan-thu.md") for e in a.evidence) and a.note


def test_each_attested_criterion_is_in_the_compliance_table(bound):
    edition, _ = bound
    table = (REPO / "refportal/docs/tuan-thu.md").read_text("utf-8")
    loaded = load_attestations(ATTESTATIONS, edition, bound[1], today=TODAY)
    for cid, a in loaded.attestations.items():
        row = next(line for line in table.splitlines() if line.startswith(f"| {cid} "))
        assert ("**Không đạt**" in row) == (a.result == "fail"), cid


def test_an_edited_document_breaks_the_attestations_until_refreshed(bound, tmp_path):
    edition, target = bound
    docs = tmp_path / "refportal" / "docs"
    shutil.copytree(REPO / "refportal" / "docs", docs)
    (tmp_path / "profiles").mkdir()
    copy = tmp_path / "profiles" / "refportal.attestations.yaml"
    shutil.copy(ATTESTATIONS, copy)
    with open(docs / "van-hanh.md", "a", encoding="utf-8") as f:
        f.write("\nThêm một dòng sau khi đã chứng thực.\n")
    with pytest.raises(InputError) as error:
        load_attestations(copy, edition, target, today=TODAY)
    assert "van-hanh.md" in str(error.value) and "SHA-256" in str(error.value)
    refresh = _refresh_module()
    assert refresh.refresh(copy, check=True) == ["../refportal/docs/van-hanh.md"]
    with pytest.raises(InputError):  # a check writes nothing
        load_attestations(copy, edition, target, today=TODAY)
    assert refresh.refresh(copy) == ["../refportal/docs/van-hanh.md"]
    assert len(load_attestations(copy, edition, target, today=TODAY).attestations) >= 45
    assert refresh.refresh(copy, check=True) == []


def _refresh_module():
    spec = importlib.util.spec_from_file_location("refresh_hashes", REPO / "refportal/docs/refresh_hashes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_repository_hashes_are_current():
    stale = subprocess.run([sys.executable, str(REPO / "refportal/docs/refresh_hashes.py"), "--check"],
                           capture_output=True, text=True, timeout=60)
    assert stale.returncode == 0, "run python refportal/docs/refresh_hashes.py: " + stale.stdout
