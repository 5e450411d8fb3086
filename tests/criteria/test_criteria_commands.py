"""`dokiem criteria validate|list|show|coverage` on a small fixture edition, broken in known ways."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from harness.cli import main

HERE = Path(__file__).parent
REPO = HERE.parent.parent


@pytest.fixture
def criteria_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture edition 'mini' with the real schemas."""
    target = tmp_path / "criteria"
    shutil.copytree(HERE / "mini-criteria", target)
    shutil.copytree(REPO / "criteria" / "schema", target / "schema")
    return target


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if needle in line]
    return hits[occurrence - 1]


def test_fixture_edition_is_valid(capsys, criteria_dir):
    code, out, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 0, err
    assert "mini" in out and "4 criteria" in out


# --- each kind of broken file: exit 2, and the message names file, line and column -------------

def assert_problem(err: str, file: Path, line: int, column: int | None, *fragments: str) -> None:
    pattern = re.escape(f"{file.name}:{line}:") + (re.escape(f"{column}:") if column else r"\d+:")
    matching = [l for l in err.splitlines() if re.search(pattern, l)]
    assert matching, f"no problem reported at {file.name}:{line}:{column}; got:\n{err}"
    assert any(all(f in l for f in fragments) for l in matching), f"{fragments} not in {matching}"


def test_yaml_syntax_error(capsys, criteria_dir):
    section = criteria_dir / "mini" / "02-ho-so.yaml"
    edit(section, "    weight: 3\n", "    weight: [3\n")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    assert "02-ho-so.yaml:" in err and "YAML syntax error" in err


def test_unknown_field_points_at_the_key(capsys, criteria_dir):
    section = criteria_dir / "mini" / "02-ho-so.yaml"
    edit(section, "    weight: 3\n", "    weight: 3\n    wieght: 4\n")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    assert_problem(err, section, line_of(section, "wieght"), 5, "HS-01", "unknown field 'wieght'")


def test_wrong_type(capsys, criteria_dir):
    section = criteria_dir / "mini" / "02-ho-so.yaml"
    edit(section, "    weight: 3\n", "    weight: -3\n")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    assert_problem(err, section, line_of(section, "weight: -3"), 13, "HS-01", "'weight' must be a number ≥ 0")


def test_duplicate_id(capsys, criteria_dir):
    section = criteria_dir / "mini" / "02-ho-so.yaml"
    edit(section, "  - id: HS-02\n", "  - id: HS-01\n")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    assert_problem(err, section, line_of(section, "id: HS-01", 2), 9, "HS-01", "duplicate criterion id")


def test_duplicate_id_across_sections(capsys, criteria_dir):
    section = criteria_dir / "mini" / "01-chung.yaml"
    edit(section, "  - id: GEN-02\n", "  - id: HS-01\n")
    edit(section, "prefix: GEN", "prefix: HS")
    edit(section, "  - id: GEN-01\n", "  - id: HS-09\n")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    assert "duplicate criterion id (first at" in err


def test_unknown_parameter(capsys, criteria_dir):
    checks = criteria_dir / "checks.yaml"
    edit(checks, "parameters: [lookup.wait_s]", "parameters: [lookup.wiat_s]")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    assert_problem(err, checks, line_of(checks, "lookup.wiat_s"), None, "lookup.public",
                   "unknown parameter 'lookup.wiat_s'")


def test_unknown_check(capsys, criteria_dir):
    section = criteria_dir / "mini" / "02-ho-so.yaml"
    edit(section, "checks: [dossier.code_format]", "checks: [dossier.code_fromat]")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    assert_problem(err, section, line_of(section, "dossier.code_fromat"), None, "HS-01",
                   "unknown check 'dossier.code_fromat'")


def test_method_rules_are_enforced(capsys, criteria_dir):
    section = criteria_dir / "mini" / "02-ho-so.yaml"
    edit(section, "    checks: [dossier.code_format]\n", "    checks: []\n")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    assert "HS-01" in err and "needs at least one check" in err


