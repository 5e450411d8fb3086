"""compliance.html of a full-size run, opened in Chromium: what a tester reads equals compliance.json,
and axe-core finds no accessibility violation."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import axe_playwright_python
import pytest

from harness import criteria, report, scoring, selection
from harness.attestations import load_attestations
from harness.evidence import EvidenceStore, Redactor
from harness.report import allure

from reportkit import REPO, TARGET, TODAY, record

pytestmark = pytest.mark.browser
AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
OUTCOMES = ("passed", "passed", "passed", "failed", "error", "passed", "missing")


def _full_run(tmp: Path, demo: bool) -> Path:
    """The real edition, every check given an outcome, a few attestations and a waiver."""
    checks = criteria.load_checks(REPO / "criteria")
    edition = criteria.load_edition(REPO / "criteria", None, checks)
    chosen = selection.select(edition)
    staging = tmp / ".out.partial"
    store = EvidenceStore(staging, Redactor())
    results = {}
    for i, check_id in enumerate(sorted(chosen.checks)):
        outcome = OUTCOMES[i % len(OUTCOMES)]
        evidence = [store.write_text(check_id, "transcript.txt", f"GET / → 200 ({check_id})")]
        results[check_id] = scoring.CheckResult(check_id, outcome, "" if outcome == "passed" else f"lý do — {outcome}",
                                                [], evidence)
    manual = [c["id"] for c in edition.criteria if c["method"] == "manual" and not c["informative"]][:2]
    failing = next(c["id"] for c in edition.criteria
                   if c["method"] == "automated" and any(results[k].outcome == "failed" for k in c["checks"]))
    (tmp / "ev.png").write_bytes(b"\x89PNG fake")
    digest = hashlib.sha256(b"\x89PNG fake").hexdigest()
    entries = "".join(f"""
  - criterion: {cid}
    result: {result}
    tester: Nguyễn Văn An
    date: 2026-03-02
    expiry: 2027-03-02
    evidence: [{{path: ev.png, sha256: {digest}}}]""" for cid, result in zip(manual, ("pass", "fail")))
    (tmp / "att.yaml").write_text(f"""edition: cv255-2018
target: {{vendor: "{TARGET['vendor']}", system: "{TARGET['system']}", version: "{TARGET['version']}"}}
attestations:{entries}
waivers:
  - {{criterion: {failing}, reason: Đang nâng cấp — upgrade under way, by: Trần Thị Bình, date: 2026-03-01,
      expiry: 2026-06-30}}
""", encoding="utf-8")
    attestations = load_attestations(tmp / "att.yaml", edition, TARGET, today=TODAY)
    card = scoring.score(edition, chosen, results, {"postal"}, attestations, demo=demo)
    run = record(edition, card, results, demo=demo, attestations=attestations,
                 tables=[{"id": "perf", "title_vi": "Thời gian phản hồi", "title_en": "Response times",
                          "columns": ["Trang — Page", "Trung bình (ms) — Average (ms)"],
                          "rows": [["/", 210], ["/tra-cuu-ho-so", 340]], "csv": "perf.csv"}],
                 review_items=[{"criterion": "NFR-12", "check": None, "text_vi": "Kiểm tra độ tương phản",
                                "text_en": "Check the contrast", "evidence": []}])
    report.write_run(staging, run, Redactor())
    report.finalize(staging, tmp / "out")
    return tmp / "out"


@pytest.fixture(scope="module")
def chromium_browser(browser):
    """pytest-playwright's browser (tests/conftest.py points it at the Chromium dokiem finds)."""
    return browser


