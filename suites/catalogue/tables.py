"""The two tables catalogue_sample adds to the record (pure).

1. The measured levels: for each sampled procedure, the level and mode the portal declares and
   what the harness found it delivers, feature by feature.
2. The same procedures in the layout of the roadmap table of Công văn 3386/BTTTT-THH
   (20/11/2014), mục 2.2 "Danh mục dịch vụ công trực tuyến mức độ 3, 4": TT, Tên DVCTT, Mức
   DVCTT, Cấp dịch vụ (tỉnh/huyện/xã), Cơ quan chủ trì xử lý, Cơ quan đồng xử lý — with the level
   measured, so an agency can paste what it really delivers into its roadmap report.
"""
from __future__ import annotations

import re

from suites.catalogue import levels
from harness.judging import clean

MODE_LABELS = {"toan_trinh": "Toàn trình", "mot_phan": "Một phần", None: "—"}
MEASURED_COLUMNS = [
    "TT", "Mã thủ tục (code)", "Tên thủ tục (name)", "Cơ quan thực hiện (agency)", "Lĩnh vực (sector)",
    "Mức công bố (declared level)", "Hình thức công bố (declared mode)", "Mức thực tế (measured level)",
    "Hình thức thực tế (measured mode)", "Thông tin mức 1 (level-1 information)", "Biểu mẫu tải được (forms)",
    "Nộp trực tuyến (online submission)", "Thanh toán trực tuyến (online payment)",
    "Kết quả điện tử (electronic result)", "Kết luận (conclusion)",
]
GENERAL_COLUMNS = ["Cấp (tier)", "Số thủ tục (procedures)", "Mức 1, 2 (levels 1-2)", "Mức 3 (level 3)", "Mức 4 (level 4)",
                   "Mức 3, 4 (levels 3-4)", "Tỷ lệ mức 3, 4 (share)", "Toàn trình (end-to-end)", "Một phần (partial)",
                   "Chưa công bố mức (no level)"]
ROADMAP_COLUMNS = ["TT", "Tên DVCTT", "Mức DVCTT", "Cấp dịch vụ (tỉnh/huyện/xã)", "Cơ quan chủ trì xử lý",
                   "Cơ quan đồng xử lý"]


def measurable(proc: dict) -> bool:
    """Whether the target was asked at all: a page the harness could not open is not measured."""
    page = proc.get("page") or {}
    return bool(page.get("loaded")) or page.get("status") is not None


def conclusion(proc: dict, model: dict) -> str:
    if not measurable(proc):
        return "Chưa đo được — not measured"
    declared_level, declared_mode = levels.declared(proc)
    measured = levels.measure(proc, model)
    if declared_level is None:
        return "Không công bố mức độ — no declared level"
    mode_below = levels.mode_rank(declared_mode, model) > levels.mode_rank(measured["mode"], model)
    if measured["level"] < declared_level or mode_below:
        return "Không đạt mức công bố — below the declared level"
    if measured["level"] > declared_level or levels.mode_rank(declared_mode, model) < levels.mode_rank(measured["mode"], model):
        return "Cao hơn mức công bố — above the declared level"
    return "Đạt mức công bố — delivered as declared"


def _yes(value: bool) -> str:
    return "Có" if value else "Không"


def measured_row(number: int, proc: dict, model: dict) -> list:
    listing, record = proc.get("listing") or {}, proc.get("record") or {}
    declared_level, declared_mode = levels.declared(proc)
    m = levels.measure(proc, model)
    f = m["features"]
    known = measurable(proc)
    payment = ("Không thu phí (no fee)" if not f["fee_required"] else _yes(f["payment"]))
    return [number, proc["code"], record.get("name") or listing.get("name"),
            record.get("agency_name") or listing.get("agency_name"), record.get("sector_name") or listing.get("sector_name"),
            declared_level if declared_level is not None else "—", MODE_LABELS.get(declared_mode, "—"),
            m["level"] if known else "—", MODE_LABELS.get(m["mode"], "—") if known else "—",
            _yes(f["level1"]), _yes(f["forms"]) if proc.get("forms") else "Không có biểu mẫu (none listed)",
            _yes(f["submission"]), payment, _yes(f["e_result"]), conclusion(proc, model)]


def service_tier(record: dict, listing: dict) -> str:
    """Cấp dịch vụ: the record's own `tier` when given, else read from the executing agency.

    From the first administrative word of its name (xã/phường/thị trấn; huyện/quận/thị xã; tỉnh,
    Sở; "thành phố" is ambiguous and skipped), else from the QCVN
    102:2016 code V1V2V3.Z1Z2.Y1Y2.MX1X2: a unit at level 3 or 4 of a province (Z1Z2 or V1V2V3
    not zero) is counted as district level. A guess a tester checks: the code alone cannot tell a
    provincial department from a district.
    """
    if record.get("tier"):
        return str(record["tier"])
    name = clean(record.get("agency_name") or listing.get("agency_name")).casefold()
    # the first administrative word names the unit itself ("UBND xã A, huyện B, tỉnh C" is a commune)
    first = re.search(r"(?<!\w)(thị trấn|thị xã|xã|phường|huyện|quận|tỉnh|sở)(?!\w)", name)
    if first:
        return {"thị trấn": "xã", "xã": "xã", "phường": "xã", "thị xã": "huyện", "huyện": "huyện",
                "quận": "huyện", "tỉnh": "tỉnh", "sở": "tỉnh"}[first.group(1)]
    code = record.get("agency_code") or listing.get("agency_code") or ""
    parts = code.split(".")
    if len(parts) == 4:
        return "huyện" if parts[0] != "000" or parts[1] != "00" else "tỉnh"
    return "chưa xác định (unknown)"


