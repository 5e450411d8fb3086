"""`dokiem attest init` writes stubs a tester fills in; `dokiem attest hash` gives their SHA-256 lines."""
from __future__ import annotations

import hashlib
import json

import yaml
from jsonschema import Draft202012Validator

from harness import cli, report
from harness.attestations import load_attestations
from harness.evidence import Redactor
from harness.report import allure

from reportkit import REPO, TARGET, judge, passing, record

SCHEMA = json.loads((REPO / "criteria" / "schema" / "attestations.schema.json").read_text(encoding="utf-8"))


def finished_run(tmp_path, edition, monkeypatch):
    monkeypatch.setattr(allure, "allure_command", lambda: None)
    card = judge(edition, passing())
    out = tmp_path / "run"
    report.write_run(out, record(edition, card, passing()), Redactor())
    return out, json.loads((out / "compliance.json").read_text(encoding="utf-8"))


def test_init_writes_a_stub_per_pending_criterion_valid_once_filled(tmp_path, edition, monkeypatch, capsys):
    out, doc = finished_run(tmp_path, edition, monkeypatch)
    pending = [c["id"] for c in doc["criteria"] if c["verdict"] == "MANUAL_PENDING"]
    assert pending == ["GEN-01", "HS-02", "HS-06"]
    stubs = tmp_path / "tester" / "attestations.yaml"
    assert cli.main(["attest", "init", str(out), "--out", str(stubs)]) == 0
    text = stubs.read_text(encoding="utf-8")
    assert "Ảnh chụp màn hình tiếp nhận tại quầy." in text     # HS-06's required evidence, as a comment
    data = yaml.safe_load(text)
    assert [a["criterion"] for a in data["attestations"]] == pending
    assert data["target"]["version"] == "2.3.1" and data["edition"] == "mini"
    validator = Draft202012Validator(SCHEMA)
    assert list(validator.iter_errors(data)), "an unfilled stub must not pass as an attestation"
    # the tester fills every stub in, with `attest hash` for the evidence
    evidence = stubs.parent / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF-1.4 bien ban")
    capsys.readouterr()
    assert cli.main(["attest", "hash", str(evidence)]) == 0
    digest, name = capsys.readouterr().out.split()
    assert digest == hashlib.sha256(evidence.read_bytes()).hexdigest() and name == str(evidence)
    for entry in data["attestations"]:
        entry.update(result="pass", tester="Nguyễn Văn An", date="2026-03-02", expiry="2027-03-02",
                     evidence=[{"path": "bien-ban.pdf", "sha256": digest}])
    assert not list(validator.iter_errors(data))
    stubs.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    loaded = load_attestations(stubs, edition, {k: TARGET[k] for k in ("vendor", "system", "version")},
                               today=__import__("datetime").date(2026, 3, 10))
    assert sorted(loaded.attestations) == pending


def test_init_never_overwrites_and_bad_input_exits_2(tmp_path, edition, monkeypatch, capsys):
    out, _ = finished_run(tmp_path, edition, monkeypatch)
    existing = tmp_path / "att.yaml"
    existing.write_text("mine", encoding="utf-8")
    assert cli.main(["attest", "init", str(out), "--out", str(existing)]) == 2
    assert existing.read_text(encoding="utf-8") == "mine" and "att.yaml:1:1" in capsys.readouterr().err
    assert cli.main(["attest", "init", str(tmp_path / "nowhere")]) == 2
    assert cli.main(["attest", "hash", str(tmp_path / "missing.pdf")]) == 2
    assert "missing.pdf:1:1" in capsys.readouterr().err


def test_hash_in_yaml_form_pastes_into_an_attestation(tmp_path, capsys):
    evidence = tmp_path / "ảnh.png"
    evidence.write_bytes(b"png")
    assert cli.main(["attest", "hash", "--format", "yaml", str(evidence)]) == 0
    entry = yaml.safe_load(capsys.readouterr().out.strip().lstrip("- "))
    assert entry == {"path": evidence.as_posix(), "sha256": hashlib.sha256(b"png").hexdigest()}
