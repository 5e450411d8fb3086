"""Everything the simulator received or sent, in order, with a bounded wait for late arrivals.

A record is published once the call has been answered, so `seq` is the order of answers and
`time` is when the call arrived; a client that remembers `last_seq` and asks `since` it never
misses a record. Waiting uses a Condition: a waiter wakes on every new record, never polls.
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, Iterable

MAX_WAIT_S = 60.0
DEFAULT_CAPACITY = 50_000
TARGET = "target"      # origin of what the system under test sent (the only records judged as its own)
DOKIEM = "dokiem"      # dokiem's own probes and authentications (X-Dokiem-Origin header)
SIMULATOR = "simulator"  # what the simulator itself sent (the payment platform's CONFIRM)


def from_target(records: Iterable[dict]) -> list[dict]:
    """The records the target produced: never dokiem's own probes or the simulator's own messages.
    Records written before origins were kept count as the target's."""
    return [r for r in records if r.get("origin", TARGET) == TARGET]


def _search_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class RecordStore:
    def __init__(self, run_id: str, capacity: int = DEFAULT_CAPACITY, jsonl_path: Path | None = None):
        self.run_id = run_id
        self._records: deque[tuple[dict, str]] = deque(maxlen=capacity)  # (record, request as JSON text)
        self._seq = 0
        self._changed = threading.Condition()
        self._closing = False
        self._generation = 0  # counts resets, so a waiter knows its partial result is stale
        self._jsonl = open(jsonl_path, "a", encoding="utf-8") if jsonl_path else None

    # ------------------------------------------------------------------ writing
    def add(self, kind: str, service: str, request: Any, response: Any, validation: list[dict],
            time_iso: str, origin: str = TARGET, **extra: Any) -> dict:
        """Publish one record; `extra` fields (fault, remote, callback url...) are kept beside the rest.
        `origin` says who sent it (TARGET, DOKIEM or SIMULATOR): judges read only the target's."""
        with self._changed:
            self._seq += 1
            record = {"seq": self._seq, "time": time_iso, "run_id": self.run_id, "kind": kind,
                      "service": service, "origin": origin, "request": request, "response": response,
                      "validation": validation, **extra}
            self._records.append((record, _search_text(request)))
            if self._jsonl:
                self._jsonl.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
                self._jsonl.flush()
            self._changed.notify_all()
        return record

    def clear(self) -> None:
        """Forget the records; `seq` keeps counting so `since` stays meaningful across a reset."""
        with self._changed:
            self._records.clear()
            self._generation += 1
            self._changed.notify_all()

    def close(self) -> None:
        """Wake every waiter (the server is stopping) and close the JSONL file."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
            if self._jsonl:
                self._jsonl.close()
                self._jsonl = None

    # ------------------------------------------------------------------ reading
    @property
    def last_seq(self) -> int:
        with self._changed:
            return self._seq

    def __len__(self) -> int:
        with self._changed:
            return len(self._records)

    def query(self, kind: str | None = None, service: str | None = None, since: int = 0,
              match: str | None = None, wait: float = 0.0, min_count: int = 1) -> tuple[list[dict], int]:
        """Matching records with seq > since, and the last seq; with `wait`, block (at most
        MAX_WAIT_S) until at least `min_count` match."""
        deadline = time.monotonic() + max(0.0, min(float(wait), MAX_WAIT_S))
        with self._changed:
            found = self._select(self._records, kind, service, since, match)
            looked_to, generation = self._seq, self._generation
            while len(found) < min_count and not self._closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
                if generation != self._generation:  # reset meanwhile: start over
                    found = self._select(self._records, kind, service, since, match)
                else:  # only what arrived since the last look needs examining
                    found += self._select(self._newer_than(looked_to), kind, service, since, match)
                looked_to, generation = self._seq, self._generation
            return found, self._seq

    def _newer_than(self, seq: int) -> list[tuple[dict, str]]:
        newer = []
        for entry in reversed(self._records):
            if entry[0]["seq"] <= seq:
                break
            newer.append(entry)
        return newer[::-1]

    @staticmethod
    def _select(entries: Iterable[tuple[dict, str]], kind, service, since, match) -> list[dict]:
        return [record for record, text in entries
                if record["seq"] > since
                and (kind is None or record["kind"] == kind)
                and (service is None or record["service"] == service)
                and (match is None or match in text)]
