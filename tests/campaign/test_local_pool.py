"""The local pool: at most N runs at a time, never two on one system, a run that breaks is that
target's ERROR and the others go on. The run itself is replaced by a stand-in that records who
ran when (the real `dokiem run` subprocess is proven in test_campaign_runs.py)."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from harness.campaign import local
from harness.campaign.spec import Target


def targets(*pairs: tuple[str, str]) -> list[Target]:
    return [Target(id=i, profile=Path(f"/p/{i}.yaml"), system_key=key, allowed_hours=None) for i, key in pairs]


def test_at_most_n_at_once_and_never_two_on_one_system(tmp_path, monkeypatch):
    running: dict[str, str] = {}   # target id -> system
    peak, overlaps = [0], []
    guard = threading.Lock()

    def fake_run(target, out, history, *rest, **kw):
        with guard:
            if target.system_key in running.values():
                overlaps.append(target.id)
            running[target.id] = target.system_key
            peak[0] = max(peak[0], len(running))
        time.sleep(0.3)
        with guard:
            del running[target.id]
        if target.id == "broken":
            raise RuntimeError("the run could not start")
        return {"target": target.id, "status": "done", "exit_code": 0, "reason": "", "out": str(out)}

    monkeypatch.setattr(local, "run_target", fake_run)
    chosen = targets(("a1", "https://a"), ("a2", "https://a"), ("a3", "https://a"), ("b", "https://b"),
                     ("c", "https://c"), ("broken", "https://d"))
    lines = []
    outcomes = local.run_local(chosen, tmp_path / "runs", None, parallel=3, say=lines.append)
    assert sorted(outcomes) == sorted(t.id for t in chosen)
    assert overlaps == [], "two runs against one system at once"
    assert peak[0] == 3
    assert outcomes["broken"]["status"] == "error" and "could not start" in outcomes["broken"]["reason"]
    assert all(outcomes[t]["status"] == "done" for t in ("a1", "a2", "a3", "b", "c"))


def test_a_target_outside_its_allowed_hours_is_not_run(tmp_path):
    from harness.campaign.execute import run_target
    import datetime as dt

    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=7)))
    closed = f"{(now + dt.timedelta(hours=2)):%H}:00-{(now + dt.timedelta(hours=3)):%H}:00"
    target = Target(id="night", profile=Path("/nowhere.yaml"), system_key="https://n", allowed_hours=closed)
    outcome = run_target(target, tmp_path / "night")
    assert outcome["status"] == "error" and closed in outcome["reason"]
    assert not (tmp_path / "night").exists() and outcome["exit_code"] is None
