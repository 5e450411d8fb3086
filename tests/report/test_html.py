"""compliance.html of a full-size run, opened in Chromium: what a tester reads equals compliance.json,
and axe-core finds no accessibility violation."""
from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import Counter
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
    first = sorted(chosen.checks)[3]  # failed (OUTCOMES): a screenshot and a transcript with a binary body
    store.write_bytes(first, "screen.png", b"\x89PNG fake")
    store.write_bytes(first, "transcript-01-step-01-response.pdf", b"%PDF-1.4 fake")
    store.write_text(first, "transcript-01-anonymous.md", "### 1. GET https://t.example/ho-so/tai-ve  →  200  (3 ms)\n\n"
                     "--- response ---\n\n<binary> → [transcript-01-step-01-response.pdf](transcript-01-step-01-response.pdf)\n")
    results[first].evidence += [f"evidence/{first}/screen.png", f"evidence/{first}/transcript-01-anonymous.md",
                                f"evidence/{first}/transcript-01-step-01-response.pdf"]
    results[first].reason = "GET /ho-so/tai-ve trả về biểu mẫu sai"
    (tmp / "att.yaml").write_text(f"""edition: cv255-2018
target: {{vendor: "{TARGET['vendor']}", system: "{TARGET['system']}", version: "{TARGET['version']}"}}
record:
  number: 07/2026/BB-ĐK
  place: Hà Nội
  testing_unit: Trung tâm Đo kiểm A
  testing_unit_representatives: [{{name: Nguyễn Văn An, title: Kiểm thử viên}}]
  vendor_representatives: [{{name: Lê Thị Cúc, title: Giám đốc dự án}}]
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
    report.write_run(staging, run, Redactor(), pdf=True)
    report.finalize(staging, tmp / "out")
    return tmp / "out"


@pytest.fixture(scope="module")
def chromium_browser(browser):
    """pytest-playwright's browser (tests/conftest.py points it at the Chromium dokiem finds)."""
    return browser


@pytest.fixture(scope="module", params=[False, True], ids=["record", "demo"])
def run_out(request, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(allure, "allure_command", lambda: None)  # the Allure build has its own test
        return _full_run(tmp_path_factory.mktemp("html"), demo=request.param), request.param


@pytest.fixture(scope="module")
def opened(run_out, chromium_browser):
    out, demo = run_out
    page = chromium_browser.new_page()
    page.goto((out / "compliance.html").as_uri())
    doc = json.loads((out / "compliance.json").read_text(encoding="utf-8"))
    yield page, doc, demo
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
    assert page.locator("#waivers tbody tr").count() == 1
    assert page.eval_on_selector_all("#open-criteria li", "items => items.map(i => i.dataset.open)") == [
        c["id"] for c in doc["criteria"] if c["selected"] and c["verdict"] in ("FAIL", "ATTESTED_FAIL", "ERROR",
                                                                            "MANUAL_PENDING")]
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
        block = page.inner_text("#signature-block")
        assert "ĐẠI DIỆN ĐƠN VỊ ĐO KIỂM" in block and "ĐẠI DIỆN ĐƠN VỊ CUNG CẤP" in block
        assert "Nguyễn Văn An" in block and "Kiểm thử viên" in block and "Lê Thị Cúc" in block


def test_the_record_has_the_form_of_a_bien_ban_in_vietnam_time(opened):
    page, doc, demo = opened
    head = page.inner_text("#form-head")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head and "Độc lập - Tự do - Hạnh phúc" in head
    assert page.inner_text("#record-number") == "07/2026/BB-ĐK" and "TRUNG TÂM ĐO KIỂM A" in head
    # finished 08:07:03 UTC is 15:07:03 in Hà Nội
    assert page.inner_text("#place-date") == "Hà Nội, ngày 10 tháng 03 năm 2026"
    assert "15:07:03 ngày 10/03/2026" in page.inner_text("#h-basis ~ p") and "08:07" not in page.inner_text("main")
    assert "Nguyễn Văn An" in page.inner_text("#members") and "Lê Thị Cúc" in page.inner_text("#members")


def _targets(browser, out: Path, start: str) -> list[tuple[str, str]]:
    """(page, href) of every link and image of `start` and of the pages it links to inside the run."""
    seen, todo, found = set(), [start], []
    page = browser.new_page()
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        page.goto((out / rel).as_uri())
        hrefs = page.eval_on_selector_all("a[href], img[src]", "es => es.map(e => e.getAttribute('href') || e.getAttribute('src'))")
        for href in hrefs:
            found.append((rel, href))
            target = href.split("#")[0]
            # the record, its annex and the transcripts' HTML twins (captured pages of the target keep
            # the target's own links)
            if (target.endswith(".html") and not href.startswith(("http", "/", "file:"))
                    and (target.startswith("compliance") or Path(target).name.startswith("transcript-"))):
                todo.append((Path(rel).parent / target).as_posix())
    page.close()
    return found


def test_every_link_resolves_inside_the_run_folder(run_out, chromium_browser):
    out, _ = run_out
    links = _targets(chromium_browser, out, "compliance.html")
    assert len({h for _, h in links}) > 100
    broken = []
    page = chromium_browser.new_page()
    ids: dict[Path, Counter] = {}  # each page's element ids, read once (hundreds of links point into a few pages)
    for rel, href in links:
        path, _, anchor = href.partition("#")
        target = ((out / rel).parent / path).resolve() if path else (out / rel).resolve()
        if href.startswith(("http:", "https:", "/", "file:")) or out.resolve() not in target.parents or not target.is_file():
            broken.append((rel, href))
        elif anchor and target.suffix == ".html":
            if target not in ids:
                page.goto(target.as_uri())
                ids[target] = Counter(page.eval_on_selector_all("[id]", "es => es.map(e => e.id)"))
            if ids[target][anchor] != 1:  # the anchor names exactly one element
                broken.append((rel, href))
    page.close()
    assert broken == []
    hrefs = {h for _, h in links}
    assert "built-in method" not in (out / "compliance.html").read_text(encoding="utf-8")
    assert any(h.startswith("attestations/") for h in hrefs)  # attested evidence is linked, not a dict method
    annex = {h for r, h in links if r == "compliance-annex.html"}
    doc = json.loads((out / "compliance.json").read_text(encoding="utf-8"))
    assert annex >= {p for c in doc["criteria"] for p in c["evidence"]}  # the full evidence list
    # the failing check's deciding evidence: the transcript step its reason names, and its screenshot inline
    assert any(h.endswith("transcript-01-anonymous.html#step-1") for h in annex)
    assert any(r == "compliance-annex.html" and h.endswith("screen.png") for r, h in links)


def test_the_pdf_record_is_a4_numbered_and_short(run_out):
    import pypdf

    out, demo = run_out
    doc = json.loads((out / "compliance.json").read_text(encoding="utf-8"))
    record = pypdf.PdfReader(out / "compliance.pdf")
    # this run fails or errs on nearly half its criteria, each listed with its reason (13 pages with
    # 110 checks); the real demo run (mostly passing) prints to 9 pages, the bar being 10
    assert 1 < len(record.pages) <= 14
    box = record.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4 in points
    # pypdf splits some accented glyphs with spaces: compare with whitespace removed, NFC
    text = unicodedata.normalize("NFC", "".join("".join(p.extract_text() for p in record.pages).split()))

    def shown(phrase: str) -> bool:
        return "".join(phrase.split()) in text

    assert shown("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") and shown(doc["run"]["id"])
    assert shown(f"Trang 1/{len(record.pages)}") and shown(f"Trang {len(record.pages)}/{len(record.pages)}")
    assert shown(hashlib.sha256((out / "evidence.sha256").read_bytes()).hexdigest())
    assert shown("ĐẠI DIỆN ĐƠN VỊ ĐO KIỂM") is (not demo)
    annex = pypdf.PdfReader(out / "compliance-annex.pdf")
    assert "PHỤLỤC" in unicodedata.normalize("NFC", "".join(annex.pages[0].extract_text().split()))


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
