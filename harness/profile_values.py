"""Values in a profile's templates: `${name}` placeholders, their filters, and the target's time.

A string that is exactly one placeholder keeps the value's type (a dict stays a dict); inside a
longer string the value is written out. Filters chain left to right and some take one argument
after a colon:

    ${form_data|json}              JSON text
    ${files|files_b64}             files as base64 objects
    ${files|data_url}              a file (or the first of a list) as a data: URL
    ${note|str}                    None becomes ""
    ${submitted_at|utc}            a time as ISO 8601 in UTC (a time without zone is the target's local time)
    ${date_from|date:%d/%m/%Y}     a date or time written with a strftime format, in the target's time zone
    ${date_from|plus_days:3}       a date (or time) N days later (N may be negative)

`${run_id}` is the id of the current run everywhere a template is rendered.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
from typing import Any
from zoneinfo import ZoneInfo

from harness import Inconclusive

PLACEHOLDER = re.compile(r"\$\{([a-zA-Z_][a-zA-Z0-9_.]*)((?:\|[a-z_0-9]+(?::[^|}]*)?)*)\}")
ONE_FILTER = re.compile(r"\|([a-z_0-9]+)(?::([^|}]*))?")
ENV_RUN_ID = "DOKIEM_RUN_ID"  # set by the run (harness/run.py) for every worker
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


class ConfigurationError(Inconclusive):
    """The profile does not let the harness do what a check needs: ERROR, naming what to fix."""


class TemplateError(ConfigurationError):
    """A template of the profile cannot be filled (unknown filter, value of the wrong kind)."""


def run_variables() -> dict:
    """Variables every template sees."""
    return {"run_id": os.environ.get(ENV_RUN_ID, "dokiem")}


def lookup(variables: dict, dotted: str) -> Any:
    value: Any = variables
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise KeyError(dotted)
    return value


# ------------------------------------------------------------------------- time

def _as_time(value: Any, zone: dt.tzinfo) -> dt.datetime | dt.date:
    """A date or an aware datetime from a date, datetime or ISO 8601 text (naive = the target's zone)."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        return value
    elif isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise TemplateError(f"'{value}' is not an ISO 8601 date or time — không phải ngày/giờ ISO 8601") from None
    else:
        raise TemplateError(f"{value!r} is not a date or time — không phải ngày/giờ")
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _utc(value: Any, zone: dt.tzinfo) -> str:
    moment = _as_time(value, zone)
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(), zone)
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _date(value: Any, zone: dt.tzinfo, fmt: str | None) -> str:
    moment = _as_time(value, zone)
    if isinstance(moment, dt.datetime):
        moment = moment.astimezone(zone)
    return moment.strftime(fmt or "%Y-%m-%d")


def _plus_days(value: Any, zone: dt.tzinfo, days: str | None) -> str:
    try:
        n = int(days or "")
    except ValueError:
        raise TemplateError(f"plus_days needs a whole number of days (plus_days:3), got '{days}'") from None
    moment = _as_time(value, zone) + dt.timedelta(days=n)
    return moment.isoformat()


# ------------------------------------------------------------------------- files

def files_b64(files: Any) -> list[dict]:
    return [{"name": f["name"], "content_base64": base64.b64encode(f["content"]).decode("ascii"),
             "content_type": f.get("content_type", "application/octet-stream"),
             **({"component_code": f["component_code"]} if f.get("component_code") else {})}
            for f in files or []]


def component_codes(files: Any) -> str:
    """Each file's dossier component code, comma-separated in the files' order: the multipart field
    that says which component each file is for (`component_codes: "${files|component_codes}"`)."""
    return ",".join(f.get("component_code") or "" for f in files or [])


# The filters that send each file's component code with it. An operation whose request uses one
# is held to the codes: the target must file every upload under the component it was sent for.
COMPONENT_CODE_FILTERS = ("files_b64", "component_codes")


