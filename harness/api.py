"""HTTP client the scenarios use to drive a target through its profile's operations.

An operation of the vocabulary (criteria/checks.yaml) is mapped by the profile onto the vendor's
API: method, path, body template and where the answer's values are (JMESPath). This client fills
the template, sends it with the role's session, keeps a transcript for the evidence, honours the
profile's rate limit and timeouts, and retries only when no connection could be made (a request
that reached the target is never repeated: it may have changed data).
"""
from __future__ import annotations

import time

import requests

from harness import Inconclusive, deadlines, envelope, exercise, target_secrets
from harness.evidence import Exchange, Redactor, Transcript, is_binary
from harness.profile import Account, Profile
from harness.results import OpResult, extract  # noqa: F401 (one home: harness/results.py)
# templates live in harness/profile_values.py; these names stay importable from here
from harness.profile_values import PLACEHOLDER, ConfigurationError, placeholders, render  # noqa: F401
from harness.safety import Withheld, method_effect, operation_effect, refusal
from harness.traffic import Traffic, polite_session

CONNECT_RETRIES = 2
MAX_BODY_IN_TRANSCRIPT = 20_000
USER_AGENT = "dokiem/0 (conformance harness)"  # headers are latin-1: no Vietnamese here


class OperationError(Inconclusive):
    """An operation the scenario depends on did not succeed, so nothing can be judged from it."""


# ------------------------------------------------------------------------- results

# ------------------------------------------------------------------------- the client

def render_operation(profile, operation: str, variables: dict, role: str | None = None) -> dict:
    """The concrete request of a profile operation: url, headers and the requests keyword arguments
    (params, json, data; files as (field, name, content, content_type) tuples). The API client sends
    it; the load test's plan serialises it for the locustfile. A multi-step operation gives its first step."""
    from harness import profile_steps

    spec = profile_steps.for_role(operation, profile.operations[operation], role)
    return profile_steps.render_request(profile, operation, (spec.get("steps") or [spec])[0], variables)


