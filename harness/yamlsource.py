"""Load YAML and remember where every value came from, so errors name file, line and column.

Criteria, profiles and attestations are edited by people. A message like
`criteria/cv255-2018/03-mcdt.yaml:41:5: MC-07: 'weight' must be a number ≥ 0` lets them fix the
file without reading code. PyYAML keeps positions on its node tree; we walk that tree once beside
the constructed data and index the positions by path.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple  # a path into the data: keys and list indexes


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, printable as `file:line:column: subject: message`."""

    file: str
    line: int
    column: int
    subject: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.subject}: {self.message}" if self.subject else f"{where}: {self.message}"


class InputError(Exception):
    """Bad input: one or more problems, each naming file, line and column. Exit code 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def display_path(path: Path) -> str:
    """Path relative to the working directory when it lies below it, else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


@dataclass
class SourceFile:
    """A parsed YAML file: its data and the position of every value and key in it."""

    path: Path
    data: Any
    value_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return display_path(self.path)

    def position(self, path: Path_, prefer_key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at `path`, or of its nearest ancestor."""
        path = tuple(path)
        while True:
            if prefer_key and path in self.key_marks:
                return self.key_marks[path]
            if path in self.value_marks:
                return self.value_marks[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def problem(self, path: Path_, subject: str, message: str, prefer_key: bool = False) -> Problem:
        line, column = self.position(path, prefer_key)
        return Problem(self.name, line, column, subject, message)


def _index(node: yaml.Node, path: Path_, source: SourceFile, problems: list[Problem]) -> None:
    source.value_marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag.endswith(":int"):
                key = int(key)
            child = path + (key,)
            if key in seen:
                problems.append(Problem(source.name, key_node.start_mark.line + 1,
                                        key_node.start_mark.column + 1, "",
                                        f"duplicate key '{key}' — khóa '{key}' bị lặp"))
            seen.add(key)
            source.key_marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _index(value_node, child, source, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, path + (i,), source, problems)


def load_yaml(path: Path) -> SourceFile:
    """Parse a YAML file; raise InputError naming file, line and column on any syntax problem."""
    path = Path(path)
    name = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(name, 1, 1, "", "file not found — không tìm thấy tệp")]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, 1, 1, "", f"not UTF-8 ({exc.reason}) — tệp phải mã hóa UTF-8")]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise InputError([Problem(name, line, column, "",
                                  f"YAML syntax error: {detail} — lỗi cú pháp YAML")]) from None
    source = SourceFile(path, data)
    problems: list[Problem] = []
    if node is not None:
        _index(node, (), source, problems)
    if problems:
        raise InputError(problems)
    return source