def sends_component_codes(request: Any) -> bool:
    """Whether an operation's request template sends the files' component codes."""
    return any(name in COMPONENT_CODE_FILTERS for text in _strings(request)
               for match in PLACEHOLDER.finditer(text) for name, _arg in ONE_FILTER.findall(match.group(2) or ""))


def _data_url(value: Any) -> str:
    item = value[0] if isinstance(value, list) and value else value
    if isinstance(item, dict) and "content" in item:
        content, ctype = item["content"], item.get("content_type", "application/octet-stream")
    elif isinstance(item, (bytes, str)):
        content, ctype = item, "application/octet-stream"
    else:
        raise TemplateError("data_url needs a file {name, content} or bytes — cần một tệp hoặc dữ liệu nhị phân")
    if isinstance(content, str):
        content = content.encode("utf-8")
    return f"data:{ctype};base64,{base64.b64encode(content).decode('ascii')}"


# name -> (function of (value, zone, argument), takes an argument)
FILTERS = {
    "json": lambda v, z, a: json.dumps(v, ensure_ascii=False),
    "files_b64": lambda v, z, a: files_b64(v),
    "component_codes": lambda v, z, a: component_codes(v),
    "str": lambda v, z, a: "" if v is None else str(v),
    "utc": lambda v, z, a: _utc(v, z),
    "date": _date,
    "plus_days": _plus_days,
    "data_url": lambda v, z, a: _data_url(v),
}


def filter_problems(template: Any) -> list[str]:
    """Unknown filters in a template (the profile's meaning check names them before any run)."""
    found = []
    for text in _strings(template):
        for match in PLACEHOLDER.finditer(text):
            for name, _arg in ONE_FILTER.findall(match.group(2) or ""):
                if name not in FILTERS:
                    found.append(f"unknown filter '|{name}' in '{match.group(0)}' (known: {', '.join(sorted(FILTERS))})")
    return found


def _strings(template: Any):
    if isinstance(template, dict):
        for v in template.values():
            yield from _strings(v)
    elif isinstance(template, list):
        for v in template:
            yield from _strings(v)
    elif isinstance(template, str):
        yield template


def _value(match: re.Match, variables: dict, missing_ok: bool, zone: dt.tzinfo) -> Any:
    try:
        value = lookup(variables, match.group(1))
    except KeyError:
        if missing_ok:
            return None
        raise
    for name, argument in ONE_FILTER.findall(match.group(2) or ""):
        if name not in FILTERS:
            raise TemplateError(f"unknown template filter '|{name}' — bộ lọc không hợp lệ "
                                f"(known: {', '.join(sorted(FILTERS))})")
        value = FILTERS[name](value, zone, argument or None)
    return value


def render(template: Any, variables: dict, missing_ok: bool = False, timezone: str | None = None) -> Any:
    """Fill ${name} placeholders; a string that is exactly one placeholder keeps the value's type.

    A missing variable raises KeyError, or gives None with missing_ok (optional query parameters).
    `timezone` is the target's (IANA name) for the time filters.
    """
    zone = ZoneInfo(timezone or DEFAULT_TIMEZONE)
    variables = {**run_variables(), **variables}
    return _render(template, variables, missing_ok, zone)


def _render(template: Any, variables: dict, missing_ok: bool, zone: dt.tzinfo) -> Any:
    if isinstance(template, dict):
        return {k: _render(v, variables, missing_ok, zone) for k, v in template.items()}
    if isinstance(template, list):
        return [_render(v, variables, missing_ok, zone) for v in template]
    if not isinstance(template, str):
        return template
    whole = PLACEHOLDER.fullmatch(template)
    if whole:
        return _value(whole, variables, missing_ok, zone)

    def one(match: re.Match) -> str:
        value = _value(match, variables, missing_ok, zone)
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return "" if value is None else str(value)

    return PLACEHOLDER.sub(one, template)


def placeholders(template: Any) -> set[str]:
    """Names of the variables a template needs."""
    return {m.group(1).split(".")[0] for text in _strings(template) for m in PLACEHOLDER.finditer(text)}
