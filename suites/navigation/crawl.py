"""A polite, bounded crawl of a portal's public pages, breadth first from the home page.

Polite: anonymous GETs only (no form is ever submitted), the portal's own host only, robots.txt
obeyed, at most `budget` requests, through the TargetClient (the profile's rate limit and
timeouts). Only HTML is read for links; other resources the pages link to (forms, JSON) are
fetched once to see that they answer.

Order: first every HTML page closer to the home page than `max_clicks` (they decide how deep each
page is: a page linked from them is at most `max_clicks` clicks away), then the rest, nearest
first. So the budget goes to the question of depth before it goes to completeness.
"""
from __future__ import annotations

import heapq
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".rtf", ".zip", ".json", ".xml",
                       ".png", ".jpg", ".jpeg", ".gif", ".svg", ".css", ".js", ".ico", ".mp4")
MAX_LINKS_PER_PAGE = 500


class _Page(HTMLParser):
    """Title, links (a and area href), <base href> and the robots meta of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title, self.links, self.base, self.meta_robots = "", [], None, ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "area") and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "base" and attrs.get("href") and self.base is None:
            self.base = attrs["href"]
        elif tag == "meta" and (attrs.get("name") or "").lower() in ("robots", "googlebot"):
            self.meta_robots = " ".join(filter(None, [self.meta_robots, (attrs.get("content") or "").lower()]))
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse_html(text: str, url: str) -> dict:
    parser = _Page()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # html.parser is forgiving; whatever it read before a fault is kept
        pass
    base = urljoin(url, parser.base) if parser.base else url
    links = []
    for href in parser.links:
        href = href.strip()
        if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        absolute = urljoin(base, href).split("#", 1)[0]
        if absolute not in links:
            links.append(absolute)
    return {"title": " ".join(parser.title.split()), "links": links, "meta_robots": parser.meta_robots}


def key(url: str) -> str:
    """Identity of a URL: scheme and host in lower case, default port, fragment, trailing slash and
    query order dropped, percent-encoding made uniform."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port in (None, {"http": 80, "https": 443}.get(scheme)) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~") or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((scheme, netloc, path, query, ""))


def same_site(url: str, start: str) -> bool:
    a, b = urlsplit(url), urlsplit(start)
    return a.scheme in ("http", "https") and (a.hostname or "").lower() == (b.hostname or "").lower() \
        and (a.port or {"http": 80, "https": 443}[a.scheme]) == (b.port or {"http": 80, "https": 443}[b.scheme])


def looks_like_document(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(DOCUMENT_EXTENSIONS)


def crawl(client, start_url: str, budget: int, max_clicks: int, allowed) -> dict:
    """Crawl from start_url; `allowed(url) -> bool` is robots.txt's verdict for the harness.

    Returns {"start", "budget", "pages": [...], "skipped_by_robots": [...], "unvisited": [...],
    "requests": n, "budget_exhausted": bool}; every page: url, final_url, status, ms, depth,
    from, content_type, html, title, meta_robots, x_robots_tag, links (same-site, absolute), error.
    """
    frontier: list[tuple] = []
    seen: set[str] = set()
    order = 0

    def push(url: str, depth: int, parent: str | None) -> None:
        nonlocal order
        if key(url) in seen:
            return
        seen.add(key(url))
        discovery = depth < max_clicks and not looks_like_document(url)
        heapq.heappush(frontier, (0 if discovery else 1, depth, order, url, parent))
        order += 1

    push(start_url, 0, None)
    pages, skipped = [], []
    requests_made = 0
    while frontier and requests_made < budget:
        _phase, depth, _order, url, parent = heapq.heappop(frontier)
        if not allowed(url):
            skipped.append({"url": url, "depth": depth, "from": parent})
            continue
        requests_made += 1
        response = client.request("GET", url)
        exchange = client.transcript.exchanges[-1] if client.transcript.exchanges else None
        page = {"url": url, "depth": depth, "from": parent, "final_url": None, "status": None,
                "ms": round(exchange.elapsed_ms, 1) if exchange else None, "content_type": None, "html": False,
                "title": "", "meta_robots": "", "x_robots_tag": None, "links": [], "error": None}
        pages.append(page)
        if response is None:
            page["error"] = (exchange.note if exchange and exchange.note else "no answer — không có phản hồi")
            continue
        page.update(final_url=response.url, status=response.status_code,
                    content_type=response.headers.get("Content-Type"),
                    x_robots_tag=response.headers.get("X-Robots-Tag"))
        page["html"] = "html" in (page["content_type"] or "").lower()
        if not page["html"] or response.status_code >= 400 or not same_site(response.url, start_url):
            continue
        parsed = parse_html(response.text, response.url)
        internal = [link for link in parsed["links"] if same_site(link, start_url)]
        page.update(title=parsed["title"], meta_robots=parsed["meta_robots"], links=internal[:MAX_LINKS_PER_PAGE])
        for link in page["links"]:
            push(link, depth + 1, url)
    unvisited = [{"url": item[3], "depth": item[1], "from": item[4]} for item in sorted(frontier)]
    return {"start": start_url, "budget": budget, "max_clicks": max_clicks, "requests": requests_made,
            "budget_exhausted": bool(frontier), "pages": pages, "skipped_by_robots": skipped,
            "unvisited": unvisited}


# ------------------------------------------------------------------------- robots.txt

def robots_parser(robots: dict):
    """urllib's parser over what /robots.txt answered: its rules when it answered 200, everything
    allowed when it is missing (4xx), everything disallowed when it answered 401/403 or 5xx or
    not at all (what search engines do)."""
    from urllib.robotparser import RobotFileParser

    parser = RobotFileParser()
    status = robots.get("status")
    if status == 200:
        parser.parse((robots.get("text") or "").splitlines())
    elif status is not None and 400 <= status < 500 and status not in (401, 403):
        parser.allow_all = True
    else:
        parser.disallow_all = True
    return parser
