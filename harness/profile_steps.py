"""Operations that are more than one request: roles, steps, captures, computed returns, pages.

A profile maps one operation of the vocabulary onto what the vendor's system really needs:

- `variants: {citizen: {...}, receiving_officer: {...}, default: {...}}` — the same operation done
  differently by each role (the citizen's and the officer's `get_dossier`); keys of the variant
  replace those of the operation;
- `as: <role>` (or `as: anonymous`) — the operation is always done with that role's session,
  whoever asks;
- `steps: [...]` — requests in turn; each step's `capture` (JMESPath over JSON, `{regex: …}` over
  the text, `{header: Name}`, `{cookie: name}`) gives variables to the steps after it; the last
  step's answer is what `returns` reads;
- `returns` expressions may hold `${variables}` (the inputs and the captures): `items[?code ==
  '${dossier_code}'] | [0].status`; an expression that is exactly `${name}` returns that variable;
- `paginate: {items: <returns variable>, by: page|offset|cursor, …}` — the operation is called page
  after page and the lists are joined.

The single-request path without any of these stays in harness/api.py.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import jmespath

from harness import envelope
from harness.results import OpResult, extract
from harness.profile_values import PLACEHOLDER, ConfigurationError, lookup, placeholders, render

REQUEST_KEYS = ("method", "path", "base", "query", "headers", "json", "form", "multipart", "expect", "anonymous")
MAX_PAGES = 100
ANONYMOUS = "anonymous"


# ------------------------------------------------------------------------- which spec, which session

def for_role(operation: str, spec: dict, role: str | None) -> dict:
    """The operation as `role` does it: its variant merged over the shared keys."""
    variants = spec.get("variants")
    if not variants:
        return spec
    key = role or ANONYMOUS
    chosen = variants.get(key, variants.get("default"))
    if chosen is None:
        raise ConfigurationError(
            f"operation '{operation}' has no variant for role '{key}' (variants: {', '.join(sorted(variants))}) — "
            f"thao tác '{operation}' không có biến thể cho vai trò '{key}'; add one or a 'default' variant")
    shared = {k: v for k, v in spec.items() if k != "variants"}
    return {**shared, **chosen}


def acting_client(client, spec: dict):
    """The client that does the operation: the caller's, or that of the role named by `as:`."""
    role = spec.get("as")
    if role is None or role == ANONYMOUS or role == client.role:
        return client
    cache = client.__dict__.setdefault("_as_clients", {})
    if role not in cache:
        account = client.profile.account(role)
        if account is None:
            raise ConfigurationError(f"an operation is done 'as: {role}' but the profile has no account for that "
                                     f"role — thao tác chạy với vai trò '{role}' nhưng chưa có tài khoản (accounts)")
        cache[role] = type(client)(client.profile, client.redactor, account, client.transcript)
    return cache[role]


def requests_of(name: str, spec: dict) -> list[tuple[str, dict]]:
    """Every request an operation may send, each with a label: its steps, in each of its variants
    (what an API description must document)."""
    specs = [(name, spec)] if not spec.get("variants") else [
        (f"{name} [{role}]", for_role(name, spec, role)) for role in spec["variants"]]
    out = []
    for label, one in specs:
        steps = one.get("steps")
        if steps:
            out += [(f"{label} (step {n})", step) for n, step in enumerate(steps, start=1)]
        elif "path" in one:
            out.append((label, one))
    return out


def first_request(profile, operation: str, role: str | None = None) -> dict:
    """The request an operation starts with (for the role): what a load test or a probe sends."""
    spec = profile.operations[operation]
    variants = spec.get("variants")
    if variants:
        chosen = variants.get(role or "default") or variants.get("default") or next(iter(variants.values()))
        spec = {**{k: v for k, v in spec.items() if k != "variants"}, **chosen}
    return (spec.get("steps") or [spec])[0]


def is_anonymous(spec: dict) -> bool:
    return bool(spec.get("anonymous")) or spec.get("as") == ANONYMOUS


def needs_engine(spec: dict) -> bool:
    """Whether an operation needs this module (else harness/api.py sends its one request)."""
    return bool(spec.get("steps") or spec.get("paginate") or spec.get("variants") or spec.get("as")
                or any("${" in str(e) for e in (spec.get("returns") or {}).values()))


