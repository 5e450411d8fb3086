"""Both parsers under harness/yamlsource.py — libyaml's (used when PyYAML has it) and PyYAML's own
(the fallback) — refuse the same hostile inputs at the same place, and read good files alike."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness import yamlsource

CASES = {
    "control-character-after-vietnamese": 'tên: "Hồ sơ điện tử"\nkhác: "ab\x01c"\n',
    "escaped-control-character": 'a: "x\\x01"\n',
    "deep-block-nesting": "".join("  " * i + f"k{i}:\n" for i in range(80)) + "  " * 80 + "v\n",
    "deep-flow-nesting": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "alias-bomb": 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join(["*" + chr(97 + i)] * 9) + "]\n" for i in range(8)),
    "non-finite": "a: .nan\n",
    "impossible-date": "d: 2023-02-30\n",
    "duplicate-key": "a: 1\na: 2\n",
    "syntax": "x: [1, 2\n",
}


def load(path, monkeypatch, events):
    monkeypatch.setattr(yamlsource, "_Loader", yamlsource._loader_class(events))
    try:
        return yamlsource.load_yaml(path).data
    except yamlsource.InputError as error:
        return [(p.line, p.column) for p in error.problems], str(error)


@pytest.mark.parametrize("case", sorted(CASES))
def test_libyaml_and_pyyaml_refuse_alike(case, tmp_path, monkeypatch):
    pytest.importorskip("yaml._yaml")
    path = tmp_path / "input.yaml"
    path.write_text(CASES[case], encoding="utf-8")
    c_found = load(path, monkeypatch, yamlsource._Events)
    py_found = load(path, monkeypatch, yamlsource._PythonEvents)
    assert isinstance(c_found, tuple) and isinstance(py_found, tuple), "both must refuse"
    if case in ("syntax", "deep-flow-nesting"):  # each parser words (and places) its own syntax limits
        return
    assert c_found[0] == py_found[0], (c_found[1], py_found[1])


def test_a_real_input_reads_the_same_with_either_parser_positions_included(monkeypatch):
    path = Path(__file__).resolve().parents[2] / "criteria" / "checks.yaml"
    read = []
    for events in (yamlsource._Events, yamlsource._PythonEvents):
        monkeypatch.setattr(yamlsource, "_Loader", yamlsource._loader_class(events))
        source = yamlsource.load_yaml(path)
        read.append((source.data, source.value_marks, source.key_marks))
    assert read[0] == read[1]
