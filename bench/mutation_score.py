"""Mutation score of dokiem's checks over refportal's domain modules, measured with Cosmic Ray.

A mutant is refportal with one small change to one of its domain modules (a comparison flipped, a
constant changed, a branch removed: Cosmic Ray's operators). dokiem "kills" the mutant when a run
of the scenarios that module serves gives any verdict or check outcome different from the same run
on the unmutated portal, or when the run aborts (refportal no longer starts, dies, or answers
nothing). A surviving mutant is a change a vendor could ship that dokiem would certify as before:
either a blind spot (a check to write) or an equivalent change (one no observer could see, listed
with its reason in bench/README.md).

    python bench/mutation_score.py                          # every module, 8 mutants each
    python bench/mutation_score.py --sample 30 --modules status,dossiers --keep /tmp/mut

How it works, and why it can be trusted to measure dokiem rather than itself:
- the checkout is never touched: the tracked files are copied into a work folder, and Cosmic Ray
  mutates the copy (its `local` distributor applies one mutant at a time and restores the file);
- every mutant is judged by a fresh `dokiem run --demo --only <criteria>` started in the copy, so
  the refportal, simulator and harness all come from the copy; the criteria are those judged wholly
  by the module's scenarios (MODULES below, the same rule as the defect matrix's re-runs);
- the reference is the same command on the unmutated copy, run first; a module whose reference
  run is not entirely PASS is reported and skipped (a mutant of it could not be judged);
- the sample is drawn at random (`--seed`) from every mutant Cosmic Ray generates for the module;
  the others are marked skipped in the session, so `cr-report` on the kept session agrees;
- a mutant whose run exceeds `--timeout` is killed (Cosmic Ray's rule: a hang is observable).

It is a benchmark, not a test: it prints the score per module and the surviving mutants (file,
line, operator, diff). Cosmic Ray is the `bench` extra: `pip install -e '.[bench]'`.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# refportal's domain modules and the dokiem scenarios that observe what each one does
MODULES = {
    "status": ["dossier_life", "access_probe"],       # the national status machine and its steps
    "dossiers": ["dossier_life"],                      # submission, processing, result, rating
    "dossier_views": ["dossier_life", "access_probe", "api_probe"],  # what the API, pages and lookup show
    "packets": ["packet_log"],                         # the national-portal packets
    "sync": ["packet_log"],                            # sending them, retries
    "stats": ["stats_snapshot"],                       # public statistics
    "feedback": ["feedback_flow", "survey_flow"],      # petitions and surveys
    "accounts": ["auth_probe"],                        # login, lockout, logout, registration
}
RUN_TIMEOUT_S = 300


def criteria_of(scenarios: list[str], tree: Path) -> list[str]:
    """Criteria every check of which runs in these scenarios (in edition order)."""
    sys.path.insert(0, str(tree))
    from harness import criteria

    checks = criteria.load_checks(tree / "criteria")
    edition = criteria.load_edition(tree / "criteria", None, checks)
    return [c["id"] for c in edition.criteria
            if c["checks"] and all(k in checks.checks and checks.checks[k].scenario in scenarios for k in c["checks"])]


def observe(tree: Path, only: list[str], out: Path) -> dict | None:
    """One `dokiem run --demo --only` in the copy; returns {criterion: [verdict, {check: outcome}]}
    or None when the run wrote no record (aborted: refportal did not start, died, stopped answering)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOKIEM_", "PYTEST_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "harness.cli", "run", "--demo", "--only", ",".join(only),
                    "--no-allure-report", "--no-pdf", "--out", str(out)],
                   cwd=tree, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    record = out / "compliance.json"
    if not record.is_file():
        return None
    doc = json.loads(record.read_text(encoding="utf-8"))
    return {c["id"]: [c["verdict"], {k["id"]: k["outcome"] for k in c["checks"]}]
            for c in doc["criteria"] if c["selected"]}


