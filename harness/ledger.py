"""What a run writes down as it goes, read back once at the end.

Outcomes are recorded on the controller (from the reports xdist carries). Evidence, tables and
review items are written by whichever process observes them, workers included, into the staging
folder: files under evidence/, and one JSON line per entry in the `_run/` indexes, which are read
once by the finish and then removed (they are not part of the record).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from harness.evidence import EvidenceStore, Redactor, attach_journal, read_journal
from harness.outcomes import CheckOutcomes

RUN_FILES = "_run"
ENV_STAGING = "DOKIEM_STAGING_DIR"  # the staging folder, for the workers and for what notes into it


def _append_jsonl(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as stream:  # one short line per write: safe across workers
        stream.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class RunLedger:
    def __init__(self, staging: Path, redactor: Redactor):
        self.staging = staging
        self.redactor = redactor
        self.outcomes = CheckOutcomes()
        self.evidence = EvidenceStore(staging, redactor)
        self._index = staging / RUN_FILES
        # cookie and anti-forgery values the target sets, registered by any process (harness.target_secrets)
        attach_journal(redactor, self._index / "secrets.jsonl")

    def evidence_for(self, folder: str) -> "BoundEvidence":
        """The evidence store bound to one check's or scenario's folder."""
        return BoundEvidence(self.evidence, folder, self._index / "evidence-index.jsonl")

    def add_table(self, table: dict) -> None:
        """A table for the record (e.g. the measured service levels); written by the report."""
        _append_jsonl(self._index / "tables.jsonl", self.redactor.data(table))

    def add_review_item(self, item: dict) -> None:
        """Something a tester must review by hand (e.g. axe 'incomplete' results)."""
        _append_jsonl(self._index / "review.jsonl", self.redactor.data(item))

    # ------------------------------------------------------------------ read at the finish
    def gather_secrets(self) -> None:
        """What the workers registered joins this process's redactor, for the final sweep."""
        self.redactor.journal = None
        self.redactor.add(*read_journal(self._index / "secrets.jsonl"))

    def tables(self) -> list[dict]:
        return _read_jsonl(self._index / "tables.jsonl")

    def review_items(self) -> list[dict]:
        return _read_jsonl(self._index / "review.jsonl")

    def evidence_by_check(self, scenarios: dict[str, str | None]) -> dict[str, list[str]]:
        """check id -> evidence paths: its own folder's, its scenario's and that scenario's browser
        sessions' (Scenario.browser writes screenshots and traces into scenario-<name>-<label>).
        `scenarios`: check id -> scenario name."""
        by_folder: dict[str, list[str]] = {}
        for row in _read_jsonl(self._index / "evidence-index.jsonl"):
            by_folder.setdefault(row["folder"], []).append(row["path"])
        index = {}
        for check_id, scenario in scenarios.items():
            paths = list(by_folder.get(check_id, []))
            if scenario is not None:
                paths += by_folder.get(f"scenario-{scenario}", [])
                paths += [p for folder, found in by_folder.items()
                          if folder.startswith(f"scenario-{scenario}-") for p in found]
            index[check_id] = sorted(set(paths))
        return index

    def close_indexes(self) -> None:
        shutil.rmtree(self._index, ignore_errors=True)


class BoundEvidence:
    """The evidence store with the folder fixed to one check or scenario; every file is indexed."""

    def __init__(self, store: EvidenceStore, folder: str, index: Path):
        self.store, self.folder, self.index, self.paths = store, folder, index, []

    def register(self, path) -> str:
        relative = path if isinstance(path, str) else self.store.relative(Path(path))
        self.paths.append(relative)
        _append_jsonl(self.index, {"folder": self.folder, "path": relative})
        return relative

    def path_for(self, name: str) -> Path:
        return self.store._path(self.folder, name)

    def write_text(self, name: str, text: str) -> str:
        return self.register(self.store.write_text(self.folder, name, text))

    def write_json(self, name: str, data) -> str:
        return self.register(self.store.write_json(self.folder, name, data))

    def write_bytes(self, name: str, data: bytes) -> str:
        return self.register(self.store.write_bytes(self.folder, name, data))
