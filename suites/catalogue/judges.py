"""Judges of the catalogue_sample checks: observations (+ parameters) -> assert. No I/O.

Each judge collects every problem before it asserts, so the record names all the procedures that
fall short at once. A judge that cannot decide (the catalogue could not be listed, nothing was
sampled, the simulator did not answer) raises Inconclusive: ERROR, never PASS.
"""
from __future__ import annotations

import re

from harness.judging import Inconclusive, clean, fail_if, require
from suites.catalogue.tables import measurable


def listed(observations: dict) -> list[dict]:
    """The catalogue's entries; ERROR when it could not be listed."""
    catalogue = observations.get("catalogue") or {}
    if not catalogue.get("ok"):
        raise Inconclusive(f"không liệt kê được danh mục thủ tục — the catalogue could not be listed: "
                           f"{catalogue.get('error')}")
    return require(catalogue.get("entries"), "thủ tục trong danh mục (listed procedure)")


def catalogue_for_sample(observations: dict) -> None:
    """ERROR when the catalogue the sample is drawn from could not be listed (search, navigation)."""
    catalogue = observations.get("catalogue") or {}
    if not catalogue.get("ok"):
        raise Inconclusive(f"không liệt kê được danh mục thủ tục để lấy mẫu — the catalogue could not be listed: "
                           f"{catalogue.get('error')}")


def sampled(observations: dict) -> list[dict]:
    listed(observations)
    return require(observations.get("procedures"), "thủ tục lấy mẫu (sampled procedure)")


def who(proc: dict) -> str:
    name = (proc.get("record") or {}).get("name") or (proc.get("listing") or {}).get("name")
    return f"{proc['code']} ({name})" if name else proc["code"]


def conclude(problems: list[str], unmeasured: list[dict], headline: str) -> None:
    """Fail on what the target got wrong; when nothing is wrong but the harness could not open
    some procedure's page (no browser, a crash), it cannot say all is well: ERROR."""
    fail_if(problems, f"{headline}:")
    if unmeasured:
        reasons = "; ".join(f"{who(p)}: {(p.get('page') or {}).get('error')}" for p in unmeasured[:3])
        raise Inconclusive(f"không mở được trang của {len(unmeasured)} thủ tục — the harness could not open "
                           f"{len(unmeasured)} procedure page(s): {reasons}")


# ------------------------------------------------------------------------- catalogue.*

def published(observations: dict) -> None:
    """catalogue.published"""
    entries = listed(observations)
    procs = sampled(observations)
    problems = []
    for item in entries:
        missing = [what for what, ok in (("tên (name)", item.get("name")), ("mã (code)", item.get("code")),
                                         ("mức độ 1-4 (level)", item.get("level"))) if not ok]
        if missing:
            label = item.get("code") or item.get("name") or "?"
            problems.append(f"{label}: danh mục thiếu {', '.join(missing)} — the list entry lacks it"
                            f"{' (level shown: ' + repr(item.get('level_label')) + ')' if item.get('level_label') else ''}")
    for proc in procs:
        if proc.get("record_error"):
            problems.append(f"{who(proc)}: không mở được thông tin chi tiết — no detail record: {proc['record_error']}")
        page = proc.get("page") or {}
        if measurable(proc) and not page.get("loaded"):
            problems.append(f"{who(proc)}: trang chi tiết trả HTTP {page.get('status')} — the detail page "
                            f"{page.get('final_url') or page.get('url')} does not open")
    conclude(problems, [p for p in procs if not measurable(p)],
             f"Danh mục {len(entries)} thủ tục có mục không đạt — catalogue entries fall short")


def national_codes(observations: dict, procedure_pattern: str, agency_pattern: str) -> None:
    """catalogue.national_codes"""
    problems = []
    for proc in sampled(observations):
        record, listing = proc.get("record") or {}, proc.get("listing") or {}
        code = record.get("code") or listing.get("code") or ""
        agency = record.get("agency_code") or listing.get("agency_code") or ""
        if not re.fullmatch(procedure_pattern, code):
            problems.append(f"{who(proc)}: mã thủ tục '{code}' không theo mẫu quốc gia — procedure code does not "
                            f"match {procedure_pattern}")
        if not re.fullmatch(agency_pattern, agency):
            problems.append(f"{who(proc)}: mã cơ quan '{agency}' không theo QCVN 102:2016 — agency code does not "
                            f"match {agency_pattern}")
    fail_if(problems, "Mã thủ tục, mã cơ quan không theo chuẩn", "codes not in the national form")


