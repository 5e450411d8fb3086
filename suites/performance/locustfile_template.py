"""dokiem — kiểm thử tải (load test): the locustfile of one run.

suites/performance/plan.py writes this file with the run's plan in PLAN and hands it to Locust,
which runs it in its own process (the harness never imports it: Locust patches the standard
library when imported). It needs only Locust, and jmespath when users log in with a token.

Nothing here is secret: passwords and tokens are read from the environment variables the plan
names, so a remote worker (`locust --worker --master-host <master> -f -`, which downloads this
file from the master) needs those variables set too.

Each simulated user waits PLAN["wait_s"] between requests and sends one request of its mix at a
time, chosen by weight. Logged-in users (CitizenUser) log in once, when they start. Every request
carries PLAN["request_timeout_s"]. The master (or the single process) writes what the harness
needs to judge whether the load was really generated into the file named by DOKIEM_LOAD_REPORT.

Only a served answer is a success: the expected status, and the answer the operation promises
(request["answer"]: JSON when the profile maps its values with JMESPath, each mapped value present
and of its shape). A failed, refused or unusable answer is reported under the operation's name
with FAILED_SUFFIX, so its response time never joins the timings of served answers. Every request
is bounded by one wall-clock deadline (the request timeout), not only per read.
"""
from __future__ import annotations

import atexit
import base64
import json
import os
import random
import tempfile
import time

import gevent
from locust import HttpUser, between, events, task
from locust.runners import MasterRunner, WorkerRunner

PLAN: dict = {}  # dokiem:plan — the generator replaces this line with the run's plan

REPORT_ENV = "DOKIEM_LOAD_REPORT"
FAILED_SUFFIX = " (failed)"  # stats.py merges "<operation> (failed)" back into the operation
PASSWORD_MARK = "<<dokiem:password>>"
SAMPLE_INTERVAL_S = 0.25


# ------------------------------------------------------------------ TLS

def _tls_verify():
    """What requests takes as `verify`: the plan's CA (written to a private file), or a boolean."""
    tls = PLAN.get("tls") or {}
    if tls.get("ca_pem"):
        handle = tempfile.NamedTemporaryFile("w", suffix=".pem", prefix="dokiem-ca-", delete=False)
        handle.write(tls["ca_pem"])
        handle.close()
        creator = os.getpid()  # forked local workers share the file: only its creator removes it

        def remove():
            if os.getpid() == creator and os.path.exists(handle.name):
                os.unlink(handle.name)

        atexit.register(remove)
        return handle.name
    return bool(tls.get("verify", True))


VERIFY = _tls_verify()


# ------------------------------------------------------------------ one request

def _ok(status: int, expect) -> bool:
    return status in expect if expect else 200 <= status < 300


def _no_answer(error) -> str:
    name = type(error).__name__
    if "Timeout" in name or "timed out" in str(error):
        return f"[timeout] không có phản hồi trong {PLAN['request_timeout_s']} s — no answer within the timeout"
    return f"[no-answer] không có phản hồi — no answer: {name}"


_NEXT_SLOT = [0.0]


def polite() -> None:
    """limits.requests_per_second binds the whole load test: this process sends at most one
    request per PLAN["request_interval_s"], whatever its users' think time. Users are greenlets
    of one process, so the slot is taken without a lock; the wait is not part of any timing."""
    interval = PLAN.get("request_interval_s") or 0.0
    now = time.monotonic()
    slot = max(now, _NEXT_SLOT[0])
    _NEXT_SLOT[0] = slot + interval
    if slot > now:
        gevent.sleep(slot - now)


def owe(hops: int) -> None:
    """Redirect hops were requests too: the process's next request waits for them as well (a wait
    inside a measured request would add dokiem's own pause to the target's response time)."""
    _NEXT_SLOT[0] = max(_NEXT_SLOT[0], time.monotonic()) + hops * (PLAN.get("request_interval_s") or 0.0)


SHAPES = {"list": list, "object": dict}


def _shape_problem(name: str, value, shape: str):
    if value is None or value == "" or value == {}:
        return f"thiếu '{name}' — '{name}' missing from the answer"
    wanted = SHAPES.get(shape)
    if wanted is not None and not isinstance(value, wanted):
        return f"'{name}' không phải {shape} — '{name}' is not a {shape} ({type(value).__name__})"
    return None


