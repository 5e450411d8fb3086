"""The clean refportal passes the catalogue, search, navigation and API suites: every check of
these suites passed, the criteria made only of them are PASS (automated) or wait only for their
attestation (partial), and the record carries the measured-levels and 3386 roadmap tables.
Asserted on the defect matrix's clean baseline run (tests/defects/test_defect_matrix.py)."""
from __future__ import annotations

from pathlib import Path

CHECKS = {"catalogue.published", "catalogue.national_codes", "catalogue.matches_national", "catalogue.guidance",
          "levels.level1_info", "levels.form_download", "levels.declared_vs_delivered", "search.keyword",
          "search.agency", "search.sector", "search.level", "navigation.three_clicks", "navigation.crawl",
          "navigation.indexable", "lookup.unknown_code", "api.json_utf8", "api.openapi"}
AUTOMATED_OURS = {"DVC-03", "DVC-10", "NFR-03", "NFR-12"}       # automated, every check ours: PASS
PARTIAL_OURS = {"MC-01", "MC-12", "DVC-07", "NFR-10"}           # partial, every check ours: attestation decides


def check(out: Path, doc: dict) -> None:
    outcomes = {check["id"]: (check["outcome"], check["reason"]) for criterion in doc["criteria"]
                for check in criterion["checks"] if check["id"] in CHECKS}
    assert set(outcomes) == CHECKS
    assert {c: o for c, o in outcomes.items() if o[0] != "passed"} == {}
    verdicts = {c["id"]: c["verdict"] for c in doc["criteria"] if c["selected"]}
    assert {c: verdicts[c] for c in AUTOMATED_OURS} == {c: "PASS" for c in AUTOMATED_OURS}
    assert all(verdicts[c] in ("PASS", "ATTESTED_PASS", "MANUAL_PENDING") for c in PARTIAL_OURS), verdicts
    tables = {t["id"]: t for t in doc["tables"]}
    # the per-procedure level table, QĐ 3386's roadmap and general figures, QĐ 961's EGDI list
    assert {"catalogue-levels", "catalogue-roadmap-3386", "catalogue-general-3386", "egdi-961-dvctt"} <= set(tables)
    assert all((out / tables[t]["csv"]).is_file() for t in ("catalogue-levels", "catalogue-roadmap-3386",
                                                              "catalogue-general-3386", "egdi-961-dvctt"))
    # a clean portal delivers at least what it declares; a level-3 procedure without a fee whose
    # result may go by post is level 4 under NĐ 43/2011's model ("above the declared level")
    levels = tables["catalogue-levels"]["rows"]
    assert all(row[-1].startswith(("Đạt mức công bố", "Cao hơn mức công bố")) for row in levels), levels
    assert (out / tables["catalogue-roadmap-3386"]["csv"]).read_text(encoding="utf-8-sig").startswith(
        "TT,Tên DVCTT,Mức DVCTT,Cấp dịch vụ (tỉnh/huyện/xã),Cơ quan chủ trì xử lý,Cơ quan đồng xử lý")