# ------------------------------------------------------------------------- one request

def render_request(profile, operation: str, spec: dict, variables: dict) -> dict:
    """The concrete request of one request spec: url, headers and the requests keyword arguments
    (params, json, data; files as (field, name, content, content_type) tuples)."""
    tz = profile.timezone
    try:
        path = render(spec["path"], variables, timezone=tz)
        url = path if re.match(r"^https?://", path) else profile.base_url(spec.get("base", "api")) + "/" + path.lstrip("/")
        request: dict[str, Any] = {"url": url, "headers": {k: render(v, variables, timezone=tz)
                                                           for k, v in (spec.get("headers") or {}).items()}}
        if spec.get("query"):
            query = render(spec["query"], variables, missing_ok=True, timezone=tz)
            request["params"] = {k: v for k, v in query.items() if v not in (None, "")}
        if "json" in spec:
            request["json"] = render(spec["json"], variables, timezone=tz)
        if spec.get("form"):
            request["data"] = render(spec["form"], variables, timezone=tz)
        multipart = spec.get("multipart")
        if multipart:
            fields = render(multipart.get("fields") or {}, variables, timezone=tz)
            request["data"] = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
                               for k, v in fields.items() if v is not None}
            request["files"] = [(field, item["name"], item["content"], item.get("content_type", "application/octet-stream"))
                                for field, var in (multipart.get("files") or {}).items()
                                for item in lookup(variables, var) or []]
    except KeyError as missing:
        raise ConfigurationError(
            f"operation '{operation}' needs the variable {missing} which the scenario did not give — "
            f"thao tác '{operation}' cần biến {missing}; check the profile's template") from None
    return request


@dataclass
class Answer:
    """One step's answer, as the captures and the returns read it."""
    response: Any  # requests.Response or None
    data: Any      # its JSON, or None

    @property
    def text(self) -> str:
        return self.response.text if self.response is not None else ""


def capture(rule: Any, answer: Answer, session) -> Any:
    """One captured value; None when it is not there."""
    if isinstance(rule, str):
        return extract(rule, answer.response, answer.data)
    if "jmespath" in rule:
        return jmespath.search(rule["jmespath"], answer.data) if answer.data is not None else None
    if "regex" in rule:
        match = re.search(rule["regex"], answer.text, re.S)
        if not match:
            return None
        group = rule.get("group", 1 if match.groups() else 0)
        return match.group(group)
    if "header" in rule:
        return answer.response.headers.get(rule["header"]) if answer.response is not None else None
    if "cookie" in rule:
        if answer.response is not None and rule["cookie"] in answer.response.cookies:
            return answer.response.cookies.get(rule["cookie"])
        return session.cookies.get(rule["cookie"])
    raise ConfigurationError(f"capture {rule!r}: use a JMESPath text or one of jmespath, regex, header, cookie")


def returned(expression: str, answer: Answer, variables: dict, tz: str) -> Any:
    """A `returns` value: a variable (`${name}`), or an expression whose ${variables} are filled first."""
    if not placeholders(expression):
        return extract(expression, answer.response, answer.data)
    filled = render(expression, variables, missing_ok=True, timezone=tz)
    if PLACEHOLDER.fullmatch(expression.strip()):  # exactly one placeholder: the variable itself
        return filled
    return extract(filled, answer.response, answer.data)


# ------------------------------------------------------------------------- the engine

def run(client, operation: str, spec: dict, variables: dict, anonymous: bool):
    """Do an operation that needs steps, captures, computed returns or pages; an OpResult."""
    paginate = spec.get("paginate")
    if not paginate:
        return _once(client, operation, spec, variables, anonymous)
    return _pages(client, operation, spec, variables, anonymous, paginate)


