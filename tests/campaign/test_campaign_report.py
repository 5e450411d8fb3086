"""The campaign report from the targets' records: the matrix, the failing criteria, the change since
the previous campaign (regressions first), the ranking, JUnit and Markdown; and the exit code
(0 none regressed, 1 a regression, 3 a target without a record)."""
from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from harness.campaign import report
from harness.campaign.spec import Campaign, Target

SECTIONS = [{"key": 3, "title_vi": "Hệ thống MCĐT", "title_en": "One-stop shop"},
            {"key": 6, "title_vi": "An toàn, bảo mật", "title_en": "Security"}]


def record(folder: Path, verdicts: dict[str, str], certified: bool = False) -> Path:
    """A compliance.json holding what the campaign reads (criteria MC-* in section 3, SEC-* in 6)."""
    not_selected = {cid: "NOT_RUN" for cid in ("MC-03", "SEC-05") if cid not in verdicts}
    criteria = [{"id": cid, "section": 3 if cid.startswith("MC") else 6, "verdict": v, "selected": cid in verdicts,
                 "title_vi": f"tiêu chí {cid}"} for cid, v in {**verdicts, **not_selected}.items()]
    percents = {}
    for key in (3, 6):
        mine = [c for c in criteria if c["section"] == key and c["selected"]]
        percents[key] = round(100 * sum(c["verdict"] == "PASS" for c in mine) / len(mine), 2) if mine else None
    overall = round(100 * sum(v == "PASS" for v in verdicts.values()) / len(verdicts), 2)
    doc = {"run": {"id": f"run-{folder.name}", "partial": False, "demo": False},
           "target": {"id": "t", "vendor": "Công ty A", "system": "Cổng DVC"}, "edition": {"id": "cv255-2018", "sections": SECTIONS},
           "certification": {"certified": certified}, "exit_code": 0 if certified else 1,
           "scores": {"sections": [{"key": k, "percent": p} for k, p in percents.items()],
                      "overall": {"percent": overall, "grade": "Tốt" if overall >= 90 else None}},
           "summary": {"verdicts": {}}, "criteria": criteria}
    folder.mkdir(parents=True)
    (folder / "compliance.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (folder / "compliance.html").write_text("<html></html>", encoding="utf-8")
    return folder


def campaign(*ids: str) -> Campaign:
    targets = [Target(id=i, profile=Path(f"/p/{i}.yaml"), system_key=f"https://{i}.test:443", allowed_hours=None,
                      tags={"province": i.title()}) for i in ids]
    return Campaign(Path("/c/campaign.yaml"), "hằng đêm — nightly", targets, None)


def done(out: Path) -> dict:
    return {"status": "done", "out": str(out), "exit_code": 1, "reason": "", "worker": "local", "attempt": 1}


def build(tmp_path, name, outcomes, previous=None):
    out = tmp_path / name
    return report.build(campaign(*outcomes), name, outcomes, {"kind": "local"}, "t0", name, out, previous), out


def test_first_campaign_matrix_failing_ranking_and_an_unreachable_target(tmp_path):
    runs = tmp_path / "c1" / "targets"
    outcomes = {
        "an-binh": done(record(runs / "an-binh", {"MC-03": "PASS", "SEC-05": "PASS"}, certified=True)),
        "bac-son": done(record(runs / "bac-son", {"MC-03": "FAIL", "SEC-05": "PASS"})),
        "cao-lang": {"status": "error", "out": str(runs / "cao-lang"), "exit_code": 3, "unreachable": True,
                     "reason": "không phản hồi — unreachable"},
    }
    doc, out = build(tmp_path, "c1", outcomes)
    rows = {r["id"]: r for r in doc["targets"]}
    assert doc["exit_code"] == 3 and doc["errors"] == ["cao-lang"]
    assert rows["bac-son"]["record"]["sections"] == {"3": {"verdict": "FAIL", "percent": 0.0},
                                                      "6": {"verdict": "PASS", "percent": 100.0}}
    assert [f["id"] for f in rows["bac-son"]["record"]["failing"]] == ["MC-03"]
    assert rows["an-binh"]["record"]["grade"] == "Tốt" and rows["an-binh"]["record_link"] == "targets/an-binh/compliance.html"
    assert rows["cao-lang"]["status"] == "ERROR" and rows["cao-lang"]["record"] is None
    assert doc["ranking"] == ["an-binh", "bac-son", "cao-lang"]
    assert {r["change"]["kind"] for r in rows.values()} == {"new"}
    report.write(doc, out, tmp_path / "history")
    html = (out / "campaign.html").read_text(encoding="utf-8")
    assert 'href="targets/bac-son/compliance.html#h-section-3">FAIL · 0.0 %' in html
    assert 'href="targets/bac-son/compliance.html#c-MC-03">MC-03' in html
    assert "ERROR — không phản hồi — unreachable" in html
    suites = {s.get("name"): s for s in ET.parse(out / "junit.xml").getroot()}
    assert suites["bac-son"].get("failures") == "1" and suites["cao-lang"].get("errors") == "1"
    assert suites["bac-son"].find("testcase/failure").get("message") == "MC-03"
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "| 1 | an-binh | province: An-Binh | ĐẠT — certified | 100 % | Tốt | new | — |" in summary
    assert json.loads((tmp_path / "history" / "campaigns" / "c1.json").read_text(encoding="utf-8"))["exit_code"] == 3


def test_second_campaign_lists_regressions_first_and_exits_1(tmp_path):
    history = tmp_path / "history"
    first = {"an-binh": done(record(tmp_path / "c1" / "an-binh", {"MC-03": "PASS", "SEC-05": "PASS"}, True)),
             "bac-son": done(record(tmp_path / "c1" / "bac-son", {"MC-03": "FAIL", "SEC-05": "PASS"})),
             "cao-lang": done(record(tmp_path / "c1" / "cao-lang", {"MC-03": "PASS", "SEC-05": "PASS"}))}
    doc, out = build(tmp_path, "c1", first)
    report.write(doc, out, history)
    previous = report.previous_campaign(history, "hằng đêm — nightly")
    assert previous["campaign"]["id"] == "c1"
    assert report.previous_campaign(history, "another campaign") is None
    second = {"an-binh": done(record(tmp_path / "c2" / "an-binh", {"MC-03": "PASS", "SEC-05": "FAIL"})),
              "bac-son": done(record(tmp_path / "c2" / "bac-son", {"MC-03": "PASS", "SEC-05": "PASS"}, True)),
              "cao-lang": done(record(tmp_path / "c2" / "cao-lang", {"MC-03": "PASS", "SEC-05": "PASS"}))}
    doc, _ = build(tmp_path, "c2", second, previous)
    rows = {r["id"]: r for r in doc["targets"]}
    assert doc["exit_code"] == 1 and doc["regressions"] == ["an-binh"]
    assert doc["changes"] == ["an-binh", "bac-son"], "regressions first, then improvements; unchanged left out"
    lost = rows["an-binh"]["change"]
    assert lost["lost_certificate"] and [(c["criterion"], c["old"], c["new"], c["regression"])
                                         for c in lost["criteria"]] == [("SEC-05", "PASS", "FAIL", True)]
    assert rows["bac-son"]["change"]["kind"] == "improved" and rows["cao-lang"]["change"]["kind"] == "same"
    regression = [c for c in ET.fromstring(report.junit(doc)).iter("testcase") if c.get("classname") == "an-binh"
                  and c.get("name").startswith("no regression")]
    assert regression[0].find("failure").get("message") == "SEC-05 PASS→FAIL"


def test_holding_every_verdict_exits_0_and_a_target_that_goes_down_is_a_regression(tmp_path):
    same = {"an-binh": done(record(tmp_path / "c1" / "an-binh", {"MC-03": "PASS", "SEC-05": "FAIL"}))}
    doc, _ = build(tmp_path, "c1", same)
    again = {"an-binh": done(record(tmp_path / "c2" / "an-binh", {"MC-03": "PASS", "SEC-05": "FAIL"}))}
    doc2, _ = build(tmp_path, "c2", again, doc)
    assert doc2["exit_code"] == 0 and doc2["targets"][0]["change"]["kind"] == "same"
    down = {"an-binh": {"status": "error", "out": None, "exit_code": 3, "unreachable": True, "reason": "down"}}
    doc3, _ = build(tmp_path, "c3", down, doc2)
    assert doc3["exit_code"] == 3 and doc3["targets"][0]["change"] == {"kind": "regression", "criteria": [],
                                                                       "was": "OK"}


def test_criteria_only_one_campaign_ran_are_not_compared(tmp_path):
    """Last night SEC-05 alone, tonight MC-03 alone: nothing was lost, nothing is a regression."""
    first = {"an-binh": done(record(tmp_path / "c1" / "an-binh", {"SEC-05": "PASS"}))}
    doc, _ = build(tmp_path, "c1", first)
    second = {"an-binh": done(record(tmp_path / "c2" / "an-binh", {"MC-03": "FAIL"}))}
    doc2, _ = build(tmp_path, "c2", second, doc)
    assert doc2["exit_code"] == 0 and doc2["targets"][0]["change"]["kind"] == "same"
    assert doc2["targets"][0]["record"]["selected"] == ["MC-03"]


@pytest.mark.browser
def test_the_html_report_has_no_accessibility_violation(tmp_path, browser):
    import axe_playwright_python

    runs = tmp_path / "c1" / "targets"
    outcomes = {"an-binh": done(record(runs / "an-binh", {"MC-03": "PASS", "SEC-05": "FAIL"})),
                "bac-son": {"status": "error", "out": None, "exit_code": 3, "reason": "không phản hồi — unreachable"}}
    doc, out = build(tmp_path, "c1", outcomes)
    report.write(doc, out, None)
    page = browser.new_page()
    page.goto((out / "campaign.html").as_uri())
    assert page.get_by_role("link", name="FAIL · 0.0 %").get_attribute("href") == \
        "targets/an-binh/compliance.html#h-section-6"
    page.add_script_tag(path=str(Path(axe_playwright_python.__file__).parent / "axe.min.js"))
    found = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    page.close()
    assert [(v["id"], [n["html"][:120] for n in v["nodes"][:3]]) for v in found["violations"]] == []