def refused_in_body(response, refused_when: str | None) -> str | None:
    """The profile's envelope rule (harness/envelope.py): an HTTP 2xx whose JSON body refuses."""
    if not refused_when:
        return None
    import jmespath

    try:
        data = response.json()
    except ValueError:
        return None
    return f"thân trả lời là lời từ chối — the body refuses ({refused_when})" if jmespath.search(refused_when, data) else None


def answer_problem(response, answer) -> str | None:
    """Why the answer is not the one the operation promises (None: it is). `answer`:
    {"json": True when a value is read with JMESPath, "returns": {name: [expression, shape]}}."""
    if answer is None:
        return None  # the login: its own validation reads the session
    if not response.content.strip():
        return "câu trả lời rỗng — empty answer"
    data = None
    if answer.get("json"):
        ctype = response.headers.get("Content-Type", "")
        if "json" not in ctype.lower():
            return f"không phải JSON — not JSON (Content-Type: {ctype or 'none'})"
        try:
            data = response.json()
        except ValueError:
            return "JSON không đọc được — unreadable JSON"
    elif "json" in response.headers.get("Content-Type", "").lower() and response.content.strip() in (b"{}", b"[]", b"null"):
        return "câu trả lời JSON rỗng — an empty JSON answer"
    for name, (expression, shape) in (answer.get("returns") or {}).items():
        if expression.startswith("$header:"):
            value, shape = response.headers.get(expression.split(":", 1)[1]), "text"
        elif expression in ("$body", "$text"):
            value, shape = response.content, "text"
        elif expression.startswith("$"):
            continue  # $status, $url: nothing to ask of them
        else:
            import jmespath

            value = jmespath.search(expression, data)
        problem = _shape_problem(name, value, shape)
        if problem:
            return problem
    return None


def _deadline_failure(operation: str, method: str, started: float) -> None:
    events.request.fire(request_type=method, name=operation + FAILED_SUFFIX,
                        response_time=(time.perf_counter() - started) * 1000, response_length=0,
                        exception=Exception(f"[timeout] không xong trong {PLAN['request_timeout_s']} s — no whole "
                                            "answer within the request's deadline"), context={})


def send(user, operation: str, request: dict, validate=None) -> bool:
    """Send one planned request under the operation's name; True when it succeeded.

    Failure messages start with a tag the harness counts: [http] wrong status, [session] a
    logged-in request refused (401/403), [timeout], [no-answer], [answer] unusable answer.
    """
    polite()
    kwargs = {"name": operation, "catch_response": True, "timeout": PLAN["request_timeout_s"],
              "allow_redirects": True, "headers": dict(request.get("headers") or {}),
              "verify": VERIFY}  # per request: REQUESTS_CA_BUNDLE would replace a session's own CA
    if request.get("anonymous") and user.session_header:
        kwargs["headers"][user.session_header] = None  # requests drops it: no session on public operations
    for key in ("params", "json", "data"):
        if request.get(key) is not None:
            kwargs[key] = request[key]
    if request.get("files"):
        kwargs["files"] = [(f["field"], (f["name"], base64.b64decode(f["content_b64"]), f["content_type"]))
                           for f in request["files"]]
    started = time.perf_counter()
    try:
        # the timeout above is per read: a target that drips its answer is cut here, as a whole
        with gevent.Timeout(PLAN["request_timeout_s"]):
            context = user.client.request(request["method"], request["url"], **kwargs)
    except gevent.Timeout:
        _deadline_failure(operation, request["method"], started)
        return False
    with context as response:
        status = response.status_code or 0
        if not status:
            problem = _no_answer(response.error)
        elif not _ok(status, request.get("expect")):
            if user.logged_in and not request.get("anonymous") and status in (401, 403):
                problem = f"[session] phiên đăng nhập bị từ chối — session refused: HTTP {status}"
            else:
                problem = f"[http] HTTP {status}"
        else:
            problem = (refused_in_body(response, request.get("refused_when")) or answer_problem(response, request.get("answer"))
                       or (validate(response) if validate else None))
            problem = f"[answer] {problem}" if problem else None
        if problem:
            response.request_meta["name"] = operation + FAILED_SUFFIX  # kept apart from served answers' timings
            response.failure(problem)
        else:
            response.success()
        owe(len(getattr(response, "history", None) or []))
    return problem is None