def _once(client, operation: str, spec: dict, variables: dict, anonymous: bool):
    steps = spec.get("steps") or [{k: spec[k] for k in REQUEST_KEYS if k in spec}]
    variables = dict(variables)
    answer, url, total_ms = Answer(None, None), "", 0.0
    for n, step in enumerate(steps, start=1):
        request = render_request(client.profile, operation, step, variables)
        url = request.pop("url")
        files = request.pop("files", None)
        if files is not None:
            request["files"] = [(field, (name, content, ctype)) for field, name, content, ctype in files]
        step_anonymous = anonymous or bool(step.get("anonymous"))
        response, error, elapsed = client._send(step["method"], url, anonymous=step_anonymous, **request)
        total_ms += elapsed
        data = _json(response)
        answer = Answer(response, data)
        status = response.status_code if response is not None else None
        expect = step.get("expect") or (spec.get("expect") if n == len(steps) else None)
        ok = response is not None and (status in expect if expect else 200 <= status < 300)
        status, body_said = envelope.read(envelope.rule_of(client.profile.data, step, spec), status, data)
        if not ok or body_said:
            where = f"step {n}/{len(steps)}" if len(steps) > 1 else ""
            return _result(operation, answer, url, total_ms, error, {}, failure=where, status=status,
                           body_said=body_said)
        for name, rule in (step.get("capture") or {}).items():
            value = capture(rule, answer, client.http)
            if value is None or value == "":
                return _result(operation, answer, url, total_ms, "", {}, failure=(
                    f"step {n}/{len(steps)}: capture '{name}' found nothing in the answer — bước {n}: không lấy "
                    f"được '{name}' ({rule!r})"), ok=False)
            if isinstance(rule, dict) and "cookie" in rule:
                client.redactor.add(str(value))  # a session cookie is a credential: never in the evidence
            variables[name] = value
    values = {name: returned(expr, answer, variables, client.profile.timezone)
              for name, expr in (spec.get("returns") or {}).items()}
    return _result(operation, answer, url, total_ms, "", values, ok=True)


def _json(response) -> Any:
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _result(operation, answer: Answer, url, elapsed, error, values, failure: str = "", ok: bool = False,
            status: int | None = None, body_said: str = ""):
    response = answer.response
    if status is None and response is not None:
        status = response.status_code
    return StepResult(operation, status, ok, values, answer.data, response.content if response is not None else b"",
                      dict(response.headers) if response is not None else {},
                      response.url if response is not None else url, elapsed, error, failure=failure,
                      refused_in_body=body_said)


def _pages(client, operation: str, spec: dict, variables: dict, anonymous: bool, paginate: dict):
    by = paginate.get("by", "page")
    items_var = paginate["items"]
    var = paginate.get("var", {"page": "page", "offset": "offset", "cursor": "cursor"}[by])
    position: Any = paginate.get("start", 1 if by == "page" else 0) if by != "cursor" else None
    joined: list = []
    seen: set[str] = set()
    first = None
    last = None
    for _ in range(int(paginate.get("max_pages", MAX_PAGES))):
        page_vars = dict(variables)
        page_vars.pop(var, None)
        if position is not None:
            page_vars[var] = position
        last = _once(client, operation, spec, page_vars, anonymous)
        if not last.ok:
            return last
        first = first or last
        items = last.vars.get(items_var)
        if items is None:
            break
        if not isinstance(items, list):
            raise ConfigurationError(f"paginate.items '{items_var}' of operation '{operation}' is not a list — "
                                     f"biến '{items_var}' không phải danh sách")
        fresh = [i for i in items if json.dumps(i, sort_keys=True, default=str) not in seen]
        seen.update(json.dumps(i, sort_keys=True, default=str) for i in items)
        joined += fresh
        if not fresh:
            break
        if by == "page":
            position += 1
        elif by == "offset":
            position += len(items)
        else:
            following = jmespath.search(paginate["next"], last.json) if last.json is not None else None
            if following in (None, "") or following == position:
                break
            position = following
    # the joined list; the raw answer stays the first page's, as one call would have given it
    first.vars = {**first.vars, items_var: joined}
    return first


@dataclass
class StepResult(OpResult):
    """An OpResult that says which step failed, or which capture found nothing."""
    failure: str = ""

    def describe(self) -> str:
        if self.error or not self.failure:
            return super().describe()
        if "capture" in self.failure:
            return f"{self.operation}: {self.failure}"
        said = self.refused_in_body or f"HTTP {self.status}"
        return f"{self.operation} ({self.failure}): {said} from {self.url} — {self.text[:300]}"
