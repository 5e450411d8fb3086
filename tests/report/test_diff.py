"""`dokiem diff OLD NEW`: changed verdicts worst first; exit 1 when a PASS was lost."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import cli

OLD = {"A-01": "PASS", "A-02": "PASS", "A-03": "FAIL", "A-04": "PASS", "A-05": "ATTESTED_PASS",
       "A-06": "MANUAL_PENDING", "A-07": "PASS", "A-08": "ERROR"}
NEW = {"A-01": "ERROR", "A-02": "FAIL", "A-03": "PASS", "A-04": "PASS", "A-05": "MANUAL_PENDING",
       "A-06": "ATTESTED_PASS", "A-07": "ATTESTED_PASS", "A-08": "FAIL"}


def write(folder: Path, verdicts: dict, edition: str = "cv255-2018", run_id: str = "r1", *, demo: bool = False,
          target: dict | None = None, unselected: tuple = ()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"run": {"id": run_id, "demo": demo}, "edition": {"id": edition},
           "target": target or {"id": "b", "vendor": "Công ty A", "system": "Cổng DVC tỉnh B", "version": "1"},
           "criteria": [{"id": cid, "verdict": verdict, "title_vi": f"Tiêu đề {cid}", "selected": cid not in unselected}
                        for cid, verdict in verdicts.items()]}
    (folder / "compliance.json").write_text(json.dumps(doc), encoding="utf-8")
    return folder


def diff_json(capsys, old, new) -> tuple[int, dict]:
    code = cli.main(["diff", str(old), str(new), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_changes_are_listed_worst_first(tmp_path, capsys):
    code, result = diff_json(capsys, write(tmp_path / "old", OLD), write(tmp_path / "new", NEW, run_id="r2"))
    order = [(c["criterion"], c["old"], c["new"]) for c in result["changes"]]
    assert order == [
        ("A-02", "PASS", "FAIL"),                  # the biggest fall first
        ("A-01", "PASS", "ERROR"),
        ("A-05", "ATTESTED_PASS", "MANUAL_PENDING"),
        ("A-08", "ERROR", "FAIL"),                 # a smaller fall that lost no PASS
        ("A-07", "PASS", "ATTESTED_PASS"),         # same rank
        ("A-06", "MANUAL_PENDING", "ATTESTED_PASS"),
        ("A-03", "FAIL", "PASS"),                  # the biggest rise last
    ]
    assert result["regressions"] == 3 and code == 1
    assert [c["regression"] for c in result["changes"]] == [True, True, True, False, False, False, False]


def test_no_lost_pass_exits_0_even_with_changes(tmp_path, capsys):
    old = write(tmp_path / "old", {"A-01": "FAIL", "A-02": "MANUAL_PENDING"})
    new = write(tmp_path / "new", {"A-01": "ERROR", "A-02": "ATTESTED_PASS"})
    code, result = diff_json(capsys, old / "compliance.json", new)   # a file or a folder
    assert code == 0 and len(result["changes"]) == 2 and result["regressions"] == 0


def test_the_table_warns_when_editions_differ(tmp_path, capsys):
    old = write(tmp_path / "old", {"A-01": "PASS", "A-02": "PASS"}, edition="cv255-2018")
    new = write(tmp_path / "new", {"A-01": "PASS", "B-01": "FAIL"}, edition="tt22-2019")
    assert cli.main(["diff", str(old), str(new)]) == 0      # a criterion that left the edition is no regression
    captured = capsys.readouterr()
    assert "different editions (cv255-2018 → tt22-2019)" in captured.err
    # criteria only one run has are counted, not listed, unless asked for
    assert "A-02" not in captured.out and "B-01" not in captured.out and "2 tiêu chí" in captured.out
    assert cli.main(["diff", str(old), str(new), "--include-not-run"]) == 0
    out = capsys.readouterr().out
    assert "A-02" in out and "B-01" in out and "absent" in out


def test_identical_runs(tmp_path, capsys):
    old = write(tmp_path / "old", OLD)
    assert cli.main(["diff", str(old), str(old)]) == 0
    assert "no criterion changed" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["{not json", json.dumps({"criteria": []}),
                                     json.dumps({"run": {"id": "r"}, "edition": {"id": "e"},
                                                 "criteria": [{"id": "A-01", "verdict": "GREAT"}]})])
def test_bad_input_exits_2(tmp_path, capsys, content):
    good = write(tmp_path / "good", OLD)
    (tmp_path / "bad.json").write_text(content, encoding="utf-8")
    assert cli.main(["diff", str(good), str(tmp_path / "bad.json")]) == 2
    assert "bad.json" in capsys.readouterr().err
    assert cli.main(["diff", str(tmp_path / "missing"), str(good)]) == 2


def test_only_criteria_both_runs_selected_are_compared(tmp_path, capsys):
    # a nightly full run against an --only run: the criteria the partial run left out are NOT_RUN
    # there by choice, and a lost PASS among them is no regression
    old = write(tmp_path / "old", {"A-01": "PASS", "A-02": "PASS", "A-03": "PASS"})
    new = write(tmp_path / "new", {"A-01": "FAIL", "A-02": "NOT_RUN", "A-03": "NOT_RUN"}, run_id="r2",
                unselected=("A-02", "A-03"))
    code, result = diff_json(capsys, old, new)
    assert [c["criterion"] for c in result["changes"]] == ["A-01"] and code == 1
    assert result["not_compared"] == ["A-02", "A-03"]
    code, wide = diff_json_args(capsys, old, new, "--include-not-run")
    assert {c["criterion"] for c in wide["changes"]} == {"A-01", "A-02", "A-03"} and wide["regressions"] == 3


def diff_json_args(capsys, old, new, *extra) -> tuple[int, dict]:
    code = cli.main(["diff", str(old), str(new), "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


def test_the_table_prints_titles_and_warns_on_another_target_or_demo(tmp_path, capsys):
    old = write(tmp_path / "old", {"A-01": "PASS"}, demo=True)
    new = write(tmp_path / "new", {"A-01": "FAIL"}, run_id="r2",
                target={"id": "c", "vendor": "Công ty A", "system": "Cổng DVC tỉnh C", "version": "1"})
    assert cli.main(["diff", str(old), str(new)]) == 1
    captured = capsys.readouterr()
    assert "Tiêu đề A-01" in captured.out
    assert "different targets" in captured.err and "Cổng DVC tỉnh C" in captured.err
    assert "demo status differs" in captured.err
    # the same target in another version is what diff is for: no warning
    again = write(tmp_path / "again", {"A-01": "FAIL"}, run_id="r3", demo=True,
                  target={"id": "b", "vendor": "Công ty A", "system": "Cổng DVC tỉnh B", "version": "2"})
    assert cli.main(["diff", str(old), str(again)]) == 1
    assert "Cảnh báo — warning" not in capsys.readouterr().err
