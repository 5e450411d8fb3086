"""Command line of dokiem: argument parsing only; every command calls into the modules."""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from harness import __version__
from harness.exitcodes import ExitCode
from harness.suggest import did_you_mean

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CRITERIA_DIR = REPO_ROOT / "criteria"


def _add_criteria_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("--criteria-dir", type=Path, default=DEFAULT_CRITERIA_DIR,
                   help="folder holding schema/, checks.yaml and the editions (default: the repository's criteria/)")


class _Parser(argparse.ArgumentParser):
    """argparse that says which option, command or choice was probably meant."""

    def error(self, message: str):
        hints = ""
        if "invalid choice:" in message:  # "invalid choice: 'critera' (choose from 'criteria', 'run', …)"
            given, _, choices = message.split("invalid choice:", 1)[1].partition("(choose from")
            hints = did_you_mean(given.strip(" '"), re.findall(r"'([^']+)'", choices))
        elif "unrecognized arguments:" in message:
            known = [o for action in self._actions for o in action.option_strings]
            for action in self._actions:  # the subcommands' options too: parse_args reports them here
                if isinstance(action, argparse._SubParsersAction):
                    known += [o for sub in action.choices.values() for a in sub._actions for o in a.option_strings]
            words = message.split("unrecognized arguments:", 1)[1].split()
            hints = "".join(did_you_mean(w.split("=")[0], known) for w in words if w.startswith("-"))
        super().error(message + hints)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dokiem",
        description="Đo kiểm phần mềm một cửa điện tử và Cổng dịch vụ công (conformance harness).")
    parser.add_argument("--version", action="version", version=f"dokiem {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    criteria = commands.add_parser("criteria", help="validate, list and inspect criteria editions")
    criteria_commands = criteria.add_subparsers(dest="criteria_command", metavar="SUBCOMMAND")
    p = criteria_commands.add_parser("validate", help="check the edition and checks.yaml (exit 2 on problems)")
    p.add_argument("--edition")
    _add_criteria_dir(p)
    p = criteria_commands.add_parser("list", help="list criteria")
    p.add_argument("--edition")
    p.add_argument("--section")
    p.add_argument("--format", choices=("table", "json"), default="table")
    _add_criteria_dir(p)
    p = criteria_commands.add_parser("show", help="everything about one criterion")
    p.add_argument("id")
    p.add_argument("--edition")
    _add_criteria_dir(p)
    p = criteria_commands.add_parser("coverage", help="which checks are implemented and proven")
    p.add_argument("--edition")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when a named check is not implemented or not proven, a check is used by no "
                        "criterion, or an automated/partial criterion would count as manual")
    p.add_argument("--tests-dir", type=Path, default=REPO_ROOT / "tests",
                   help="where negative proofs live (default: the repository's tests/)")
    _add_criteria_dir(p)

    run = commands.add_parser("run", help="certify a target (or the bundled reference portal with --demo)")
    run.add_argument("--target", metavar="PROFILE", type=Path, help="target profile YAML")
    run.add_argument("--demo", action="store_true", help="start and certify the bundled reference portal")
    run.add_argument("--portal-style", metavar="NAME", help="--demo on a vendor style of refportal (refportal/styles.py), "
                                                          "certified through profiles/refportal-NAME.yaml, else profiles/refportal.yaml")
    run.add_argument("--edition", help="criteria edition (default: the one marked default)")
    run.add_argument("--date", metavar="YYYY-MM-DD", help="use the edition in force on this date (effective_from/to)")
    run.add_argument("--editions", metavar="E1,E2", help="certify against E1, then rescore the same run against E2, …")
    run.add_argument("--only", metavar="IDS", help="comma-separated criterion ids")
    run.add_argument("--section", metavar="K", help="comma-separated section keys")
    run.add_argument("--attestations", metavar="FILE", type=Path, help="attestations YAML")
    run.add_argument("--out", metavar="DIR", type=Path, help="output folder (default reports/<timestamp>)")
    run.add_argument("--workers", metavar="N", type=int, help="run scenarios in N parallel workers")
    run.add_argument("--history", metavar="DIR", type=Path, help="keep results here for trends and `dokiem diff`")
    run.add_argument("--criteria-dir", type=Path, help="criteria folder (default: the repository's criteria/)")
    run.add_argument("--no-allure-report", action="store_true",
                     help="write allure-results but skip building the Allure HTML report (quicker re-runs)")
    run.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=None,
                     help="print the record and its annex to compliance.pdf and compliance-annex.pdf "
                          "(default: on when Chromium is there)")
    run.add_argument("--open", action="store_true",
                     help="open the compliance record in the desktop's browser at the end (where there is one)")
    run.add_argument("--junit-xml", metavar="FILE", type=Path,
                     help="also write JUnit XML for CI: one test case per criterion, class = section")
    run.add_argument("--summary-md", metavar="FILE", type=Path,
                     help="also write a Markdown summary (GitHub job summary, GitLab MR note)")
    run.add_argument("--keep-traces", choices=("failing", "all"), default="failing",
                     help="Playwright traces to keep: only those of failing or erroring checks (default) or all")

    rescore = commands.add_parser("rescore", help="judge a run's check outcomes against other editions, without "
                                                  "re-running (exit 1 when an edition is not met)")
    rescore.add_argument("dir", metavar="RUN_DIR", type=Path, help="a run's output folder")
    rescore.add_argument("--edition", required=True, metavar="E[,F]", help="edition(s) to score the run against")
    _add_criteria_dir(rescore)

    profile = commands.add_parser("profile", help="write a profile skeleton or check a target profile")
    profile_commands = profile.add_subparsers(dest="profile_command", metavar="SUBCOMMAND")
    from harness.profile_commands import add_parsers as add_profile_parsers

    add_profile_parsers(profile_commands, _add_criteria_dir)

    from harness import signing

    signing.add_commands(commands)

    diff = commands.add_parser("diff", help="criteria whose verdict changed between two runs, worst first "
                                            "(exit 1 when a PASS was lost)")
    diff.add_argument("old", metavar="OLD", type=Path, help="compliance.json or run folder of the earlier run")
    diff.add_argument("new", metavar="NEW", type=Path, help="compliance.json or run folder of the later run")
    diff.add_argument("--format", choices=("table", "json"), default="table")
    diff.add_argument("--include-not-run", action="store_true",
                      help="also list criteria only one run selected (default: only those both runs selected)")

    attest = commands.add_parser("attest", help="help a tester write attestations for manual criteria")
    attest_commands = attest.add_subparsers(dest="attest_command", metavar="SUBCOMMAND")
    p = attest_commands.add_parser("init", help="write attestation stubs for every pending manual criterion")
    p.add_argument("dir", metavar="RUN_DIR", type=Path, help="a run's output folder (or its compliance.json)")
    p.add_argument("--out", metavar="FILE", type=Path,
                   help="where to write the stubs (default attestations-<run id>.yaml here); never overwritten")
    p = attest_commands.add_parser("hash", help="print the SHA-256 of evidence files (sha256sum lines)")
    p.add_argument("files", metavar="FILE", type=Path, nargs="+")
    p.add_argument("--format", choices=("sha256sum", "yaml"), default="sha256sum",
                   help="yaml: evidence entries to paste into an attestation")

    portal = commands.add_parser("portal", help="start the bundled reference portal (refportal)",
                                 add_help=False)
    portal.add_argument("portal_args", nargs=argparse.REMAINDER)

    nps = commands.add_parser("nps", help="the simulator services (national portal, payment, SMTP, SMS)")
    nps_commands = nps.add_subparsers(dest="nps_command", metavar="SUBCOMMAND")
    serve = nps_commands.add_parser("serve", help="run the simulator on its own, e.g. for a remote target",
                                    add_help=False)
    serve.add_argument("serve_args", nargs=argparse.REMAINDER)

    from harness.campaign.command import add_parser as add_campaign_parser

    add_campaign_parser(commands)
    return parser


