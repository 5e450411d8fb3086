"""The load test's settings and plan: who Locust simulates, what they send, for how long.

Settings come from the edition (users, duration), the profile's limits (max_users, request
timeout) and its `load:` section (think time, logged-in users, worker processes, a remote master,
submissions); the plan is what the generated locustfile runs: every request already rendered
from the profile's operations, so the Locust process needs neither the harness nor the profile.
The plan holds no secret: passwords stay in the environment variables it names.
"""
from __future__ import annotations

import base64
import math
import os
import pprint
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from harness import envelope
from harness.api import USER_AGENT, ConfigurationError, render_operation

TEMPLATE = Path(__file__).with_name("locustfile_template.py")
PLAN_LINE = re.compile(r"^PLAN: dict = \{\}  # dokiem:plan.*$", re.M)
PASSWORD_MARK = "<<dokiem:password>>"  # the locustfile puts the password from the environment here

DEFAULT_WAIT_S = (1.0, 3.0)        # think time of a real visitor between two clicks
LOGGED_IN_SHARE = 4                # by default at most one user in four logs in
RAMP_USERS_PER_S = 20              # users start over users/20 s, between 1 and 10 s
RAMP_MIN_S, RAMP_MAX_S = 1.0, 10.0
SLACK_S = 1                        # run this much past ramp + duration, so the duration is held in full
LOCUST_START_S = 30                # time Locust may take to start before the hard stop counts the run
HARD_STOP_MARGIN_S = 15            # past ramp + duration + stop timeout, the Locust process is killed

# the mix of one simulated user: (operation, weight); browsing the catalogue is rarer than
# opening a procedure, searching or looking a dossier up
PUBLIC_MIX = (("list_procedures", 1), ("get_procedure", 3), ("search_procedures", 3), ("lookup_dossier", 3))
SESSION_PROBE = ("list_my_dossiers", 10)  # needs the session: half of what a logged-in citizen sends
SUBMIT = ("submit_dossier", 5)          # a fifth of what a logged-in citizen sends, when enabled
# What each operation of the load promises (criteria/checks.yaml `returns`) and the shape of each
# value: an answer counts as served only when every value the profile maps is there, in its shape
ANSWER_SHAPES = {"list_procedures": {"procedures": "list"}, "get_procedure": {"procedure": "object"},
                 "search_procedures": {"procedures": "list"}, "lookup_dossier": {"status_label": "text"},
                 "list_my_dossiers": {"dossiers": "list"}, "submit_dossier": {"dossier_code": "text"}}


@dataclass
class LoadSettings:
    edition_users: int
    users: int
    max_users: int | None
    lowered_reason: str | None
    duration_s: float
    ramp_s: float
    spawn_rate: float
    run_time_s: int
    wait_s: tuple[float, float]
    request_timeout_s: float
    stop_timeout_s: int
    hard_stop_s: float
    processes: int
    master: dict | None
    logged_in_users: int
    submit: bool

    def as_dict(self) -> dict:
        return asdict(self)


def _where(profile) -> str:
    return profile.path.name


