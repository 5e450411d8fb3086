"""The distributed engine: each target's run is a Celery task on a Redis broker.

`dokiem campaign worker --broker URL` runs a Celery worker on any machine with dokiem set up; the
campaign (`dokiem campaign run` with `engine:` in the file) sends one task per target and waits.
Run folders go to the shared folder every machine sees at the same path.

Losing a worker. Messages are acknowledged late (after the run) and rejected back to the queue
when a pool process dies, so a message is never lost with its worker (Celery's task_acks_late and
task_reject_on_worker_lost; the Redis transport hands a dead consumer's unacknowledged messages
to another after the visibility timeout). Whether a *run* was lost is decided from Redis: the task
claims its (target, attempt) once and keeps a heartbeat key alive while it runs; the campaign sees
a claimed attempt whose heartbeat expired, records the worker as lost and sends attempt 2, which
another worker takes (the dead one takes nothing). The first result written for a target is the
one kept (HSETNX): a redelivered duplicate finds the attempt claimed or the campaign closed and
does nothing, so a target is never run twice in one attempt nor counted twice.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Callable

QUEUE = "dokiem-campaign"
TASK = "dokiem.campaign.run_target"
MAX_ATTEMPTS = 2  # a target whose worker died is retried once
CLOSED_TTL_S = 7 * 24 * 3600
# a message held by a worker that died before claiming it comes back after this; a copy of a message
# whose run is still going (redelivered after it too) finds the attempt claimed and is dropped
VISIBILITY_TIMEOUT_S = 300


class EngineError(Exception):
    """The broker or the workers cannot be used: the campaign cannot run (exit 3)."""


class Keys:
    """Redis keys of one campaign."""

    def __init__(self, campaign_id: str):
        self.prefix = f"dokiem:campaign:{campaign_id}"
        self.results = f"{self.prefix}:results"
        self.closed = f"{self.prefix}:closed"

    def claim(self, target: str, attempt: int) -> str:
        return f"{self.prefix}:claim:{target}:{attempt}"

    def alive(self, target: str, attempt: int) -> str:
        return f"{self.prefix}:alive:{target}:{attempt}"

    def attempts(self, target: str) -> str:
        return f"{self.prefix}:attempts:{target}"


def alive_ttl(heartbeat_s: float) -> int:
    """How long a heartbeat holds: several beats, and never under 10 s (a busy machine beats late)."""
    return max(10, int(heartbeat_s * 3))


def system_lock(system_key: str) -> str:
    """One run at a time per system, across campaigns and workers."""
    return f"dokiem:system:{system_key}"


def make_app(broker: str):
    from celery import Celery

    app = Celery("dokiem-campaign", broker=broker)
    app.conf.update(
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_default_queue=QUEUE, task_serializer="json", accept_content=["json"], task_ignore_result=True,
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT_S},
    )
    app.task(name=TASK, bind=True)(_run_target_task)
    return app


def _run_target_task(task, campaign_id: str, message: dict, attempt: int, runs_dir: str, history: str | None,
                     heartbeat_s: float) -> str:
    import redis

    from harness.campaign.execute import now_iso, run_target, target_history
    from harness.campaign.spec import Target

    target = Target.from_message(message)
    worker = task.request.hostname or socket.gethostname()
    client = redis.Redis.from_url(task.app.conf.broker_url)
    keys = Keys(campaign_id)
    if client.exists(keys.closed):
        return "campaign closed"  # a message redelivered after the campaign ended
    ttl = alive_ttl(heartbeat_s)
    client.set(keys.alive(target.id, attempt), worker, ex=ttl)
    if not client.set(keys.claim(target.id, attempt), worker, nx=True):
        return "duplicate"  # this attempt already ran or runs elsewhere
    client.rpush(keys.attempts(target.id), json.dumps({"attempt": attempt, "worker": worker, "started": now_iso()}))
    stop = threading.Event()
    # the heartbeat thread extends the lock the task thread took: the token must not be thread-local
    lock = client.lock(system_lock(target.system_key), timeout=ttl, thread_local=False)

    def beat() -> None:
        while not stop.wait(heartbeat_s):
            try:
                client.set(keys.alive(target.id, attempt), worker, ex=ttl)
                if lock.owned():
                    lock.extend(ttl, replace_ttl=True)
            except Exception as exc:  # a broker hiccup: the next beat tries again; silent for ttl, the run is lost
                print(f"dokiem campaign worker: heartbeat failed: {exc}", file=sys.stderr)

    beating = threading.Thread(target=beat, daemon=True)
    beating.start()
    try:
        lock.acquire(blocking=True)
        name = target.id if attempt == 1 else f"{target.id}.retry-{attempt}"
        outcome = run_target(target, Path(runs_dir) / name, target_history(Path(history) if history else None,
                                                                            target.id), worker, attempt)
    except Exception as exc:  # the row says why; a broken task must not leave the campaign waiting
        outcome = {"target": target.id, "attempt": attempt, "worker": worker, "status": "error", "exit_code": None,
                   "reason": f"{type(exc).__name__}: {exc}", "out": str(Path(runs_dir) / target.id)}
    finally:
        stop.set()
        if lock.owned():
            lock.release()
    if not client.exists(keys.closed):  # a campaign that ended without this result has reported it lost
        client.hsetnx(keys.results, target.id, json.dumps(outcome, ensure_ascii=False))
    client.delete(keys.alive(target.id, attempt))
    return outcome["status"]


def run_distributed(targets, runs_dir: Path, history: Path | None, campaign_id: str, broker: str,
                    heartbeat_s: float, say: Callable[[str], None] = print, poll_s: float = 1.0,
                    wait_for_workers_s: float = 60) -> dict[str, dict]:
    """Send every target, follow them to the end (retrying a lost one once); target id -> outcome."""
    import redis

    app = make_app(broker)
    client = redis.Redis.from_url(broker, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise EngineError(f"broker {broker} không phản hồi — does not answer: {exc}") from None
    workers = _wait_for_workers(app, wait_for_workers_s)
    say(f"[dokiem campaign] {len(workers)} worker: {', '.join(sorted(workers))}")
    keys = Keys(campaign_id)
    attempt = {t.id: 1 for t in targets}
    lost: dict[str, list[dict]] = {t.id: [] for t in targets}
    outcomes: dict[str, dict] = {}

    def send(target, number: int) -> None:
        app.send_task(TASK, args=[campaign_id, target.as_message(), number, str(runs_dir),
                                  str(history) if history else None, heartbeat_s], queue=QUEUE)

    for target in targets:
        send(target, 1)
    suspicious: dict[str, int] = {}
    try:
        while len(outcomes) < len(targets):
            time.sleep(poll_s)
            for target in targets:
                if target.id in outcomes:
                    continue
                raw = client.hget(keys.results, target.id)
                if raw is not None:
                    outcomes[target.id] = _finish(json.loads(raw), client, keys, target.id, lost[target.id])
                    say(f"[dokiem campaign] xong — done {target.id}: {outcomes[target.id]['status']} "
                        f"({outcomes[target.id]['worker']})")
                    continue
                number = attempt[target.id]
                owner = client.get(keys.claim(target.id, number))
                if owner is None or client.exists(keys.alive(target.id, number)):
                    suspicious.pop(target.id, None)
                    continue
                # claimed, no heartbeat: seen twice in a row (the result may be landing right now)
                suspicious[target.id] = suspicious.get(target.id, 0) + 1
                if suspicious[target.id] < 2 or client.hexists(keys.results, target.id):
                    continue
                suspicious.pop(target.id)
                worker = owner.decode()
                lost[target.id].append({"attempt": number, "worker": worker, "status": "lost",
                                        "detected": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
                if number < MAX_ATTEMPTS:
                    say(f"[dokiem campaign] mất worker {worker} khi đang chạy {target.id}: chạy lại trên worker khác — "
                        f"worker lost mid-run, retrying {target.id} (attempt {number + 1})")
                    attempt[target.id] = number + 1
                    send(target, number + 1)
                else:
                    outcomes[target.id] = {
                        "target": target.id, "status": "error", "exit_code": None, "worker": worker,
                        "attempts": lost[target.id], "out": None,
                        "reason": f"mất worker {MAX_ATTEMPTS} lần — the worker was lost on each of {MAX_ATTEMPTS} attempts"}
    finally:
        client.set(keys.closed, "1", ex=CLOSED_TTL_S)
        for target_id, events in lost.items():
            for event in events:
                _discard_partial(runs_dir, target_id if event["attempt"] == 1 else f"{target_id}.retry-{event['attempt']}")
        for target in targets:
            client.delete(keys.attempts(target.id),
                          *[keys.claim(target.id, n) for n in range(1, MAX_ATTEMPTS + 1)],
                          *[keys.alive(target.id, n) for n in range(1, MAX_ATTEMPTS + 1)])
        client.delete(keys.results)
    return outcomes


def _finish(outcome: dict, client, keys: Keys, target_id: str, lost: list[dict]) -> dict:
    """The kept outcome, with every attempt: the lost ones and the one that finished."""
    started = [json.loads(raw) for raw in client.lrange(keys.attempts(target_id), 0, -1)]
    finished = {k: outcome.get(k) for k in ("attempt", "worker", "started", "finished", "status", "exit_code")}
    attempts = [next((a for a in lost if a["attempt"] == s["attempt"]), None) or
                (finished if s["attempt"] == outcome["attempt"] else {**s, "status": "superseded"}) for s in started]
    return {**outcome, "attempts": attempts or [finished]}


def _discard_partial(runs_dir: Path, name: str) -> None:
    """A lost attempt's staging folder is never a record: once the campaign is over, nothing half-written
    stays (a run whose worker died stops and removes it itself; a machine that died cannot)."""
    for partial in Path(runs_dir).glob(f".{name}.partial-*"):
        shutil.rmtree(partial, ignore_errors=True)


def _wait_for_workers(app, wait_s: float) -> list[str]:
    deadline = time.monotonic() + wait_s
    while True:
        answers = app.control.ping(timeout=2) or []
        names = [name for answer in answers for name in answer]
        if names:
            return names
        if time.monotonic() >= deadline:
            raise EngineError(f"không có worker nào trả lời sau {wait_s:g} s — no worker answered; start one with "
                              "`dokiem campaign worker --broker URL`")


def worker_main(broker: str, concurrency: int = 1, name: str | None = None) -> int:
    """`dokiem campaign worker`: a Celery worker taking targets from the campaign queue (the
    heartbeat interval comes with each task, from the campaign's engine.heartbeat_s)."""
    app = make_app(broker)
    name = name or f"dokiem-{os.getpid()}@{socket.gethostname()}"
    app.worker_main(["worker", "--loglevel", "INFO", "--concurrency", str(concurrency), "--hostname", name,
                     "--queues", QUEUE, "--without-gossip", "--without-mingle"])
    return 0
