"""The defect matrix: dokiem against refportal with each of its switchable defects on.

For every defect of refportal/defects.yaml, a run with the defect switched on (through refportal's
test-control endpoint) must make every `must_fail` criterion FAIL and change no criterion outside
`must_fail` and `may_change`, compared with a clean baseline run. To stay affordable:
- one clean baseline over the whole edition; each defect run re-runs only the affected
  scenarios (the scenarios of the defect's checks) with `--only`, and compares every criterion
  those scenarios judge;
- defects whose declarations cannot be confused share a run (`batches`): no criterion is declared
  (must_fail or may_change) by two members and no check is proved by two, so every criterion that
  moves in the run is explained by exactly one member's declaration; each member is judged on its
  own re-run criteria with the other members' declared changes allowed. Defects of one flow can
  stop each other's steps, so a batch is small (MAX_MEMBERS, MAX_PER_SCENARIO). The run's
  fixed cost (start-up, pre-flight, services, the record) and each shared scenario are paid once.
  A batch in which any member is not as declared is re-run one defect at a time, and those runs
  decide: a BROKEN row always comes from a defect alone. `--isolated` (or
  DOKIEM_MATRIX_ISOLATED=1) runs every defect alone. What batching cannot see: a member's
  undeclared change to a criterion another member declares (its own switch doing nothing while
  another's side effect fails its checks is the worst case); the isolated matrix (nightly) is
  the answer to that;
- each lane (a simulator + refportal instances) runs its jobs one after another; lanes run in
  parallel threads; refportal is restarted on a fresh database for every run (about a second),
  so no run inherits state from another (a locked account, an apology already sent);
- runs skip the Allure HTML build, and the profile lowers the waits (only stricter, docs/ARCHITECTURE.md, "The target profile").
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
import yaml

from harness import criteria
from harness.nps.client import NpsClient
from harness.nps.process import start_simulator
from harness.procs import start_ready_process
from harness.services import demo_password

REPO = Path(__file__).resolve().parent.parent.parent
DEFECTS_FILE = REPO / "refportal" / "defects.yaml"
PROFILE = REPO / "profiles" / "refportal.yaml"
# waits lowered for the matrix: a conforming refportal answers within a second or two; a defect
# that withholds an answer costs the wait, so these bound the matrix's time
LOWERED = {"packets.sync_delay_s": 15, "packets.retry_wait_s": 20, "notify.wait_s": 10,
           "stats.refresh_wait_s": 10, "perf.duration_s": 10}
RUN_TIMEOUT_S = 900


@dataclass
class Defect:
    name: str
    description: str
    checks: list[str]
    must_fail: list[str]
    may_change: list[str]


def load_defects() -> list[Defect]:
    data = yaml.safe_load(DEFECTS_FILE.read_text(encoding="utf-8"))
    return [Defect(d["name"], d["description"], list(d.get("checks") or []), list(d.get("must_fail") or []),
                   [m["criterion"] for m in d.get("may_change") or []]) for d in data["defects"]]


def affected_criteria(defect: Defect, edition: criteria.Edition, checks: criteria.CheckRegistry) -> list[str]:
    """must_fail ∪ every criterion judged wholly by the scenarios the defect's checks use.

    A criterion that also has checks in other scenarios is left out (unless it must fail):
    re-running it would drive those other scenarios too, and the matrix would cost a full run per
    defect. may_change criteria are not re-run for their own sake: whatever they show is allowed.
    """
    scenarios = {checks.checks[c].scenario for c in defect.checks if c in checks.checks}
    judged = {crit["id"] for crit in edition.criteria
              if crit["checks"] and all(c in checks.checks and checks.checks[c].scenario in scenarios
                                        for c in crit["checks"])}
    # and the criteria naming the defect's own checks, informative ones too: their checks are judged
    # (an informative criterion is never scored, but its check must still fail)
    naming = {crit["id"] for crit in edition.criteria if set(crit["checks"]) & set(defect.checks)}
    wanted = judged | naming | set(defect.must_fail)
    return [crit["id"] for crit in edition.criteria if crit["id"] in wanted]


def scenarios_of(criterion_ids: list[str], edition: criteria.Edition, checks: criteria.CheckRegistry) -> set[str]:
    """The scenarios a run `--only` these criteria drives (every check of each criterion)."""
    wanted = set(criterion_ids)
    return {checks.checks[c].scenario for crit in edition.criteria if crit["id"] in wanted
            for c in crit["checks"] if c in checks.checks}


# A batch that is not as declared costs a run per member, and members of one flow can stop each
# other's steps: so a batch holds at most MAX_MEMBERS defects, MAX_PER_SCENARIO of them driving
# any one scenario. (Uncapped, 55 defects made 9 runs and the 12-member one split.)
MAX_MEMBERS = 6
MAX_PER_SCENARIO = 3


def declared(defect: Defect) -> set[str]:
    """The criteria a defect's switch may move: must_fail and may_change."""
    return set(defect.must_fail) | set(defect.may_change)


