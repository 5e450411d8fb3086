"""A campaign of refportal targets, each with a different defect switched on: wall time, the
engine's overhead per target against a plain `dokiem run`, memory, and whether every target's
defect was found.

    .venv/bin/python bench/campaign.py                       # 10 targets, local pool, --parallel 2
    .venv/bin/python bench/campaign.py --targets 3 --celery  # 3 targets; also on Celery with 2 workers
    .venv/bin/python bench/campaign.py --keep /tmp/b         # keep the run folders

Each target is a refportal (RefportalFleet: fresh database, test-control, one shared simulator)
with one defect of BENCH_DEFECTS switched on, and runs `--only` that defect's must_fail criteria
(short runs, no Allure HTML). How each figure is measured:
- plain run: `dokiem run` of target 1 alone, as a subprocess; wall from start to exit, peak RSS
  from wait4 (the largest process of the run's tree that it reaped).
- engine overhead per target: a campaign of target 1 alone, minus the plain run. Local pool:
  loading and validating the campaign (profiles included), the subprocess, the report. Celery
  (--celery): also the broker round trips, the worker taking the task and the campaign's
  1-s polling. Run-to-run variance of the plain run on a busy machine is of the same order: the
  figure is printed with the plain run's own spread (two plain runs).
- campaign: wall of `dokiem campaign run` for all targets; Σ of the runs' own walls; peak RSS of
  each run (wait4, in campaign.json) and of the campaign process itself (VmHWM, sampled).
- found: every must_fail criterion of the target's defect is FAIL in its record.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.campaign.conftest import Workers, free_port, _answers  # noqa: E402
from tests.campaign.refportals import RefportalFleet  # noqa: E402
from tests.defects.matrix import load_defects  # noqa: E402

# defects judged by API and page checks alone (no packet or mail waits, no load test): short runs
BENCH_DEFECTS = ["cross-citizen-read", "lookup-needs-login", "search-sector-ignored", "procedure-missing-fees",
                 "no-security-headers", "no-openapi", "stack-trace", "weak-cookie", "session-after-logout",
                 "xss-search"]


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def timed(argv: list[str], env: dict, log: Path) -> dict:
    """Run a command to its end: wall, exit code, its own peak RSS (sampled) and its tree's (wait4)."""
    started = time.monotonic()
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    peak = [0.0]

    def sample():
        while process.returncode is None:
            value = peak_rss_mb(process.pid)
            if value:
                peak[0] = max(peak[0], value)
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": round(time.monotonic() - started, 1), "exit": process.returncode, "self_mb": round(peak[0], 1),
            "tree_mb": round(usage.ru_maxrss / 1024, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1)}


def campaign_yaml(path: Path, targets: list[tuple[str, Path, list[str]]], engine: str = "") -> Path:
    rows = "".join(f"  - {{id: {name}, profile: {profile}, only: [{', '.join(only)}], tags: {{defect: {name}}}}}\n"
                   for name, profile, only in targets)
    path.write_text(f"campaign_version: 1\nname: bench\ndefaults: {{timeout_min: 20}}\n{engine}targets:\n{rows}",
                    encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=10)
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--celery", action="store_true", help="also run the campaign on Celery with two workers")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    work = (args.keep or Path(tempfile.mkdtemp(prefix="dokiem-bench-campaign-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    defects = {d.name: d for d in load_defects()}
    chosen = BENCH_DEFECTS[:args.targets]
    cli = [sys.executable, "-m", "harness.cli"]
    print(f"uptime: {os.getloadavg()}; {args.targets} targets, --parallel {args.parallel}; folder {work}")
    fleet = RefportalFleet(work / "fleet")
    figures: dict = {"work": work}
    try:
        targets = [(name, fleet.target(name, (name,)), defects[name].must_fail) for name in chosen]
        env = fleet.environ()
        first = targets[0]
        plain = [timed([*cli, "run", "--target", str(first[1]), "--only", ",".join(first[2]), "--no-allure-report",
                        "--out", str(work / f"plain-{n}")], env, work / f"plain-{n}.log") for n in (1, 2)]
        figures["plain"] = plain
        solo = timed([*cli, "campaign", "run", str(campaign_yaml(work / "solo.yaml", [first])), "--parallel", "1",
                      "--out", str(work / "solo-local")], env, work / "solo.log")
        figures["solo-local"] = solo
        whole = timed([*cli, "campaign", "run", str(campaign_yaml(work / "all.yaml", targets)), "--parallel",
                       str(args.parallel), "--out", str(work / "all")], env, work / "all.log")
        figures["all-local"] = whole
        report_rows = json.loads((work / "all" / "campaign.json").read_text(encoding="utf-8"))["targets"]
        if args.celery:
            figures.update(celery(work, env, cli, first, targets))
    finally:
        fleet.close()
    print_figures(figures, report_rows, defects, args)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def celery(work: Path, env: dict, cli: list[str], first, targets) -> dict:
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(work)], stdout=subprocess.DEVNULL)
    while not _answers(port):
        time.sleep(0.1)
    broker = f"redis://127.0.0.1:{port}/0"
    workers = Workers(broker, work, env)
    try:
        workers.start("w1")
        workers.start("w2")
        engine = f"engine: {{broker: '{broker}', shared_dir: {work / 'shared'}, heartbeat_s: 2}}\n"
        solo = timed([*cli, "campaign", "run", str(campaign_yaml(work / "solo-c.yaml", [first], engine)), "--out",
                      str(work / "solo-celery")], env, work / "solo-c.log")
        whole = timed([*cli, "campaign", "run", str(campaign_yaml(work / "all-c.yaml", targets, engine)), "--out",
                       str(work / "all-celery")], env, work / "all-c.log")
        worker_mb = [peak_rss_mb(p.pid) for p in workers.processes.values()]
        return {"solo-celery": solo, "all-celery": {**whole, "worker_mb": worker_mb}}
    finally:
        workers.stop_all()
        server.terminate()
        server.wait(timeout=10)