def test_decomposed_vietnamese_is_refused(capsys, criteria_dir):
    section = criteria_dir / "mini" / "02-ho-so.yaml"
    import unicodedata
    edit(section, "title_vi: Mã hồ sơ\n", "title_vi: " + unicodedata.normalize("NFD", "Mã hồ sơ") + "\n")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    assert "not Unicode NFC" in err and "HS-01" in err


def test_every_problem_is_reported_at_once(capsys, criteria_dir):
    section = criteria_dir / "mini" / "02-ho-so.yaml"
    edit(section, "    weight: 3\n", "    weight: many\n")
    edit(section, "    weight: 1\n", "    weight: 1\n    colour: red\n")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    assert "'weight' must be a number" in err and "unknown field 'colour'" in err


def test_unknown_edition(capsys, criteria_dir):
    code, _, err = run(capsys, "criteria", "validate", "--edition", "nope", "--criteria-dir", str(criteria_dir))
    assert code == 2 and "unknown edition 'nope'" in err and "mini" in err


# --- list / show / coverage ---------------------------------------------------------------------

def test_list_json_has_every_field_and_section(capsys, criteria_dir):
    code, out, _ = run(capsys, "criteria", "list", "--format", "json", "--criteria-dir", str(criteria_dir))
    assert code == 0
    data = json.loads(out)
    assert data["edition"] == "mini"
    assert [c["id"] for c in data["criteria"]] == ["GEN-01", "GEN-02", "HS-01", "HS-02"]
    hs02 = data["criteria"][3]
    assert hs02["section"] == 2 and hs02["optional_feature"] == "lookup"
    assert hs02["checks"] == ["lookup.public", "perf.avg_response"]
    assert data["criteria"][1]["informative"] is True


def test_list_filters_by_section(capsys, criteria_dir):
    code, out, _ = run(capsys, "criteria", "list", "--section", "1", "--format", "json",
                       "--criteria-dir", str(criteria_dir))
    assert code == 0
    assert [c["id"] for c in json.loads(out)["criteria"]] == ["GEN-01", "GEN-02"]
    code, _, err = run(capsys, "criteria", "list", "--section", "7", "--criteria-dir", str(criteria_dir))
    assert code == 2 and "unknown section" in err


def test_show_prints_vietnamese_and_english(capsys, criteria_dir):
    code, out, _ = run(capsys, "criteria", "show", "HS-02", "--criteria-dir", str(criteria_dir))
    assert code == 0
    for expected in ("HS-02 — Tra cứu hồ sơ", "(Dossier lookup)", "lookup.public", "perf.avg_response [load]",
                     "Ảnh chụp màn hình trang tra cứu.", "optional feature: lookup", "inferred"):
        assert expected in out
    code, _, err = run(capsys, "criteria", "show", "XX-99", "--criteria-dir", str(criteria_dir))
    assert code == 2 and "XX-99" in err


def write_proofs(tmp_path: Path, *check_ids: str) -> Path:
    """A tests/ folder whose one negative proof names these checks."""
    tests = tmp_path / "tests"
    tests.mkdir(exist_ok=True)
    marks = ", ".join(f'"{c}"' for c in check_ids)
    (tests / "test_proof.py").write_text(
        f'import pytest\n\n\n@pytest.mark.proves({marks})\ndef test_bad():\n    pass\n', encoding="utf-8")
    return tests


def coverage(capsys, criteria_dir: Path, tests: Path, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "criteria", "coverage", *extra, "--criteria-dir", str(criteria_dir), "--tests-dir", str(tests))


