"""Outputs for CI and for Allure that agree with the record: statuses, the quality gate, attachments
stored once, real times, traces kept for failures, JUnit XML, the Markdown summary, the last lines."""
from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness import report, run_summary
from harness.evidence import EvidenceStore, Redactor
from harness.outcomes import CheckOutcomes
from harness.report import allure, junit, summary_md, traces
from harness.scoring import CheckResult

from reportkit import attestations, judge, passing, record, results


def write_doc(tmp_path: Path, edition, monkeypatch, check_results=None, attested=None, **kw) -> tuple[Path, dict]:
    monkeypatch.setattr(allure, "allure_command", lambda: None)
    check_results = check_results or passing()
    card = judge(edition, check_results, attested=attested, only=kw.pop("only", None))
    out = tmp_path / "run"
    report.write_run(out, record(edition, card, check_results, attestations=None, partial=card.partial, **kw),
                     Redactor())
    return out, json.loads((out / "compliance.json").read_text(encoding="utf-8"))


def allure_results(out: Path) -> dict[str, dict]:
    found = (json.loads(p.read_text(encoding="utf-8")) for p in (out / "allure-results").glob("*-result.json"))
    return {r["historyId"].split(":")[1]: r for r in found}


# --------------------------------------------------------------------------- Allure agrees with the record

@pytest.mark.parametrize("perf, expected", [("passed", {"HS-02": "ATTESTED_FAIL", "HS-04": "PASS"}),
                                           ("failed", {"HS-02": "FAIL", "HS-04": "FAIL"})])
def test_only_what_stands_between_the_target_and_certification_is_failed(tmp_path, edition, monkeypatch, perf,
                                                                         expected):
    # HS-02 and HS-04 are optional: the tester attests HS-02 fail, or perf.avg_response fails both;
    # the mandatory GEN-01 and HS-06 are attested pass, HS-01's check passes
    checks = results({"dossier.code_format": "passed", "lookup.public": "passed", "perf.avg_response": perf})
    attested = attestations(("HS-02", "fail"), ("GEN-01", "pass"), ("HS-06", "pass"))
    out, doc = write_doc(tmp_path, edition, monkeypatch, checks, attested)
    verdicts = {c["id"]: c["verdict"] for c in doc["criteria"]}
    assert {k: verdicts[k] for k in expected} == expected and verdicts["GEN-02"] == "NOT_RUN"
    assert doc["certification"]["certified"] is True          # optional failures do not count (checklist)
    by_id = allure_results(out)
    assert [k for k, r in by_id.items() if r["status"] == "failed"] == []
    for optional in (k for k, v in expected.items() if v != "PASS"):
        assert by_id[optional]["status"] == "skipped"
        assert by_id[optional]["statusDetails"]["message"].startswith(allure.NOT_COUNTED_PREFIX)
    assert by_id["GEN-02"]["status"] == "skipped"              # informative: recorded, not judged
    properties = (out / "allure-results" / "environment.properties").read_text(encoding="utf-8")
    assert "Certified=true" in properties and "Verdict=ĐẠT — certified" in properties

    # the other side: the mandatory HS-01 failing is failed, in Allure and in JUnit, and nothing else moves
    checks["dossier.code_format"] = CheckResult("dossier.code_format", "failed", "mã sai — bad code", [], [])
    out2, doc2 = write_doc(tmp_path / "2", edition, monkeypatch, checks, attested)
    assert doc2["certification"]["certified"] is False
    by_id2 = allure_results(out2)
    failed = sorted(k for k, r in by_id2.items() if r["status"] == "failed")
    assert failed == ["HS-01", "HS-06"]                          # HS-06 needs dossier.code_format too
    assert {k: r["status"] for k, r in by_id2.items() if k not in failed} == \
        {k: r["status"] for k, r in by_id.items() if k not in failed}
    suite = ET.fromstring(junit.render(doc2))
    assert sorted(c.get("name").split()[0] for c in suite.iter("testcase") if c.find("failure") is not None) == failed
    properties = (out2 / "allure-results" / "environment.properties").read_text(encoding="utf-8")
    assert "Verdict=CHƯA ĐẠT — not certified" in properties


QUALITY_GATE_PROBE = """
import(process.argv[1]).then(async (config) => {
  const gate = config.qualityGate;
  const rule = gate.use[0], filter = gate.rules[0].filter;
  const trs = JSON.parse(process.argv[2]).filter(filter);
  const result = await rule.validate({ trs, expected: gate.rules[0][rule.rule] });
  console.log(JSON.stringify({ success: result.success, actual: result.actual, ids: result.testResults }));
});
"""


