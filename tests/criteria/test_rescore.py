"""`dokiem rescore` and `dokiem run --editions`: one run's check outcomes judged against other
editions without re-running; checks a run did not execute are NOT_RUN with the reason."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from harness import criteria, report, rescore, scoring, selection
from harness.cli import main
from harness.evidence import Redactor
from harness.verify import verify_folder

CRITERIA = Path(__file__).resolve().parent.parent.parent / "criteria"
TARGET = {"id": "refportal", "vendor": "A", "system": "B", "version": "1", "environment": "staging",
          "systems": ["dvc", "mcdt"], "base_urls": {"dvc": "http://127.0.0.1:1"}, "profile_path": "p.yaml",
          "profile_sha256": "a" * 64, "features_absent": [], "authorisation": None,
          "allowed_flags": ["mutates", "intrusive", "load"], "lowered_parameters": {}}


def make_run(tmp_path: Path, outcome_of, section: str | None = None) -> Path:
    """A finished run folder scored against cv255-2018 (no target needed): every check the run
    selected (all, or those of `section`) has the outcome `outcome_of(check)`."""
    checks = criteria.load_checks(CRITERIA)
    edition = criteria.load_edition(CRITERIA, "cv255-2018", checks)
    chosen = selection.select(edition, section=section)
    results = {c: scoring.CheckResult(c, outcome_of(c), "" if outcome_of(c) == "passed" else "lý do — reason",
                                      [{"nodeid": f"suites/x.py::{c}", "outcome": outcome_of(c), "reason": "",
                                        "duration_s": 0.1}])
               for c in chosen.checks}
    card = scoring.score(edition, chosen, results, set())
    started = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.timezone.utc)
    record = report.RunRecord(run_id="20261207-010000-abcdef", started=started, finished=started + dt.timedelta(minutes=2),
                              harness_version="0", demo=False, command=["dokiem", "run"], partial=chosen.partial, edition=edition,
                              checks=checks, target=dict(TARGET), scorecard=card,
                              check_results=results)
    staging, out = tmp_path / "staging", tmp_path / "run"
    report.write_run(staging, record, Redactor(), build_allure=False)
    report.finalize(staging, out)
    return out


def test_rescore_writes_a_new_record_beside_the_run_and_updates_the_manifest(tmp_path, capsys):
    run = make_run(tmp_path, lambda c: "passed")
    before = (run / "compliance.json").read_bytes()
    code = main(["rescore", str(run), "--edition", "tt22-2019"])
    out = capsys.readouterr().out
    new = json.loads((run / "compliance-tt22-2019.json").read_text(encoding="utf-8"))
    assert new["edition"]["id"] == "tt22-2019" and new["run"]["id"] == "20261207-010000-abcdef"
    assert "rescore" in new["edition"]["validity"]["chosen"]
    assert (run / "compliance.json").read_bytes() == before            # the run's own record is untouched
    assert (run / "compliance-tt22-2019.html").is_file() and verify_folder(run).ok  # manifest covers the new files
    record_html = (run / "compliance-tt22-2019.html").read_text(encoding="utf-8")
    assert 'href="compliance-tt22-2019-annex.html#c-YC-01"' in record_html
    assert 'id="c-YC-01"' in (run / "compliance-tt22-2019-annex.html").read_text(encoding="utf-8")
    # automated criteria carried over pass on the same evidence; manual ones wait for the tester
    assert new["criteria"][[c["id"] for c in new["criteria"]].index("DVC-10")]["verdict"] == "PASS"
    yc01 = next(c for c in new["criteria"] if c["id"] == "YC-01")
    assert yc01["verdict"] == "MANUAL_PENDING"
    assert code == 1 and "chưa đạt TT 22/2019" in out


def test_checks_the_run_did_not_execute_are_not_run_with_the_reason(tmp_path):
    run = make_run(tmp_path, lambda c: "passed", section="1,2,3,4,6,7,8")  # performance was not run
    new = rescore.rescore(run, "tt21-2023", CRITERIA)
    hn01 = next(c for c in new["criteria"] if c["id"] == "HN-01")
    assert hn01["verdict"] == "NOT_RUN"
    missing = next(k for k in hn01["checks"] if k["id"] == "perf.max_response")
    assert missing["outcome"] == "not_run" and "did not execute this check" in missing["reason"]


def test_the_statement_names_what_each_edition_lacks_and_its_counterparts(tmp_path):
    # the run fails online payment: cv255 DVC-20, QĐ 473 CN-09 and TT 22/2019 YC-06 (postal and payment) fail
    run = make_run(tmp_path, lambda c: "failed" if c in ("levels.online_payment", "dossier.payment") else "passed")
    rescore.rescore(run, "tt21-2023", CRITERIA)
    rescore.rescore(run, "tt22-2019", CRITERIA)
    summary = json.loads((run / "editions.json").read_text(encoding="utf-8"))
    by = {e["edition"]: e for e in summary["editions"]}
    assert {"DVC-20", "CONN-10"} <= {u["id"] for u in by["cv255-2018"]["unmet"]}
    cn09 = next(u for u in by["tt21-2023"]["unmet"] if u["id"] == "CN-09")
    assert cn09["verdict"] == "FAIL" and cn09["counterparts"]["cv255-2018"] == ["DVC-20"]
    statement = summary["statement"]
    assert "chưa đạt dự thảo Công văn 255/THH-HTTT (2018) mục GEN-06, CONN-10, MC-06, DVC-20" in statement
    # QĐ 473 grades: the run reaches a grade but still misses CN-09
    assert "đạt QĐ 473/2024 (TT 21/2023) (loại " in statement and "chưa đạt mục CN-09" in statement
    assert "chưa đạt TT 22/2019 mục YC-06" in statement
    assert "CN-09" in (run / "editions.md").read_text(encoding="utf-8")
    assert verify_folder(run).ok


def test_a_changed_run_folder_is_refused(tmp_path, capsys):
    run = make_run(tmp_path, lambda c: "passed")
    (run / "compliance.json").write_text("{}", encoding="utf-8")
    assert main(["rescore", str(run), "--edition", "tt22-2019"]) == 2
    assert "manifest" in capsys.readouterr().err
    assert not (run / "compliance-tt22-2019.json").exists()


def test_rescoring_against_the_runs_own_edition_or_an_unknown_one_is_bad_input(tmp_path, capsys):
    run = make_run(tmp_path, lambda c: "passed")
    assert main(["rescore", str(run), "--edition", "cv255-2018"]) == 2
    assert main(["rescore", str(run), "--edition", "tt99-2030"]) == 2
    assert "tt99-2030" in capsys.readouterr().err


def test_run_editions_checks_its_list_before_running(capsys):
    assert main(["run", "--demo", "--editions", "cv255-2018,nope"]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["run", "--demo", "--editions", "cv255-2018", "--edition", "tt22-2019"]) == 2


def test_run_editions_rescores_after_the_run(tmp_path, monkeypatch):
    """The run itself is stubbed (a real one is the demo's job): what --editions adds is proven."""
    made = {}

    def fake_run(args):
        made["edition"] = args.edition
        run = make_run(tmp_path, lambda c: "passed")
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        run.rename(args.out)
        return 4

    from harness import run_command
    monkeypatch.setattr(run_command, "run", fake_run)
    out = tmp_path / "out"
    code = main(["run", "--demo", "--editions", "cv255-2018,tt22-2019,tt21-2023", "--out", str(out)])
    assert code == 4 and made["edition"] == "cv255-2018"
    assert (out / "compliance-tt22-2019.json").is_file() and (out / "compliance-tt21-2023.json").is_file()
    assert verify_folder(out).ok
