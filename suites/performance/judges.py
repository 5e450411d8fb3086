"""Judges of the load test: pure functions over the load_test observations and edition parameters.

Every judge first asks whether the load was really generated and measured (measurement_problems):
Locust ran to its end, the locustfile raised nothing, no profile or environment problem, no CPU
warning, event loops on time, and the edition's users held for the whole duration. If not, the
check is ERROR (Inconclusive), never PASS or FAIL: the figures say nothing about the target.

Timings are of served answers only (stats.py), and an operation is timed only when at least
perf.min_success_percent of its requests were served: a target that refuses, errs or answers
nonsense fast is not fast, so a timing check is then ERROR (perf.error_rate judges the failures).

When the profile caps the users below the edition's (limits.max_users), the load is run at the
cap: a threshold missed even at that lower load is a FAIL; a threshold met is ERROR, since the
edition's load was not tried. perf.concurrent_users is always ERROR then.
"""
from __future__ import annotations

from harness.judging import Inconclusive
from harness.measured import Measurements, number

PUBLIC_OPERATIONS = ("list_procedures", "get_procedure", "search_procedures", "lookup_dossier", "submit_dossier")
SEARCH_OPERATIONS = ("search_procedures", "lookup_dossier")
SESSION_PROBE = "list_my_dossiers"
# How late, on average, the generator's event loop may wake up before its timings are doubted
# (a response is timed when the loop gets to it, so an average is inflated by about this much):
# 5 % of the response-time threshold judged, and never more than LOOP_LAG_LIMIT_MS.
LOOP_LAG_SHARE = 0.05
LOOP_LAG_LIMIT_MS = 100.0
MAX_LISTED = 8


# ------------------------------------------------------------------ was the load generated and measured?

def measurement_problems(obs: dict, users: int, duration_s: float, lag_limit_ms: float = LOOP_LAG_LIMIT_MS) -> list[str]:
    """Why the load asked for was not generated or measured (empty: it was)."""
    problems = list(obs.get("errors") or [])
    settings, gen = obs.get("settings"), obs.get("generator")
    if settings is None or gen is None:
        return problems or ["kiểm thử tải không chạy — the load test did not run"]
    if gen.get("killed"):
        problems.append(f"Locust không tự dừng trong {settings['hard_stop_s']:.0f} s và đã bị buộc dừng — Locust outlived "
                        "its hard stop and was killed (see locust.log)")
    elif gen.get("exit_code") != 0:
        problems.append(f"Locust kết thúc với mã {gen.get('exit_code')} — Locust ended with exit code "
                        f"{gen.get('exit_code')} (see locust.log and locust_stdout_tail.txt)")
    if not gen.get("reported"):
        problems.append("không có báo cáo của bộ tạo tải — the locustfile wrote no generator report")
        return problems
    for row in obs.get("exceptions") or []:
        problems.append(f"locustfile lỗi — the locustfile raised ({row['count']}×): {row['message']}")
    for row in obs.get("failures") or []:
        if row["kind"] == "config":
            problems.append(f"cấu hình — configuration ({row['operation']}, {row['count']}×): {row['error']}")
    if gen.get("cpu_warning") or gen.get("worker_cpu_warning"):
        problems.append("bộ tạo tải quá tải CPU (cảnh báo CPU của Locust) — Locust's CPU warning: the generator was "
                        "saturated; use load.processes or remote workers (load.master)")
    processes, reported = gen.get("workers") or 1, len(gen.get("loop_lag") or [])
    if reported < processes:  # an unreported loop may have run late: its response times are unverified
        problems.append(f"{processes - reported}/{processes} tiến trình tạo tải không báo độ trễ vòng sự kiện — "
                        f"{processes - reported} of {processes} generator processes did not report how late their "
                        "event loop ran (a busy machine), so their response times cannot be trusted")
    lag = gen.get("loop_lag_mean_ms")
    if lag is not None and lag > lag_limit_ms:
        problems.append(f"vòng sự kiện của bộ tạo tải trễ trung bình {lag:.0f} ms > {lag_limit_ms:.0f} ms — the "
                        "generator's event loop ran late on average, so its response times are not trustworthy; "
                        "the machine is too busy")
    planned_users = settings["users"]
    fewest = gen.get("fewest_users_sustained")
    if fewest is None or fewest < planned_users:
        problems.append(f"chỉ duy trì được {fewest or 0}/{planned_users} người dùng — the generator held "
                        f"{fewest or 0} of {planned_users} users between spawning and stopping")
    by_class = gen.get("users_by_class") or {}
    if settings.get("logged_in_users") and by_class.get("CitizenUser", 0) != settings["logged_in_users"]:
        problems.append(f"{by_class.get('CitizenUser', 0)}/{settings['logged_in_users']} người dùng đăng nhập được "
                        "tạo — fewer logged-in users were started than planned")
    sustained = gen.get("sustained_s") or 0.0
    if sustained < duration_s:
        problems.append(f"tải đủ {planned_users} người dùng chỉ kéo dài {sustained:.1f} s < {duration_s:g} s — the full "
                        f"load lasted {sustained:.1f} s, less than the duration {duration_s:g} s")
    return problems


