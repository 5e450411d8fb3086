"""The cross-edition map (criteria/crosswalk.yaml): which criterion of one edition corresponds to
which of another. Validated like an edition (schema, then every edition and id exists); read by
rescoring to name a criterion's counterparts in the other editions."""
from __future__ import annotations

from pathlib import Path

from harness import criteria
from harness.yamlsource import InputError, load_yaml

CROSSWALK_FILE = "crosswalk.yaml"


def load(criteria_dir: Path, editions: dict | None = None) -> list[dict]:
    """The validated maps ([] when the folder has no crosswalk). `editions`: {id: Edition} already
    loaded (others are loaded here). InputError lists every problem with file:line:column."""
    path = Path(criteria_dir) / CROSSWALK_FILE
    if not path.is_file():
        return []
    source = load_yaml(path)
    problems = criteria.schema_problems(source, criteria.schema_validator(
        str(criteria.schema_path(criteria_dir, "crosswalk"))), lambda p: CROSSWALK_FILE)
    if problems:
        raise InputError(problems)
    editions = dict(editions or {})
    known = criteria.edition_ids(criteria_dir)
    for i, entry in enumerate(source.data["maps"]):
        for end in ("from", "to"):
            edition_id = entry[end]
            if edition_id not in known:
                problems.append(source.problem(("maps", i, end), edition_id, "unknown edition — không có phiên bản này; "
                                               f"known: {', '.join(known)}"))
                continue
            if edition_id not in editions:
                editions[edition_id] = criteria.load_edition(criteria_dir, edition_id)
        if problems:
            continue
        ids_from = {c["id"] for c in editions[entry["from"]].criteria}
        ids_to = {c["id"] for c in editions[entry["to"]].criteria}
        for cid, targets in entry["links"].items():
            if cid not in ids_from:
                problems.append(source.problem(("maps", i, "links", cid), cid,
                                               f"no such criterion in {entry['from']} — không có tiêu chí này", prefer_key=True))
            for j, target in enumerate(targets):
                if target not in ids_to:
                    problems.append(source.problem(("maps", i, "links", cid, j), target,
                                                   f"no such criterion in {entry['to']} — không có tiêu chí này"))
    if problems:
        raise InputError(problems)
    return source.data["maps"]


def counterparts(maps: list[dict], edition_id: str, criterion_id: str, other: str) -> list[str]:
    """The criteria of edition `other` that correspond to `criterion_id` of `edition_id` (either direction)."""
    found: list[str] = []
    for entry in maps:
        if entry["from"] == edition_id and entry["to"] == other:
            found += entry["links"].get(criterion_id, [])
        elif entry["from"] == other and entry["to"] == edition_id:
            found += [cid for cid, targets in entry["links"].items() if criterion_id in targets]
    return list(dict.fromkeys(found))