def gate(out: Path) -> dict:
    """Run the allurerc.mjs written beside allure-results on the run's own results, in Node."""
    trs = [{"id": r["historyId"], "status": r["status"], "labels": r["labels"]} for r in allure_results(out).values()]
    proc = subprocess.run(["node", "-e", QUALITY_GATE_PROBE, (out / allure.CONFIG_FILE).as_uri(), json.dumps(trs)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js not installed")
def test_the_quality_gate_is_the_mandatory_rule(tmp_path, edition, monkeypatch):
    attested = attestations(("HS-02", "fail"), ("GEN-01", "pass"), ("HS-06", "pass"))
    out, doc = write_doc(tmp_path, edition, monkeypatch, passing(), attested)
    assert doc["certification"]["certified"] and gate(out) == {"success": True, "actual": 0, "ids": []}
    # a mandatory criterion still pending (GEN-01 not attested) is no failure but withholds certification
    out, doc = write_doc(tmp_path / "2", edition, monkeypatch, passing(), attestations(("HS-06", "pass")))
    assert not doc["certification"]["certified"]
    assert gate(out) == {"success": False, "actual": 1, "ids": ["mini:GEN-01"]}


# --------------------------------------------------------------------------- size: once, linked, pruned

def test_a_scenario_file_is_linked_and_a_failing_checks_files_are_copied_once(tmp_path, edition, monkeypatch):
    staging = tmp_path / "run"
    store = EvidenceStore(staging, Redactor())
    shared = store.write_text("scenario-dossier_life", "transcript.md", "### 1. GET / → 200")
    shot = store.write_bytes("scenario-dossier_life-browser", "end.png", b"\x89PNG fake")
    own = store.write_text("lookup.public", "lookup.json", "{}")
    checks = results({"dossier.code_format": "failed", "lookup.public": "passed", "perf.avg_response": "failed"},
                     {"dossier.code_format": [shared, shot], "lookup.public": [shared, shot, own],
                      "perf.avg_response": [shared]})
    out, _ = write_doc(tmp_path, edition, monkeypatch, checks)
    copies = [p for p in (out / "allure-results").iterdir() if "-attachment" in p.name]
    # the transcript is cited by three checks in four criteria, and stored once; the passing check's own
    # file is attached, its scenario's files linked from the report
    assert sorted(p.suffix for p in copies) == [".json", ".md", ".png"]
    by_id = allure_results(out)
    lookup_step = next(s for s in by_id["HS-03"]["steps"] if "lookup.public" in s["name"])
    assert [a["name"] for a in lookup_step["attachments"]] == ["lookup.json"]
    assert {link["url"] for link in by_id["HS-03"]["links"]} >= {f"../{shared}", f"../{shot}"}
    failing_step = next(s for s in by_id["HS-01"]["steps"] if "dossier.code_format" in s["name"])
    assert sorted(a["name"] for a in failing_step["attachments"]) == ["end.png", "transcript.md"]


def test_traces_are_kept_only_for_failing_or_erroring_checks(tmp_path):
    store = EvidenceStore(tmp_path, Redactor())
    kept = store.write_bytes("scenario-a-browser", "trace.zip", b"PK a")
    dropped = store.write_bytes("scenario-b-browser", "trace.zip", b"PK b")
    orphan = store.write_bytes("scenario-c-browser", "trace.zip", b"PK c")
    shot = store.write_bytes("scenario-b-browser", "end.png", b"png")
    checks = {"x": CheckResult("x", "error", "", [], [kept]), "y": CheckResult("y", "passed", "", [], [kept]),
              "z": CheckResult("z", "passed", "", [], [dropped, shot])}
    assert traces.prune(tmp_path, checks, "all") == [] and (tmp_path / dropped).is_file()
    assert traces.prune(tmp_path, checks) == sorted([dropped, orphan])
    assert (tmp_path / kept).is_file() and not (tmp_path / dropped).exists() and not (tmp_path / orphan).exists()
    assert checks["z"].evidence == [shot] and checks["y"].evidence == [kept]


def test_allure_times_are_when_the_checks_ran(tmp_path, edition, monkeypatch):
    outcomes = CheckOutcomes()
    t0 = 1_773_129_600.0  # 2026-03-10 08:00:00 UTC
    outcomes.record(["dossier.code_format"], "t.py::a", "error", "setup broke", 0.5, t0 + 10, t0 + 10.5)
    outcomes.record(["dossier.code_format"], "t.py::a", "passed", "", 2.0, t0 + 10.5, t0 + 12.5)
    row = outcomes.tests["dossier.code_format"]["t.py::a"]
    assert row["start"] == "2026-03-10T08:00:10.000+00:00" and row["stop"] == "2026-03-10T08:00:12.500+00:00"
    checks = passing()
    checks["dossier.code_format"].tests = [row]
    out, _ = write_doc(tmp_path, edition, monkeypatch, checks)
    hs01 = allure_results(out)["HS-01"]
    assert (hs01["start"], hs01["stop"]) == (int((t0 + 10) * 1000), int((t0 + 12.5) * 1000))
    assert (hs01["steps"][0]["start"], hs01["steps"][0]["stop"]) == (hs01["start"], hs01["stop"])
    # a manual criterion ran nothing: no made-up duration spanning the whole run
    gen01 = allure_results(out)["GEN-01"]
    assert gen01["stop"] == gen01["start"]


@pytest.mark.skipif(allure.allure_command() is None, reason="Node.js or node_modules/.bin/allure not installed")
def test_a_failing_allure_build_says_why(tmp_path, edition, monkeypatch):
    out, _ = write_doc(tmp_path, edition, monkeypatch)
    monkeypatch.undo()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the report should go", encoding="utf-8")
    warning = allure.build_report(out / "allure-results", blocker, "x")
    assert "ENOTDIR" in warning or "not a directory" in warning, warning


def test_failure_cause_prefers_the_error_to_the_last_progress_line():
    output = ("\x1b[32mreading results\x1b[0m\nplugin awesome error RangeError: Invalid string length\n"
              "    at JSON.stringify (<anonymous>)\ndone in 3s\n")
    cause = allure.failure_cause(output)
    assert cause.startswith("plugin awesome error RangeError: Invalid string length") and "\x1b" not in cause
    assert "at JSON.stringify" not in cause


# --------------------------------------------------------------------------- JUnit, Markdown, last lines

def test_junit_has_one_case_per_criterion_classed_by_section(tmp_path, edition, monkeypatch):
    checks = results({"dossier.code_format": "failed", "lookup.public": "passed", "perf.avg_response": "error"})
    _, doc = write_doc(tmp_path, edition, monkeypatch, checks)
    path = tmp_path / "ci" / "dokiem.xml"
    junit.write(doc, path)
    suite = ET.parse(path).getroot()
    cases = {c.get("name").split()[0]: c for c in suite.iter("testcase")}
    assert set(cases) == {c["id"] for c in doc["criteria"]}
    assert cases["HS-01"].get("classname") == "Mục 2. Hồ sơ"
    failure = cases["HS-01"].find("failure")
    hs01 = next(c for c in doc["criteria"] if c["id"] == "HS-01")
    assert failure is not None and failure.get("message") == f"FAIL: {hs01['reason']}"
    assert cases["HS-02"].find("error") is not None           # inconclusive is an error, not a failure
    assert cases["GEN-02"].find("skipped") is not None and cases["HS-03"].find("failure") is None
    assert suite.get("tests") == str(len(cases)) and suite.get("failures") == str(
        sum(c.find("failure") is not None for c in cases.values()))


def test_junit_survives_control_characters_in_a_reason(tmp_path, edition, monkeypatch):
    checks = results({"dossier.code_format": "failed", "lookup.public": "passed", "perf.avg_response": "passed"})
    checks["dossier.code_format"].reason = "body \x00\x1b[31m raw"
    _, doc = write_doc(tmp_path, edition, monkeypatch, checks)
    ET.fromstring(junit.render(doc))  # parses: the characters XML cannot carry were replaced


def test_a_partial_run_that_passed_says_so_without_chua_dat(tmp_path, edition, monkeypatch):
    out, doc = write_doc(tmp_path, edition, monkeypatch, passing(), only="HS-01,HS-03")
    assert doc["exit_code"] == 0 and doc["run"]["partial"]
    lines = run_summary.final_lines(doc, out, [])
    text = "\n".join(lines) + summary_md.render(doc)
    assert "CHƯA ĐẠT" not in text and "every selected criterion passes" in text and "partial run" in text
    # and a full run that failed does say it, with the failing criteria and the paths
    checks = results({"dossier.code_format": "failed", "lookup.public": "passed", "perf.avg_response": "passed"})
    out, doc = write_doc(tmp_path / "full", edition, monkeypatch, checks)
    lines = run_summary.final_lines(doc, out, ["Allure chưa dựng"])
    assert any("CHƯA ĐẠT — not certified" in line for line in lines)
    listed = [line for line in lines if line.startswith("[dokiem]   ")]
    assert listed[0].split()[1:3] == ["HS-01", "FAIL"]        # failing before pending
    assert any(line.endswith(str(out / "compliance.html")) for line in lines)
    assert lines[0] == "[dokiem] cảnh báo (warning): Allure chưa dựng"


def test_the_markdown_summary_fits_a_job_summary(tmp_path, edition, monkeypatch):
    checks = results({"dossier.code_format": "failed", "lookup.public": "passed", "perf.avg_response": "passed"})
    checks["dossier.code_format"].reason = "mã | sai\nxuống dòng"
    out, doc = write_doc(tmp_path, edition, monkeypatch, checks)
    lines = run_summary.finish_outputs(out, [], junit_xml=str(tmp_path / "j.xml"),
                                       summary_md_file=str(tmp_path / "s.md"))
    text = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert text.startswith("## dokiem: Cổng DVC tỉnh B 2.3.1 — mini") and "**CHƯA ĐẠT — not certified; exit 1**" in text
    row = next(line for line in text.splitlines() if line.startswith("| HS-01 "))
    assert row.count(" | ") == 3 and "mã \\| sai xuống dòng" in row   # one table row, its pipe escaped
    assert (tmp_path / "j.xml").is_file() and any("JUnit XML" in line for line in lines)