def _require_measured(obs: dict, users: int, duration_s: float, lag_limit_ms: float = LOOP_LAG_LIMIT_MS) -> None:
    problems = measurement_problems(obs, users, duration_s, lag_limit_ms)
    if problems:
        raise Inconclusive("không tạo hoặc không đo được tải yêu cầu — the load asked for could not be generated or "
                           "measured: " + "; ".join(problems))


def lowered(obs: dict, users: int) -> str | None:
    """Why the load ran with fewer users than the edition asks (None: it did not)."""
    ran = (obs.get("settings") or {}).get("users", 0)
    if ran >= users:
        return None
    return (obs["settings"].get("lowered_reason")
            or f"tải chạy với {ran} người dùng < {users} — the load ran with {ran} users, the edition asks {users}")


def _conclude(failures: list[str], passed: str, obs: dict, users: int) -> None:
    """FAIL on failures (even at a lowered load); ERROR if it passed only at a lowered load."""
    low = lowered(obs, users)
    if failures:
        shown = failures[:MAX_LISTED] + ([f"… và {len(failures) - MAX_LISTED} nữa"] if len(failures) > MAX_LISTED else [])
        message = "; ".join(shown)
        if low:
            message += (f" — dù chỉ với {obs['settings']['users']} người dùng (even at {obs['settings']['users']} users, "
                        f"fewer than the edition's {users})")
        raise AssertionError(message)
    if low:
        raise Inconclusive(f"{passed}, nhưng chưa thử ở mức tải của phiên bản — but not at the edition's load: {low}")


def success_percent(entry: dict) -> float:
    """Share of an operation's requests that were served (an answer of the promised shape)."""
    requests = entry.get("requests") or 0
    successes = entry.get("successes", requests - (entry.get("failures") or 0))
    return 100.0 * successes / requests if requests else 0.0


def _unserved(obs: dict, op: str, entry: dict, min_success_percent: float) -> str | None:
    """Why `op`'s timings cannot be judged: too few of its requests were served (None: enough)."""
    share = success_percent(entry)
    if share >= min_success_percent:
        return None
    worst = sorted((r for r in obs.get("failures") or [] if r["operation"] == op), key=lambda r: -r["count"])
    why = f" ({worst[0]['error']} ×{worst[0]['count']})" if worst else ""
    return (f"{op}: chỉ {share:.0f}% yêu cầu được phục vụ < {min_success_percent:g}% — only {share:.0f}% of "
            f"{entry['requests']} requests were served{why}; thời gian của câu trả lời lỗi không được tính — the "
            "time of a failed answer says nothing of the target's speed")


def _measured_operations(obs: dict, wanted: tuple[str, ...], what: str, every_one: bool,
                         min_success_percent: float) -> tuple[dict[str, dict], list[str]]:
    """The wanted operations the users sent with enough of their requests served, and why each of
    the others is not measured: a planned operation without a completed request, one mostly
    failed, or (every_one: the check needs all of them) one left out of the load."""
    planned = set((obs.get("mix") or {}).get("public") or {}) | set((obs.get("mix") or {}).get("citizen") or {})
    if not planned & set(wanted):
        raise Inconclusive(f"không có thao tác {what} nào trong tải — no {what} operation was part of the load "
                           f"({', '.join(wanted)}); notes: {_notes(obs)}")
    measured, unmeasured = {}, []
    for op in wanted:
        entry = (obs.get("operations") or {}).get(op)
        if op not in planned:
            if every_one:
                unmeasured.append(f"{op} không được đo dưới tải — {op} not measured under load; notes: {_notes(obs)}")
        elif not entry or not entry.get("requests"):
            unmeasured.append(f"{op}: không có yêu cầu nào hoàn tất dưới tải — no {op} request completed under load")
        elif _unserved(obs, op, entry, min_success_percent):
            unmeasured.append(_unserved(obs, op, entry, min_success_percent))
        else:
            measured[op] = entry
    return measured, unmeasured


