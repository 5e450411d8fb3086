"""`dokiem profile init`, `dokiem profile check` and `dokiem profile login` (harness/saved_session.py).

check's exit codes: 0 the profile is valid (complete, or incomplete: the summary line counts what is
missing and which checks will be ERROR) · 2 invalid (file:line:column for each problem, or accounts
that cannot be used) · 3 the target does not answer. Its last line is always one summary line.
`--offline` validates without reaching the target (the loop of writing a profile from a skeleton).
"""
from __future__ import annotations

import sys
from pathlib import Path

from harness import criteria
from harness.evidence import Redactor
from harness.yamlsource import InputError


def add_parsers(profile_commands, add_criteria_dir) -> None:
    """The subcommands of `dokiem profile`."""
    p = profile_commands.add_parser("check", help="validate the profile and run the pre-flight against the target "
                                                  "(exit 0 valid, 2 invalid, 3 unreachable; the last line sums up)")
    p.add_argument("profile", type=Path)
    p.add_argument("--edition")
    p.add_argument("--offline", action="store_true", help="validate only; do not reach the target nor log in")
    add_criteria_dir(p)
    p = profile_commands.add_parser("init", help="write a profile skeleton: every operation and journey of the "
                                                 "vocabulary, proposed mappings from an OpenAPI description")
    p.add_argument("out", type=Path, metavar="FILE", help="the profile to write (must not exist)")
    p.add_argument("--from-openapi", metavar="URL|FILE", help="an OpenAPI description (JSON or YAML)")
    p.add_argument("--ca-file", type=Path, help="CA of the server the OpenAPI URL is on")
    p.add_argument("--edition")
    add_criteria_dir(p)
    p = profile_commands.add_parser("login", help="log an account in once (by hand: OTP, CAPTCHA, VNeID) and save the "
                                                  "browser session for the profile's storage_state")
    p.add_argument("profile", type=Path)
    p.add_argument("--role", required=True, help="the account's role (citizen, receiving_officer…)")
    p.add_argument("--index", type=int, default=0, help="which account of the role (0 = the first)")
    p.add_argument("--save-state", required=True, type=Path, metavar="FILE",
                   help="where to write the session (readable by you only; keep it out of version control)")
    p.add_argument("--headless", action="store_true",
                   help="no window: the profile's login journey logs in with the password from the environment")
    p.add_argument("--wait-s", type=float, default=300, help="how long a login by hand may take (default 300 s)")
    p.add_argument("--edition")
    add_criteria_dir(p)


def dispatch(args) -> int:
    if args.profile_command == "init":
        return init_command(args)
    if args.profile_command == "login":
        return login_command(args)
    return check_command(args)


def _load(args):
    """(checks, edition, profile) that `args` name; InputError on bad input."""
    from harness.profile import load_profile

    checks = criteria.load_checks(args.criteria_dir)
    edition = criteria.load_edition(args.criteria_dir, args.edition, checks)
    return checks, edition, load_profile(args.profile, edition, checks, args.criteria_dir)


def login_command(args) -> int:
    from harness import profile_login

    try:
        _checks, _edition, profile = _load(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    try:
        return profile_login.record(profile, args.role, args.index, args.save_state, args.headless, args.wait_s)
    except Exception as exc:  # the login journey does not fit, the target does not answer: nothing was saved
        print(f"{args.profile}: không đăng nhập được — the login did not complete, nothing was saved: "
              f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        args.save_state.unlink(missing_ok=True)
        return 2


def init_command(args) -> int:
    from harness.profile_init import REVIEW, load_openapi, skeleton

    if args.out.exists():
        print(f"{args.out}: already exists — tệp đã có; choose another name (nothing was written)", file=sys.stderr)
        return 2
    try:
        checks = criteria.load_checks(args.criteria_dir)
        edition = criteria.load_edition(args.criteria_dir, args.edition, checks)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    openapi = None
    if args.from_openapi:
        try:
            openapi = load_openapi(args.from_openapi, str(args.ca_file) if args.ca_file else True)
        except Exception as exc:  # a bad URL, file or document is bad input: say which, write nothing
            print(f"{args.from_openapi}: cannot read the OpenAPI description — không đọc được mô tả OpenAPI: "
                  f"{type(exc).__name__}: {exc}", file=sys.stderr)
            return 2
    text = skeleton(checks, edition, openapi)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    proposed = text.count(f"note: \"{REVIEW}")
    print(f"{args.out}: {len(checks.operations)} thao tác, {len(checks.journeys)} hành trình; {proposed} ánh xạ đề xuất "
          f"cần rà soát — {len(checks.operations)} operations, {len(checks.journeys)} journeys, {proposed} proposed "
          f"mappings to review. Next: dokiem profile check {args.out} --offline")
    return 0


def check_command(args) -> int:
    """Validate (and, unless --offline, pre-flight) a profile; one line per problem, then one summary line."""
    from harness.preflight import configuration_gaps, run_preflight

    name = args.profile
    try:
        checks, edition, profile = _load(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"dokiem profile check: {len(exc.problems)} lỗi — problem(s); hồ sơ không hợp lệ (invalid profile)")
        return 2
    check_ids = sorted(edition.check_ids())
    if args.offline:
        gaps, blocking, unreachable = configuration_gaps(profile, checks, check_ids), [], []
        lines = _gap_lines(gaps)
    else:
        result = run_preflight(profile, checks, check_ids, Redactor())
        gaps, blocking, unreachable = result.not_configured, result.problems, result.unreachable
        lines = result.unreachable + result.problems + result.warnings
    for line in lines:
        print(f"{name}: {line}")
    missing = sorted({reason for reasons in gaps.values() for reason in reasons})
    if unreachable:
        print(f"{name}: hệ thống không phản hồi — target unreachable ({len(unreachable)}); exit 3")
        return 3
    if blocking:
        print(f"{name}: {len(blocking)} lỗi chặn — blocking problem(s) (accounts, TLS, hours); exit 2")
        return 2
    reached = "" if args.offline else ", hệ thống phản hồi, tài khoản đăng nhập được (reachable, accounts log in)"
    if gaps:
        print(f"{name}: hợp lệ nhưng chưa đủ — valid but incomplete{reached}: {len(missing)} mục chưa khai báo "
              f"(missing), {len(gaps)}/{len(check_ids)} kiểm tra sẽ là ERROR (checks will be ERROR)")
        return 0
    print(f"{name}: OK — hồ sơ hợp lệ{reached}, mọi thao tác và hành trình của {edition.id} đã khai báo "
          "(valid, everything configured)")
    return 0


def _gap_lines(gaps: dict[str, list[str]]) -> list[str]:
    by_reason: dict[str, list[str]] = {}
    for check, reasons in sorted(gaps.items()):
        for reason in reasons:
            by_reason.setdefault(reason, []).append(check)
    return [f"{reason}; các kiểm tra sẽ là ERROR — these checks will be ERROR: {', '.join(checks)}"
            for reason, checks in sorted(by_reason.items())]
