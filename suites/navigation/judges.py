"""Judges of the crawl checks (pure).

Depth is recomputed here from the recorded pages and their links (breadth first from the home
page), so a recording with one link removed is judged exactly as the live crawl would be. A
sampled page not found within the maximum clicks FAILs only when the crawl read every page
closer to the home page than that; when the page budget ran out first, the check cannot tell
(ERROR), as the issue asks.
"""
from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

from harness.judging import Inconclusive, fail_if, fold, require
from harness.measured import Measurements
from suites.catalogue.judges import catalogue_for_sample
from suites.navigation.crawl import key, looks_like_document, robots_parser

LOGIN_PATH = re.compile(r"dang-?nhap|login|signin|sign-in|\bsso\b|xac-thuc|auth", re.I)
ENGINES = ("Googlebot", "bingbot", "coccocbot")  # Google, Bing and Cốc Cốc, Vietnam's own engine
TITLE_PROBE_CHARS = 40


def _crawl(observations: dict) -> dict:
    crawl = observations.get("crawl") or {}
    require(crawl.get("pages"), "trang được dò (crawled page)")
    return crawl


def _targets(observations: dict) -> list[dict]:
    catalogue_for_sample(observations)
    targets = require(observations.get("targets"), "thủ tục lấy mẫu (sampled procedure)")
    missing = [t["code"] for t in targets if not t.get("url")]
    if missing:
        raise Inconclusive(f"không biết địa chỉ trang của {', '.join(missing)} — neither list_procedures nor "
                           "get_procedure gives the page url (map 'url' in the profile)")
    return targets


def depths(crawl: dict) -> tuple[dict[str, int], set[str]]:
    """Shortest click distance from the start of every URL the recorded links reach, and the
    URLs whose links were read (fetched HTML, or fetched and not HTML: nothing to follow)."""
    aliases, links = {}, {}
    read = set()
    for page in crawl["pages"]:
        node = key(page["url"])
        if page.get("final_url"):
            aliases[key(page["final_url"])] = node
        if page.get("status") is not None or page.get("error"):
            read.update({node, key(page.get("final_url") or page["url"])})
        links[node] = [key(link) for link in page.get("links") or []]
    for skipped in crawl.get("skipped_by_robots") or []:
        read.add(key(skipped["url"]))  # a polite crawler cannot go there: nothing more to learn
    start = key(crawl["start"])
    distance = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for link in links.get(node, []):
            if link not in distance:
                distance[link] = distance[node] + 1
                queue.append(link)
    for final, node in aliases.items():  # a redirect's target is as near as the link that led there
        if node in distance and distance.get(final, 10**9) > distance[node]:
            distance[final] = distance[node]
    return distance, read


def three_clicks(observations: dict, max_clicks: int, measured: Measurements) -> None:
    """navigation.three_clicks"""
    crawl = _crawl(observations)
    targets = _targets(observations)
    distance, read = depths(crawl)
    # documents have no links to follow: only unread HTML pages near the home page leave depth open
    unread_near = sorted(url for url, d in distance.items()
                         if d < max_clicks and url not in read and not looks_like_document(url))
    problems, undecided, depths_found = [], [], []
    for target in targets:
        found = distance.get(key(target["url"]))
        page = target.get("page") or {}
        if found is None and page.get("final_url"):
            found = distance.get(key(page["final_url"]))
        if found is not None:
            depths_found.append(found)
        if found is not None and found <= max_clicks:
            continue
        where = f"ở độ sâu {found} — found {found} clicks deep" if found is not None else \
            "không thấy trong phạm vi đã dò — not found within the crawl"
        if unread_near:
            undecided.append(f"{target['code']}: {where}")
        else:
            problems.append(f"{target['code']} ({target.get('name')}) {target['url']}: quá {max_clicks} lần nhấn từ trang "
                            f"chủ, {where}")
    if depths_found:
        deepest = max(depths_found)
        measured.note(f"dịch vụ sâu nhất cách trang chủ {deepest} lần nhấn {'≤' if deepest <= max_clicks else '>'} "
                      f"{max_clicks} ({len(depths_found)}/{len(targets)} dịch vụ tìm thấy)", deepest <= max_clicks,
                      deepest, max_clicks, "lần nhấn")
    fail_if(problems, f"Dịch vụ không truy cập được trong {max_clicks} lần nhấn từ trang chủ",
            f"services more than {max_clicks} clicks from the home page")
    if undecided:
        raise Inconclusive(
            f"hết ngân sách {crawl.get('budget')} trang trước khi đọc hết các trang cách trang chủ dưới {max_clicks} lần "
            f"nhấn — the crawl ran out of its page budget with {len(unread_near)} such page(s) unread "
            f"(e.g. {unread_near[0]}); undecided: {'; '.join(undecided)}")


