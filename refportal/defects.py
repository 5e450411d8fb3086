"""Switchable defects: refportal broken on purpose, in known ways, to prove dokiem's checks fail.

The registry is refportal/defects.yaml: each defect's name, what it breaks (Vietnamese — English),
the checks that should catch it, the criteria it must make FAIL and those it may move too. All
are off by default. They are switched on at start (`--defects a,b`) or at run time through the
test-control endpoint (`--test-control`, loopback only; refportal/testcontrol.py).

Each behaviour a defect breaks asks `defects.on("<name>")` in the one place that behaviour lives,
so `grep -n 'defects.on("<name>")' refportal` shows exactly what the defect changes. Asking for a
name the registry does not have is a programming error and raises KeyError.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

REGISTRY = Path(__file__).with_name("defects.yaml")
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CRITERION = re.compile(r"^[A-Z]{2,6}-\d{2,3}$")
CHECK = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")

_lock = threading.Lock()
_active: frozenset[str] = frozenset()


class RegistryError(ValueError):
    """defects.yaml is wrong; the message names the file, the entry and the field."""


class UnknownDefect(ValueError):
    def __init__(self, unknown: list[str]):
        self.unknown, self.known = sorted(unknown), names()
        super().__init__(f"lỗi cố ý không có trong refportal/defects.yaml — unknown defect(s): "
                         f"{', '.join(self.unknown)}; known: {', '.join(self.known)}")


@dataclass(frozen=True)
class Defect:
    name: str
    description: str
    checks: tuple[str, ...]
    must_fail: tuple[str, ...]
    may_change: tuple[tuple[str, str], ...]     # (criterion, reason)


def _ids(entry: dict, field: str, pattern: re.Pattern, where: str) -> tuple[str, ...]:
    values = entry.get(field)
    if not isinstance(values, list) or not all(isinstance(v, str) and pattern.match(v) for v in values):
        raise RegistryError(f"{where}.{field}: cần danh sách mã ({pattern.pattern}) — must be a list of ids "
                            f"matching {pattern.pattern}, [] when none")
    if len(set(values)) != len(values):
        raise RegistryError(f"{where}.{field}: có mã lặp — an id is listed twice")
    return tuple(values)


def load_registry(path: Path = REGISTRY) -> dict[str, Defect]:
    """Read and check defects.yaml (structure only; tests check it against the edition)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RegistryError(f"{path}: không đọc được — cannot read: {exc}") from exc
    entries = data.get("defects") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise RegistryError(f"{path}: cần khóa 'defects' là danh sách — needs a 'defects' list")
    found: dict[str, Defect] = {}
    for i, entry in enumerate(entries):
        where = f"{path}: defects[{i}]"
        if not isinstance(entry, dict):
            raise RegistryError(f"{where}: phải là ánh xạ — must be a mapping")
        name = entry.get("name")
        if not isinstance(name, str) or not NAME.match(name):
            raise RegistryError(f"{where}.name: '{name}' — lowercase words joined by '-', e.g. no-receipt")
        where = f"{path}: {name}"
        if name in found:
            raise RegistryError(f"{where}: tên lặp — duplicate name")
        description = entry.get("description")
        if not isinstance(description, str) or " — " not in description:
            raise RegistryError(f"{where}.description: cần một dòng 'tiếng Việt — English' — "
                                "one line, Vietnamese — English")
        may_change = entry.get("may_change")
        if not isinstance(may_change, list) or not all(
                isinstance(m, dict) and isinstance(m.get("criterion"), str) and CRITERION.match(m["criterion"])
                and isinstance(m.get("reason"), str) and m["reason"].strip() for m in may_change):
            raise RegistryError(f"{where}.may_change: cần danh sách {{criterion, reason}} — must be a list of "
                                "{criterion, reason}, [] when none")
        unknown_keys = set(entry) - {"name", "description", "checks", "must_fail", "may_change"}
        if unknown_keys:
            raise RegistryError(f"{where}: khóa không dùng — unknown keys {sorted(unknown_keys)}")
        checks = _ids(entry, "checks", CHECK, where)
        if not checks:
            raise RegistryError(f"{where}.checks: cần ít nhất một kiểm tra — name at least one check that catches it")
        found[name] = Defect(name, description, checks, _ids(entry, "must_fail", CRITERION, where),
                             tuple((m["criterion"], m["reason"].strip()) for m in may_change))
    return found


@lru_cache(maxsize=1)
def registry() -> dict[str, Defect]:
    return load_registry()


def names() -> list[str]:
    return sorted(registry())


def on(name: str) -> bool:
    if name not in registry():
        raise KeyError(f"defects.on({name!r}): not in refportal/defects.yaml")
    return name in _active


def check_names(requested) -> list[str]:
    """The names, checked against the registry; UnknownDefect lists what is wrong and what exists."""
    wanted = [n.strip() for n in requested if n and n.strip()]
    unknown = [n for n in wanted if n not in registry()]
    if unknown:
        raise UnknownDefect(unknown)
    return wanted


def switch(on_names=(), off_names=()) -> list[str]:
    """Turn some defects on and others off (all names checked first); returns those now on."""
    turn_on, turn_off = check_names(on_names), check_names(off_names)
    global _active
    with _lock:
        _active = (_active | set(turn_on)) - set(turn_off)
        return sorted(_active)


def set_active(names_on) -> list[str]:
    """Exactly these defects on, every other off."""
    wanted = check_names(names_on)
    global _active
    with _lock:
        _active = frozenset(wanted)
        return sorted(_active)


def active() -> list[str]:
    return sorted(_active)
