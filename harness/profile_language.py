"""Meaning checks of the profile language beyond its schema: filters that exist, roles that have
accounts, pages that name a returned list, a time zone that exists. Each problem is (path in the
profile, message); harness/profile.py turns them into file:line:column lines."""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from harness import envelope
from harness.profile_values import filter_problems


def _specs(name: str, spec: dict):
    """(path, spec) of an operation and of each of its variants."""
    yield ("operations", name), spec
    for role, variant in (spec.get("variants") or {}).items():
        yield ("operations", name, "variants", role), {**{k: v for k, v in spec.items() if k != "variants"}, **variant}


def language_problems(data: dict) -> list[tuple[tuple, str]]:
    problems: list[tuple[tuple, str]] = []
    roles = {role for role, rows in (data.get("accounts") or {}).items() if rows}
    for section in ("operations", "journeys", "fixtures", "session"):
        for name, value in (data.get(section) or {}).items():
            for text in filter_problems(value):
                problems.append(((section, name), f"{text} — bộ lọc không hợp lệ"))
    for name, spec in (data.get("operations") or {}).items():
        for path, merged in _specs(name, spec):
            role = merged.get("as")
            if role and role != "anonymous" and role not in roles:
                problems.append((path + ("as",), f"operation '{name}' is done as '{role}', which has no account — "
                                 f"thao tác chạy với vai trò '{role}' nhưng vai trò này chưa có tài khoản (accounts)"))
            paginate = merged.get("paginate")
            if paginate and paginate["items"] not in (merged.get("returns") or {}):
                problems.append((path + ("paginate", "items"),
                                 f"paginate.items '{paginate['items']}' is not one of the operation's returns — "
                                 "biến danh sách của phân trang phải có trong returns"))
            if merged.get("variants") and len(path) == 2:
                continue  # the variants say how
            if not merged.get("steps") and not ("method" in merged and "path" in merged):
                problems.append((path, f"operation '{name}' needs method and path, or steps — thao tác cần "
                                 "method và path, hoặc steps"))
    problems += envelope.problems(data)
    zone = data.get("timezone")
    if zone:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append((("timezone",), f"unknown time zone '{zone}' — múi giờ không tồn tại; use an IANA name "
                             "such as Asia/Ho_Chi_Minh"))
    return problems
