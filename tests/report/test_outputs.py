"""The output folder: compliance.json, Allure results, secrets, manifest and `dokiem verify`, history."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from harness import cli, report
from harness.attestations import load_attestations
from harness.evidence import EvidenceStore, Redactor
from harness.report import allure, document
from harness.scoring import CheckResult

from reportkit import REPO, TODAY, judge, passing, record

SECRET = "Mk-bi-mat-2026!"
CITIZEN_ID = "001099012345"
SCHEMA = json.loads((REPO / "criteria" / "schema" / "result.schema.json").read_text(encoding="utf-8"))


def _zip_with_secret() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("trace/network.txt", f"POST /login password={SECRET}")
        archive.writestr("trace/screen.bin", b"\x00\x01" + SECRET.encode() + b"\x00")
        archive.writestr("trace/ok.txt", "nothing to hide")
    return buffer.getvalue()


def _attestations(tmp_path: Path, edition):
    folder = tmp_path / "attest"
    (folder / "ev").mkdir(parents=True)
    statement = folder / "ev" / "thuyet-minh.txt"
    statement.write_text(f"Tài khoản quản trị admin / {SECRET}\n", encoding="utf-8")
    digest = hashlib.sha256(statement.read_bytes()).hexdigest()
    path = folder / "attestations.yaml"
    path.write_text(f"""\
edition: mini
target: {{vendor: Công ty Cổ phần A, system: Cổng DVC tỉnh B, version: "2.3.1"}}
attestations:
  - criterion: GEN-01
    result: pass
    tester: Nguyễn Văn An
    date: 2026-03-02
    expiry: 2027-03-02
    note: "mật khẩu thử {SECRET}"
    evidence: [{{path: ev/thuyet-minh.txt, sha256: {digest}}}]
waivers:
  - criterion: HS-04
    reason: Không tạo được tải — load cannot be generated
    by: Trần Thị Bình
    date: 2026-03-01
    expiry: 2026-06-30
