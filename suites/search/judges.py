"""Judges of the search_probe checks (pure).

A search "finds" a procedure when the procedure's code is among its results. A filter must
return only procedures of the value filtered by (agency and sector compared by code, or by name
when the results give no code; level as a number) and must include every sampled procedure that
has that value. A query that did not answer is a failure of the search, not of the harness.
"""
from __future__ import annotations

from harness.judging import Inconclusive, clean, fail_if, require
from suites.catalogue.judges import catalogue_for_sample

LABELS = {"nfc": "như gõ (NFC)", "khong_dau": "không dấu (no diacritics)", "nfd": "dạng NFD (decomposed)"}
NAME_KEYS = {"agency": ("agency_code", "agency_name"), "sector": ("sector_code", "sector_name"), "level": ("level", None)}


def _sample(observations: dict) -> list[dict]:
    catalogue_for_sample(observations)
    return require(observations.get("sample"), "thủ tục lấy mẫu (sampled procedure)")


def _query_problem(query: dict) -> str | None:
    if query.get("ok"):
        return None
    return f"tra cứu {query['inputs']} không thành công — the search failed: {query.get('error')}"


def keyword(observations: dict) -> None:
    """search.keyword"""
    sample = _sample(observations)
    queries = [q for q in observations.get("queries") or [] if q["kind"] == "keyword"]
    problems = []
    for proc in sample:
        mine = [q for q in queries if proc["code"] in q["expect"]]
        if not mine:
            problems.append(f"{proc['code']}: không có từ khóa nào để tra cứu — no keyword was searched for")
            continue
        for query in mine:
            problem = _query_problem(query)
            if problem is None and proc["code"] not in [r.get("code") for r in query["results"]]:
                problem = (f"tra cứu '{query['inputs']['keyword']}' ({LABELS.get(query['variant'], query['variant'])}) "
                           f"không thấy thủ tục trong {query['count']} kết quả — the procedure is not among the results")
            if problem:
                problems.append(f"{proc['code']} ({proc.get('name')}): {problem}")
    fail_if(problems, "Tra cứu theo từ khóa không tìm thấy thủ tục", "keyword search misses procedures")


def by_filter(observations: dict, kind: str) -> None:
    """search.agency, search.sector, search.level"""
    sample = _sample(observations)
    queries = require([q for q in observations.get("queries") or [] if q["kind"] == kind],
                      f"tra cứu theo {kind} (search by {kind})")
    code_key, name_key = NAME_KEYS[kind]
    problems, unverifiable = [], []
    for query in queries:
        value = query["inputs"][code_key]
        label = f"lọc {kind} = {value}"
        problem = _query_problem(query)
        if problem:
            problems.append(f"{label}: {problem}")
            continue
        if not query["results"]:
            problems.append(f"{label}: không có kết quả, dù có thủ tục lấy mẫu thuộc {kind} này — no results")
            continue
        expected_names = {clean(p.get(name_key)) for p in sample if name_key and p.get(code_key) == value and p.get(name_key)}
        strays = []
        for result in query["results"]:
            if result.get(code_key) is not None:
                if result[code_key] != value:
                    strays.append(f"{result.get('code')} ({code_key} {result[code_key]})")
            elif name_key and result.get(name_key):
                if clean(result[name_key]) not in expected_names:
                    strays.append(f"{result.get('code')} ({result[name_key]})")
            else:
                unverifiable.append(f"{label}: {result.get('code')}")
        if strays:
            problems.append(f"{label}: trả về thủ tục khác {kind} — returns procedures of another {kind}: "
                            + ", ".join(strays[:10]) + (f" … (+{len(strays) - 10})" if len(strays) > 10 else ""))
        missing = [code for code in query["expect"] if code not in [r.get("code") for r in query["results"]]]
        if missing:
            problems.append(f"{label}: thiếu thủ tục lấy mẫu — misses sampled procedures {', '.join(missing)} "
                            f"({query['count']} kết quả)")
    fail_if(problems, f"Tra cứu theo {kind} không đúng", f"search by {kind} falls short")
    if unverifiable:
        raise Inconclusive(f"kết quả tra cứu không cho biết {kind}, không kiểm tra được — the results do not show the "
                           f"{kind}: {'; '.join(unverifiable[:5])}")