def kill(args) -> int:
    """Cosmic Ray's test command: exit 0 when dokiem sees nothing different (the mutant survives)."""
    tree, reference = Path(args.tree), json.loads(Path(args.reference).read_text(encoding="utf-8"))
    # inside the bench's work folder: a mutant killed at its timeout (its process group gets
    # SIGKILL) cannot clean up, and the work folder goes with the bench
    with tempfile.TemporaryDirectory(prefix="mutant-", dir=tree.parent) as folder:
        seen = observe(tree, list(reference), Path(folder) / "out")
    if seen is None:
        print("killed: the run aborted (no record)")
        return 1
    moved = {c: (reference[c], seen.get(c)) for c in reference if seen.get(c) != reference[c]}
    if moved:
        print("killed: " + json.dumps(moved, ensure_ascii=False)[:2000])
        return 1
    print("survived: every verdict and check outcome as on the unmutated portal")
    return 0


def copy_tree(work: Path) -> Path:
    tree = work / "tree"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        source = REPO / name.decode()
        if source.is_file():
            target = tree / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return tree


def equivalent_spans(path: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where a mutant cannot change what refportal does, by construction:
    - type annotations: refportal's modules use `from __future__ import annotations` and never
      evaluate them;
    - the body of `if defects.on("…")`: the switched defects are off in these runs (the test of
      the `if` itself is live: mutating it can switch the defect's behaviour on, so it is kept)."""
    import ast

    def is_switch(test: ast.AST) -> bool:
        """True when the test is False whenever every defect is off: `defects.on(…)`, or an `and` of it."""
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
            return any(is_switch(value) for value in test.values)
        return (isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "on"
                and isinstance(test.func.value, ast.Name) and test.func.value.id == "defects")

    spans = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        found = [getattr(node, "annotation", None), getattr(node, "returns", None)]
        spans += [((a.lineno, a.col_offset), (a.end_lineno, a.end_col_offset)) for a in found if a is not None]
        if isinstance(node, ast.If) and is_switch(node.test):
            first, last = node.body[0], node.body[-1]
            spans.append(((first.lineno, first.col_offset), (last.end_lineno, last.end_col_offset)))
    return spans


def measure(module: str, tree: Path, work: Path, sample: int, seed: int, timeout: float) -> dict:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    only = criteria_of(MODULES[module], tree)
    if not only:  # an empty comparison would let every mutant "survive" on nothing observed
        return {"module": module, "error": f"no criterion is judged wholly by {MODULES[module]}"}
    reference = observe(tree, only, work / f"{module}-reference")
    # the reference must be a run whose every check passed (a verdict may still be the demo's
    # attested FAIL: a mutant is judged by what moves, not by the verdict)
    if reference is None or any(o != "passed" for v in reference.values() for o in v[1].values()):
        return {"module": module, "error": f"a check of the unmutated portal's run did not pass: {reference}"}
    (work / f"{module}-reference.json").write_text(json.dumps(reference, ensure_ascii=False), encoding="utf-8")
    config, session = work / f"{module}.toml", work / f"{module}.sqlite"
    command = (f"{sys.executable} {Path(__file__).resolve()} --kill --tree {tree} "
               f"--reference {work / f'{module}-reference.json'}")
    config.write_text(f'[cosmic-ray]\nmodule-path = "refportal/{module}.py"\ntimeout = {timeout}\n'
                      f'excluded-modules = []\ntest-command = "{command}"\n\n'
                      '[cosmic-ray.distributor]\nname = "local"\n', encoding="utf-8")
    cosmic = [sys.executable, "-m", "cosmic_ray.cli"]
    subprocess.run([*cosmic, "init", str(config), str(session)], cwd=tree, check=True, capture_output=True)
    spans = equivalent_spans(tree / "refportal" / f"{module}.py")
    with use_db(str(session), WorkDB.Mode.open) as db:
        pending = db.pending_work_items
        equivalent = [item.job_id for item in pending
                      if any(start <= tuple(item.mutations[0].start_pos) < end for start, end in spans)]
        db.set_multiple_results(equivalent, WorkResult(worker_outcome=WorkerOutcome.SKIPPED,
                                                       output="equivalent: a type annotation or a defect's switched-off branch"))
        items = sorted(item.job_id for item in pending if item.job_id not in set(equivalent))
        chosen = set(random.Random(f"{seed}-{module}").sample(items, min(sample, len(items))))
        db.set_multiple_results([j for j in items if j not in chosen],
                                WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output="not in the sample"))
    started = time.monotonic()
    subprocess.run([*cosmic, "exec", str(config), str(session)], cwd=tree, check=True, capture_output=True)
    killed, aborted, survivors, incompetent = 0, 0, [], 0
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            if result.test_outcome == TestOutcome.KILLED:
                killed += 1
                # refportal no longer starts or dies (a mutant that breaks the module outright): dokiem
                # aborts; counted apart, since a verdict did not have to notice anything
                aborted += "the run aborted" in (result.output or "") or result.output == "timeout"
            elif result.test_outcome == TestOutcome.SURVIVED:
                spec = item.mutations[0]
                survivors.append({"line": spec.start_pos[0], "operator": spec.operator_name,
                                  "diff": (result.diff or "").strip()})
            else:
                incompetent += 1
    return {"module": module, "generated": len(items) + len(equivalent), "equivalent": len(equivalent),
            "sampled": len(chosen), "killed": killed, "aborted": aborted,
            "survived": survivors, "incompetent": incompetent, "criteria": len(only),
            "seconds": round(time.monotonic() - started)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", default=",".join(MODULES), help=f"comma-separated, of: {', '.join(MODULES)}")
    parser.add_argument("--sample", type=int, default=8, help="mutants drawn per module (default 8)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds a mutant's run may take")
    parser.add_argument("--keep", type=Path, help="keep the copy, the sessions and the runs here")
    parser.add_argument("--kill", action="store_true", help=argparse.SUPPRESS)   # Cosmic Ray's test command
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    parser.add_argument("--reference", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.kill:
        return kill(args)
    try:
        import cosmic_ray  # noqa: F401
    except ImportError:
        print("Cosmic Ray is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    modules = [m.strip() for m in args.modules.split(",") if m.strip()]
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        print(f"unknown module(s) {unknown}; known: {', '.join(MODULES)}", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="dokiem-mutation-"))
    work.mkdir(parents=True, exist_ok=True)
    tree = copy_tree(work)
    rows = []
    try:
        for module in modules:
            print(f"… refportal/{module}.py", flush=True)
            rows.append(measure(module, tree, work, args.sample, args.seed, args.timeout))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\n{'module':16} {'criteria':>8} {'mutants':>8} {'equiv.':>8} {'sampled':>8} {'killed':>7} {'aborted':>7} {'survived':>8} {'score':>6} {'s':>6}")
    total_killed = total_judged = total_aborted = 0
    for row in rows:
        if "error" in row:
            print(f"{row['module']:16} {row['error'][:100]}")
            continue
        judged = row["killed"] + len(row["survived"])
        total_killed, total_judged = total_killed + row["killed"], total_judged + judged
        total_aborted += row["aborted"]
        score = f"{100 * row['killed'] / judged:.0f}%" if judged else "-"
        print(f"{row['module']:16} {row['criteria']:>8} {row['generated']:>8} {row['equivalent']:>8} {row['sampled']:>8} {row['killed']:>7} "
              f"{row['aborted']:>7} {len(row['survived']):>8} {score:>6} {row['seconds']:>6}")
    if total_judged:
        print(f"\nmutation score: {total_killed}/{total_judged} = {100 * total_killed / total_judged:.0f}% "
              f"(seed {args.seed}, {args.sample} per module)")
        rest = total_judged - total_aborted
        if rest:
            print(f"without the mutants that stopped refportal outright ({total_aborted}): "
                  f"{total_killed - total_aborted}/{rest} = {100 * (total_killed - total_aborted) / rest:.0f}%")
    for row in rows:
        for survivor in row.get("survived", []):
            print(f"\nsurvived: refportal/{row['module']}.py:{survivor['line']} {survivor['operator']}\n{survivor['diff']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