def _with_password(value, password: str):
    if isinstance(value, str):
        return value.replace(PASSWORD_MARK, password)
    if isinstance(value, dict):
        return {k: _with_password(v, password) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_password(v, password) for v in value]
    return value


def _extract(expression: str, response):
    if expression.startswith("$header:"):
        return response.headers.get(expression.split(":", 1)[1])
    import jmespath  # only logged-in users with a token need it

    try:
        return jmespath.search(expression, response.json())
    except ValueError:
        return None


def config_failure(name: str, message: str) -> None:
    """A problem of the profile or the worker's environment, not of the target: counted apart."""
    events.request.fire(request_type="CONFIG", name=name + FAILED_SUFFIX, response_time=0, response_length=0,
                        exception=Exception(f"[config] {message}"), context={})


# ------------------------------------------------------------------ users

class Visitor(HttpUser):
    """Shared by every simulated user: TLS, user agent, one weighted request per task."""

    abstract = True
    host = PLAN.get("host")
    wait_time = between(*(PLAN.get("wait_s") or (1, 3)))
    mix: list = []
    session_header = None
    logged_in = False

    def on_start(self):
        self.client.headers["User-Agent"] = PLAN.get("user_agent", "dokiem")

    def one_request(self):
        entry = random.choices(self.mix, weights=[m["weight"] for m in self.mix])[0]
        send(self, entry["operation"], random.choice(entry["requests"]))


class PublicVisitor(Visitor):
    """An anonymous visitor: catalogue, procedure pages, search, public lookup."""

    weight = 1
    mix = PLAN.get("public_mix") or []

    @task
    def browse(self):
        self.one_request()


_ACCOUNTS_TAKEN = [0]


class CitizenUser(Visitor):
    """A citizen who logs in once and keeps working in that session, one account each."""

    abstract = not (PLAN.get("citizen") or {}).get("users")  # no logged-in users planned: class unused
    fixed_count = (PLAN.get("citizen") or {}).get("users", 0)
    mix = (PLAN.get("citizen") or {}).get("mix") or []

    def on_start(self):
        super().on_start()
        citizen = PLAN["citizen"]
        accounts = citizen["accounts"]
        # one account per user: across local or remote worker processes, slot w takes accounts
        # w, w + slots, w + 2 * slots, ... (citizen["worker_slots"] processes in all)
        runner = self.environment.runner
        worker = getattr(runner, "worker_index", 0) if isinstance(runner, WorkerRunner) else 0
        taken = _ACCOUNTS_TAKEN[0]
        _ACCOUNTS_TAKEN[0] += 1
        account = accounts[(worker + taken * citizen["worker_slots"]) % len(accounts)]
        self.logged_in = self.log_in(citizen, account)
        if not self.logged_in:
            self.mix = PLAN["public_mix"]  # the failed login is counted; go on as a visitor

    def log_in(self, citizen: dict, account: dict) -> bool:
        """Open the account's session: a token from the environment, or the login request."""
        token = os.environ.get(account["token_env"]) if account.get("token_env") else None
        if token is None:
            password = os.environ.get(account.get("password_env") or "")
            if account.get("login") is None or not password:
                where = account.get("password_env") or account.get("token_env")
                config_failure("login", f"no password or token in ${where} for {account['username']} on this "
                               "machine — thiếu mật khẩu/token trong biến môi trường của máy chạy tải")
                return False
            found = {}

            def take_token(response):
                if not citizen.get("token"):
                    return None  # a cookie session: the client keeps it
                found["token"] = _extract(citizen["token"], response)
                return None if found["token"] else "đăng nhập không trả về phiên — login returned no session token"

            if not send(self, "login", _with_password(account["login"], password), validate=take_token):
                return False
            token = found.get("token")
        header = citizen.get("header")
        if token and header:
            self.client.headers[header] = citizen.get("header_value", "Bearer ${session}").replace("${session}", token)
            self.session_header = header
        return True

    @task
    def work(self):
        self.one_request()


# ------------------------------------------------------------------ what the harness needs to judge

REPORT: dict = {"started_at": None, "spawned_at": None, "stopping_at": None, "users_by_class": None,
                "workers": 0, "user_samples": [], "loop_lag": []}