def roadmap_row(number: int, proc: dict, model: dict) -> list:
    listing, record = proc.get("listing") or {}, proc.get("record") or {}
    others = record.get("coordinating_agencies") or []
    if isinstance(others, list):
        others = "; ".join(str(a.get("name") if isinstance(a, dict) else a) for a in others)
    measured = levels.measure(proc, model)["level"] if measurable(proc) else None
    return [number, record.get("name") or listing.get("name"), measured if measured else "—",
            service_tier(record, listing), record.get("agency_name") or listing.get("agency_name") or "",
            others or ""]


def general_figures(entries: list[dict], model: dict) -> list[list]:
    """Công văn 3386 "Số liệu chung" over the whole listed catalogue (declared levels, by tier), with a total row."""
    tiers: dict[str, list[dict]] = {}
    for entry in entries:
        tiers.setdefault(service_tier({}, entry), []).append(entry)
    online = set(model["online_levels"])

    def row(name: str, group: list[dict]) -> list:
        levels_ = [e.get("level") for e in group]
        counted = [lv for lv in levels_ if isinstance(lv, int)]
        n34 = sum(1 for lv in counted if lv in online)
        modes = [e.get("online_mode") for e in group]
        share = f"{100 * n34 / len(group):.1f} %" if group else "—"
        return [name, len(group), sum(1 for lv in counted if lv not in online), counted.count(3), counted.count(4), n34,
                share, modes.count("toan_trinh"), modes.count("mot_phan"), len(levels_) - len(counted)]

    order = {"tỉnh": 0, "huyện": 1, "xã": 2}
    rows = [row(name, tiers[name]) for name in sorted(tiers, key=lambda t: (order.get(t, 9), t))]
    return rows + [row("Tổng (total)", entries)]


EGDI_COLUMNS = ["Chỉ tiêu (indicator)", "Số liệu quan sát (observed)", "Nguồn (source)"]


def egdi(entries: list[dict], model: dict) -> list[dict]:
    """Công văn 961/LĐTBXH-PC (EGDI): the share of online services at level 3/4 and end-to-end, as
    observations of the whole listed catalogue (declared levels) — figures, not a verdict."""
    if not entries:
        return []
    online = sum(1 for e in entries if e.get("level") in model["online_levels"])
    full = sum(1 for e in entries if e.get("online_mode") == "toan_trinh")
    share = lambda n: f"{n}/{len(entries)} ({100 * n / len(entries):.1f} %)"
    source = "danh mục thủ tục qua API (list_procedures), mức công bố — the catalogue through the API, declared"
    return [{"id": "egdi-961-dvctt", "csv": "egdi-961-dvctt.csv",
             "title_vi": "Quan sát theo Công văn 961/LĐTBXH-PC (chỉ số phát triển Chính phủ điện tử, EGDI): dịch vụ "
                         "công trực tuyến mức độ 3, 4",
             "title_en": "Observations for Công văn 961/LĐTBXH-PC (EGDI): online services at level 3 and 4",
             "columns": EGDI_COLUMNS,
             "rows": [["Tỷ lệ thủ tục có dịch vụ công trực tuyến mức độ 3, 4 (share at level 3/4)", share(online), source],
                      ["Tỷ lệ dịch vụ toàn trình (share end-to-end, NĐ 42/2022)", share(full), source]]}]


def tables(observations: dict) -> list[dict]:
    """The two tables; none when the observations carry no level model (nothing to measure against)."""
    procs = observations.get("procedures") or []
    run_id = observations.get("run_id")
    model = observations.get("service_levels")
    if not model:
        return []
    # Công văn 3386 §2.2 lists online services only: the levels the edition counts as online
    online = [p for p in procs if measurable(p) and levels.measure(p, model)["level"] in model["online_levels"]]
    entries = (observations.get("catalogue") or {}).get("entries") or []
    general = [{"id": "catalogue-general-3386", "csv": "so-lieu-chung-3386.csv",
                "title_vi": f"Số liệu chung theo Công văn 3386/BTTTT-THH: {len(entries)} thủ tục của toàn bộ danh mục "
                            "theo cấp, số và tỷ lệ mức 3, 4, toàn trình, một phần (mức công bố, đọc qua API)",
                "title_en": "General figures (Công văn 3386): the whole listed catalogue by tier, levels 3-4 and their "
                            "share, end-to-end and partial (declared levels, read through the API)",
                "columns": GENERAL_COLUMNS, "rows": general_figures(entries, model)}] if entries else []
    return general + egdi(entries, model) + [
        {"id": "catalogue-levels", "csv": "muc-do-dvctt.csv",
         "title_vi": f"Mức độ dịch vụ công trực tuyến: công bố và thực tế ({len(procs)} thủ tục lấy mẫu, lần chạy {run_id})",
         "title_en": "Online service level: declared and measured (sampled procedures)",
         "columns": MEASURED_COLUMNS, "rows": [measured_row(i, p, model) for i, p in enumerate(procs, 1)]},
        {"id": "catalogue-roadmap-3386", "csv": "lo-trinh-3386.csv",
         "title_vi": "Danh mục dịch vụ công trực tuyến mức độ 3, 4 theo mẫu mục 2.2 Công văn 3386/BTTTT-THH (mức thực "
                     "tế đo được của các thủ tục lấy mẫu)",
         "title_en": "The sampled procedures delivering level 3 or 4, in the roadmap table layout of Công văn "
                     "3386/BTTTT-THH §2.2 (measured level)",
         "columns": ROADMAP_COLUMNS, "rows": [roadmap_row(i, p, model) for i, p in enumerate(online, 1)]},
    ]
