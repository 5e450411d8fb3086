"""Judges of the `stats_snapshot` observations: the public statistics page, the statistics as
data, and their agreement with the dossiers the run created. Pure functions; the observations
are described in suites/stats/README.md.
"""
from __future__ import annotations

import re
import unicodedata
from functools import partial

from harness import judging
from harness.judging import Inconclusive
from harness.national import VIETNAM
from suites.dossier import documents
from suites.packets.life import created_in_run, parse_time, receipt_step, resolved, status_steps

fail_if = partial(judging.fail_if, more=judging.AND_MORE_SEE_OBSERVATIONS)

FIELDS = ("received", "resolved", "on_time", "late", "pending")
# How Vietnamese statistics pages name the five measures (lower case, NFC): one of each must show.
MEASURE_WORDS = {
    "received": ("tiếp nhận", "đã nhận", "hồ sơ nhận"),
    "resolved": ("đã giải quyết", "giải quyết xong", "đã xử lý", "hoàn thành", "đã có kết quả"),
    "on_time": ("đúng hạn", "trước hạn", "trong hạn"),
    "late": ("trễ hạn", "quá hạn", "chậm", "trễ"),
    "pending": ("đang giải quyết", "đang xử lý", "chưa giải quyết", "chưa xử lý", "tồn"),
}
BREAKDOWN_WORDS = ("cơ quan", "lĩnh vực", "đơn vị")
PERIOD = re.compile(r"date|from|to\b|ngày|ngay|kỳ|ky\b|năm|nam\b|tháng|thang|quý|quy\b|period|year|month", re.I)
NUMBER = re.compile(r"^\d[\d.,  ]*$")
NAMES = {"received": "tiếp nhận (received)", "resolved": "đã giải quyết (resolved)", "on_time": "đúng hạn (on time)",
         "late": "trễ hạn (late)", "pending": "đang giải quyết (pending)"}


def _fold(text) -> str:
    return unicodedata.normalize("NFC", str(text or "")).casefold()


# ------------------------------------------------------------------------------ stats.page

def page(obs: dict) -> None:
    page = obs.get("page") or {}
    if page.get("error") or not page.get("url"):
        raise Inconclusive("không mở được trang thống kê công khai — the public statistics page could not be opened: "
                           f"{page.get('error') or 'no page'} (a portal whose page is not linked as \"Thống kê\" from "
                           "the home page declares the journey x_statistics_page in its profile)")
    labels = [_fold(t) for t in page.get("labels") or []]
    problems = []
    missing = [NAMES[m] for m, words in MEASURE_WORDS.items() if not any(w in label for label in labels for w in words)]
    if missing:
        problems.append(f"trang {page['url']} không có chỉ tiêu {', '.join(missing)} — the page does not show these measures")
    figures = [c for c in page.get("cells") or [] if NUMBER.match(str(c).strip())]
    if len(figures) < len(FIELDS):
        problems.append(f"trang {page['url']} chỉ có {len(figures)} ô số liệu — the page shows {len(figures)} figures, "
                        f"fewer than the {len(FIELDS)} measures")
    if not any(w in label for label in labels for w in BREAKDOWN_WORDS):
        problems.append(f"trang {page['url']} không thống kê theo cơ quan hay lĩnh vực — no breakdown by agency or sector")
    controls = page.get("controls") or []
    if not any(c.get("type") in ("date", "month", "week")
               or PERIOD.search(" ".join(str(c.get(k) or "") for k in ("name", "id", "label"))) for c in controls):
        problems.append(f"trang {page['url']} không cho chọn kỳ thống kê — no control to choose the period")
    fail_if(problems, "Trang thống kê công khai chưa đủ thông tin", "The public statistics page is incomplete")


# ------------------------------------------------------------------------------ stats.json

def _consistency(name: str, numbers: dict) -> list[str]:
    values = {k: numbers.get(k) for k in FIELDS}
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values.values()):
        return []
    problems = []
    if values["resolved"] != values["on_time"] + values["late"]:
        problems.append(f"{name}: đã giải quyết {values['resolved']} ≠ đúng hạn {values['on_time']} + trễ hạn "
                        f"{values['late']} — resolved is not on time + late")
    if values["received"] < values["resolved"]:
        problems.append(f"{name}: tiếp nhận {values['received']} < đã giải quyết {values['resolved']} — received is "
                        "less than resolved")
    negative = [k for k, v in values.items() if v < 0]
    if negative:
        problems.append(f"{name}: số âm ở {', '.join(negative)} — negative counts")
    return problems