""", encoding="utf-8")
    target = {"vendor": "Công ty Cổ phần A", "system": "Cổng DVC tỉnh B", "version": "2.3.1"}
    return load_attestations(path, edition, target, today=TODAY)


def build_run(tmp_path: Path, edition, *, history: Path | None = None, allure_build: bool = False,
              monkeypatch=None, code_format: str = "failed") -> tuple[Path, list[str], object]:
    """A finished run of the mini edition with secrets planted everywhere a writer could leak them."""
    if not allure_build:
        monkeypatch.setattr(allure, "allure_command", lambda: None)
    redactor = Redactor()
    redactor.add(SECRET)
    out = tmp_path / "out"
    staging = tmp_path / ".out.partial-1"
    store = EvidenceStore(staging, redactor)
    code_evidence = store.write_text("dossier.code_format", "codes.txt", f"HS 000.00.00.H38-260310-0001 {SECRET}")
    # writers that forgot to redact: the sweep must catch them
    leaked = staging / "evidence" / "lookup.public" / "transcript.txt"
    leaked.parent.mkdir(parents=True)
    leaked.write_text(f"Authorization: Bearer {SECRET}\n", encoding="utf-8")
    (staging / "evidence" / "lookup.public" / "trace.zip").write_bytes(_zip_with_secret())
    (staging / "evidence" / "lookup.public" / "shot.png").write_bytes(b"\x89PNG\x00" + SECRET.encode())
    raw = tmp_path / "allure-pytest"
    raw.mkdir()
    (raw / "abc-result.json").write_text(json.dumps({"name": "t", "statusDetails": {"message": SECRET}}),
                                         encoding="utf-8")

    results = passing()
    results["dossier.code_format"] = CheckResult(
        "dossier.code_format", code_format, f"mã sai; đăng nhập bằng {SECRET}, CCCD {CITIZEN_ID}",
        [{"nodeid": "suites/dossier/test_code.py::test_format", "outcome": code_format, "reason": SECRET,
          "duration_s": 0.5}], [code_evidence])
    results["lookup.public"].evidence = ["evidence/lookup.public/transcript.txt", "evidence/lookup.public/trace.zip",
                                         "evidence/lookup.public/shot.png"]
    results["perf.avg_response"] = CheckResult("perf.avg_response", "error", "Inconclusive: journey step "
                                                "'Tra cứu hồ sơ' not configured in the profile", [], [])
    attestations = _attestations(tmp_path, edition)
    card = judge(edition, results, attested=attestations)
    target = {**record(edition, card, results).target,
              "base_urls": {"dvc": f"https://admin:{SECRET}@dvc.example.vn"}}
    run = record(edition, card, results, target=target, attestations=attestations, allure_raw_dir=raw,
                 tables=[{"id": "perf.levels", "title_vi": "Thời gian phản hồi", "title_en": "Response times",
                          "columns": ["Trang — Page", "ms"], "rows": [["/tra-cuu", 120], [f"/login?p={SECRET}", 80]],
                          "csv": "response-times.csv"}],
                 review_items=[{"criterion": "HS-02", "check": "lookup.public", "text_vi": f"Xem lại {SECRET}",
                                "text_en": "Review the contrast", "evidence": "evidence/lookup.public/transcript.txt"}])
    warnings = report.write_run(staging, run, redactor, history)
    report.finalize(staging, out)
    return out, warnings, card


@pytest.fixture(scope="module")
def run(tmp_path_factory, edition):
    with pytest.MonkeyPatch.context() as mp:
        tmp = tmp_path_factory.mktemp("run")
        out, warnings, card = build_run(tmp, edition, history=tmp / "history", monkeypatch=mp)
        return {"out": out, "warnings": warnings, "card": card, "history": tmp / "history", "tmp": tmp}


def _every_byte_string(root: Path):
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        yield path, data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield path / name, archive.read(name)


# --------------------------------------------------------------------------- compliance.json

def test_compliance_json_is_valid_and_says_what_scoring_decided(run):
    doc = json.loads((run["out"] / "compliance.json").read_text(encoding="utf-8"))
    Draft202012Validator(SCHEMA).validate(doc)
    card = run["card"]
    assert {c["id"]: c["verdict"] for c in doc["criteria"]} == {k: v.verdict for k, v in card.criteria.items()}
    assert doc["certification"]["certified"] is False and doc["exit_code"] == card.exit_code == 1
    assert doc["edition"]["id"] == "mini" and set(doc["edition"]["files"]) >= {"mini/edition.yaml", "checks.yaml"}
    assert doc["target"]["vendor"] == "Công ty Cổ phần A" and doc["run"]["id"] == "20260310-080000-abc123"
    assert doc["scores"]["overall"]["derivation"] and all(s["derivation"] for s in doc["scores"]["sections"])
    hs01 = next(c for c in doc["criteria"] if c["id"] == "HS-01")
    assert hs01["verdict"] == "FAIL" and hs01["checks"][0]["title_vi"] == "Mã hồ sơ đúng định dạng"
    assert hs01["evidence"] == ["evidence/dossier.code_format/codes.txt"]
    gen01 = next(c for c in doc["criteria"] if c["id"] == "GEN-01")
    assert gen01["verdict"] == "ATTESTED_PASS"
    copy = gen01["attestation"]["evidence"][0]
    assert copy["copy"] == "attestations/GEN-01/thuyet-minh.txt" and "redacted copy" in copy["copy_note"]
    hs04 = next(c for c in doc["criteria"] if c["id"] == "HS-04")
    assert hs04["verdict"] == "WAIVED" and hs04["waiver"]["by"] == "Trần Thị Bình"
    assert doc["tables"][0]["csv"] == "tables/response-times.csv"
    assert (run["out"] / "tables" / "response-times.csv").read_text(encoding="utf-8-sig").startswith("Trang — Page,ms")


def test_a_record_that_breaks_the_schema_is_a_harness_bug(tmp_path, edition, monkeypatch):
    monkeypatch.setattr(allure, "allure_command", lambda: None)
    card = judge(edition)
    bad = record(edition, card, passing(), target={"vendor": "A", "system": "B", "version": "1"})  # no environment
    with pytest.raises(document.ReportBug, match="environment"):
        report.write_run(tmp_path / "staging", bad, Redactor())
    good = record(edition, card, passing())
    assert report.write_run(tmp_path / "staging2", good, Redactor())  # only the Allure warning


# --------------------------------------------------------------------------- Allure results

def test_one_allure_result_per_criterion(run, edition):
    folder = run["out"] / "allure-results"
    results = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*-result.json")]
    assert sorted(r["historyId"] for r in results) == sorted(f"mini:{c['id']}" for c in edition.criteria)
    by_id = {r["historyId"].split(":")[1]: r for r in results}
    expected = {"HS-01": "failed", "GEN-01": "passed", "HS-04": "passed", "GEN-02": "skipped",
                "HS-06": "failed", "HS-03": "passed", "HS-02": "broken"}
    assert {k: by_id[k]["status"] for k in expected} == expected
    hs01 = by_id["HS-01"]
    assert hs01["testCaseId"] == "mini:HS-01"
    labels = {(label["name"], label["value"]) for label in hs01["labels"]}
    assert ("suite", "Mục 2. Hồ sơ") in labels and ("tag", "FAIL") in labels
    assert any(name == "parentSuite" and value.startswith("mini") for name, value in labels)
    assert {"name": "Kết quả — Verdict", "value": "FAIL", "excluded": True} in hs01["parameters"]
    step = hs01["steps"][0]
    assert step["name"].startswith("Kiểm tra dossier.code_format") and step["status"] == "failed"
    attachment = step["attachments"][0]
    assert (folder / attachment["source"]).is_file() and attachment["type"] == "text/plain"
    assert by_id["HS-02"]["statusDetails"]["message"].startswith(allure.CONFIG_PREFIX)
    categories = json.loads((folder / "categories.json").read_text(encoding="utf-8"))
    assert [c["name"].split(" — ")[1] for c in categories] == ["Target defect", "Configuration error",
                                                               "Inconclusive"]
    properties = (folder / "environment.properties").read_text(encoding="utf-8")
    assert "Edition=mini" in properties and "Certified=false" in properties
    assert (run["out"] / "allure-raw" / "abc-result.json").is_file()


def test_pending_is_unknown_and_not_applicable_is_skipped(tmp_path, edition, monkeypatch):
    monkeypatch.setattr(allure, "allure_command", lambda: None)
    card = judge(edition, absent={"lookup"})
    report.write_run(tmp_path, record(edition, card, passing()), Redactor())
    files = (tmp_path / "allure-results").glob("*-result.json")
    statuses = {r["historyId"]: r["status"] for r in (json.loads(p.read_text(encoding="utf-8")) for p in files)}
    assert statuses["mini:HS-06"] == "unknown" and statuses["mini:GEN-01"] == "unknown"
    assert statuses["mini:HS-02"] == "skipped" and statuses["mini:HS-01"] == "passed"


def test_without_node_the_run_still_writes_everything_and_says_how_to_build(run):
    assert not (run["out"] / "allure-report").exists()
    assert any("npx allure generate allure-results -o allure-report" in w for w in run["warnings"])
    for name in ("compliance.json", "compliance.html", "manifest.sha256"):
        assert (run["out"] / name).is_file()


@pytest.mark.skipif(allure.allure_command() is None, reason="Node.js or node_modules/.bin/allure not installed "
                                                           "(run `make setup`)")
def test_allure_3_builds_a_report_and_keeps_history(tmp_path, edition, monkeypatch):
    history = tmp_path / "history"
    out, warnings, _ = build_run(tmp_path, edition, history=history, allure_build=True, monkeypatch=monkeypatch)
    assert not [w for w in warnings if "Allure" in w], warnings
    # the multi-file form: a small index.html, the results as data files beside it
    assert (out / "allure-report" / "index.html").is_file()
    assert len(list((out / "allure-report" / "data" / "test-results").glob("*.json"))) == len(edition.criteria)
    html = (out / "compliance.html").read_text(encoding="utf-8")
    assert 'href="allure-report/index.html"' in html
    assert SECRET.encode() not in b"".join(data for _, data in _every_byte_string(out))
    # a second nightly run: HS-01 changes its verdict but keeps its place in the trend
    second = tmp_path / "second"
    second.mkdir()
    build_run(second, edition, history=history, allure_build=True, monkeypatch=monkeypatch, code_format="passed")
    points = [json.loads(line) for line in (history / allure.HISTORY_FILE).read_text(encoding="utf-8").splitlines()]
    assert len(points) == 2
    trend = [{r["fullName"]: (key, r["status"]) for key, r in p["testResults"].items()} for p in points]
    assert trend[0]["mini.HS-01"][1] == "failed" and trend[1]["mini.HS-01"][1] == "passed"
    assert trend[0]["mini.HS-01"][0] == trend[1]["mini.HS-01"][0]
    assert sorted((history / "runs").iterdir()) == [history / "runs" / "20260310-080000-abc123.json"]


# --------------------------------------------------------------------------- secrets

def test_planted_secrets_appear_in_no_output_file_archives_included(run):
    hits = [str(path) for root in (run["out"], run["history"]) for path, data in _every_byte_string(root)
            if SECRET.encode() in data or CITIZEN_ID.encode() in data]
    assert hits == []
    # and the planted files were kept, masked, not silently dropped (except the binary that held it)
    transcript = (run["out"] / "evidence" / "lookup.public" / "transcript.txt").read_text(encoding="utf-8")
    assert "Authorization: Bearer [ĐÃ CHE / REDACTED]" in transcript
    with zipfile.ZipFile(run["out"] / "evidence" / "lookup.public" / "trace.zip") as archive:
        assert sorted(archive.namelist()) == ["trace/network.txt", "trace/ok.txt"]
    assert not (run["out"] / "evidence" / "lookup.public" / "shot.png").exists()
    assert any("shot.png" in w for w in run["warnings"])


def test_the_scan_itself_finds_a_secret(tmp_path):
    # the other side: the scanner sees a secret inside an archive
    (tmp_path / "a.zip").write_bytes(_zip_with_secret())
    assert any(SECRET.encode() in data for _, data in _every_byte_string(tmp_path))


# --------------------------------------------------------------------------- manifest and verify

def test_verify_accepts_the_untouched_folder(run, capsys):
    assert cli.main(["verify", str(run["out"])]) == 0
    assert capsys.readouterr().out.startswith("OK ")


@pytest.mark.parametrize("victim", ["compliance.json", "compliance.html", "evidence/dossier.code_format/codes.txt",
                                    "tables/response-times.csv", "allure-results/categories.json",
                                    "attestations/attestations.yaml", "manifest.sha256"])
def test_one_changed_byte_anywhere_is_named(run, victim, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(run["out"], copy)
    path = copy / victim
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert cli.main(["verify", str(copy)]) == 1
    assert f"changed: {victim}" in capsys.readouterr().out


def test_added_and_missing_files_are_named(run, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(run["out"], copy)
    (copy / "evidence" / "extra.txt").write_text("thêm", encoding="utf-8")
    (copy / "compliance.html").unlink()
    assert cli.main(["verify", str(copy)]) == 1
    out = capsys.readouterr().out
    assert "added: evidence/extra.txt" in out and "missing: compliance.html" in out


def test_verify_without_folder_or_manifest_is_bad_input(run, tmp_path, capsys):
    assert cli.main(["verify", str(tmp_path / "nope")]) == 2
    shutil.copytree(run["out"], tmp_path / "copy")
    (tmp_path / "copy" / "manifest.sha256").unlink()
    assert cli.main(["verify", str(tmp_path / "copy")]) == 2
    assert "manifest" in capsys.readouterr().err


def test_the_manifest_is_sha256sum_format(run):
    lines = (run["out"] / "manifest.sha256").read_text(encoding="utf-8").splitlines()
    digest, path = lines[0].split("  ", 1)
    assert hashlib.sha256((run["out"] / path).read_bytes()).hexdigest() == digest
    assert lines[-1].startswith("# dokiem-manifest ")
    assert not any(line.endswith("  manifest.sha256") for line in lines)


# --------------------------------------------------------------------------- finalize and history

def test_finalize_moves_the_staging_folder_into_place(run, tmp_path):
    assert not list(run["tmp"].glob(".out.partial-*"))
    staging = tmp_path / ".o.partial"
    staging.mkdir()
    (staging / "x.txt").write_text("x", encoding="utf-8")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "old.txt").write_text("old", encoding="utf-8")
    with pytest.raises(FileExistsError):
        report.finalize(staging, tmp_path / "busy")
    (tmp_path / "empty").mkdir()
    report.finalize(staging, tmp_path / "empty")
    assert (tmp_path / "empty" / "manifest.sha256").is_file() and not staging.exists()


def test_history_keeps_each_runs_compliance_json(run):
    kept = run["history"] / "runs" / "20260310-080000-abc123.json"
    assert kept.read_bytes() == (run["out"] / "compliance.json").read_bytes()


def test_raw_allure_results_written_inside_staging_move_beside_ours(tmp_path, edition, monkeypatch):
    monkeypatch.setattr(allure, "allure_command", lambda: None)
    staging = tmp_path / "staging"
    raw = staging / "allure-results"          # where a careless --alluredir would put them
    raw.mkdir(parents=True)
    (raw / "x-result.json").write_text(json.dumps({"name": "raw", "message": f"CCCD {CITIZEN_ID}"}),
                                       encoding="utf-8")
    report.write_run(staging, record(edition, judge(edition), passing(), allure_raw_dir=raw), Redactor())
    assert not (staging / "allure-results" / "x-result.json").exists()
    kept = (staging / "allure-raw" / "x-result.json").read_text(encoding="utf-8")
    assert '"name": "raw"' in kept and CITIZEN_ID not in kept
    assert len(list((staging / "allure-results").glob("*-result.json"))) == len(edition.criteria)


def test_text_is_written_nfc(tmp_path, edition, monkeypatch):
    monkeypatch.setattr(allure, "allure_command", lambda: None)
    decomposed = "Kho\u0302ng ti\u0300m tha\u0302\u0301y"   # "Không tìm thấy" in NFD
    results = passing()
    results["lookup.public"] = CheckResult("lookup.public", "failed", decomposed, [], [])
    report.write_run(tmp_path, record(edition, judge(edition, results), results), Redactor())
    text = (tmp_path / "compliance.json").read_text(encoding="utf-8")
    assert "Không tìm thấy" in text and decomposed not in text