_LAG_MS: list = []
LAG_REPORT_WAIT_S = 10.0  # how long the master waits at the stop for its workers' loop reports
_SAMPLER: list = []
_STEADY = [False]  # between "all users spawned" and the stop: the window the judges look at


def _lag_summary(source: str) -> dict:
    values = sorted(_LAG_MS)
    if not values:
        return {"source": source, "samples": 0, "mean_ms": None, "p95_ms": None, "max_ms": None}
    return {"source": source, "samples": len(values), "mean_ms": round(sum(values) / len(values), 1),
            "p95_ms": round(values[int(0.95 * (len(values) - 1))], 1), "max_ms": round(values[-1], 1)}


def _sample(environment) -> None:
    """Every SAMPLE_INTERVAL_S: the user count (master or single process) and, while the full load
    runs, how late this process's event loop wakes up (a late loop measures response times late)."""
    runner = environment.runner
    while True:
        before = time.monotonic()
        gevent.sleep(SAMPLE_INTERVAL_S)
        if _STEADY[0]:
            _LAG_MS.append(max(0.0, (time.monotonic() - before - SAMPLE_INTERVAL_S) * 1000))
        if not isinstance(runner, WorkerRunner):
            REPORT["user_samples"].append([round(time.time(), 3), runner.user_count])


@events.init.add_listener
def _on_init(environment, **_):
    if not isinstance(environment.runner, WorkerRunner):
        environment.runner.register_message("dokiem_lag", lambda msg, **_: REPORT["loop_lag"].append(msg.data))


@events.test_start.add_listener
def _on_test_start(environment, **_):
    if REPORT["started_at"] is None:
        REPORT["started_at"] = time.time()
    if not _SAMPLER:
        _SAMPLER.append(gevent.spawn(_sample, environment))


_ENV: list = []


@events.init.add_listener
def _keep_environment(environment, **_):
    _ENV.append(environment)


@events.spawning_complete.add_listener
def _on_spawned(user_count, **_):
    _STEADY[0] = True
    runner = _ENV[0].runner if _ENV else None
    if runner is None or isinstance(runner, WorkerRunner) or REPORT["spawned_at"] is not None:
        return
    REPORT["spawned_at"] = time.time()
    # a master runs no users itself: it knows them from its workers' reports
    REPORT["users_by_class"] = dict(getattr(runner, "reported_user_classes_count", None) or runner.user_classes_count)
    if isinstance(runner, MasterRunner):
        REPORT["workers"] = len(runner.clients.ready) + len(runner.clients.spawning) + len(runner.clients.running)


@events.test_stopping.add_listener
def _on_stopping(environment, **_):
    _STEADY[0] = False
    if not isinstance(environment.runner, WorkerRunner) and REPORT["stopping_at"] is None:
        REPORT["stopping_at"] = time.time()


@events.test_stop.add_listener
def _on_test_stop(environment, **_):
    for greenlet in _SAMPLER:
        greenlet.kill(block=False)
    runner = environment.runner
    if isinstance(runner, MasterRunner):
        # The master runs no users; its workers report their own loop, each from its own test_stop.
        # The master gets here as soon as the workers report no users, which can be before a
        # busy worker's report arrives: wait for them, briefly (the listener still runs meanwhile).
        deadline = time.monotonic() + LAG_REPORT_WAIT_S
        while len(REPORT["loop_lag"]) < len(runner.clients.all) and time.monotonic() < deadline:
            gevent.sleep(0.1)
        return
    source = f"worker {runner.worker_index}" if isinstance(runner, WorkerRunner) else "local"
    runner.send_message("dokiem_lag", _lag_summary(source))


@events.quitting.add_listener
def _on_quitting(environment, **_):
    runner = environment.runner
    path = os.environ.get(REPORT_ENV)
    if isinstance(runner, WorkerRunner) or not path:
        return
    REPORT["cpu_warning"] = bool(runner.cpu_warning_emitted)
    REPORT["worker_cpu_warning"] = bool(getattr(runner, "worker_cpu_warning_emitted", False))
    with open(path, "w", encoding="utf-8") as stream:
        json.dump(REPORT, stream, ensure_ascii=False, indent=1)