def _notes(obs: dict) -> str:
    return "; ".join(obs.get("notes") or []) or "none"


def _conclude_measured(slow: list[str], unmeasured: list[str], passed: str, obs: dict, users: int) -> None:
    """A measured operation over its threshold is FAIL even when another could not be measured (that
    one cannot undo the failure; the message names it); with none over, an unmeasured one is ERROR."""
    if slow and unmeasured:
        slow = slow + [f"(chưa đo được — also not measured: {'; '.join(unmeasured)})"]
    if not slow and unmeasured:
        raise Inconclusive("; ".join(unmeasured))
    _conclude(slow, passed, obs, users)


def _note_operations(ops: dict[str, dict], key: str, label: str, limit_ms: float, measured: Measurements) -> None:
    """Each operation's figure against the threshold, for the record (harness.measured)."""
    for op, e in ops.items():
        value = e.get(key) or 0
        measured.note(f"{op}: {label} {number(value)} ms {'≤' if value <= limit_ms else '>'} "
                      f"{number(limit_ms)} ms; {e['requests']} yêu cầu, {e.get('failures', 0)} lỗi",
                      ok=value <= limit_ms, value=value, limit=limit_ms, unit="ms")


def _load_label(obs: dict) -> str:
    s = obs["settings"]
    return f"{s['users']} người dùng trong {s['duration_s']:g} s ({s['users']} users for {s['duration_s']:g} s)"


# ------------------------------------------------------------------ the checks

def avg_response(obs: dict, avg_ms: float, users: int, duration_s: float, min_success_percent: float,
                 measured: Measurements) -> None:
    """perf.avg_response: each public operation's average response time is within the edition's."""
    _require_measured(obs, users, duration_s, min(LOOP_LAG_LIMIT_MS, LOOP_LAG_SHARE * avg_ms))
    ops, unmeasured = _measured_operations(obs, PUBLIC_OPERATIONS, "công khai (public)", every_one=False,
                                           min_success_percent=min_success_percent)
    _note_operations(ops, "avg_ms", "TB", avg_ms, measured)
    slow = [f"{op}: trung bình {e['avg_ms']:.0f} ms > {avg_ms:g} ms (average over {e['requests']} requests) — "
            f"{_load_label(obs)}" for op, e in ops.items() if e["avg_ms"] > avg_ms]
    _conclude_measured(slow, unmeasured, f"thời gian phản hồi trung bình đạt — averages within {avg_ms:g} ms", obs, users)


def search_response(obs: dict, search_ms: float, users: int, duration_s: float, min_success_percent: float,
                    measured: Measurements) -> None:
    """perf.search_response: procedure search and dossier lookup each average within the search threshold."""
    _require_measured(obs, users, duration_s, min(LOOP_LAG_LIMIT_MS, LOOP_LAG_SHARE * search_ms))
    ops, unmeasured = _measured_operations(obs, SEARCH_OPERATIONS, "tra cứu (search)", every_one=True,
                                           min_success_percent=min_success_percent)
    _note_operations(ops, "avg_ms", "TB", search_ms, measured)
    slow = [f"{op}: trung bình {e['avg_ms']:.0f} ms > {search_ms:g} ms (average over {e['requests']} requests) — "
            f"{_load_label(obs)}" for op, e in ops.items() if e["avg_ms"] > search_ms]
    _conclude_measured(slow, unmeasured, f"tra cứu trung bình đạt — searches within {search_ms:g} ms", obs, users)


def max_response(obs: dict, max_ms: float, users: int, duration_s: float, min_success_percent: float,
                 measured: Measurements) -> None:
    """perf.max_response: no served answer of the load took longer than the edition's maximum."""
    _require_measured(obs, users, duration_s, min(LOOP_LAG_LIMIT_MS, LOOP_LAG_SHARE * max_ms))
    ops = {op: e for op, e in (obs.get("operations") or {}).items() if e.get("requests")}
    if not ops:
        raise Inconclusive("không có yêu cầu nào hoàn tất dưới tải — no request completed under load")
    unmeasured = [why for op, e in ops.items() if (why := _unserved(obs, op, e, min_success_percent))]
    _note_operations(ops, "max_ms", "chậm nhất", max_ms, measured)
    slow = [f"{op}: chậm nhất {e['max_ms']:.0f} ms > {max_ms:g} ms (slowest of {e['requests']} requests) — "
            f"{_load_label(obs)}" for op, e in ops.items() if (e.get("max_ms") or 0) > max_ms]
    timeout_ms = obs["settings"]["request_timeout_s"] * 1000
    cut = sum(e.get("failure_kinds", {}).get("timeout", 0) for e in ops.values())
    if not slow and cut and timeout_ms < max_ms:
        raise Inconclusive(f"{cut} yêu cầu bị cắt sau {timeout_ms / 1000:g} s (limits.request_timeout_s), trước ngưỡng "
                           f"{max_ms:g} ms — {cut} requests were cut by the profile's timeout before the maximum: "
                           "their duration is unknown")
    _conclude_measured(slow, unmeasured, f"không yêu cầu nào vượt {max_ms:g} ms — no request over {max_ms:g} ms",
                       obs, users)


