"""The procedure catalogue as the harness reads it, and the sample every catalogue check shares.

A profile maps `list_procedures` (and `search_procedures`) to a list of objects, and
`get_procedure` to one object, with these keys (a JMESPath multiselect hash renames a vendor's
fields; refportal's API already uses them — see suites/catalogue/README.md):

  code, name, level, online_mode, agency_code, agency_name, sector_code, sector_name, url
  (+ in get_procedure: steps, methods, components, processing_days, applicants, result, fees,
   legal_basis, forms, guide_url, coordinating_agencies, tier)

`level` may be a number or a label ("Mức độ 4"); `online_mode` "toan_trinh" / "mot_phan" or the
words "toàn trình" / "một phần".

The sample is deterministic for a run: seeded by the run id, so catalogue_sample, search_probe
and crawl (separate scenarios, maybe on separate workers) pick the same procedures, while nightly
runs move over the whole catalogue. The procedures the profile's test data names
(online_procedure, counter_procedure, catalogue_sample_include) come first: the dossier suite
submits to them, and a tester can pin a procedure they want judged.
"""
from __future__ import annotations

import hashlib
import random
import re

from harness.judging import clean, fold

ENTRY_KEYS = ("code", "name", "level", "online_mode", "agency_code", "agency_name", "sector_code",
              "sector_name", "url")
PINNED_TEST_DATA = ("online_procedure", "counter_procedure")
PINNED_LIST = "catalogue_sample_include"


def level_of(value) -> int | None:
    """1-4 from 4, "4", "Mức độ 4", "muc-do-4"; None when no level can be read."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= 4 else None
    found = re.search(r"(?<!\d)([1-4])(?!\d)", str(value or ""))
    return int(found.group(1)) if found else None


def mode_of(value) -> str | None:
    """NĐ 42/2022 Điều 11: 'toan_trinh' (the whole service online) or 'mot_phan' (part of it)."""
    folded = fold(value).replace("_", " ").replace("-", " ")
    if "toan trinh" in folded or folded in ("full", "fully online"):
        return "toan_trinh"
    if "mot phan" in folded or folded in ("partial", "partly online"):
        return "mot_phan"
    return None


def entry(raw) -> dict:
    """One listing item in the harness's shape (text in NFC, level as a number)."""
    raw = raw if isinstance(raw, dict) else {}
    out = {key: (clean(raw[key]) if isinstance(raw.get(key), str) else raw.get(key)) for key in ENTRY_KEYS}
    out["level_label"] = raw.get("level")
    out["level"] = level_of(raw.get("level"))
    out["online_mode_label"] = raw.get("online_mode")
    out["online_mode"] = mode_of(raw.get("online_mode"))
    return out


def entries(raw_list) -> list[dict]:
    return [entry(item) for item in (raw_list if isinstance(raw_list, list) else [])]


def pinned_codes(test_data: dict) -> list[str]:
    codes = [test_data.get(key) for key in PINNED_TEST_DATA]
    extra = test_data.get(PINNED_LIST) or []
    codes += extra if isinstance(extra, list) else [extra]
    seen: list[str] = []
    for code in codes:
        if isinstance(code, str) and code and code not in seen:
            seen.append(code)
    return seen


def _seed(run_id: str) -> int:
    return int(hashlib.sha256(str(run_id).encode("utf-8")).hexdigest()[:16], 16)


def sample(listing: list[dict], size: int, run_id: str, pinned: list[str] = ()) -> list[dict]:
    """Up to `size` listing entries: pinned codes first, then, in a run-seeded order, whichever
    entry adds the most that the sample lacks — a level (worth most), an agency, a sector.

    Each chosen entry is returned with `why` (Vietnamese — English), for the evidence.
    """
    by_code: dict[str, dict] = {}
    for item in listing:
        if item.get("code") and item["code"] not in by_code:
            by_code[item["code"]] = item
    pool = sorted(by_code)
    random.Random(_seed(run_id)).shuffle(pool)
    chosen: list[dict] = []
    levels, agencies, sectors = set(), set(), set()

    def take(code: str, why: str) -> None:
        item = by_code[code]
        chosen.append({**item, "why": why})
        levels.add(item.get("level"))
        agencies.add(item.get("agency_code") or item.get("agency_name"))
        sectors.add(item.get("sector_code") or item.get("sector_name"))
        pool.remove(code)

    for code in pinned:
        if len(chosen) < size and code in by_code and code in pool:
            take(code, "cấu hình đích chỉ định (test_data) — named by the profile's test data")
    while len(chosen) < size and pool:
        def gain(code: str) -> tuple:
            item = by_code[code]
            return (item.get("level") not in levels, (item.get("agency_code") or item.get("agency_name")) not in agencies,
                    (item.get("sector_code") or item.get("sector_name")) not in sectors)

        def rank(place_code: tuple[int, str]) -> tuple:
            place, code = place_code
            new_level, new_agency, new_sector = gain(code)
            return 4 * new_level + 2 * new_agency + new_sector, -place  # ties: the earlier in the pool

        best = max(enumerate(pool), key=rank)[1]
        new_level, new_agency, new_sector = gain(best)
        reasons = [r for r, hit in (("mức độ mới — new level", new_level), ("cơ quan mới — new agency", new_agency),
                                    ("lĩnh vực mới — new sector", new_sector)) if hit]
        take(best, "; ".join(reasons) or "ngẫu nhiên theo mã lần chạy — seeded by the run id")
    return chosen


def sample_size(value) -> int:
    """The edition's catalogue.sample_size as a positive int (a bad parameter is a harness fault)."""
    size = int(value)
    if size < 1:
        raise ValueError(f"catalogue.sample_size must be at least 1, got {value!r}")
    return size