def batches(defects: list[Defect], edition: criteria.Edition, checks: criteria.CheckRegistry) -> list[list[Defect]]:
    """Group the defects into runs; two defects share a run only when their declarations cannot
    be confused: no criterion declared by both, no check proved by both. At most MAX_MEMBERS in a
    batch, MAX_PER_SCENARIO of them driving any one scenario. Longest first, first batch that
    fits: the defects of the busy scenarios (dossier_life, packet_log) anchor the batches and the
    small ones ride along.
    """
    rerun = {d.name: set(affected_criteria(d, edition, checks)) for d in defects}
    scenarios = {d.name: scenarios_of(sorted(rerun[d.name]), edition, checks) for d in defects}

    def fits(defect: Defect, group: list[Defect]) -> bool:
        if len(group) >= MAX_MEMBERS or any(declared(defect) & declared(other) or set(defect.checks) & set(other.checks)
                                            for other in group):
            return False
        return all(sum(scenario in scenarios[other.name] for other in group) < MAX_PER_SCENARIO
                   for scenario in scenarios[defect.name])

    groups: list[list[Defect]] = []
    for defect in sorted(defects, key=lambda d: -len(rerun[d.name])):
        home = next((g for g in groups if fits(defect, g)), None)
        if home is None:
            groups.append([defect])
        else:
            home.append(defect)
    return groups


@dataclass
class Row:
    defect: str
    must_fail: list[str]
    checks: list[str]                                            # the checks that must end "failed"
    not_failing: dict[str, str] = field(default_factory=dict)    # criterion (or check) -> what it got
    unexpected: dict[str, str] = field(default_factory=dict)     # criterion -> "BASE → NOW"
    rerun: int = 0
    seconds: float = 0.0
    error: str = ""
    run: str = ""   # the run that decided the row: "alone", or "batch N" shared with other defects

    @property
    def ok(self) -> bool:
        return not (self.not_failing or self.unexpected or self.error)

    def details(self) -> str:
        """What is wrong with the row, in a line ("" when it is as declared)."""
        parts = []
        if self.not_failing:
            parts.append("not FAIL: " + ", ".join(f"{c}={v}" for c, v in self.not_failing.items()))
        if self.unexpected:
            parts.append("changed: " + ", ".join(f"{c} {v}" for c, v in self.unexpected.items()))
        if self.error:
            parts.append(self.error.splitlines()[0])
        return "; ".join(parts)