@pytest.fixture(scope="module", params=[False, True], ids=["record", "demo"])
def opened(request, chromium_browser, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(allure, "allure_command", lambda: None)  # the Allure build has its own test
        out = _full_run(tmp_path_factory.mktemp("html"), demo=request.param)
    page = chromium_browser.new_page()
    page.goto((out / "compliance.html").as_uri())
    doc = json.loads((out / "compliance.json").read_text(encoding="utf-8"))
    yield page, doc, request.param
    page.close()


def _percent(text: str) -> float | None:
    text = text.strip()
    return None if text == "—" else float(text.removesuffix("%").strip().replace(",", "."))


def test_every_verdict_a_tester_reads_is_the_one_in_compliance_json(opened):
    page, doc, _ = opened
    rows = page.eval_on_selector_all("tr[data-criterion]", """rows => rows.map(r => ({
        id: r.dataset.criterion,
        verdict: r.querySelector('[data-verdict]').dataset.verdict,
        label: r.querySelector('[data-verdict] .label').innerText}))""")
    assert len(rows) == len(doc["criteria"]) > 100
    expected = [{"id": c["id"], "verdict": c["verdict"], "label": c["verdict_label"]} for c in doc["criteria"]]
    assert rows == expected
    assert {r["verdict"] for r in rows} >= {"PASS", "FAIL", "ERROR", "MANUAL_PENDING", "ATTESTED_PASS",
                                            "ATTESTED_FAIL", "WAIVED", "NOT_RUN"}


def test_scores_and_certification_read_as_in_compliance_json(opened):
    page, doc, demo = opened
    certification = page.locator("#certification")
    assert certification.get_attribute("data-certified") == str(doc["certification"]["certified"]).lower()
    assert ("CHƯA ĐẠT" in certification.inner_text()) != doc["certification"]["certified"]
    reasons = page.locator("#certification-reasons li").all_inner_texts()
    assert reasons == doc["certification"]["reasons"]
    overall = doc["scores"]["overall"]
    assert _percent(page.inner_text("td[data-percent=overall]")) == overall["percent"]
    assert _percent(page.inner_text("td[data-percent=mandatory]")) == overall["mandatory_percent"]
    shown = [_percent(t) for t in page.locator("#section-scores td[data-percent=section]").all_inner_texts()]
    assert shown == [s["percent"] for s in doc["scores"]["sections"]]
    counts = {v: int(page.inner_text(f"td[data-count={v}]")) for v in doc["summary"]["verdicts"]}
    assert counts == doc["summary"]["verdicts"]
    pending = page.eval_on_selector_all("tr[data-pending]", "rows => rows.map(r => r.dataset.pending)")
    assert pending == [c["id"] for c in doc["criteria"] if c["verdict"] == "MANUAL_PENDING"]
    assert page.locator("#waivers tbody tr").count() == 1 and page.locator("#attestations tbody tr").count() == 2
    assert page.inner_text("#run-id") == doc["run"]["id"]
    assert "dokiem verify" in page.inner_text("#h-integrity + p")


def test_a_demo_is_marked_and_has_no_signature_block(opened):
    page, doc, demo = opened
    assert doc["run"]["demo"] is demo
    assert page.locator("#demo-banner").count() == int(demo)
    assert page.locator("#signature-block").count() == int(not demo)
    if demo:
        assert "BẢN TRÌNH DIỄN" in page.inner_text("#demo-banner")
        size = page.eval_on_selector("#demo-banner", "e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 24
    else:
        assert "Người đo kiểm" in page.inner_text("#signature-block")
        assert "Đại diện đơn vị" in page.inner_text("#signature-block")


def test_evidence_links_are_relative_and_resolve(opened):
    page, doc, _ = opened
    hrefs = page.eval_on_selector_all("a.evidence", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(not h.startswith(("/", "http", "file:")) for h in hrefs)
    assert set(hrefs) >= {p for c in doc["criteria"] for p in c["evidence"]}


def test_axe_core_finds_no_violation(opened):
    page, _, _ = opened
    page.add_script_tag(content=AXE)
    found = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = [(v["id"], v["help"], [n["html"][:120] for n in v["nodes"][:3]]) for v in found["violations"]]
    assert violations == []


def test_axe_core_does_find_a_violation_on_a_broken_page(chromium_browser):
    # the other side: the same axe run reports a page without lang and an unlabelled image
    page = chromium_browser.new_page()
    page.set_content("<html><body><img src='x.png'><table><tr><th></th></tr></table></body></html>")
    page.add_script_tag(content=AXE)
    found = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    page.close()
    assert {"html-has-lang", "image-alt"} <= {v["id"] for v in found["violations"]}