def test_coverage_counts_implemented_and_proven(capsys, criteria_dir, tmp_path):
    tests = write_proofs(tmp_path, "dossier.code_format", "lookup.public")
    code, out, _ = coverage(capsys, criteria_dir, tests, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["totals"] == {"criteria": 4, "informative": 1, "automated": 1, "partial": 1, "manual": 1,
                                "checks_named": 3, "checks_implemented": 2, "checks_proven": 2}
    hs02 = next(r for r in report["criteria"] if r["id"] == "HS-02")
    assert hs02["checks"] == [{"id": "lookup.public", "implemented": True, "proven": True},
                              {"id": "perf.avg_response", "implemented": False, "proven": False}]
    assert report["unused_checks"] == ["orphan.check"]


def test_coverage_without_proofs_counts_nothing_as_automated(capsys, criteria_dir, tmp_path):
    code, out, _ = coverage(capsys, criteria_dir, tmp_path / "none", "--format", "json")
    assert code == 0
    report = json.loads(out)
    totals = report["totals"]
    assert totals["automated"] == 0 and totals["partial"] == 0 and totals["checks_proven"] == 0
    assert totals["checks_implemented"] == 2  # implemented: checks.yaml names a judge that imports
    assert report["counted_as_manual"] == ["HS-01", "HS-02"]


def implement_and_drop_orphan(criteria_dir: Path) -> None:
    checks = criteria_dir / "checks.yaml"
    text = checks.read_text(encoding="utf-8")
    text = text[:text.index("  - id: orphan.check")]
    checks.write_text(text.replace("    scenario: load_test\n",
                                   "    scenario: load_test\n    judge: suites.performance.judges:avg_response\n"),
                      encoding="utf-8")


def test_coverage_strict(capsys, criteria_dir, tmp_path):
    tests = write_proofs(tmp_path, "dossier.code_format", "lookup.public")
    code, _, err = coverage(capsys, criteria_dir, tests, "--strict")
    assert code == 1 and "perf.avg_response" in err and "orphan.check" in err
    # implement the missing check and drop the unused one: still not proven
    implement_and_drop_orphan(criteria_dir)
    code, _, err = coverage(capsys, criteria_dir, tests, "--strict")
    assert code == 1 and "proven by no @pytest.mark.proves" in err and "perf.avg_response" in err, err
    # its proof: strict passes
    tests = write_proofs(tmp_path, "dossier.code_format", "lookup.public", "perf.avg_response")
    code, _, err = coverage(capsys, criteria_dir, tests, "--strict")
    assert code == 0, err


def test_coverage_strict_fails_when_an_automated_criterion_would_count_as_manual(capsys, criteria_dir, tmp_path):
    """The proof of HS-01's only check is gone: HS-01 (automated) would silently count as manual."""
    implement_and_drop_orphan(criteria_dir)
    tests = write_proofs(tmp_path, "lookup.public", "perf.avg_response")
    code, out, err = coverage(capsys, criteria_dir, tests, "--strict")
    assert code == 1
    assert "HS-01    automated  → manual" in out
    assert "counted as manual" in err and "HS-01" in err and "dossier.code_format" in err


def test_validate_import_checks_every_judge(capsys, criteria_dir):
    checks = criteria_dir / "checks.yaml"
    edit(checks, "judge: suites.lookup.judges:public_by_code", "judge: suites.lookup.judges:no_such_judge")
    edit(checks, "judge: suites.dossier.judges:code_format", "judge: suites.nowhere.judges:code_format")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    assert_problem(err, checks, line_of(checks, "no_such_judge"), None, "lookup.public", "cannot be imported",
                   "no_such_judge")
    assert_problem(err, checks, line_of(checks, "suites.nowhere"), None, "dossier.code_format", "ModuleNotFoundError")
    assert "Traceback" not in err


def test_validate_keeps_each_judge_in_the_folder_its_prefix_names(capsys, criteria_dir):
    checks = criteria_dir / "checks.yaml"
    edit(checks, "judge: suites.lookup.judges:public_by_code", "judge: suites.dossier.judges:code_format")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    assert_problem(err, checks, line_of(checks, "judge: suites.dossier.judges:code_format", 2), None,
                   "lookup.public", "suites/lookup/")


def test_validate_refuses_an_argument_the_check_does_not_declare(capsys, criteria_dir):
    checks = criteria_dir / "checks.yaml"
    edit(checks, "    observes: life\n    needs: {journeys", "    observes: life\n    args: [param:dossier.code_pattern]\n    needs: {journeys")
    code, _, err = run(capsys, "criteria", "validate", "--criteria-dir", str(criteria_dir))
    assert code == 2
    assert_problem(err, checks, line_of(checks, "args: [param:dossier.code_pattern]"), None, "lookup.public",
                   "param:dossier.code_pattern")
