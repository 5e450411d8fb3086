"""How the crawl scenario drives the target: read robots.txt, crawl the public pages from the
home page (crawl.py), and open each sampled procedure's page as a search engine would — a fresh
anonymous session, no cookies — to see its status, title and robots directives.
"""
from __future__ import annotations

from urllib.parse import urljoin

from harness.api import ConfigurationError
from harness.judging import now_iso
from suites.catalogue.observe import catalogue_summary, draw_sample, list_catalogue
from suites.navigation import crawl

CRAWLER_AGENT = "dokiem"  # the product token robots.txt rules for the harness would name
MAX_ROBOTS_TEXT = 100_000


def read_robots(client, start: str) -> dict:
    url = urljoin(start, "/robots.txt")
    response = client.request("GET", url)
    if response is None:
        return {"url": url, "status": None, "text": "", "error": "no answer — không có phản hồi"}
    return {"url": url, "status": response.status_code, "text": response.text[:MAX_ROBOTS_TEXT], "error": None}


def procedure_url(client, proc: dict) -> tuple[str | None, str | None]:
    """The page of a sampled procedure: the listing's url, else the record's."""
    if proc.get("url"):
        return proc["url"], "list_procedures"
    try:
        result = client.call("get_procedure", procedure_code=proc["code"])
    except ConfigurationError:
        return None, None
    record = result.vars.get("procedure") if result.ok else None
    url = record.get("url") if isinstance(record, dict) else None
    return (url, "get_procedure") if url else (None, None)


def probe_page(client, url: str) -> dict:
    """One procedure page as an anonymous visitor with no cookies sees it."""
    client.http.cookies.clear()
    response = client.request("GET", url)
    if response is None:
        return {"url": url, "status": None, "final_url": None, "redirects": [], "title": "", "meta_robots": "",
                "x_robots_tag": None, "error": "no answer — không có phản hồi"}
    parsed = crawl.parse_html(response.text, response.url) if "html" in response.headers.get("Content-Type", "") else {}
    return {"url": url, "status": response.status_code, "final_url": response.url,
            "redirects": [r.status_code for r in response.history], "title": parsed.get("title", ""),
            "meta_robots": parsed.get("meta_robots", ""), "x_robots_tag": response.headers.get("X-Robots-Tag"),
            "error": None}


def observe(scenario, run_id: str) -> dict:
    observations = {"run_id": run_id, "started": now_iso(), "finished": None, "errors": []}
    client = scenario.client(None)
    start = scenario.profile.base_url("portal") + "/"
    robots = read_robots(client, start)
    observations["robots"] = robots
    rules = crawl.robots_parser(robots) if robots["status"] == 200 else None
    budget = int(scenario.parameter("navigation.crawl_budget_pages"))
    max_clicks = int(scenario.parameter("navigation.max_clicks"))
    observations["crawl"] = crawl.crawl(client, start, budget, max_clicks,
                                        (lambda url: rules.can_fetch(CRAWLER_AGENT, url)) if rules else (lambda url: True))
    catalogue = list_catalogue(client)
    observations["catalogue"] = catalogue_summary(catalogue)
    chosen = draw_sample(catalogue, scenario, run_id)
    visitor = scenario.client(None)
    observations["targets"] = []
    for proc in chosen:
        url, source = procedure_url(client, proc)
        target = {"code": proc["code"], "name": proc.get("name"), "url": url, "url_from": source, "why": proc["why"]}
        target["page"] = probe_page(visitor, url) if url else None
        observations["targets"].append(target)
    observations["finished"] = now_iso()
    return observations
