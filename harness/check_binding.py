"""How a check of criteria/checks.yaml is bound to the code that judges it.

Each entry names its judge and what the judge is called with:

    judge: suites.dossier.judges:code_format      # module:function
    observes: life                                 # the fixture holding the observations (default: scenario)
    args: [param:dossier.code_pattern, target:holidays]

The judge is called `judge(observations, *args)`. An argument is one of
  `param:NAME`        the edition parameter as this run uses it (`param:NAME:int`, `param:NAME:float` convert it),
  `target:ATTRIBUTE`  an attribute of the target profile (e.g. `target:holidays`),
  `fixture:NAME`      another fixture (e.g. `fixture:dokiem` for a judge that adds tables to the record,
                      `fixture:measured` for one that reports the figures it decided on),
  `value:TEXT`        the text itself (one judge serving several checks).

A check with no `judge` is declared but not implemented yet (`dokiem criteria coverage` lists it).
The judge's module lives in the folder its id prefix names (JUDGE_FOLDERS lists the two prefixes
whose folder has a longer name). Nothing here imports pytest: coverage and validation use it too.
"""
from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from harness.yamlsource import Problem

REPO_ROOT = Path(__file__).resolve().parent.parent

# id prefix -> folder of suites/ where its judges live, where the two differ
JUDGE_FOLDERS = {"a11y": "accessibility", "perf": "performance"}
CONVERSIONS: dict[str, Callable[[Any], Any]] = {"int": int, "float": float}
ARG_KINDS = ("param", "target", "fixture", "value")


@dataclass(frozen=True)
class Argument:
    kind: str  # param | target | fixture | value
    name: str
    convert: str | None = None  # int | float, for param

    @classmethod
    def parse(cls, text: str) -> "Argument":
        kind, _, rest = text.partition(":")
        if kind == "param":
            name, _, convert = rest.partition(":")
            return cls(kind, name, convert or None)
        return cls(kind, rest)


@dataclass(frozen=True)
class Binding:
    check_id: str
    module: str
    function: str
    observes: str
    args: tuple[Argument, ...]

    @property
    def folder(self) -> str:
        """The folder of suites/ the judge's module lives in ('dossier' for suites.dossier.judges)."""
        parts = self.module.split(".")
        return parts[1] if len(parts) > 1 and parts[0] == "suites" else ""

    def fixture_names(self) -> list[str]:
        names = [self.observes]
        for arg in self.args:
            wanted = {"param": "param", "target": "target", "fixture": arg.name}.get(arg.kind)
            if wanted and wanted not in names:
                names.append(wanted)
        return names

    def resolve(self) -> Callable:
        """The judge function; raises ImportError or AttributeError when it is not there."""
        _importable_suites()
        judge = getattr(importlib.import_module(self.module), self.function)
        if not callable(judge):
            raise AttributeError(f"{self.module}:{self.function} is not a function")
        return judge

    def call(self, fixtures: dict[str, Any]) -> Any:
        """Call the judge with the observations and its declared arguments, taken from `fixtures`."""
        values = []
        for arg in self.args:
            if arg.kind == "param":
                value = fixtures["param"](arg.name)
                values.append(CONVERSIONS[arg.convert](value) if arg.convert else value)
            elif arg.kind == "target":
                values.append(getattr(fixtures["target"], arg.name))
            elif arg.kind == "fixture":
                values.append(fixtures[arg.name])
            else:
                values.append(arg.name)
        return self.resolve()(fixtures[self.observes], *values)


def binding(check) -> Binding | None:
    """The binding of a `harness.criteria.Check`, or None when it names no judge yet."""
    spec = check.data.get("judge")
    if not spec:
        return None
    module, _, function = spec.partition(":")
    return Binding(check.id, module, function, check.data.get("observes") or check.scenario,
                   tuple(Argument.parse(a) for a in check.data.get("args") or []))


def _importable_suites() -> None:
    """suites/ is not an installed package: its judges import from the repository's root."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.append(str(REPO_ROOT))


def home_folder(check_id: str) -> str:
    prefix = check_id.split(".", 1)[0]
    return JUDGE_FOLDERS.get(prefix, prefix)


def implemented(checks) -> dict[str, str]:
    """check id -> `module:function` of every check whose judge imports."""
    found = {}
    for check in checks.checks.values():
        bound = binding(check)
        if bound is None:
            continue
        try:
            bound.resolve()
        except Exception:  # noqa: BLE001 - any failure to import means "not implemented"; validate names why
            continue
        found[check.id] = f"{bound.module}:{bound.function}"
    return found


def problems(checks) -> list[Problem]:
    """Every judge that does not import, sits outside its id's folder or names an undeclared parameter."""
    found: list[Problem] = []
    for index, entry in enumerate(checks.source.data["checks"]):
        check = checks.checks.get(entry["id"])
        bound = binding(check) if check is not None and check.data is entry else None
        if bound is None:
            continue

        def problem(field: tuple, message: str) -> None:
            found.append(checks.source.problem(("checks", index) + field, bound.check_id, message))

        try:
            bound.resolve()
        except Exception as exc:  # noqa: BLE001 - whatever breaks the import is the tester's to read
            problem(("judge",), f"judge '{entry['judge']}' cannot be imported ({type(exc).__name__}: {exc}) — "
                                "không nạp được hàm đánh giá; fix the module:function or write it")
        if bound.folder != home_folder(bound.check_id):
            problem(("judge",), f"judge '{entry['judge']}' is outside suites/{home_folder(bound.check_id)}/, the "
                                f"folder its id prefix names — hàm đánh giá phải nằm trong thư mục "
                                f"suites/{home_folder(bound.check_id)}/")
        for j, arg in enumerate(bound.args):
            if arg.kind == "param" and arg.name not in check.parameters:
                problem(("args", j), f"argument 'param:{arg.name}' is not in this check's 'parameters' — "
                                     "tham số chưa khai báo trong 'parameters' của kiểm tra")
    return found