def error_rate(obs: dict, error_rate_percent: float, users: int, duration_s: float, measured: Measurements) -> None:
    """perf.error_rate: failed requests (no answer, timeouts, 5xx, any unexpected status) within the rate."""
    _require_measured(obs, users, duration_s)
    ops = obs.get("operations") or {}
    total = sum(e.get("requests", 0) for e in ops.values())
    if not total:
        raise Inconclusive("không có yêu cầu nào hoàn tất dưới tải — no request completed under load")
    failed = sum(e.get("failures", 0) for e in ops.values())
    rate = 100.0 * failed / total
    measured.note(f"tỷ lệ lỗi {number(rate, 2)} % {'≤' if rate <= error_rate_percent else '>'} "
                  f"{number(error_rate_percent, 2)} %; {total} yêu cầu, {failed} lỗi",
                  ok=rate <= error_rate_percent, value=rate, limit=error_rate_percent, unit="%")
    failures = []
    if rate > error_rate_percent:
        worst = sorted(obs.get("failures") or [], key=lambda r: -r["count"])
        detail = ", ".join(f"{r['operation']} {r['error']} ×{r['count']}" for r in worst[:MAX_LISTED])
        failures.append(f"tỷ lệ lỗi {rate:.2f}% > {error_rate_percent:g}% ({failed}/{total} requests failed — "
                        f"{_load_label(obs)}): {detail}")
    _conclude(failures, f"tỷ lệ lỗi {rate:.2f}% đạt — error rate within {error_rate_percent:g}%", obs, users)


def concurrent_users(obs: dict, users: int, duration_s: float, min_success_percent: float,
                     measured: Measurements) -> None:
    """perf.concurrent_users: the edition's users held for the duration, served, and logged-in users
    kept their sessions."""
    _require_measured(obs, users, duration_s)
    low = lowered(obs, users)
    held = (obs.get("generator") or {}).get("fewest_users_sustained") or 0
    measured.note(f"duy trì {held} người dùng {'≥' if held >= users else '<'} {users} người dùng trong "
                  f"{number(duration_s)} s", ok=held >= users, value=held, limit=users)
    if low:
        raise Inconclusive(f"không thử được số người dùng của phiên bản — the edition's users were not tried: {low}")
    citizen = (obs.get("mix") or {}).get("citizen") or {}
    if not citizen:
        raise Inconclusive("không có người dùng đăng nhập trong tải: hồ sơ mục tiêu không có tài khoản công dân đăng nhập "
                           "qua API được — no logged-in users under load: no citizen account of the profile can log in "
                           "through the API (password_env or token_env, not reserved), or load.logged_in_users is 0")
    ops = obs.get("operations") or {}
    problems = []
    login = ops.get("login") or {}
    if login.get("failures"):
        problems.append(f"đăng nhập thất bại {login['failures']}/{login['requests']} lần dưới tải — "
                        f"{login['failures']} of {login['requests']} logins failed under load")
    for row in obs.get("failures") or []:
        if row["kind"] == "session":
            problems.append(f"{row['operation']}: phiên đăng nhập bị từ chối {row['count']} lần — the logged-in session "
                            f"was refused {row['count']} times ({row['error']})")
    if not problems and SESSION_PROBE in citizen and not (ops.get(SESSION_PROBE) or {}).get("requests"):
        raise Inconclusive(f"{SESSION_PROBE}: người dùng đăng nhập chưa gửi yêu cầu nào — logged-in users sent no "
                           "request in their session, so it was not exercised")
    unserved = [why for op, e in ops.items() if e.get("requests") and (why := _unserved(obs, op, e, min_success_percent))]
    if not problems and unserved:
        raise Inconclusive("người dùng được giữ nhưng không được phục vụ — the users were held but not served: "
                           + "; ".join(unserved[:MAX_LISTED]))
    _conclude([f"{p} — {_load_label(obs)}" for p in problems], "", obs, users)
