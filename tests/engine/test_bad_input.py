"""Malformed inputs of every kind: exit 2, `file:line:column` and what to do, no traceback, nothing written.

One corpus of hostile or broken inputs (control characters, 5,000-deep nesting, impossible dates, a
folder where a file is expected, out-of-range hours, absurd weights, literal secrets in headers,
oversized and alias-bomb YAML) applied to each input kind: a criteria section, checks.yaml, a
target profile, an attestations file and the run's command-line arguments.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import criteria
from harness.cli import main
from harness.profile import load_profile
from harness.yamlsource import MAX_FILE_BYTES

REPO = Path(__file__).resolve().parents[2]
MINI = REPO / "tests" / "criteria" / "mini-criteria"

DEEP = "deep: " + "[" * 5000 + "]" * 5000 + "\n"


def _bomb_line(i: int) -> str:
    item = f"*l{i - 1}" if i else "lol"
    return f"l{i}: &l{i} [{', '.join([item] * 9)}]\n"


BOMB = "".join(_bomb_line(i) for i in range(9))  # nine levels of nine: 387,420,489 values
OVERSIZED = "# " + "x" * (MAX_FILE_BYTES + 10) + "\n"


def _append(text: str):
    return lambda path: path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _replace(old: str, new: str):
    def edit(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old!r} not in {path.name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "inside.yaml").write_text("a: 1\n", encoding="utf-8")


# what every kind of file can suffer
COMMON = {
    "control-character-raw": _append("note: bell\x07here\n"),
    "control-character-escaped": _append('note: "escape \\x1b[31m"\n'),
    "deep-nesting": _append(DEEP),
    "impossible-date": _append("when: 2026-02-30\n"),
    "folder-for-file": _folder,
    "alias-bomb": _append(BOMB),
    "oversized": _append(OVERSIZED),
    "non-finite": _append("x: .nan\n"),
}

SECTION_ONLY = {
    "weight-inf": _replace("    weight: 3\n", "    weight: .inf\n"),
    "weight-nan": _replace("    weight: 3\n", "    weight: .NaN\n"),
    "weight-overflow": _replace("    weight: 3\n", "    weight: 1.0e+400\n"),
    "weight-huge": _replace("    weight: 3\n", "    weight: 1.0e+300\n"),
}

PROFILE_ONLY = {
    "hours-25": _replace("  request_timeout_s: 20\n", "  request_timeout_s: 20\n  allowed_hours: 25:00-06:00\n"),
    "minutes-61": _replace("  request_timeout_s: 20\n", "  request_timeout_s: 20\n  allowed_hours: \"22:61-06:00\"\n"),
    "literal-bearer": _replace("    path: /api/auth/login\n",
                               "    path: /api/auth/login\n    headers: {Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y}\n"),
    "literal-api-key": _replace("    path: /api/auth/login\n",
                                "    path: /api/auth/login\n    headers: {X-Api-Key: 3f9a8b7c6d5e4f30}\n"),
    "literal-session-value": _replace("  header_value: Bearer ${session}\n", "  header_value: Bearer s3cr3t-t0ken\n"),
    "authorisation-impossible-day": _replace(
        "environment: staging\n",
        "environment: production\nauthorisation: {by: Sở TT&TT, date: \"2026-02-30\", reference: CV 1/STTTT, "
        "allows: [mutates]}\n"),
    "wait-zero-low-rate": _replace("  requests_per_second: 200\n", "  requests_per_second: 2\n"),
    "read-operation-that-deletes": _replace("  get_procedure:\n    method: GET\n", "  get_procedure:\n    method: DELETE\n"),
    "vocabulary-effect-overridden": _replace("  get_procedure:\n    method: GET\n",
                                             "  get_procedure:\n    method: GET\n    effect: change\n"),
    "rate-inf": _replace("  requests_per_second: 200\n", "  requests_per_second: .inf\n"),
}


def _profile_base(folder: Path) -> Path:
    """profiles/refportal.yaml made loadable anywhere: no CA file, a closed local port, and a think
    time of 0.5 s, which its rate of 200 requests/s allows (the wait-zero-low-rate case lowers it)."""
    text = (REPO / "profiles" / "refportal.yaml").read_text(encoding="utf-8")
    text = text.replace("tls:\n  ca_file: ../.refportal/ca.pem\n", "")
    text = text.replace("https://127.0.0.1:8800", "http://127.0.0.1:9")
    text = text.replace("  wait_s: [1, 3]\n", "  wait_s: [0.5, 3]\n")
    path = folder / "target.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def real():
    checks = criteria.load_checks(REPO / "criteria")
    return criteria.load_edition(REPO / "criteria", None, checks), checks


def test_the_bases_are_valid(tmp_path, real):
    """Each case breaks one thing: without it the inputs load."""
    edition, checks = real
    load_profile(_profile_base(tmp_path), edition, checks, REPO / "criteria")
    shutil.copytree(MINI, tmp_path / "c")
    shutil.copytree(REPO / "criteria" / "schema", tmp_path / "c" / "schema")
    criteria.load_edition(tmp_path / "c", "mini")


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def assert_refused(code: int, output: str, file_name: str) -> None:
    assert code == 2, output
    assert "Traceback" not in output, output
    assert re.search(re.escape(file_name) + r":\d+:\d+:", output), f"no {file_name}:line:column in\n{output}"
    # says what is wrong in both languages: an em dash separates Vietnamese and English
    assert " — " in output, output


def _criteria_copy(tmp_path: Path) -> Path:
    target = tmp_path / "criteria"
    shutil.copytree(MINI, target)
    shutil.copytree(REPO / "criteria" / "schema", target / "schema")
    return target


@pytest.mark.parametrize("case", sorted({**COMMON, **SECTION_ONLY}))
def test_bad_criteria_section(case, tmp_path, capsys):
    folder = _criteria_copy(tmp_path)
    section = folder / "mini" / "02-ho-so.yaml"
    {**COMMON, **SECTION_ONLY}[case](section)
    before = _files(tmp_path)
    code = main(["criteria", "validate", "--criteria-dir", str(folder)])
    out, err = capsys.readouterr()
    assert_refused(code, out + err, "02-ho-so.yaml")
    assert _files(tmp_path) == before


@pytest.mark.parametrize("case", sorted(COMMON))
def test_bad_checks_file(case, tmp_path, capsys):
    folder = _criteria_copy(tmp_path)
    COMMON[case](folder / "checks.yaml")
    before = _files(tmp_path)
    code = main(["criteria", "validate", "--criteria-dir", str(folder)])
    out, err = capsys.readouterr()
    assert_refused(code, out + err, "checks.yaml")
    assert _files(tmp_path) == before


def test_all_zero_weights_are_refused(tmp_path, capsys):
    folder = _criteria_copy(tmp_path)
    for name in ("01-chung.yaml", "02-ho-so.yaml"):
        path = folder / "mini" / name
        path.write_text(re.sub(r"weight: \d+", "weight: 0", path.read_text(encoding="utf-8")), encoding="utf-8")
    code = main(["criteria", "validate", "--criteria-dir", str(folder)])
    out, err = capsys.readouterr()
    assert_refused(code, out + err, "edition.yaml")
    assert "weight 0" in out + err


@pytest.mark.parametrize("case", sorted({**COMMON, **PROFILE_ONLY}))
def test_bad_profile(case, tmp_path, capsys):
    profile = _profile_base(tmp_path)
    {**COMMON, **PROFILE_ONLY}[case](profile)
    before = _files(tmp_path)
    code = main(["profile", "check", str(profile)])
    out, err = capsys.readouterr()
    assert_refused(code, out + err, "target.yaml")
    assert _files(tmp_path) == before


def test_a_read_mapped_to_delete_is_named(tmp_path, capsys):
    profile = _profile_base(tmp_path)
    PROFILE_ONLY["read-operation-that-deletes"](profile)
    code = main(["profile", "check", str(profile)])
    out = "".join(capsys.readouterr())
    assert code == 2 and "'get_procedure' only reads" in out and "DELETE" in out


def test_wait_zero_names_what_to_do(tmp_path, capsys):
    profile = _profile_base(tmp_path)
    PROFILE_ONLY["wait-zero-low-rate"](profile)
    _replace("  wait_s: [0.5, 3]\n", "  wait_s: [0, 0]\n")(profile)
    code = main(["profile", "check", str(profile)])
    out = "".join(capsys.readouterr())
    line = next(n for n, t in enumerate(profile.read_text(encoding="utf-8").splitlines(), 1) if "wait_s" in t)
    assert code == 2 and f"target.yaml:{line}:" in out and "load.wait_s" in out and "requests_per_second" in out


# --------------------------------------------------------------- through `dokiem run`

ATTESTATIONS = ("edition: cv255-2018\ntarget: {vendor: x, system: y, version: \"0.1.0\"}\nattestations: []\n")


def _dokiem_run(tmp_path: Path, *argv: str) -> tuple[int, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", *argv], capture_output=True, text=True,
                          timeout=120, env=env, cwd=tmp_path)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("case", sorted(COMMON))
def test_bad_attestations(case, tmp_path):
    path = tmp_path / "attestations.yaml"
    path.write_text(ATTESTATIONS, encoding="utf-8")
    COMMON[case](path)
    out = tmp_path / "out"
    code, output = _dokiem_run(tmp_path, "--demo", "--attestations", str(path), "--out", str(out))
    assert_refused(code, output, "attestations.yaml")
    assert not out.exists() and not list(tmp_path.glob(".out.partial-*"))


@pytest.mark.parametrize("case", ["target-is-folder", "attestations-is-folder", "out-is-a-file", "target-missing",
                                  "out-under-a-file", "history-is-a-file", "only-unknown-criterion"])
def test_bad_command_line(case, tmp_path):
    out, folder, blocker = tmp_path / "out", tmp_path / "inputs", tmp_path / "blocker"
    folder.mkdir()
    blocker.write_text("a file", encoding="utf-8")
    argv = {"target-is-folder": ["--target", str(folder)],
            "attestations-is-folder": ["--demo", "--attestations", str(folder)],
            "out-is-a-file": ["--demo"],
            "target-missing": ["--target", str(tmp_path / "nowhere.yaml")],
            "out-under-a-file": ["--demo"],
            "history-is-a-file": ["--demo", "--history", str(blocker)],
            "only-unknown-criterion": ["--demo", "--only", "XX-99\x07"]}[case]
    if case == "out-is-a-file":
        out.write_text("not a folder", encoding="utf-8")
    if case == "out-under-a-file":
        out = blocker / "out"
    code, output = _dokiem_run(tmp_path, *argv, "--out", str(out))
    name = {"target-is-folder": "inputs", "attestations-is-folder": "inputs", "out-is-a-file": "out",
            "target-missing": "nowhere.yaml", "out-under-a-file": "out", "history-is-a-file": "blocker",
            "only-unknown-criterion": "--only"}[case]
    assert_refused(code, output, name)
    assert (out.is_file() if case == "out-is-a-file" else not out.exists())
    assert not list(tmp_path.glob(".out.partial-*")) and blocker.read_text(encoding="utf-8") == "a file"