def _input_errors(action) -> int:
    """Run `action`; bad input is printed file:line:column and exits 2."""
    from harness.yamlsource import InputError

    try:
        return action()
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # inside the try: a reader that stopped early (| head) is no error of ours
        return code
    except BrokenPipeError:
        # the reader closed the pipe: say nothing more, and keep Python's exit-time flush quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK


# `portal` and `nps serve` hand their arguments on as they are (argparse's REMAINDER would refuse
# the ones that start with '--'), so they are routed before parsing; the parser only documents them.
# `portal -h` is refportal's own help, which lists its options.
def _main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["portal"]:
        import subprocess

        # refportal is a separate system: it runs as its own process, never imported by harness
        return subprocess.call([sys.executable, "-m", "refportal", *argv[1:]])
    if argv[:2] == ["nps", "serve"]:
        from harness.nps.server import main as serve

        return serve(["serve", *argv[2:]])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "criteria":
        from harness import criteria_commands

        if not args.criteria_command:
            parser.parse_args(["criteria", "--help"])
        return criteria_commands.dispatch(args)
    if args.command == "run":
        from harness.run_command import run

        if args.editions:
            from harness.rescore import run_editions

            return _input_errors(lambda: run_editions(args, run))
        return run(args)
    if args.command == "rescore":
        from harness.rescore import command as rescore

        return _input_errors(lambda: rescore(args))
    if args.command == "verify":
        from harness.signing import verify_command

        return verify_command(args)
    if args.command == "sign":
        from harness.signing import sign_command

        return sign_command(args)
    if args.command == "diff":
        from harness.diff import command as diff
        from harness.yamlsource import InputError

        try:
            return diff(args.old, args.new, args.format, args.include_not_run)
        except InputError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            return ExitCode.BAD_INPUT
    if args.command == "attest":
        from harness.attest_commands import dispatch

        if not args.attest_command:
            parser.parse_args(["attest", "--help"])
        return dispatch(args)
    if args.command == "profile":
        if args.profile_command not in ("check", "init", "login"):
            parser.parse_args(["profile", "--help"])
        from harness.profile_commands import dispatch as profile_dispatch

        return profile_dispatch(args)
    if args.command == "campaign":
        from harness.campaign.command import dispatch

        return dispatch(args, parser)
    parser.print_help()
    return ExitCode.BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
