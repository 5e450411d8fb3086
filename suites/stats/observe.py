"""How the `stats_snapshot` scenario observes: one statistics snapshot of its own (the values as
the operation returns them), dossier_life's before/after snapshots, a refresh within the
statistics refresh wait when those do not agree yet, and the public statistics page in Chromium.
"""
from __future__ import annotations

import datetime as dt
import re
import time

from harness.browser import before_each_page
from harness.national import VIETNAM
from suites.packets.life import parse_time
from suites.stats.judges import FIELDS, expected_growth

REFRESH_POLL_S = 2.0  # between two reads of statistics that refresh in batches (bounded by the refresh wait)
PAGE_SCRIPT = """() => {
  const text = (el) => (el.innerText || el.textContent || '').replace(/\\s+/g, ' ').trim();
  const pick = (selector, limit) => [...document.querySelectorAll(selector)].map(text).filter(Boolean).slice(0, limit);
  const controls = [...document.querySelectorAll('input, select')].map((el) => ({
    tag: el.tagName.toLowerCase(), type: (el.type || '').toLowerCase(), name: el.name || '', id: el.id || '',
    label: el.labels && el.labels.length ? text(el.labels[0]) : (el.getAttribute('aria-label') || '')}));
  return {url: location.href, title: document.title,
          labels: pick('th, caption, dt, label, legend, h1, h2, h3, h4, h5, h6, strong, b, [role=columnheader], [role=rowheader]', 400),
          cells: pick('td, dd, [role=cell]', 2000), controls: controls.slice(0, 100)};
}"""


def today_in_vietnam() -> str:
    return dt.datetime.now(VIETNAM).date().isoformat()


def default_query() -> dict:
    """The period this scenario's own reads of get_statistics count: today in Việt Nam, both ends."""
    today = today_in_vietnam()
    return {"date_from": today, "date_to": today, "agency_code": None}


def snapshot(client, query: dict) -> dict:
    if not client.has("get_statistics"):
        return {"ok": False, "not_configured": True, "query": query,
                "error": "get_statistics không có trong operations của hồ sơ mục tiêu — not in the profile"}
    result = client.call("get_statistics", **query)
    return {"ok": result.ok, "not_configured": False, "query": query, "http_status": result.status,
            "time": dt.datetime.now().astimezone().isoformat(),
            "values": {k: result.vars.get(k) for k in FIELDS} if result.ok else None,
            "error": None if result.ok else result.describe()}


def agrees(before: dict, after: dict, grown: dict) -> bool:
    try:
        return all(after[f] - before[f] == grown[f] for f in ("received", "resolved", "on_time", "late")
                   if grown[f] is not None)
    except (KeyError, TypeError):
        return False


def refresh(client, life: dict, wait_s: float) -> dict | None:
    """When dossier_life's after-snapshot does not agree yet, read again until it does or the
    refresh wait (counted from the end of dossier_life) has passed; None when no refresh was needed."""
    before, after = life.get("statistics_before"), life.get("statistics_after")
    if not isinstance(before, dict) or not isinstance(after, dict):
        return None
    grown, _ = expected_growth(life.get("dossiers") or [])
    if agrees(before, after, grown):
        return None
    query = default_query()
    finished = parse_time(life.get("finished")) or dt.datetime.now().astimezone()
    deadline = finished + dt.timedelta(seconds=wait_s)
    while True:
        taken = snapshot(client, query)
        values = taken.get("values")
        remaining = (deadline - dt.datetime.now().astimezone()).total_seconds()
        if not taken["ok"] or agrees(before, values, grown) or remaining <= 0:
            return {**(values or {}), "_snapshot": taken}
        time.sleep(min(REFRESH_POLL_S, remaining))


def crossed_midnight(life: dict) -> bool:
    started, finished = parse_time(life.get("started")), parse_time(life.get("finished"))
    return bool(started and finished and started.astimezone(VIETNAM).date() != finished.astimezone(VIETNAM).date())


def statistics_page(sc, browser, profile) -> dict:
    """Open the public statistics page (the profile's journey x_statistics_page, else the home
    page's link "Thống kê") and read its labels, cells and form controls."""
    session = sc.browser(browser, "thong-ke")
    failed = False
    try:
        if "x_statistics_page" in profile.journeys:
            session.journey("x_statistics_page")
        else:
            session.page.goto(profile.base_url("portal") + "/", wait_until="domcontentloaded")
            before_each_page(session.page)
            session.page.get_by_role("link", name=re.compile("thống kê", re.I)).first.click()
        session.page.wait_for_load_state("networkidle")
        return {**session.page.evaluate(PAGE_SCRIPT), "error": None}
    except Exception as exc:  # noqa: BLE001 - no page: the check is ERROR with the reason
        failed = True
        return {"url": None, "error": f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"}
    finally:
        session.close(failed=failed)