def crawl_pages(observations: dict, max_response_ms: float) -> None:
    """navigation.crawl"""
    crawl = _crawl(observations)
    pages = crawl["pages"]
    start = pages[0]
    problems = []
    if not start.get("html"):
        problems.append(f"trang chủ {start['url']} không phải HTML — the home page is not HTML "
                        f"({start.get('content_type')}, HTTP {start.get('status')})")
    for page in pages:
        came_from = f" (liên kết từ — linked from {page['from']})" if page.get("from") else ""
        if page.get("error"):
            problems.append(f"{page['url']}: không phản hồi — no answer: {page['error']}{came_from}")
            continue
        if page["status"] >= 400:
            problems.append(f"{page['url']}: HTTP {page['status']}{came_from}")
        if page.get("html") and urlsplit(page.get("final_url") or page["url"]).scheme != "https":
            problems.append(f"{page.get('final_url') or page['url']}: trang HTML không qua HTTPS — an HTML page served "
                            "without HTTPS")
        if page.get("ms") is not None and page["ms"] > max_response_ms:
            problems.append(f"{page['url']}: {page['ms']:.0f} ms > {max_response_ms:.0f} ms — slower than the maximum "
                            "response time")
    html = [p for p in pages if p.get("html")]
    require(html, "trang HTML (HTML page)")
    fail_if(problems, f"Dò {len(pages)} trang công khai thấy lỗi", f"the crawl of {len(pages)} public pages found errors")


def _needs_login(page: dict) -> bool:
    if page.get("status") in (401, 403):
        return True
    asked, got = urlsplit(page["url"]).path.rstrip("/"), urlsplit(page.get("final_url") or page["url"]).path.rstrip("/")
    return asked != got and bool(LOGIN_PATH.search(got))


def indexable(observations: dict) -> None:
    """navigation.indexable"""
    targets = _targets(observations)
    robots = observations.get("robots") or {}
    problems = []
    status = robots.get("status")
    if status is None or status >= 500 or status in (401, 403):
        problems.append(f"robots.txt ({robots.get('url')}) trả {status or robots.get('error')}: công cụ tìm kiếm coi như "
                        "cấm toàn bộ — search engines then crawl nothing")
    rules = robots_parser(robots)
    titles: dict[str, list[str]] = {}
    for target in targets:
        page = target.get("page") or {}
        who = f"{target['code']} {target['url']}"
        blocked = [engine for engine in ENGINES if not rules.can_fetch(engine, target["url"])]
        if blocked and status == 200:
            problems.append(f"{who}: robots.txt chặn — robots.txt blocks it for {', '.join(blocked)}")
        if page.get("error"):
            problems.append(f"{who}: không phản hồi — no answer: {page['error']}")
            continue
        if _needs_login(page):
            problems.append(f"{who}: cần đăng nhập — needs a login (HTTP {page.get('status')}, {page.get('final_url')})")
            continue
        if page.get("status") != 200:
            problems.append(f"{who}: HTTP {page.get('status')}")
            continue
        directives = " ".join(filter(None, [page.get("meta_robots"), (page.get("x_robots_tag") or "").lower()]))
        if "noindex" in directives or "none" in directives.split():
            problems.append(f"{who}: trang cấm lập chỉ mục — the page asks not to be indexed ({directives})")
        title = page.get("title") or ""
        name = fold(target.get("name"))
        if not title.strip():
            problems.append(f"{who}: trang không có tiêu đề — no <title>")
        elif name and name not in fold(title) and name[:TITLE_PROBE_CHARS] not in fold(title):
            problems.append(f"{who}: tiêu đề '{title}' không nêu tên thủ tục — the title does not name the procedure")
        titles.setdefault(fold(title), []).append(target["code"])
    for title, codes in titles.items():
        if title and len(codes) > 1:
            problems.append(f"{', '.join(codes)}: cùng một tiêu đề '{title}' — the same title on several procedure pages")
    fail_if(problems, "Trang thủ tục khó tìm thấy qua công cụ tìm kiếm", "procedure pages not findable by search engines")


REQUIRED_JOURNEYS = ("login", "find_procedure", "lookup_dossier")


def journeys(obs: dict) -> None:
    """navigation.journeys: login, find_procedure and lookup_dossier complete in Chromium with no
    uncaught script error and no failed page load (document, script or stylesheet answering >= 400
    or not at all). A journey that cannot be done is a configuration problem (ERROR), unless the
    page broke with a script error or a failed load on the way (FAIL)."""
    runs = {j["name"]: j for j in require(obs.get("journeys"), "hành trình (journeys)")}
    lines, missing = [], []
    for name in REQUIRED_JOURNEYS:
        run = runs.get(name)
        if run is None:
            missing.append(f"{name}: chưa chạy — not run")
            continue
        for error in run.get("page_errors", []):
            lines.append(f"hành trình {name}: lỗi kịch bản không bắt được — uncaught script error: {error}")
        for load in run.get("failed_loads", []):
            lines.append(f"hành trình {name}: tải không thành công — failed load ({load.get('type')}) {load.get('url')}: "
                         f"{load.get('status') or load.get('error')}")
        if run.get("skipped"):
            missing.append(f"{name}: {run['skipped']}")
        elif not run.get("ok"):
            missing.append(f"{name}: {run.get('error')}")
    fail_if(lines, "Thao tác chính gặp lỗi trên trình duyệt — main journeys broke in the browser:", first=25,
            more="- … và {n} mục khác — and {n} more")
    if missing:
        raise Inconclusive("không hoàn thành được hành trình — journeys could not be completed: " + "; ".join(missing))
