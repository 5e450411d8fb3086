"""profiles/template.yaml and criteria/schema/profile.schema.json never disagree: the template,
with every commented-out example block switched on, is a valid profile, and every key of the schema's
operation and profile levels is shown in it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

REPO = Path(__file__).resolve().parent.parent.parent
TEMPLATE = REPO / "profiles" / "template.yaml"
SCHEMA = REPO / "criteria" / "schema" / "profile.schema.json"
COMMENT = re.compile(r"^(?P<indent>\s*)# (?P<body>.*)$")
STARTS_YAML = re.compile(r"^(?:[a-z_][a-z0-9_]*:(?: |$)|- )")


def switched_on(text: str) -> str:
    """The template with its commented-out example blocks uncommented. An example block starts with
    a commented `key:` (or `- item`); its continuation lines are indented further after the '# '.
    Prose comments never start with `word: ` (the template writes them otherwise)."""
    out, depth = [], None
    for line in text.splitlines():
        match = COMMENT.match(line)
        if match:
            indent, body = match.group("indent"), match.group("body")
            if depth is not None and len(indent) == depth and body.startswith(" "):
                out.append(indent + body)
                continue
            if STARTS_YAML.match(body):
                depth = len(indent)
                out.append(indent + body)
                continue
        depth = None
        out.append(line)
    return "\n".join(out) + "\n"


def test_the_template_with_every_example_switched_on_is_a_valid_profile():
    data = yaml.safe_load(switched_on(TEMPLATE.read_text(encoding="utf-8")))
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    problems = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert not problems, "\n".join(problems)


def test_every_top_level_and_operation_key_of_the_schema_is_documented_in_the_template():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    text = switched_on(TEMPLATE.read_text(encoding="utf-8"))
    data = yaml.safe_load(text)
    missing = [k for k in schema["properties"] if k not in data]
    shown = set()
    for spec in (data.get("operations") or {}).values():
        shown |= set(spec)
        for step in spec.get("steps") or []:
            shown |= set(step)
        for variant in (spec.get("variants") or {}).values():
            shown |= set(variant)
    missing += [f"operations.*.{k}" for k in schema["$defs"]["operation"]["properties"] if k not in shown]
    assert not missing, f"keys the schema has and the template does not show: {missing}"


def test_switching_on_finds_the_examples():
    text = "a:\n  x: 0\n  # b:\n  #   c: 2\n  # prose that is not yaml\n# d:   # why\n#   - 3\n"
    assert yaml.safe_load(switched_on(text)) == {"a": {"x": 0, "b": {"c": 2}}, "d": [3]}