def matches_national(observations: dict) -> None:
    """catalogue.matches_national"""
    problems = []
    procs = sampled(observations)
    unanswered = [p for p in procs if not (p.get("national") or {}).get("ok")]
    if unanswered:
        raise Inconclusive(f"CSDL TTHC quốc gia (mô phỏng) không trả lời LayThuTuc — the simulated national catalogue "
                           f"did not answer for {who(unanswered[0])}: {(unanswered[0].get('national') or {}).get('error')}")
    for proc in procs:
        national = proc["national"]["result"]
        if national is None:
            problems.append(f"{who(proc)}: CSDL TTHC quốc gia không có mã này — the national catalogue does not hold "
                            "this code (LayThuTuc result [])")
            continue
        shown = [("danh mục (list)", proc.get("listing") or {}), ("chi tiết (record)", proc.get("record") or {})]
        for where, values in shown:
            if values.get("name") and clean(values["name"]) != national["TENTTHC"]:
                problems.append(f"{who(proc)}: tên trên {where} '{values['name']}' ≠ tên quốc gia "
                                f"'{national['TENTTHC']}' — name differs from the national catalogue")
            sector_names = [s["TENLINHVUC"] for s in national["LINHVUCTHUCHIEN"]]
            sector_codes = [s["MALINHVUC"] for s in national["LINHVUCTHUCHIEN"]]
            if values.get("sector_name"):
                if clean(values["sector_name"]) not in sector_names:
                    problems.append(f"{who(proc)}: lĩnh vực trên {where} '{values['sector_name']}' ≠ lĩnh vực quốc gia "
                                    f"{sector_names} — sector differs from the national catalogue")
            elif values.get("sector_code") and values["sector_code"] not in sector_codes:
                problems.append(f"{who(proc)}: mã lĩnh vực trên {where} '{values['sector_code']}' ≠ {sector_codes} — "
                                "sector differs from the national catalogue")
        if not any(v.get("name") for _, v in shown):
            problems.append(f"{who(proc)}: hệ thống không cho biết tên thủ tục — the target shows no name")
    fail_if(problems, "Thủ tục không khớp CSDL TTHC quốc gia", "procedures disagree with the national catalogue")


def guidance(observations: dict) -> None:
    """catalogue.guidance"""
    procs = sampled(observations)
    problems = []
    for proc in procs:
        guide = proc.get("guide")
        page = proc.get("page") or {}
        if not measurable(proc):
            continue
        if not page.get("loaded"):
            problems.append(f"{who(proc)}: trang thủ tục không mở được — the procedure page did not open")
        elif not guide or not guide.get("url"):
            problems.append(f"{who(proc)}: trang thủ tục không có hướng dẫn thực hiện trực tuyến — no guide, guide "
                            "document or video link on the procedure page")
        elif guide.get("error") and guide.get("status") is None:
            problems.append(f"{who(proc)}: hướng dẫn {guide['url']} không phản hồi — the guide does not answer: {guide['error']}")
        elif guide.get("status") != 200:
            problems.append(f"{who(proc)}: hướng dẫn {guide['url']} trả HTTP {guide.get('status')} — the guide does not load")
        elif guide.get("text") is not None and not guide["text"].strip():
            problems.append(f"{who(proc)}: trang hướng dẫn {guide['url']} trống — the guide page is empty")
        elif not guide.get("bytes"):
            problems.append(f"{who(proc)}: tài liệu hướng dẫn {guide['url']} rỗng — the guide is empty")
    conclude(problems, [p for p in procs if not measurable(p)],
             "Thiếu hướng dẫn thực hiện dịch vụ công trực tuyến — guidance missing")