class Lane:
    """A simulator and, per run, a fresh refportal with test-control on."""

    def __init__(self, number: int, work: Path):
        self.number = number
        self.work = work / f"lane-{number}"
        self.state = self.work / "refportal-state"  # the CA stays across restarts; the simulator trusts it
        self.state.mkdir(parents=True, exist_ok=True)
        self.passwords = {}
        self.env = {}
        self.simulator = start_simulator(f"matrix-lane-{number}", REPO / "criteria" / "cv255-2018",
                                         callback_ca=self.state / "ca.pem")
        self.nps_url = self.simulator.ready["url"]
        self.smtp = f"{self.simulator.ready['smtp_host']}:{self.simulator.ready['smtp_port']}"
        self.runs = 0

    def close(self) -> None:
        self.simulator.stop()

    def _passwords(self, profile_data: dict) -> None:
        if self.passwords:
            return
        for rows in profile_data["accounts"].values():
            for row in rows:
                value = demo_password()
                self.passwords[row["username"]] = value
                self.env[row["password_env"]] = value

    def run(self, label: str, defects: list[str], only: list[str] | None) -> dict:
        """One dokiem run against a fresh refportal (with `defects` on); returns compliance.json."""
        self.runs += 1
        # the suites read only the records of their own run; the reset keeps the lane's log small
        NpsClient(self.nps_url).reset()
        profile_data = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))
        self._passwords(profile_data)
        portal = start_ready_process(
            "refportal", [sys.executable, "-m", "refportal", "--host", "127.0.0.1", "--port", "0",
                          "--state-dir", str(self.state), "--db", str(self.work / f"run-{self.runs}.sqlite3"),
                          "--national-portal", self.nps_url, "--smtp", self.smtp,
                          "--sms-gateway", self.nps_url + "/sms", "--test-control", "--sync-retry-s", "1",
                          "--lockout-minutes", "0.2"],
            timeout=60, env={"REFPORTAL_PASSWORDS": json.dumps(self.passwords)}, cwd=str(REPO))
        try:
            url, ca_file = portal.ready["url"], portal.ready["ca_file"]
            if defects:
                answer = requests.post(f"{url}/_test/defects", json={"set": defects}, verify=ca_file, timeout=10)
                answer.raise_for_status()
                assert sorted(answer.json()["on"]) == sorted(defects), answer.text
            profile_data["base_urls"] = {"portal": url}
            profile_data["tls"] = {"ca_file": ca_file}
            profile_data["simulator"] = {"url": self.nps_url}
            profile_data["parameters"] = {**(profile_data.get("parameters") or {}), **LOWERED}
            profile_path = self.work / f"profile-{self.runs}.yaml"
            profile_path.write_text(yaml.safe_dump(profile_data, allow_unicode=True, sort_keys=False), encoding="utf-8")
            out = self.work.parent / "runs" / label
            shutil.rmtree(out, ignore_errors=True)
            argv = [sys.executable, "-m", "harness.cli", "run", "--target", str(profile_path), "--out", str(out),
                    "--no-allure-report", "--no-pdf"]  # the matrix reads compliance.json only
            if only:
                argv += ["--only", ",".join(only)]
            env = {k: v for k, v in os.environ.items() if not k.startswith("DOKIEM_")}
            env.update(self.env)
            proc = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
            result = out / "compliance.json"
            if not result.is_file():
                raise RuntimeError(f"run {label} wrote no compliance.json (exit {proc.returncode}):\n"
                                   f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
            return json.loads(result.read_text(encoding="utf-8"))
        finally:
            portal.stop()


def verdicts(doc: dict) -> dict[str, str]:
    return {c["id"]: c["verdict"] for c in doc["criteria"]}


def check_outcomes(doc: dict) -> dict[str, str]:
    return {check["id"]: check["outcome"] for c in doc["criteria"] for check in c["checks"]}


def judge(defect: Defect, baseline: dict[str, str], doc: dict, rerun: list[str],
          mates: frozenset[str] = frozenset()) -> Row:
    """The defect's row; `mates` are the criteria its batch-mates declare (allowed to move)."""
    found = verdicts(doc)
    row = Row(defect.name, defect.must_fail, defect.checks, rerun=len(rerun))
    for criterion in defect.must_fail:
        if found.get(criterion) != "FAIL":
            row.not_failing[criterion] = found.get(criterion, "missing")
    outcomes = check_outcomes(doc)
    for check in defect.checks:  # each check the defect exists to prove fails, not errs
        if outcomes.get(check) != "failed":
            row.not_failing[check] = outcomes.get(check, "not run")
    allowed = declared(defect) | mates
    for criterion in rerun:
        if criterion not in allowed and found.get(criterion) != baseline.get(criterion):
            row.unexpected[criterion] = f"{baseline.get(criterion)} → {found.get(criterion)}"
    return row


@dataclass
class Outcome:
    baseline_out: Path          # the clean baseline run's folder (compliance.json, evidence/)
    baseline: dict[str, str]    # its verdicts
    rows: list[Row]             # one per defect, in defects.yaml order
    split: dict[str, str] = field(default_factory=dict)  # batch label -> why it was re-run one defect at a time


def run_matrix(work: Path, lanes: int = 2, only_defects: list[str] | None = None,
               isolated: bool = False) -> Outcome:
    """The clean baseline plus every defect.

    The runs do not depend on each other, so every lane starts at once (the baseline is just the
    first job); each run is judged against the baseline once all are done. A batch with a member
    not as declared is then run again one defect at a time, and those runs decide.
    """
    checks = criteria.load_checks(REPO / "criteria")
    edition = criteria.load_edition(REPO / "criteria", None, checks)
    defects = [d for d in load_defects() if not only_defects or d.name in only_defects]
    rerun = {d.name: affected_criteria(d, edition, checks) for d in defects}
    groups = [[d] for d in defects] if isolated else batches(defects, edition, checks)
    # longest first (by the criteria each re-runs): a long run started last would keep its lane
    # busy after the others are done
    jobs = [("baseline", [])] + sorted(
        ((f"batch-{n}" if len(g) > 1 else g[0].name, g) for n, g in enumerate(groups, 1)),
        key=lambda job: -sum(len(rerun[d.name]) for d in job[1]))
    pool = [Lane(n, work) for n in range(max(1, lanes))]
    try:
        done = run_jobs(pool, jobs, rerun, edition)
        if isinstance(done["baseline"][0], str):
            raise RuntimeError(f"the clean baseline run broke: {done['baseline'][0]}")
        baseline = verdicts(done["baseline"][0])
        rows: dict[str, Row] = {}
        alone, split = [], {}
        for label, group in jobs[1:]:
            judged = judge_run(group, baseline, rerun, label, *done[label])
            if len(group) > 1 and not all(row.ok for row in judged):
                alone += [(d.name, [d]) for d in group]
                split[label] = "; ".join(f"{row.defect}: {row.details()}" for row in judged if not row.ok)
            else:
                rows.update((row.defect, row) for row in judged)
        if alone:
            done = run_jobs(pool, alone, rerun, edition)
            for label, group in alone:
                rows.update((row.defect, row) for row in judge_run(group, baseline, rerun, label, *done[label]))
    finally:
        for lane in pool:
            lane.close()
    return Outcome(work / "runs" / "baseline", baseline, [rows[d.name] for d in defects], split)


def run_jobs(pool: list[Lane], jobs: list[tuple[str, list[Defect]]], rerun: dict[str, list[str]],
             edition: criteria.Edition) -> dict[str, tuple]:
    """Run (label, defects on) jobs over the lanes; returns label -> (compliance.json | error, seconds).
    A job with no defect is the baseline over the whole edition."""
    waiting: queue.Queue = queue.Queue()
    for job in jobs:
        waiting.put(job)
    position = {crit["id"]: n for n, crit in enumerate(edition.criteria)}
    done: dict[str, tuple] = {}

    def work_lane(lane: Lane) -> None:
        while True:
            try:
                label, group = waiting.get_nowait()
            except queue.Empty:
                return
            started = time.monotonic()
            only = sorted({c for d in group for c in rerun[d.name]}, key=position.get) if group else None
            try:
                outcome = lane.run(label, [d.name for d in group], only)
            except Exception as exc:  # the matrix reports every defect, even one whose run broke
                outcome = f"{type(exc).__name__}: {exc}"[:1500]
            done[label] = (outcome, time.monotonic() - started)

    threads = [threading.Thread(target=work_lane, args=(lane,)) for lane in pool]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done


def judge_run(group: list[Defect], baseline: dict[str, str], rerun: dict[str, list[str]], label: str,
              outcome, seconds: float) -> list[Row]:
    def mates(defect: Defect) -> frozenset[str]:
        return frozenset(c for other in group if other is not defect for c in declared(other))

    rows = [Row(d.name, d.must_fail, d.checks, error=outcome) if isinstance(outcome, str)
            else judge(d, baseline, outcome, rerun[d.name], mates(d)) for d in group]
    for row in rows:
        row.seconds, row.run = seconds, (label if len(group) > 1 else "alone")
    return rows


def table(rows: list[Row], split: dict[str, str] | None = None) -> str:
    """The matrix as a table a reader can scan: one line per defect, then the batches that were
    re-run one defect at a time and what their members showed together."""
    lines = [f"{'defect':32} {'caught':>9} {'re-run':>6} {'s':>5}  {'run':9} result",
             "-" * 106]
    for row in rows:
        expected = len(row.must_fail) + len(row.checks)  # criteria that must FAIL, checks that must fail
        failed = "-" if row.error else expected - len(row.not_failing)  # a run that broke caught nothing
        status = "OK" if row.ok else "BROKEN"
        lines.append(f"{row.defect:32} {failed:>4}/{expected:<4} {row.rerun:>6} {row.seconds:>5.0f}  "
                     f"{row.run:9} {status} {row.details()}")
    for label, why in (split or {}).items():
        lines.append(f"{label} re-run one defect at a time; together: {why}"[:400])
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description="run the defect matrix and print it")
    parser.add_argument("--lanes", type=int, default=2)
    parser.add_argument("--defect", action="append", help="only these defects (repeatable)")
    parser.add_argument("--keep", type=Path, help="keep the runs' outputs here")
    parser.add_argument("--isolated", action="store_true", help="every defect in a run of its own (no batches)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="dokiem-matrix-"))
    started = time.monotonic()
    outcome = run_matrix(folder, args.lanes, args.defect, args.isolated)
    result = outcome.rows
    print(table(result, outcome.split))
    print(f"{sum(r.ok for r in result)}/{len(result)} defects as declared, {time.monotonic() - started:.0f} s; "
          f"outputs in {folder}")
    sys.exit(0 if all(r.ok for r in result) else 1)


LAST_TABLE = ""  # the last matrix computed in this process, for the session's terminal summary
