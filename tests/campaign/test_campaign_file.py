"""The campaign file: defaults merged into targets, and every mistake named with file:line:column
(exit 2, nothing run, no report folder)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.campaign.spec import load_campaign
from harness.yamlsource import InputError

REPO = Path(__file__).resolve().parent.parent.parent
PROFILE = "refportal.yaml"  # refportal's profile, next to the campaign file (see the fixture)


@pytest.fixture(autouse=True)
def profile(tmp_path):
    text = (REPO / "profiles" / "refportal.yaml").read_text(encoding="utf-8")
    (tmp_path / PROFILE).write_text(text.replace("../.refportal/ca.pem", "ca.pem"), encoding="utf-8")
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="ascii")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "campaign.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_campaign(path)
    return [str(p) for p in caught.value.problems]


def test_defaults_reach_every_target_and_a_target_overrides_them(tmp_path):
    path = write(tmp_path, f"""\
campaign_version: 1
name: Giám sát hằng đêm — nightly
defaults:
  only: [SEC-05, MC-03]
  timeout_min: 20
  tags: {{vendor: Công ty A}}
targets:
  - id: an-binh
    profile: {PROFILE}
    tags: {{province: An Bình}}
  - id: bac-son
    profile: {PROFILE}
    section: [6]
    only: [SEC-05]
    allure_report: true
""")
    campaign = load_campaign(path)
    first, second = campaign.targets
    assert campaign.engine is None and campaign.name == "Giám sát hằng đêm — nightly"
    assert first.only == ["SEC-05", "MC-03"] and first.timeout_min == 20
    assert first.tags == {"vendor": "Công ty A", "province": "An Bình"}
    assert second.only == ["SEC-05"] and second.section == [6]
    assert first.system_key == second.system_key == "https://127.0.0.1:8800"  # one system: never run together
    argv = first.run_arguments(tmp_path / "out", None)
    assert argv[argv.index("--only") + 1] == "SEC-05,MC-03" and "--no-allure-report" in argv
    assert "--no-allure-report" not in second.run_arguments(tmp_path / "out", tmp_path / "h")


def test_every_problem_is_named_with_file_line_and_column(tmp_path):
    path = write(tmp_path, f"""\
campaign_version: 1
name: thử
defaults:
  only: [NOPE-01]
targets:
  - id: An Binh
    profile: {PROFILE}
  - id: ok
    profile: missing.yaml
    colour: red
  - id: ok
    profile: {PROFILE}
""")
    found = problems(path)
    text = "\n".join(found)
    assert "campaign.yaml:6:9: targets.0: 'id' must be lowercase letters" in text
    assert "campaign.yaml:10:5: targets.1: unknown field 'colour'" in text
    # schema problems come first; the meaning is checked once the shape is right
    path = write(tmp_path, f"""\
campaign_version: 1
name: thử
defaults:
  only: [DVC-99]
targets:
  - id: a
    profile: {PROFILE}
  - id: b
    profile: missing.yaml
  - id: a
    profile: {PROFILE}
""")
    text = "\n".join(problems(path))
    assert text.count("campaign.yaml:4:9: a: DVC-99: no such criterion") == 1, "said once, where defaults has it"
    assert "campaign.yaml:9:14: b: file not found: missing.yaml" in text
    assert "campaign.yaml:10:9: a: duplicate target id (also target 1)" in text


def test_a_bad_profile_is_reported_in_its_own_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((tmp_path / PROFILE).read_text(encoding="utf-8").replace("environment: staging", "environment: moon"),
                   encoding="utf-8")
    path = write(tmp_path, f"campaign_version: 1\nname: thử\ntargets:\n  - {{id: a, profile: {bad}}}\n")
    assert any(p.startswith("bad.yaml:") or p.startswith(f"{bad}:") and "'environment'" in p for p in problems(path))


def test_a_date_picks_the_edition_in_force_and_a_day_without_one_is_refused_at_its_position(tmp_path):
    path = write(tmp_path, f"campaign_version: 1\nname: thử\ntargets:\n  - {{id: a, profile: {PROFILE}, "
                           "date: '2019-01-01'}\n")
    target = load_campaign(path).targets[0]
    assert target.edition == "cv255-2018" and "--date" in target.run_arguments(tmp_path / "o", None)
    path = write(tmp_path, f"campaign_version: 1\nname: thử\ntargets:\n  - {{id: a, profile: {PROFILE}, "
                           "date: '2001-01-01'}\n")
    assert any(":4:" in p for p in problems(path))


def test_the_command_exits_2_and_writes_nothing(tmp_path):
    path = write(tmp_path, "campaign_version: 1\nname: thử\ntargets: []\n")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "harness.cli", "campaign", "run", str(path), "--out", str(out)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "campaign.yaml:3:10: targets: 'targets'" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
