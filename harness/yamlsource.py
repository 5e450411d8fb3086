"""Load YAML and remember where every value came from, so errors name file, line and column.

Criteria, profiles and attestations are edited by people. A message like
`criteria/cv255-2018/03-mcdt.yaml:41:5: MC-07: 'weight' must be a number ≥ 0` lets them fix the
file without reading code. PyYAML keeps positions on its node tree; we walk that tree once beside
the constructed data and index the positions by path.

Every input file passes here, so the defences against hostile or broken files live here once:
a size cap, a nesting cap, a cap on aliases and on what they expand to (a ten-line "billion
laughs" file would otherwise take gigabytes), no control characters, no non-finite numbers and
no impossible dates — each refused as a Problem with its position, never a traceback.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple  # a path into the data: keys and list indexes

MAX_FILE_BYTES = 4 * 1024 * 1024  # the largest input shipped (checks.yaml) is under 100 kB
MAX_DEPTH = 64                    # nesting of mappings and lists; real inputs stay under 12
MAX_ALIASES = 1_000               # *alias references in one file
MAX_NODES = 500_000               # values once every alias is expanded (what validation walks)
# C0 controls but tab, line feed and carriage return; DEL and the C1 controls
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


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


class _Refused(yaml.MarkedYAMLError):
    """Well-formed YAML that an input may not hold (too deep, too many aliases, a bad value)."""

    def __init__(self, message: str, mark):
        super().__init__(None, None, message, mark)


def _too_deep(mark) -> _Refused:
    return _Refused(f"nesting deeper than {MAX_DEPTH} levels — lồng nhau quá {MAX_DEPTH} cấp; flatten the file", mark)


class _PythonEvents(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's own scanner and parser, for a PyYAML built without libyaml. Its scanner is
    quadratic in flow nesting, so deep flow nesting is stopped while scanning."""

    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)

    def fetch_flow_sequence_start(self):
        if self.flow_level >= MAX_DEPTH:
            raise _too_deep(self.get_mark())
        super().fetch_flow_sequence_start()

    def fetch_flow_mapping_start(self):
        if self.flow_level >= MAX_DEPTH:
            raise _too_deep(self.get_mark())
        super().fetch_flow_mapping_start()


def _loader_class(events: type) -> type:
    """PyYAML's safe loader over `events` (what scans and parses), composed here so the composer
    stays PyYAML's Python one whatever parses: the caps live in it."""

    class Loader(yaml.composer.Composer, yaml.constructor.SafeConstructor, yaml.resolver.Resolver, events):
        """Nesting depth and alias count are checked while composing, and every value that cannot
        be built (an impossible date, an integer of 5,000 digits, a non-finite float) becomes a
        positioned error instead of a ValueError."""

        counts_bytes = events is not _PythonEvents  # libyaml's reader errors count bytes, PyYAML's characters

        def __init__(self, stream):
            events.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._depth = 0
            self._aliases = 0

        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent):
                self._aliases += 1
                if self._aliases > MAX_ALIASES:
                    raise _Refused(
                        f"more than {MAX_ALIASES} aliases — quá nhiều bí danh (*alias); write the values out",
                        event.start_mark)
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH:
                    raise _too_deep(event.start_mark)
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

        def construct_object(self, node, deep=False):
            try:
                return super().construct_object(node, deep)
            except (ValueError, OverflowError, TypeError) as exc:
                raise _Refused(
                    f"impossible value '{str(node.value)[:40]}' ({exc}) — giá trị không hợp lệ", node.start_mark) from None

        def construct_yaml_float(self, node):
            value = super().construct_yaml_float(node)
            if not math.isfinite(value):
                raise _Refused(
                    f"'{node.value}' is not a finite number — số phải hữu hạn (.inf and .nan are refused)",
                    node.start_mark)
            return value

    Loader.add_constructor("tag:yaml.org,2002:float", Loader.construct_yaml_float)
    return Loader


try:  # libyaml's scanner and parser (C, linear in nesting): parsing the criteria takes a fifth of the time
    from yaml._yaml import CParser as _Events
except ImportError:  # PyYAML built without libyaml
    _Events = _PythonEvents
_Loader = _loader_class(_Events)