def settings_for(profile, parameter, allowed_flags) -> tuple[LoadSettings, list[str]]:
    """The run's load settings, and notes for the record; ConfigurationError on a bad `load:`."""
    load = dict(profile.data.get("load") or {})
    notes: list[str] = []
    edition_users = int(parameter("perf.concurrent_users"))
    max_users = profile.limits.get("max_users")
    users, lowered = edition_users, None
    if max_users is not None and max_users < edition_users:
        users = int(max_users)
        lowered = (f"cấu hình đích giới hạn {max_users} người dùng (limits.max_users) < {edition_users} theo phiên bản "
                   f"— the profile caps the load at {max_users} users, below the edition's {edition_users}")
        notes.append(lowered)
    duration = float(parameter("perf.duration_s"))
    wait = tuple(float(v) for v in load.get("wait_s", DEFAULT_WAIT_S))
    if wait[0] > wait[1]:
        raise ConfigurationError(f"{_where(profile)}: load.wait_s: {list(wait)} — giá trị nhỏ nhất lớn hơn giá trị lớn "
                                 "nhất; write [min, max] seconds, e.g. [1, 3]")
    citizens = usable_citizens(profile)
    wanted = load.get("logged_in_users")
    logged_in = min(len(citizens), users // LOGGED_IN_SHARE) if wanted is None else int(wanted)
    if logged_in > users:
        raise ConfigurationError(f"{_where(profile)}: load.logged_in_users: {logged_in} > {users} users of the load "
                                 "test — số người dùng đăng nhập vượt số người dùng; lower it")
    if logged_in > len(citizens):
        raise ConfigurationError(
            f"{_where(profile)}: load.logged_in_users: {logged_in}, but only {len(citizens)} citizen account(s) can log "
            "in through the API — mỗi người dùng đăng nhập cần một tài khoản công dân riêng (accounts.citizen, "
            "password_env or token_env, not reserved); add accounts or lower load.logged_in_users")
    submit = bool(load.get("submit", False))
    if submit and "mutates" not in allowed_flags:
        notes.append("load.submit bỏ qua: môi trường không cho phép tạo dữ liệu — submissions under load skipped: "
                     "the profile does not allow the mutates flag")
        submit = False
    if submit and "submit_dossier" not in profile.operations:
        raise ConfigurationError(f"{_where(profile)}: load.submit: true, but operation 'submit_dossier' is not "
                                 "configured — chưa khai báo thao tác nộp hồ sơ")
    master = load.get("master")
    processes = int(load.get("processes", 1))
    if master and processes != 1:
        raise ConfigurationError(f"{_where(profile)}: load.processes and load.master together — dùng một trong hai: "
                                 "remote workers start their own processes (locust --worker --processes N)")
    if master:
        master = {"bind_host": "*", "bind_port": 5557, "wait_for_workers_s": 60, **master}
    timeout = float(profile.limits["request_timeout_s"])
    ramp = min(RAMP_MAX_S, max(RAMP_MIN_S, users / RAMP_USERS_PER_S))
    run_time = math.ceil(ramp + duration + SLACK_S)
    stop_timeout = math.ceil(timeout) + 1  # requests in flight at the end finish or time out: none is cut short
    hard_stop = LOCUST_START_S + (master["wait_for_workers_s"] if master else 0) + run_time + stop_timeout \
        + HARD_STOP_MARGIN_S
    return LoadSettings(edition_users, users, max_users, lowered, duration, ramp, round(users / ramp, 2), run_time,
                        (wait[0], wait[1]), timeout, stop_timeout, hard_stop, processes, master, logged_in,
                        submit), notes


def request_interval_s(profile, settings: LoadSettings) -> float:
    """Spacing between two requests of one Locust process, so that the whole load test keeps to
    limits.requests_per_second: the rate is shared by the run's xdist workers (as the API clients
    share it) and then by the Locust processes (local, or the remote workers a master expects)."""
    xdist = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
    if settings.master:
        senders = int(settings.master["expect_workers"])
    else:
        senders = (os.cpu_count() or 1) if settings.processes == -1 else max(settings.processes, 1)
    return round(senders * max(xdist, 1) / float(profile.limits["requests_per_second"]), 6)


def usable_citizens(profile) -> list:
    """Citizen accounts free for general use that can open an API session."""
    return [a for a in profile.accounts("citizen") if a.reserved_for is None and (a.password_env or a.token_env)]


# ------------------------------------------------------------------ rendering requests

def render_request(profile, operation: str, **inputs) -> dict:
    """One concrete request of an operation, as the locustfile sends it (no session in it)."""
    from harness.profile_steps import first_request  # a multi-step operation's first request

    spec = first_request(profile, operation)
    request = render_operation(profile, operation, {**profile.test_data, **inputs})
    rule = envelope.rule_of(profile.data, spec, profile.operations[operation])
    request.update(method=spec["method"], expect=spec.get("expect"), anonymous=bool(spec.get("anonymous")),
                   answer=expected_answer(spec, operation))
    if rule:
        request["refused_when"] = rule["refused_when"]
    if "files" in request:
        request["files"] = [{"field": field, "name": name, "content_type": content_type,
                             "content_b64": base64.b64encode(content).decode("ascii")}
                            for field, name, content, content_type in request["files"]]
    return request


def expected_answer(spec: dict, operation: str) -> dict | None:
    """What the locustfile asks of a served answer: the values the operation promises that the
    profile maps ({name: [expression, shape]}), and JSON when one is read with JMESPath. With none
    mapped, a non-empty answer is all that can be asked. None for the login (its session is read)."""
    if operation not in ANSWER_SHAPES:
        return None
    mapped = spec.get("returns") or {}
    returns = {name: [mapped[name], shape] for name, shape in ANSWER_SHAPES.get(operation, {}).items()
               if name in mapped}
    return {"json": any(not str(expression).startswith("$") for expression, _ in returns.values()),
            "returns": returns}


def _login_plan(profile, settings: LoadSettings) -> dict | None:
    """Accounts of the logged-in users, each with its login request (the password left to the
    locustfile, which reads it from the environment), and how the session is sent."""
    if not settings.logged_in_users:
        return None
    session = profile.session
    login_op = session["login_operation"]
    token_var = session.get("token")
    token_expression = (profile.operations.get(login_op) or {}).get("returns", {}).get(token_var) if token_var else None
    accounts = []
    for account in usable_citizens(profile)[:settings.logged_in_users]:
        row = {"username": account.username, "password_env": account.password_env, "token_env": account.token_env,
               "login": None}
        if account.password_env and login_op in profile.operations:
            row["login"] = render_request(profile, login_op, username=account.username, password=PASSWORD_MARK)
        accounts.append(row)
    return {"accounts": accounts, "token": token_expression, "header": session.get("header", "Authorization"),
            "header_value": session.get("header_value", "Bearer ${session}")}


def build_plan(profile, settings: LoadSettings, samples: dict, run_id: str, submission: dict | None = None) -> dict:
    """The plan the locustfile runs. `samples`: procedure_codes, search_keywords, lookup_codes."""
    variants = {
        "list_procedures": [{}],
        "get_procedure": [{"procedure_code": c} for c in samples["procedure_codes"]],
        "search_procedures": [{"keyword": k} for k in samples["search_keywords"]],
        "lookup_dossier": [{"dossier_code": c} for c in samples["lookup_codes"]],
    }
    # only what the profile maps is sent; an operation it does not map is simply not in the mix
    requests_of = {op: [render_request(profile, op, **inputs) for inputs in variants[op]]
                   for op in variants if op in profile.operations}
    public_mix = [{"operation": op, "weight": weight, "requests": requests_of[op]}
                  for op, weight in PUBLIC_MIX if requests_of.get(op)]
    if not public_mix:
        raise ConfigurationError(
            "the profile maps none of the load test's operations (list_procedures, get_procedure, "
            "search_procedures, lookup_dossier) — cấu hình đích chưa khai báo thao tác nào để kiểm thử tải")
    citizen = None
    login = _login_plan(profile, settings)
    if login is not None:
        mix = list(public_mix)
        if SESSION_PROBE[0] in profile.operations:
            mix.append({"operation": SESSION_PROBE[0], "weight": SESSION_PROBE[1],
                        "requests": [render_request(profile, SESSION_PROBE[0])]})
        if settings.submit and submission is not None:
            mix.append({"operation": SUBMIT[0], "weight": SUBMIT[1],
                        "requests": [render_request(profile, SUBMIT[0], **submission)]})
        slots = settings.master["expect_workers"] if settings.master else max(settings.processes, 1)
        citizen = {"users": settings.logged_in_users, "worker_slots": slots, "mix": mix, **login}
    verify = profile.verify_tls
    tls = {"verify": bool(verify), "ca_pem": Path(verify).read_text(encoding="ascii") if isinstance(verify, str) else None}
    return {"run_id": run_id, "host": profile.base_url("api"), "user_agent": USER_AGENT + " load test",
            "tls": tls, "wait_s": list(settings.wait_s), "request_timeout_s": settings.request_timeout_s,
            "request_interval_s": request_interval_s(profile, settings),
            "public_mix": public_mix, "citizen": citizen}


def mix_summary(plan: dict) -> dict:
    """Which operations each kind of user sends, with weights and request variants (for the record)."""
    def summary(mix):
        return {m["operation"]: {"weight": m["weight"], "variants": len(m["requests"])} for m in mix}

    citizen = plan.get("citizen")
    return {"public": summary(plan["public_mix"]),
            "citizen": ({**summary(citizen["mix"]), "login": {"weight": 0, "variants": len(citizen["accounts"])}}
                        if citizen else {})}


def locustfile_source(plan: dict) -> str:
    """The template with the plan in place of its PLAN line (a Python literal a reader can audit)."""
    template = TEMPLATE.read_text(encoding="utf-8")
    literal = "PLAN: dict = " + pprint.pformat(plan, width=110, sort_dicts=False)
    source, count = PLAN_LINE.subn(lambda _m: literal, template, count=1)
    if count != 1:
        raise RuntimeError(f"{TEMPLATE}: the PLAN line is missing — the template was changed")
    return source
