"""Profile values the schema accepts but a run cannot honour safely.

- a literal credential in a header value: a profile is shared, versioned and printed in the
  record; secrets stay in environment variables (an account's `token_env` or `password_env`,
  sent through `session.header` / `session.header_value` as `${session}`);
- an authorisation dated on a day that does not exist (the schema only checks the pattern);
- a load test whose think time asks for more than `limits.requests_per_second` allows: `users`
  users each waiting `wait_s[0]` seconds send up to users / wait_s[0] requests a second;
- a read operation of the vocabulary mapped onto DELETE, PUT or PATCH (production safety trusts
  the vocabulary's effect).

Each problem names file:line:column and what to do; `load_profile` raises them with the others.
"""
from __future__ import annotations

import datetime as dt
import re

from harness.evidence import SECRET_HEADERS, is_secret_key
from harness.yamlsource import Problem, SourceFile

PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
SCHEME = re.compile(r"^\s*(bearer|basic|token|digest|apikey|api-key)\b\s*", re.I)
MIN_LITERAL_SECRET = 6  # "Bearer" alone, "none", "-" are not credentials
DEFAULT_RATE = 20


def _subject(path: tuple) -> str:
    return ".".join(str(p) for p in path[:3])


def literal_secret(name: str, value) -> bool:
    """Whether a header value carries a credential written out rather than a ${placeholder}."""
    if not isinstance(value, str):
        return False
    rest = PLACEHOLDER.sub("", value)
    named_secret = name.lower() in SECRET_HEADERS or is_secret_key(name)
    scheme = SCHEME.match(rest)
    if scheme:
        rest = rest[scheme.end():]
    elif not named_secret:
        return False
    return len(rest.strip()) >= MIN_LITERAL_SECRET


def header_problems(source: SourceFile) -> list[Problem]:
    data = source.data
    problems = []
    what_to_do = ("a literal credential in the profile — cấu hình đích không được chứa khóa bí mật; "
                  "put it in an environment variable named by the account (token_env or password_env) and send "
                  "it with session.header / session.header_value: \"Bearer ${session}\"")
    for op_name, spec in (data.get("operations") or {}).items():
        for header, value in ((spec or {}).get("headers") or {}).items():
            if literal_secret(header, value):
                path = ("operations", op_name, "headers", header)
                problems.append(source.problem(path, _subject(path), f"header '{header}': {what_to_do}"))
    session = data.get("session") or {}
    value = session.get("header_value")
    if value is not None and literal_secret(session.get("header", "Authorization"), value):
        problems.append(source.problem(("session", "header_value"), "session.header_value", what_to_do))
    return problems


def authorisation_problems(source: SourceFile) -> list[Problem]:
    date = (source.data.get("authorisation") or {}).get("date")
    if isinstance(date, str):
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            return [source.problem(("authorisation", "date"), "authorisation.date",
                                   f"'{date}' is not a day of the calendar — ngày không tồn tại; write YYYY-MM-DD")]
    return []


def load_bound_problems(source: SourceFile, edition) -> list[Problem]:
    """An explicit think time that would have the load test exceed the profile's rate limit."""
    data = source.data
    wait = (data.get("load") or {}).get("wait_s")
    if not (isinstance(wait, list) and len(wait) == 2 and all(isinstance(v, (int, float)) for v in wait)):
        return []
    limits = data.get("limits") or {}
    rate = float(limits.get("requests_per_second", DEFAULT_RATE))
    users = (data.get("parameters") or {}).get("perf.concurrent_users")
    if users is None:
        try:
            users = edition.parameter("perf.concurrent_users")
        except KeyError:
            return []
    users = min(int(users), int(limits.get("max_users") or users))
    if users <= 0 or wait[0] * rate >= users:
        return []
    floor = users / rate
    asked = "without pause" if wait[0] == 0 else f"up to {users / wait[0]:g} requests/s"
    return [source.problem(("load", "wait_s"), "load.wait_s",
                           f"{users} users waiting {wait[0]:g} s send {asked}, above limits.requests_per_second "
                           f"{rate:g} — thời gian nghỉ quá ngắn so với giới hạn tốc độ; raise load.wait_s to at least "
                           f"[{floor:g}, …] or raise limits.requests_per_second (with the operator's agreement)")]


WRITE_METHODS = {"DELETE", "PUT", "PATCH"}


def effect_problems(source: SourceFile, vocabulary: dict) -> list[Problem]:
    """A read operation of the vocabulary mapped onto a method that writes: on production it
    would be sent as a read (POST is allowed: searches and logins are often posted)."""
    problems = []
    for name, spec in (source.data.get("operations") or {}).items():
        effect = (vocabulary.get(name) or {}).get("effect")
        method = str((spec or {}).get("method", "")).upper()
        declared = (spec or {}).get("effect")
        if effect and declared and declared != effect:
            problems.append(source.problem(("operations", name, "effect"), f"operations.{name}",
                                           f"'{name}' is '{effect}' in criteria/checks.yaml; a profile cannot make it "
                                           f"'{declared}' — tác động của thao tác do từ vựng quy định; remove 'effect'"))
        if (effect or declared) == "read" and method in WRITE_METHODS:
            problems.append(source.problem(("operations", name, "method"), f"operations.{name}",
                                           f"'{name}' only reads but is mapped to {method} — "
                                           "thao tác chỉ đọc lại dùng phương thức ghi; map it to GET or POST"))
    return problems


def profile_hazards(source: SourceFile, edition, vocabulary: dict | None = None) -> list[Problem]:
    return (header_problems(source) + authorisation_problems(source) + load_bound_problems(source, edition)
            + effect_problems(source, vocabulary or {}))
