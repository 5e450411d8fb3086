"""A pytest plugin the record tool loads into its run (PYTEST_PLUGINS): every scenario's
observations are also kept as they were before the evidence redaction, in $DOKIEM_RECORD_RAW.

The evidence masks every value under a key that names a secret word; some observations are named
so without holding one (`old_cookie`: how the target answered a replayed cookie), and the proofs
need them. The record tool masks what is secret in its own way (tests/suites/record.py: `scrub`).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from harness.evidence import EvidenceStore, folder_name

_write_json = EvidenceStore.write_json


def write_json(self, folder: str, name: str, data):
    if name == "observations.json" and os.environ.get("DOKIEM_RECORD_RAW"):
        target = Path(os.environ["DOKIEM_RECORD_RAW"]) / f"{folder_name(folder)}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    return _write_json(self, folder, name, data)


EvidenceStore.write_json = write_json
