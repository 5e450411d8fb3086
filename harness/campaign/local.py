"""The embedded engine: a campaign's targets on this machine, at most N runs at a time.

Each of N threads takes the next target whose system is not already being run (two targets of a
campaign may point at one system, e.g. two editions of one portal: running them together would
double the load its profile allows) and runs it as a `dokiem run` subprocess.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

from harness.campaign.execute import Started, run_target, target_history
from harness.campaign.spec import Target


def run_local(targets: list[Target], runs_dir: Path, history: Path | None, parallel: int,
              say: Callable[[str], None] = print) -> dict[str, dict]:
    """Run every target; return target id -> outcome. Ctrl+C stops the runs in progress."""
    pending = list(targets)
    busy: set[str] = set()
    outcomes: dict[str, dict] = {}
    ready = threading.Condition()
    started_runs = Started()

    def next_target() -> Target | None:
        with ready:
            while pending:
                free = next((t for t in pending if t.system_key not in busy), None)
                if free is not None:
                    pending.remove(free)
                    busy.add(free.system_key)
                    return free
                ready.wait()
            return None

    def lane() -> None:
        while (target := next_target()) is not None:
            say(f"[dokiem campaign] bắt đầu — start {target.id} ({target.system_key})")
            try:
                outcome = run_target(target, runs_dir / target.id, target_history(history, target.id),
                                     started_runs=started_runs)
            except Exception as exc:  # one broken run is that target's ERROR row, never the campaign's end
                outcome = {"target": target.id, "attempt": 1, "worker": "local", "status": "error",
                           "exit_code": None, "reason": f"{type(exc).__name__}: {exc}", "out": str(runs_dir / target.id)}
            with ready:
                outcomes[target.id] = outcome
                busy.discard(target.system_key)
                ready.notify_all()
            say(f"[dokiem campaign] xong — done {target.id}: {outcome['status']}"
                f"{' (exit ' + str(outcome['exit_code']) + ')' if outcome.get('exit_code') is not None else ''}"
                f"{' — ' + outcome['reason'] if outcome['reason'] else ''}")

    threads = [threading.Thread(target=lane, name=f"campaign-lane-{n}", daemon=True)
               for n in range(max(1, min(parallel, len(targets))))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.5)
    except KeyboardInterrupt:
        with ready:
            pending.clear()
        started_runs.stop_all()
        raise
    return outcomes

