"""`dokiem run`: certify a target (or, with --demo, the bundled reference portal) through pytest.

Everything a run does lives in the pytest plugin (harness/plugin.py), so `dokiem run` and plain
`pytest suites --target P` behave and exit alike; this command builds the pytest arguments, and
refuses bad input itself first (exit 2 in about a second, not after pytest's plugins started).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness.exitcodes import ExitCode
from harness.run_inputs import HandedInputs, bad_input_lines, input_arguments, load_inputs, output_problems
from harness.yamlsource import InputError

REPO_ROOT = Path(__file__).resolve().parent.parent
SUITES_DIR = REPO_ROOT / "suites"


# pytest's own letters, tracebacks and totals count tests, not criteria, and would disagree with the
# record: -qq drops the totals (and, with the plugin, the letters), the rest the tracebacks, the
# short summary and the warnings; the plugin prints the run's progress and its last lines
QUIET = ("-qq", "--no-header", "--tb=no", "-rN", "--disable-warnings", "-o", "console_output_style=classic")


def pytest_arguments(args) -> list[str]:
    argv = [str(SUITES_DIR), "--rootdir", str(REPO_ROOT), "-p", "no:cacheprovider", *QUIET]
    if args.demo:
        argv.append("--demo")
    if args.target:
        argv += ["--target", str(args.target)]
    for option in ("edition", "date", "only", "section", "attestations", "out", "history", "criteria_dir"):
        value = getattr(args, option, None)
        if value:
            argv += [f"--{option.replace('_', '-')}", str(value)]
    for option, flag in (("junit_xml", "--criteria-junit-xml"), ("summary_md", "--summary-md")):
        if getattr(args, option, None):
            argv += [flag, str(Path(getattr(args, option)).resolve())]
    if getattr(args, "keep_traces", None):
        argv += ["--keep-traces", args.keep_traces]
    if getattr(args, "no_allure_report", False):
        argv.append("--no-allure-report")
    if getattr(args, "open", False):
        argv.append("--open")
    if getattr(args, "pdf", None) is not None:
        argv.append("--pdf" if args.pdf else "--no-pdf")
    if args.workers and args.workers > 1:
        argv += ["-n", str(args.workers), "--dist", "loadgroup"]
    return argv


def run(args) -> int:
    if bool(args.target) == bool(args.demo):
        print("dokiem run: cần đúng một trong --target PROFILE hoặc --demo — give exactly one of "
              "--target PROFILE or --demo", file=sys.stderr)
        return ExitCode.BAD_INPUT
    if getattr(args, "portal_style", None):
        from harness import demo_style

        if not args.demo or args.portal_style not in demo_style.names():
            print(f"dokiem run: --portal-style cần --demo và một kiểu của refportal ({', '.join(demo_style.names())}) "
                  f"— needs --demo and one of refportal's styles, not {args.portal_style!r}", file=sys.stderr)
            return ExitCode.BAD_INPUT
        demo_style.choose(args.portal_style)
    if args.workers is not None and args.workers < 1:
        print("dokiem run: --workers phải ≥ 1 — --workers must be at least 1", file=sys.stderr)
        return ExitCode.BAD_INPUT
    # bad input is refused before pytest and its plugins start; the run then reuses what was loaded
    key = input_arguments(args.criteria_dir, args.edition, args.only, args.section, args.target, args.demo,
                          args.attestations, args.date)
    try:
        inputs = load_inputs(*key)
        problems = output_problems(args.out and str(args.out), args.history and str(args.history))
    except InputError as exc:
        problems = exc.problems
    except KeyboardInterrupt:  # Ctrl-C while reading: nothing was started, nothing to clean
        print("dokiem: lượt chạy bị hủy trước khi bắt đầu — run aborted before it started, nothing was run",
              file=sys.stderr)
        return ExitCode.UNREACHABLE
    if problems:
        for line in bad_input_lines(problems):
            print(line, file=sys.stderr)
        return ExitCode.BAD_INPUT
    return int(pytest.main(pytest_arguments(args), plugins=[HandedInputs(key, inputs)]))