def print_figures(figures: dict, rows: list[dict], defects: dict, args) -> None:
    plain = figures["plain"]
    mean = sum(p["wall_s"] for p in plain) / len(plain)
    spread = abs(plain[0]["wall_s"] - plain[1]["wall_s"])
    print(f"\nplain `dokiem run` of target 1: {plain[0]['wall_s']} s and {plain[1]['wall_s']} s "
          f"(spread {spread:.1f} s), CPU {plain[0]['cpu_s']} s and {plain[1]['cpu_s']} s, "
          f"peak RSS {max(p['tree_mb'] for p in plain)} MB")
    for kind in ("local", "celery"):
        solo = figures.get(f"solo-{kind}")
        if not solo:
            continue
        doc = json.loads((figures["work"] / f"solo-{kind}" / "campaign.json").read_text(encoding="utf-8"))
        engine_s, run = doc["campaign"]["engine"]["wall_s"], doc["targets"][0]
        print(f"engine overhead per target ({kind}): `dokiem campaign run` of target 1 alone {solo['wall_s']} s = "
              f"start-up, validating the campaign and its profiles, the report {solo['wall_s'] - engine_s:.1f} s + "
              f"sending, taking and following the run {engine_s - run['wall_s']:.1f} s + the run itself "
              f"{run['wall_s']} s (CPU {run['cpu_s']} s); campaign process peak {solo['self_mb']} MB")
    whole = figures["all-local"]
    runs = sum(r["wall_s"] or 0 for r in rows)
    print(f"\ncampaign of {len(rows)} targets, local pool --parallel {args.parallel}: wall {whole['wall_s']} s "
          f"(exit {whole['exit']}), Σ run walls {runs:.0f} s, campaign process peak {whole['self_mb']} MB")
    if "all-celery" in figures:
        c = figures["all-celery"]
        print(f"campaign of {len(rows)} targets, Celery, 2 workers: wall {c['wall_s']} s (exit {c['exit']}), worker "
              f"processes peak {', '.join(f'{m:.0f}' for m in c['worker_mb'] if m)} MB")
    print(f"\n{'target (defect)':28} {'only':28} {'wall s':>7} {'CPU s':>6} {'RSS MB':>7}  found")
    for row in rows:
        must = defects[row["id"]].must_fail
        verdicts = (row["record"] or {}).get("verdicts", {})
        missed = [c for c in must if verdicts.get(c) != "FAIL"]
        print(f"{row['id']:28} {','.join(must):28} {row['wall_s'] or 0:>7} {row.get('cpu_s') or 0:>6} "
              f"{row['max_rss_mb'] or 0:>7}  "
              f"{'yes' if row['record'] and not missed else 'NO ' + ','.join(missed) + ' ' + row['reason']}")


if __name__ == "__main__":
    sys.exit(main())