class TargetClient:
    """One account's (or an anonymous) session with the target."""

    def __init__(self, profile: Profile, redactor: Redactor, account: Account | None = None,
                 transcript: Transcript | None = None, traffic: Traffic | None = None):
        self.profile = profile
        # shared with every sender of the run (its rate limit, breaker, refusals); a client on its own has its own
        self.traffic = traffic or Traffic(profile)
        self.account = account
        self.redactor = redactor
        self.transcript = transcript or Transcript(redactor)
        self.limiter = self.traffic.limiter
        self.http = polite_session(self.limiter)  # waits its turn (PoliteAdapter) and can be cut at a deadline
        self.http.verify = profile.verify_tls
        self.http.headers["User-Agent"] = USER_AGENT
        self.http.headers.update(profile.bypass_headers())  # a staging CAPTCHA's bypass (profile staging_bypass)
        self.timeout = float(profile.limits["request_timeout_s"])  # the whole exchange's, not per read
        self.max_bytes = int(float(profile.limits["max_response_mb"]) * deadlines.MEGABYTE)
        self.token: str | None = None
        self.logged_in = False

    @property
    def role(self) -> str | None:
        return self.account.role if self.account else None

    # ---------------------------------------------------------------- session
    def login(self) -> "TargetClient":
        """Open the account's API session: a token from the environment, HTTP Basic, or the login operation."""
        account = self.account
        if account is None or self.logged_in or account.anonymous:
            return self
        session = self.profile.session
        scheme = session.get("scheme", "bearer")
        if account.token:
            self.token = account.token
        else:
            password = self._password(account)
            if scheme == "basic":
                self.http.auth = (account.username, password)
            else:
                result = self.call(session["login_operation"], username=account.username, password=password,
                                   _anonymous=True)
                if not result.ok:
                    raise OperationError(f"login as {account.label} failed — đăng nhập thất bại: {result.describe()}")
                token_var = session.get("token")
                if token_var and scheme == "bearer":
                    self.token = result.vars.get(token_var)
                    if not self.token:
                        raise ConfigurationError(
                            f"login as {account.label} returned no '{token_var}' — đăng nhập không trả về token; "
                            "check operations.login.returns and session.token in the profile")
        if self.token:
            self.use_token(self.token)
        self.logged_in = True
        if session.get("probe"):
            probe = self.call(session["probe"])
            if not probe.ok:
                self.logged_in = False
                raise OperationError(f"the session of {account.label} does not work — phiên đăng nhập không dùng "
                                     f"được: {probe.describe()}")
        return self

    def use_token(self, token: str) -> None:
        """Send `token` with every request of this session, as the profile's session header says
        (session.header, default Authorization; session.header_value, default `Bearer ${session}`)."""
        self.token = token
        self.redactor.add(token)
        session = self.profile.session
        self.http.headers[session.get("header", "Authorization")] = render(
            session.get("header_value", "Bearer ${session}"), {"session": token})

    def _password(self, account) -> str:
        if not account.password_env:
            raise ConfigurationError(
                f"account {account.label} has no password_env or token_env: the API cannot log in — "
                "tài khoản không có password_env/token_env để đăng nhập qua API")
        if account.password is None:
            raise ConfigurationError(
                f"environment variable {account.password_env} is not set (password of {account.label}) — "
                f"chưa đặt biến môi trường {account.password_env}")
        self.redactor.add(account.password)
        return account.password

    def forget_session(self) -> None:
        """Drop the session on our side only (to prove a logged-out token no longer works, keep a copy first)."""
        self.http.cookies.clear()
        self.http.auth = None
        self.http.headers.pop(self.profile.session.get("header", "Authorization"), None)
        self.logged_in = False

    # ---------------------------------------------------------------- operations
    def has(self, operation: str) -> bool:
        return operation in self.profile.operations

    def call(self, operation: str, _anonymous: bool = False, **inputs) -> OpResult:
        """Run one operation; never raises for an HTTP status (checks judge refusals too)."""
        spec = self.profile.operations.get(operation)
        if spec is None:
            raise ConfigurationError(
                f"operation '{operation}' is not configured in the profile — thao tác '{operation}' chưa được "
                f"khai báo trong operations của {self.profile.path.name}")
        self._refuse_unsafe(operation_effect(self.profile, operation), f"operation '{operation}'",
                            spec.get("method", "?"), spec.get("path", ""))
        from harness import profile_steps  # roles, steps, captures and pages (the profile language)

        spec = profile_steps.for_role(operation, spec, self.role)
        if profile_steps.acting_client(self, spec) is not self:
            return profile_steps.acting_client(self, spec).call(operation, _anonymous, **inputs)
        if self.account is not None and not _anonymous and not profile_steps.is_anonymous(spec):
            self.login()
        variables = {**self.profile.test_data, **inputs}
        if profile_steps.needs_engine(spec):
            anonymous = _anonymous or profile_steps.is_anonymous(spec)
            result = profile_steps.run(self, operation, spec, variables, anonymous)
            exercise.note_operation(operation, None if anonymous else self.role, result.status)
            return result
        rendered = render_operation(self.profile, operation, variables, self.role)
        url = rendered.pop("url")
        files = rendered.pop("files", None)
        if files is not None:
            rendered["files"] = [(field, (name, content, content_type)) for field, name, content, content_type in files]
        response, error, elapsed = self._send(spec["method"], url, anonymous=_anonymous or bool(spec.get("anonymous")),
                                              **rendered)
        exercise.note_operation(operation, None if _anonymous or spec.get("anonymous") else self.role,
                                response.status_code if response is not None else None)
        data = None
        if response is not None:
            try:
                data = response.json()
            except ValueError:
                data = None
        expect = spec.get("expect")
        ok = response is not None and (response.status_code in expect if expect else 200 <= response.status_code < 300)
        status, body_said = envelope.read(envelope.rule_of(self.profile.data, spec),
                                          response.status_code if response is not None else None, data)
        ok = ok and not body_said
        result_vars = {}
        if ok:
            for name, expression in (spec.get("returns") or {}).items():
                result_vars[name] = extract(expression, response, data)
        return OpResult(operation, status, ok, result_vars, data,
                        response.content if response is not None else b"",
                        dict(response.headers) if response is not None else {},
                        response.url if response is not None else url, elapsed, error, refused_in_body=body_said)

    def try_call(self, operation: str, **inputs) -> OpResult:
        """`call`, except that an operation the profile does not map is a failed result naming the gap,
        not an exception: a scenario records it and goes on, and only the checks that need the
        operation are ERROR (their declared needs, harness/gaps.py)."""
        if operation not in self.profile.operations:
            return OpResult(operation, None, False, error=f"operation '{operation}' is not configured — chưa khai "
                                                          f"báo thao tác '{operation}' (operations)", unmapped=True)
        return self.call(operation, **inputs)

    def must(self, operation: str, **inputs) -> OpResult:
        """Run an operation the scenario cannot go on without; its failure makes the checks ERROR."""
        result = self.call(operation, **inputs)
        if not result.ok:
            from harness.gaps import note_refusal  # harness.gaps builds on this module

            hint = note_refusal(self, result)
            if hint:
                raise ConfigurationError(hint)
            who = self.account.label if self.account else "anonymous"
            raise OperationError(f"{result.describe()} (as {who}) — thao tác không thành công")
        return result

    def request(self, method: str, url: str, **kwargs) -> requests.Response | None:
        """A raw request through this session (probes of arbitrary URLs); None when nothing answered."""
        self._refuse_unsafe(method_effect(method), f"probe {method} {url}", method, url, probe=True)
        if self.account is not None:
            self.login()
        response, _error, _elapsed = self._send(method, url, **kwargs)
        return response

    def _refuse_unsafe(self, effect: str, what: str, method: str, url: str, probe: bool = False) -> None:
        """Production safety (harness.safety): refuse before sending, and keep the refusal as evidence."""
        reason = refusal(self.profile, effect, what, probe)
        if reason:
            self.transcript.record(Exchange(str(method), str(url), {}, "", None, {}, "", 0.0,
                                            f"KHÔNG GỬI — NOT SENT: {reason}"))
            raise Withheld(reason)

    # ---------------------------------------------------------------- internals
    def _send(self, method: str, url: str, anonymous: bool = False, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        deadline = kwargs["timeout"] if isinstance(kwargs["timeout"], (int, float)) else self.timeout
        kwargs.setdefault("allow_redirects", True)
        # per request: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a Session's own
        # verify (psf/requests#3829), which would drop the profile's CA file
        kwargs.setdefault("verify", self.http.verify)
        error = ""
        response = None
        refused = False
        started = time.monotonic()
        for attempt in range(CONNECT_RETRIES + 1):  # the adapter waits for the rate limit
            started, waited = time.monotonic(), self.limiter.waited()
            try:
                if anonymous:
                    # no session headers or cookies: a fresh request outside the session
                    headers = {k: v for k, v in self.http.headers.items()
                               if k.lower() not in ("authorization", "cookie")}
                    headers.update(kwargs.get("headers") or {})  # get, not pop: a retry sends them again
                    rest = {k: v for k, v in kwargs.items() if k != "headers"}
                    with polite_session(self.limiter) as fresh:
                        response = deadlines.request(fresh, method, url, headers=headers, deadline_s=deadline,
                                                     max_bytes=self.max_bytes, **rest)
                else:
                    # verify given per request: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE
                    # from the environment override a session's own verify (the profile's CA file)
                    response = deadlines.request(self.http, method, url, deadline_s=deadline, max_bytes=self.max_bytes,
                                                 **{"verify": self.http.verify, **kwargs})
                error = ""
                break
            except requests.ConnectionError as exc:
                error = f"{type(exc).__name__}: {exc}"
                refused = not isinstance(exc, requests.exceptions.SSLError) and "Read timed out" not in error
                if "Read timed out" in error or attempt == CONNECT_RETRIES:
                    break
                time.sleep(0.5 * (attempt + 1))
            except requests.Timeout as exc:
                error = f"timeout after {deadline:g} s: {exc}"
                break
            except requests.RequestException as exc:
                error = f"{type(exc).__name__}: {exc}"
                break
        elapsed = max(0.0, time.monotonic() - started - (self.limiter.waited() - waited)) * 1000
        self.traffic.exchanged(url, connected=response is not None or not refused)
        self._record(method, url, kwargs, response, elapsed, error)
        return response, error, elapsed

    def _record(self, method, url, kwargs, response, elapsed, error) -> None:
        if response is not None:  # cookies and anti-forgery tokens the target set are secrets too
            self.redactor.add(*target_secrets.from_requests(response))
        request_headers = dict(response.request.headers) if response is not None else dict(kwargs.get("headers") or {})
        body, request_content = "", None
        if response is not None and response.request.body is not None:
            raw = response.request.body
            if kwargs.get("files"):
                body = f"<multipart: {len(raw)} bytes; fields {sorted((kwargs.get('data') or {}).keys())}>"
            elif isinstance(raw, str):
                body = raw
            elif is_binary(raw, request_headers.get("Content-Type", "")):
                request_content = raw  # stored as a file of its own, never pasted (Transcript.render)
            else:
                body = raw.decode("utf-8", errors="replace") if len(raw) < MAX_BODY_IN_TRANSCRIPT else f"<{len(raw)} bytes>"
        response_body, response_content = "", None
        if response is not None:
            ctype = response.headers.get("Content-Type", "")
            if is_binary(response.content, ctype):
                response_content = response.content
            else:
                response_body = response.text[:MAX_BODY_IN_TRANSCRIPT]
        self.transcript.record(Exchange(method, response.url if response is not None else url, request_headers,
                                        body, response.status_code if response is not None else None,
                                        dict(response.headers) if response is not None else {},
                                        response_body, elapsed, error, request_content, response_content))
