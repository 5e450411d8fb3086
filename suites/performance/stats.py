"""Locust's output (final JSON statistics, failures and exceptions CSV, the generator report the
locustfile writes) turned into the load test's observations. Pure functions over text.

Response times are Locust's own: from just before the request is sent until the whole answer
is read, in milliseconds. They are of served answers only: the locustfile reports a failed,
refused or unusable answer as "<operation> (failed)", counted here in the operation's requests
and failures but never in its times (a refused connection is not a fast response).
"""
from __future__ import annotations

import csv
import io
import json
import re

FAILED_SUFFIX = " (failed)"  # the locustfile's name for an operation's failed requests
TAG = re.compile(r"\[(http|session|timeout|no-answer|answer|config)\]")


def _percentile(histogram: dict, total: int, share: float) -> float | None:
    """Locust's rounded response-time histogram -> the value below which `share` of requests fall."""
    if not total:
        return None
    wanted = share * total
    seen = 0
    for value, count in sorted(((float(k), int(v)) for k, v in histogram.items())):
        seen += count
        if seen >= wanted:
            return value
    return None


def operations(stats_json: str) -> dict[str, dict]:
    """Per operation: requests, failures, successes, and the times of its served answers: average,
    median, 95th percentile, max (ms; None when none was served)."""
    rows = json.loads(stats_json) if stats_json.strip() else []
    result: dict[str, dict] = {}
    for row in rows:
        total = int(row.get("num_requests", 0))
        failed_row = row["name"].endswith(FAILED_SUFFIX)
        name = row["name"][:-len(FAILED_SUFFIX)] if failed_row else row["name"]
        entry = result.setdefault(name, {"requests": 0, "failures": 0, "successes": 0, "_time": 0.0, "_timed": 0,
                                         "max_ms": None, "_histogram": {}, "last_request_at": None})
        entry["requests"] += total
        failures = total if failed_row else int(row.get("num_failures", 0))
        entry["failures"] += failures
        entry["successes"] += total - failures
        if row.get("last_request_timestamp"):
            entry["last_request_at"] = max(entry["last_request_at"] or 0.0, float(row["last_request_timestamp"]))
        if failed_row:
            continue
        entry["_time"] += float(row.get("total_response_time", 0.0))
        entry["_timed"] += total
        if total:
            entry["max_ms"] = max(entry["max_ms"] or 0.0, float(row.get("max_response_time") or 0.0))
        for key, count in (row.get("response_times") or {}).items():
            entry["_histogram"][key] = entry["_histogram"].get(key, 0) + int(count)
    for entry in result.values():
        total = entry.pop("_timed")  # timed answers (an unsuffixed failure of an older locustfile included)
        entry["avg_ms"] = round(entry.pop("_time") / total, 1) if total else None
        histogram = entry.pop("_histogram")
        entry["max_ms"] = round(entry["max_ms"], 1) if entry["max_ms"] is not None else None
        # Locust's histogram rounds (to 1 ms, 10 ms over 100, 100 ms over 1000): never above the max
        for key, share in (("median_ms", 0.5), ("p95_ms", 0.95)):
            value = _percentile(histogram, total, share)
            entry[key] = min(value, entry["max_ms"]) if value is not None and entry["max_ms"] is not None else value
    return result


def failures(failures_csv: str) -> list[dict]:
    """Locust's failure table: operation, kind (the locustfile's tag), message, count."""
    rows = []
    for row in csv.DictReader(io.StringIO(failures_csv)):
        error = row.get("Error", "")
        tag = TAG.search(error)
        name = row.get("Name", "")
        rows.append({"operation": name[:-len(FAILED_SUFFIX)] if name.endswith(FAILED_SUFFIX) else name, "method": row.get("Method", ""),
                     "kind": tag.group(1) if tag else "other", "error": error[:300],
                     "count": int(row.get("Occurrences") or 0)})
    return rows


def exceptions(exceptions_csv: str) -> list[dict]:
    """Exceptions raised inside the locustfile's own code (a harness fault, never the target's)."""
    return [{"count": int(row.get("Count") or 0), "message": (row.get("Message") or "")[:300]}
            for row in csv.DictReader(io.StringIO(exceptions_csv))]


def count_kinds(operation_failures: list[dict]) -> dict[str, dict[str, int]]:
    """operation -> failure kind -> occurrences."""
    kinds: dict[str, dict[str, int]] = {}
    for row in operation_failures:
        per = kinds.setdefault(row["operation"], {})
        per[row["kind"]] = per.get(row["kind"], 0) + row["count"]
    return kinds


def generator(report_json: str, users: int) -> dict:
    """How the generator ran: when all users were up, when the stop began, the fewest users seen
    in between, CPU warnings, how late the event loops ran (from the locustfile's report)."""
    if not report_json.strip():
        return {"reported": False}
    report = json.loads(report_json)
    spawned, stopping = report.get("spawned_at"), report.get("stopping_at")
    held = [n for t, n in report.get("user_samples") or [] if spawned and stopping and spawned <= t <= stopping]
    lags = report.get("loop_lag") or []
    means = [lag["mean_ms"] for lag in lags if lag.get("mean_ms") is not None]
    return {
        "reported": True,
        "spawned_at": spawned, "stopping_at": stopping,
        "sustained_s": round(stopping - spawned, 2) if spawned and stopping else 0.0,
        "fewest_users_sustained": min(held) if held else None,
        "samples_sustained": len(held),
        "users_by_class": report.get("users_by_class"),
        "workers": report.get("workers", 0),
        "cpu_warning": bool(report.get("cpu_warning")),
        "worker_cpu_warning": bool(report.get("worker_cpu_warning")),
        "loop_lag": lags,
        "loop_lag_mean_ms": max(means) if means else None,  # the latest process's average lateness
        "asked_users": users,
    }
