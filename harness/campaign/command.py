"""`dokiem campaign run` and `dokiem campaign worker`: arguments in, engine chosen, report out."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import uuid
from pathlib import Path

from harness.yamlsource import InputError, Problem

REPO_ROOT = Path(__file__).resolve().parent.parent.parent


def add_parser(commands) -> None:
    """The `campaign` command and its two subcommands (called by harness/cli.py)."""
    campaign = commands.add_parser("campaign", help="many targets in one campaign: locally or on Celery workers")
    sub = campaign.add_subparsers(dest="campaign_command", metavar="SUBCOMMAND")
    run = sub.add_parser("run", help="run every target of a campaign file and write campaign.json/.html "
                                     "(exit 0 none regressed, 1 a regression, 3 a target not run or unreachable)")
    run.add_argument("file", metavar="CAMPAIGN.yaml", type=Path)
    run.add_argument("--parallel", metavar="N", type=int, default=2,
                     help="local engine: at most N runs at a time (default 2; never two on one system)")
    run.add_argument("--out", metavar="DIR", type=Path,
                     help="report folder (default reports/campaign-<id>, or <shared_dir>/<id> with an engine)")
    run.add_argument("--history", metavar="DIR", type=Path,
                     help="keep campaigns (and each target's runs) here; the report compares with the previous one")
    run.add_argument("--broker", metavar="URL", help="Redis URL: run on Celery workers (overrides engine.broker)")
    run.add_argument("--shared-dir", metavar="DIR", type=Path, help="with --broker: the folder every worker sees")
    run.add_argument("--local", action="store_true", help="ignore the file's engine: run on this machine")
    run.add_argument("--wait-for-workers", metavar="S", type=float, default=60,
                     help="with an engine: how long to wait for a worker to answer (default 60 s)")
    run.add_argument("--criteria-dir", type=Path, default=REPO_ROOT / "criteria")
    worker = sub.add_parser("worker", help="a Celery worker that runs campaign targets (Ctrl+C stops it)")
    worker.add_argument("--broker", metavar="URL", required=True, help="Redis URL, e.g. redis://host:6379/0")
    worker.add_argument("--concurrency", metavar="N", type=int, default=1, help="runs at a time (default 1)")
    worker.add_argument("--name", help="worker name (default dokiem-<pid>@<host>)")


def dispatch(args, parser: argparse.ArgumentParser) -> int:
    if args.campaign_command == "worker":
        from harness.campaign.distributed import worker_main

        return worker_main(args.broker, args.concurrency, args.name)
    if args.campaign_command != "run":
        parser.parse_args(["campaign", "--help"])
    try:
        return run(args)
    except KeyboardInterrupt:  # the local pool has stopped its runs; Celery workers finish theirs
        print("dokiem campaign: dừng theo yêu cầu, không có báo cáo — interrupted, no report written", file=sys.stderr)
        return 3
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"dokiem campaign: dữ liệu đầu vào không hợp lệ, không chạy — bad input, nothing was run "
              f"({len(exc.problems)} problem(s))", file=sys.stderr)
        return 2


def run(args) -> int:
    from harness.campaign import report
    from harness.campaign.spec import Engine, load_campaign

    if args.parallel < 1:
        raise InputError([Problem("--parallel", 1, 1, "", "must be at least 1 — phải ≥ 1")])
    campaign = load_campaign(args.file, args.criteria_dir)
    engine = None if args.local else campaign.engine
    if args.broker:
        shared = args.shared_dir or (campaign.engine.shared_dir if campaign.engine else None)
        if shared is None:
            raise InputError([Problem("--broker", 1, 1, "", "needs --shared-dir DIR (or engine.shared_dir in the file): "
                                                            "the folder every worker writes its runs to — cần thư mục dùng chung")])
        engine = Engine(args.broker, shared.resolve(), campaign.engine.heartbeat_s if campaign.engine else 10.0)
    started = dt.datetime.now(dt.timezone.utc)
    campaign_id = f"{started:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    base = engine.shared_dir / campaign_id if engine else REPO_ROOT / "reports" / f"campaign-{campaign_id}"
    out = (args.out or base).resolve()
    if out.exists() and any(out.iterdir()):
        raise InputError([Problem(str(out), 1, 1, "--out", "output folder exists and is not empty — thư mục kết quả "
                                                           "đã có dữ liệu; choose another --out")])
    runs_dir = base / "targets" if engine else out / "targets"
    history = args.history.resolve() if args.history else None
    say = _say
    say(f"[dokiem campaign] {campaign.name}: {len(campaign.targets)} mục tiêu — targets, "
        + (f"Celery {engine.broker}, {engine.shared_dir}" if engine else f"máy này — this machine, --parallel {args.parallel}"))
    clock = time.monotonic()
    if engine:
        from harness.campaign.distributed import EngineError, run_distributed

        try:
            outcomes = run_distributed(campaign.targets, runs_dir, history, campaign_id, engine.broker,
                                       engine.heartbeat_s, say, wait_for_workers_s=args.wait_for_workers)
        except EngineError as exc:
            print(f"dokiem campaign: {exc}", file=sys.stderr)
            return 3
        kind = {"kind": "celery", "broker": _without_password(engine.broker), "shared_dir": str(engine.shared_dir)}
    else:
        from harness.campaign.local import run_local

        outcomes = run_local(campaign.targets, runs_dir, history, args.parallel, say)
        kind = {"kind": "local", "parallel": args.parallel}
    kind["wall_s"] = round(time.monotonic() - clock, 1)
    finished = dt.datetime.now(dt.timezone.utc)
    previous = report.previous_campaign(history, campaign.name)
    doc = report.build(campaign, campaign_id, outcomes, kind, started.isoformat(timespec="seconds"),
                       finished.isoformat(timespec="seconds"), out, previous)
    report.write(doc, out, history)
    for target_id in doc["ranking"]:
        row = next(r for r in doc["targets"] if r["id"] == target_id)
        record = row["record"] or {}
        say(f"[dokiem campaign] {target_id:<24} {row['status']:<5} "
            f"{'—' if record.get('percent') is None else str(record['percent']) + ' %':>8}  {row['change']['kind']}"
            f"{'  ' + row['reason'] if row['reason'] else ''}")
    say(f"[dokiem campaign] báo cáo — report: {out / 'campaign.html'}; exit {doc['exit_code']}")
    return doc["exit_code"]


def _say(line: str) -> None:
    print(line, flush=True)


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        host = parts.netloc.rsplit("@", 1)[1]
        parts = parts._replace(netloc=f"{parts.username or ''}:***@{host}")
    return urlunsplit(parts)
