"""The command line's small promises: `portal -h`, "did you mean", errors said once, quiet under `| head`."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness import cli, selection
from harness.criteria import load_edition
from harness.yamlsource import InputError

REPO = Path(__file__).resolve().parent.parent.parent


def dokiem(*argv: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness.cli", *argv], capture_output=True, text=True,
                          cwd=REPO, timeout=120, **kw)


def test_portal_help_is_refportals_own():
    proc = dokiem("portal", "-h")
    assert proc.returncode == 0, proc.stderr
    assert "--port" in proc.stdout and "--defects" in proc.stdout   # refportal's options, not dokiem's usage


def test_an_unknown_option_or_command_gets_a_suggestion(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["run", "--demoo"])
    assert stopped.value.code == 2
    assert "did you mean --demo" in capsys.readouterr().err  # --demo first (--date is close too)
    with pytest.raises(SystemExit):
        cli.main(["critera", "list"])
    assert "did you mean criteria?" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["run", "--zzzzzz"])
    assert "did you mean" not in capsys.readouterr().err   # nothing close: no guess


def test_an_unknown_criterion_id_gets_a_suggestion(capsys):
    edition = load_edition(REPO / "criteria")
    with pytest.raises(InputError) as bad:
        selection.select(edition, only="GEN-1,QQQ-99999")
    problems = [str(p) for p in bad.value.problems]
    assert "GEN-01" in problems[0].partition("did you mean")[2]
    assert "did you mean" not in problems[1]
    assert cli.main(["criteria", "show", "gen-01x"]) == 2
    assert "GEN-01" in capsys.readouterr().err.partition("did you mean")[2]


def test_a_bad_run_input_is_said_once(tmp_path):
    proc = dokiem("run", "--demo", "--only", "GEN-99", "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    said = proc.stderr + proc.stdout
    assert said.count("bad input, nothing was run") == 1, said
    assert said.count("GEN-99") == 1 and "Traceback" not in said
    assert not (tmp_path / "out").exists()


def test_no_broken_pipe_traceback_when_the_reader_stops_early():
    shell = f"{sys.executable} -m harness.cli criteria list | head -n 1"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, cwd=REPO,
                          timeout=120)
    assert len(proc.stdout.splitlines()) == 1
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr
    assert proc.returncode == 0


def test_run_hands_the_ci_and_trace_options_to_the_plugin(tmp_path):
    from harness.run_command import QUIET, pytest_arguments

    args = cli.build_parser().parse_args(["run", "--demo", "--junit-xml", "j.xml", "--summary-md", "s.md",
                                          "--keep-traces", "all"])
    argv = pytest_arguments(args)
    assert argv[argv.index("--criteria-junit-xml") + 1] == str(Path("j.xml").resolve())
    assert argv[argv.index("--summary-md") + 1] == str(Path("s.md").resolve())
    assert argv[argv.index("--keep-traces") + 1] == "all" and "--tb=no" in QUIET and "-qq" in argv
    default = pytest_arguments(cli.build_parser().parse_args(["run", "--demo"]))
    assert default[default.index("--keep-traces") + 1] == "failing" and "--criteria-junit-xml" not in default


@pytest.mark.parametrize("argv", [["--demo"], ["--demo", "--only", "GEN-01", "--date", "2019-01-01"],
                                  ["--demo", "--section", "2", "--attestations",
                                   str(REPO / "profiles" / "refportal.attestations.yaml")]])
def test_run_loads_its_inputs_once_and_the_plugin_takes_them_over(argv, monkeypatch):
    """`dokiem run` validates before pytest starts; the run pytest then opens finds the same inputs
    under the key it computes from its own options."""
    from _pytest.config import _prepareconfig

    from harness import run_command, run_inputs

    taken = []

    def pytest_main(pytest_argv, plugins):
        config = _prepareconfig(pytest_argv, plugins)   # options parsed as the plugin sees them, nothing started
        key = run_inputs.input_arguments(*map(config.getoption, run_inputs.INPUT_OPTIONS))
        taken.append((plugins[0].inputs, run_inputs.take_over(config, key)))
        return 0

    monkeypatch.setattr(run_command.pytest, "main", pytest_main)
    assert cli.main(["run", *argv]) == 0
    handed, used = taken[0]
    assert used is handed


def test_ctrl_c_while_the_inputs_are_read_ends_with_exit_3_and_no_traceback(monkeypatch, capsys):
    from harness import run_command

    def interrupted(*_args):
        raise KeyboardInterrupt
    monkeypatch.setattr(run_command, "load_inputs", interrupted)
    assert cli.main(["run", "--demo"]) == 3
    err = capsys.readouterr().err
    assert "nothing was run" in err and "Traceback" not in err
