"""Wall time of a full certification of refportal (`dokiem run --demo`, the whole default edition),
serial and with --workers 2: in total, per scenario, and the harness's own overhead.

    .venv/bin/python bench/full_run.py                 # serial, then --workers 2
    .venv/bin/python bench/full_run.py --workers 2     # one of them only
    .venv/bin/python bench/full_run.py --keep /tmp/b   # keep the run folders

How each figure is measured:
- wall: the `dokiem run` process, start to exit (start-up, services, tests, scoring, reports).
- phases: from the process's start and end (this script's clock), the run's start and finish in
  compliance.json, and the first and last fixture or test of the raw Allure results (allure-raw:
  allure-pytest times every fixture and test).
- per scenario: the scenario fixture's setup and teardown (allure-raw containers; a scenario is
  the session fixture named as in criteria/checks.yaml) plus its check tests' own durations
  (compliance.json), grouped by the scenario criteria/checks.yaml gives each check. Under
  --workers the scenarios overlap.
- waiting on the target: the elapsed time of every HTTP exchange in the transcripts of the
  evidence (`### n. METHOD url → status (N ms)`), plus the Locust run of the load test (a fixed
  window during which the harness only waits). Browser page loads and the simulator's waits
  are not separated: they count as overhead below.
- overhead: wall − waiting on the target, for the serial run. Under --workers the waits of two
  workers overlap, so it is also given in worker-seconds: Σ test durations − waits.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
EXCHANGE = re.compile(r"^### \d+\. \S+ .*?\((\d+) ms\)", re.M)
AIM_S = 180


def scenario_of_checks() -> dict[str, str]:
    checks = yaml.safe_load((REPO / "criteria" / "checks.yaml").read_text(encoding="utf-8"))["checks"]
    return {c["id"]: c["scenario"] for c in checks}


def run_once(out: Path, workers: int | None) -> dict:
    argv = [sys.executable, "-m", "harness.cli", "run", "--demo", "--out", str(out)]
    if workers:
        argv += ["--workers", str(workers)]
    started, clock = time.monotonic(), time.time()
    result = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=1800)
    wall = time.monotonic() - started
    record_path = out / "compliance.json"
    if not record_path.is_file():
        raise SystemExit(f"no compliance.json (exit {result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return {"wall_s": wall, "exit": result.returncode, "began": clock, "ended": clock + wall,
            "record": json.loads(record_path.read_text(encoding="utf-8"))}


def allure_times(out: Path) -> tuple[dict[str, float], float | None, float | None]:
    """(fixture name -> seconds of setup + teardown, first start, last stop), in epoch seconds."""
    fixtures: dict[str, float] = {}
    first, last = None, None
    for path in (out / "allure-raw").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        steps = data.get("befores", []) + data.get("afters", []) if path.name.endswith("-container.json") else [data]
        for step in steps:
            if "start" not in step:
                continue
            start, stop = step["start"] / 1000, step.get("stop", step["start"]) / 1000
            first = start if first is None else min(first, start)
            last = stop if last is None else max(last, stop)
            if path.name.endswith("-container.json"):
                name = step["name"].split("::")[0]
                fixtures[name] = fixtures.get(name, 0.0) + (stop - start)
    return fixtures, first, last


def epoch(iso: str) -> float:
    return dt.datetime.fromisoformat(iso).timestamp()


def test_durations(record: dict, scenarios: dict[str, str], fixtures: dict[str, float]) -> dict[str, dict]:
    """scenario -> {tests, seconds}: its fixture's setup and teardown plus its tests' own durations
    (a test serving several checks is counted once)."""
    seen: dict[str, tuple[str, float]] = {}
    for criterion in record["criteria"]:
        for check in criterion["checks"]:
            for test in check.get("tests") or []:
                seen.setdefault(test["nodeid"], (scenarios.get(check["id"], "?"), float(test.get("duration_s") or 0)))
    per: dict[str, dict] = {}
    for scenario, seconds in seen.values():
        row = per.setdefault(scenario, {"tests": 0, "seconds": fixtures.get(scenario, 0.0)})
        row["tests"] += 1
        row["seconds"] += seconds
    return per


def load_figures(out: Path) -> dict:
    """The load test's own costs, from its observations: Locust's wall and CPU time, the run time."""
    path = out / "evidence" / "scenario-load_test" / "observations.json"
    if not path.is_file():
        return {}
    obs = json.loads(path.read_text(encoding="utf-8"))
    gen, settings = obs.get("generator") or {}, obs.get("settings") or {}
    return {"wall_s": gen.get("wall_s"), "cpu_s": gen.get("cpu_s"), "run_time_s": settings.get("run_time_s"),
            "duration_s": settings.get("duration_s"), "sustained_s": gen.get("sustained_s"),
            "requests": sum(e.get("requests", 0) for e in (obs.get("operations") or {}).values())}


def target_waits(out: Path) -> tuple[float, int, float]:
    """(seconds in HTTP exchanges of the transcripts, how many, seconds of the Locust run)."""
    total_ms, count = 0, 0
    for path in (out / "evidence").rglob("transcript-*.md"):
        for match in EXCHANGE.finditer(path.read_text(encoding="utf-8", errors="replace")):
            total_ms += int(match.group(1))
            count += 1
    load = 0.0
    observations = out / "evidence" / "scenario-load_test" / "observations.json"
    if observations.is_file():
        load = float((json.loads(observations.read_text(encoding="utf-8")).get("generator") or {}).get("wall_s") or 0)
    return total_ms / 1000, count, load


def report(label: str, out: Path, run: dict, scenarios: dict[str, str]) -> dict:
    record = run["record"]
    fixtures, first, last = allure_times(out)
    per = test_durations(record, scenarios, fixtures)
    api_s, exchanges, load_s = target_waits(out)
    tests_s = sum(row["seconds"] for row in per.values())
    counts: dict[str, int] = {}
    for criterion in record["criteria"]:
        counts[criterion["verdict"]] = counts.get(criterion["verdict"], 0) + 1
    wall = run["wall_s"]
    print(f"\n== {label}: wall {wall:.1f} s (exit {run['exit']}) — {'under' if wall < AIM_S else 'OVER'} the {AIM_S} s aim")
    print("   verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    started, finished = epoch(record["run"]["started"]), epoch(record["run"]["finished"])
    if first is not None:
        phases = [("python, pytest, plugin, inputs", started - run["began"]),
                  ("simulator, refportal, pre-flight, collection", first - started),
                  ("scenarios and checks", last - first),
                  ("scoring, compliance record, Allure report", run["ended"] - max(finished, last))]
        for name, seconds in phases:
            print(f"   {name:<48}{seconds:>7.1f} s")
    print(f"   {'scenario':<36}{'tests':>6}{'seconds':>10}")
    for scenario, row in sorted(per.items(), key=lambda kv: -kv[1]["seconds"]):
        print(f"   {scenario:<36}{row['tests']:>6}{row['seconds']:>10.1f}")
    print(f"   {'Σ scenarios':<36}{sum(r['tests'] for r in per.values()):>6}{tests_s:>10.1f}")
    print(f"   waiting on the target: {api_s:.1f} s in {exchanges} HTTP exchanges + {load_s:.1f} s Locust run")
    load = load_figures(out)
    if load.get("wall_s"):
        print(f"   load test: Locust {load['wall_s']:.1f} s for -t {load['run_time_s']} s (duration {load['duration_s']:g} s, "
              f"held {load['sustained_s']:.1f} s), {load['requests']} requests, {load['cpu_s'] or 0:.1f} CPU-s; "
              f"scenario − Locust = {per.get('load_test', {}).get('seconds', 0) - load['wall_s']:.1f} s "
              "(sampling, evidence)")
    waits = api_s + load_s
    if "workers" in label:
        print(f"   harness overhead: {tests_s - waits:.1f} worker-seconds in scenarios (Σ scenarios − waits) "
              f"+ {wall - (last - first if first else 0):.1f} s outside them")
    else:
        print(f"   harness overhead: {wall - waits:.1f} s of {wall:.1f} s ({100 * (wall - waits) / wall:.0f} %; "
              "browser page loads and simulator waits included)")
    return {"label": label, "wall_s": wall, "tests_s": tests_s, "api_s": api_s, "load_s": load_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, action="append",
                        help="worker counts to run (1 = serial); default: 1 and 2")
    parser.add_argument("--keep", type=Path, help="keep the run folders here")
    args = parser.parse_args()
    scenarios = scenario_of_checks()
    base = args.keep or Path(tempfile.mkdtemp(prefix="dokiem-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for workers in args.workers or [1, 2]:
            label = "serial" if workers == 1 else f"--workers {workers}"
            out = base / ("serial" if workers == 1 else f"workers-{workers}")
            if out.exists():
                shutil.rmtree(out)
            print(f"running dokiem run --demo ({label}) …", flush=True)
            results.append(report(label, out, run_once(out, workers if workers > 1 else None), scenarios))
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    if len(results) > 1:
        print("\n== summary: " + "; ".join(f"{r['label']} {r['wall_s']:.1f} s" for r in results))


if __name__ == "__main__":
    main()