def json(obs: dict) -> None:
    snapshot = obs.get("snapshot") or {}
    if snapshot.get("not_configured"):
        raise Inconclusive(f"thao tác get_statistics chưa được cấu hình — get_statistics is not configured: "
                           f"{snapshot.get('error')}")
    if not snapshot.get("ok"):
        raise AssertionError(f"Thao tác thống kê không trả về số liệu — the statistics operation gave no data: "
                             f"{snapshot.get('error')}")
    values = snapshot.get("values") or {}
    problems = [f"{k} = {values.get(k)!r} không phải số nguyên — is not a whole number"
                for k in FIELDS if not isinstance(values.get(k), int) or isinstance(values.get(k), bool)]
    problems += _consistency("số liệu của lượt chạy (this run's snapshot)", values)
    for name in ("statistics_before", "statistics_after", "statistics_refreshed"):
        if isinstance(obs.get(name), dict):
            problems += _consistency(name, obs[name])
    fail_if(problems, "Số liệu thống kê không phải số hoặc không nhất quán", "Statistics not numbers or inconsistent")


# ------------------------------------------------------------------------------ stats.agree_with_dossiers

def on_time(dossier: dict) -> bool | None:
    """Whether the run resolved the dossier on time: the day its result was reached (Vietnam time)
    is no later than the appointment the back office showed right after that step. None when
    either is unknown, or an apology moved the appointment (which date the statistics hold it to
    is the vendor's reading)."""
    step = next((s for s in status_steps(dossier) if s.get("expected_code") in (9, 10)), None)
    # the target's appointment in any form it writes one (a date, a time with or without offset)
    step = step or {}
    done, promised = parse_time(step.get("finished")), documents.parse_time(step.get("appointment_date"))
    if dossier.get("apology") or done is None or promised is None:
        return None
    return done.astimezone(VIETNAM).date() <= promised.astimezone(VIETNAM).date()



def expected_growth(dossiers: list[dict]) -> tuple[dict, list[str]]:
    """How much each count must grow: `received` and `resolved` by the run's dossiers received and
    resolved; `on_time` and `late` by those resolved on time and late — None when one of them is
    unknown (not judged then). Also the codes of dossiers the run did not create but resolved
    (their receipt may be outside the period, so the expectation is unknown)."""
    grown = {"received": 0, "resolved": 0, "on_time": 0, "late": 0}
    unknown = []
    for dossier in dossiers:
        has_result = resolved(dossier)
        if not created_in_run(dossier):
            if has_result:
                unknown.append(dossier.get("code") or dossier.get("key"))
            continue
        if receipt_step(dossier) is not None:  # a move to 2, or an intake
            grown["received"] += 1
        if has_result:
            grown["resolved"] += 1
            timely = on_time(dossier)
            for field, counts in (("on_time", timely is True), ("late", timely is False)):
                if grown[field] is not None:
                    grown[field] = None if timely is None else grown[field] + counts
    return grown, unknown


def agree_with_dossiers(obs: dict) -> None:
    if obs.get("dossier_life_error"):
        raise Inconclusive(obs["dossier_life_error"])
    before, after = obs.get("statistics_before"), obs.get("statistics_refreshed") or obs.get("statistics_after")
    if not isinstance(before, dict) or not isinstance(after, dict):
        raise Inconclusive("không có số liệu thống kê trước và sau kịch bản hồ sơ — no statistics before and after the "
                           f"dossier scenario: {obs.get('statistics_error') or 'not recorded'}")
    if obs.get("crossed_midnight"):
        raise Inconclusive("lượt chạy qua nửa đêm (giờ Việt Nam): kỳ thống kê của hai lần lấy số liệu khác nhau — the "
                           "run crossed midnight in Vietnam, the two snapshots count different days")
    grown, unknown = expected_growth(obs.get("dossiers") or [])
    if unknown:
        raise Inconclusive(f"kịch bản đã giải quyết hồ sơ có sẵn {', '.join(unknown)}, không biết chúng có thuộc kỳ "
                           "thống kê — dossiers not created in the run were resolved; their period is unknown")
    if not grown["received"]:
        raise Inconclusive("không có hồ sơ nào được tiếp nhận trong lượt chạy — the run received no dossier")
    problems = []
    for field in ("received", "resolved", "on_time", "late"):
        if grown[field] is None:
            continue  # a resolved dossier whose timeliness is unknown: these two are not judged
        if not all(isinstance(x.get(field), int) for x in (before, after)):
            problems.append(f"{field}: không phải số ({before.get(field)!r} → {after.get(field)!r}) — not numbers")
            continue
        change = after[field] - before[field]
        if change != grown[field]:
            what = {"on_time": "resolved on time", "late": "resolved late"}.get(field, field)
            problems.append(f"{NAMES[field]}: tăng {change} ({before[field]} → {after[field]}), lượt chạy có "
                            f"{grown[field]} hồ sơ — grew by {change}, the run {what} {grown[field]} dossier(s)")
    fail_if(problems, "Số liệu thống kê không khớp với hồ sơ thực tế của lượt chạy",
            "The statistics do not agree with the dossiers of the run")