def _expanded_size(node: yaml.Node, name: str) -> None:
    """Refuse a document whose aliases expand beyond MAX_NODES values, or refer to themselves
    (validation and indexing walk the expanded tree). Shared nodes are sized once."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise InputError([Problem(name, n.start_mark.line + 1, n.start_mark.column + 1, "",
                                      "an alias refers to its own anchor — bí danh tự tham chiếu; write the value out")])
        open_.add(key)
        children = ([c for pair in n.value for c in pair] if isinstance(n, yaml.MappingNode)
                    else list(n.value) if isinstance(n, yaml.SequenceNode) else [])
        total = 1 + sum(size(c) for c in children)
        open_.discard(key)
        if total > MAX_NODES:
            raise InputError([Problem(name, n.start_mark.line + 1, n.start_mark.column + 1, "",
                                      f"aliases expand to more than {MAX_NODES:,} values — bí danh (*alias) bung "
                                      "ra quá nhiều giá trị; write the values out")])
        sizes[key] = total
        return total

    size(node)


def _index(node: yaml.Node, path: Path_, source: SourceFile, problems: list[Problem]) -> None:
    source.value_marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode) and CONTROL.search(node.value):
        char = CONTROL.search(node.value).group()
        problems.append(Problem(source.name, node.start_mark.line + 1, node.start_mark.column + 1, "",
                                f"control character U+{ord(char):04X} in a value — ký tự điều khiển trong giá trị; "
                                "remove it"))
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag.endswith(":int"):
                key = int(key)
            if isinstance(key_node, yaml.ScalarNode) and CONTROL.search(key_node.value):
                problems.append(Problem(source.name, key_node.start_mark.line + 1, key_node.start_mark.column + 1, "",
                                        "control character in a key — ký tự điều khiển trong khóa; remove it"))
            child = path + (key,) if isinstance(key, (str, int)) else path + (str(key),)
            if child[-1] in seen:
                problems.append(Problem(source.name, key_node.start_mark.line + 1,
                                        key_node.start_mark.column + 1, "",
                                        f"duplicate key '{key}' — khóa '{key}' bị lặp"))
            seen.add(child[-1])
            source.key_marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _index(value_node, child, source, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, path + (i,), source, problems)


def _read(path: Path, name: str) -> str:
    def refuse(message: str) -> InputError:
        return InputError([Problem(name, 1, 1, "", message)])

    try:
        if path.is_dir():
            raise refuse("is a folder, not a file — đây là thư mục, không phải tệp; give the path of the YAML file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise refuse(f"file of {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit — tệp quá lớn; "
                         "an input file is a few kilobytes")
        with open(path, "rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)  # a device or FIFO may not say its size
        if len(raw) > MAX_FILE_BYTES:
            raise refuse(f"file over the {MAX_FILE_BYTES:,}-byte limit — tệp quá lớn")
        return raw.decode("utf-8")
    except FileNotFoundError:
        raise refuse("file not found — không tìm thấy tệp") from None
    except UnicodeDecodeError as exc:
        raise refuse(f"not UTF-8 ({exc.reason}) — tệp phải mã hóa UTF-8") from None
    except OSError as exc:
        raise refuse(f"cannot be read ({exc.strerror or exc}) — không đọc được tệp") from None


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def load_yaml(path: Path) -> SourceFile:
    """Parse a YAML file; raise InputError naming file, line and column on any problem with it."""
    path = Path(path)
    name = display_path(path)
    text = _read(path, name)
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is not None:
            _expanded_size(node, name)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        if not isinstance(exc, _Refused):
            detail = f"YAML syntax error: {detail} — lỗi cú pháp YAML"
        raise InputError([Problem(name, line, column, "", detail)]) from None
    except yaml.reader.ReaderError as exc:  # a control or non-printable character in the text
        offset = exc.position
        if _Loader.counts_bytes:
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        line, column = _position(text, offset)
        raise InputError([Problem(name, line, column, "",
                                  f"character U+{exc.character if isinstance(exc.character, int) else ord(exc.character):04X} "
                                  "is not allowed — ký tự không được phép (control characters); remove it")]) from None
    except RecursionError:
        raise InputError([Problem(name, 1, 1, "", "nesting too deep — lồng nhau quá sâu")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    source = SourceFile(path, data)
    problems: list[Problem] = []
    if node is not None:
        _index(node, (), source, problems)
    if problems:
        raise InputError(problems)
    return source
