"""The constants other code and the README rely on, written once."""
from __future__ import annotations

import re
from pathlib import Path

from harness.exitcodes import ExitCode
from harness.files import file_sha256, safe_name

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_states_the_exit_codes_the_enum_holds():
    text = ROOT.joinpath("README.md").read_text(encoding="utf-8")
    section = text.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    stated = {int(n) for n in re.findall(r"(?:^|·)\s*(\d) ", section, flags=re.M)}
    assert stated == {code.value for code in ExitCode} == {0, 1, 2, 3, 4}
    assert (ExitCode.CERTIFIED, ExitCode.NOT_CERTIFIED, ExitCode.BAD_INPUT, ExitCode.UNREACHABLE,
            ExitCode.MANUAL_PENDING) == (0, 1, 2, 3, 4)


def test_safe_name_keeps_check_ids_and_replaces_the_rest():
    assert safe_name("dossier.code_format", "x") == "dossier.code_format"
    assert safe_name("scenario-dossier_life-browser", "x") == "scenario-dossier_life-browser"
    assert safe_name("../../etc/passwd", "x") == "etc_passwd"
    assert safe_name("hồ sơ 01", "x") == "h_s_01"
    assert safe_name("", "misc") == "misc" and safe_name(None, "misc") == "misc" and safe_name("._", "d") == "d"


def test_file_sha256_is_the_sha256_of_the_bytes(tmp_path):
    path = tmp_path / "a.bin"
    path.write_bytes(b"abc")
    assert file_sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
