"""Proofs of the crawl checks on the clean refportal recording, with one fault each; and the
crawler itself against a small site served on loopback (its bounds, its politeness)."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from harness import Inconclusive
from harness.measured import Measurements
from suites.navigation import judges
from suites.navigation.crawl import crawl, key, parse_html, robots_parser
from tests.suites.recordings import parameter, recorded

MAX_CLICKS = parameter("navigation.max_clicks")
MAX_MS = parameter("perf.max_response_ms")


@pytest.fixture
def good():
    return recorded("crawl")


def hide(obs: dict, url: str) -> None:
    """Remove every recorded link to a page: it is no longer reachable from the home page."""
    for page in obs["crawl"]["pages"]:
        page["links"] = [link for link in page["links"] if key(link) != key(url)]


# ------------------------------------------------------------------------- navigation.three_clicks

def test_three_clicks_passes_on_the_clean_recording(good):
    distance, _read = judges.depths(good["crawl"])
    assert all(distance[key(t["url"])] <= MAX_CLICKS for t in good["targets"])
    measured = Measurements()
    judges.three_clicks(good, MAX_CLICKS, measured=measured)
    (noted,) = measured.take()  # the deepest sampled service, beside the verdict
    assert noted["ok"] and noted["value"] == max(distance[key(t["url"])] for t in good["targets"])


@pytest.mark.proves("navigation.three_clicks")
def test_three_clicks_fails_when_a_sampled_procedure_is_linked_only_from_deep_pages(good):
    # refportal's defect 'a procedure more than 3 clicks deep', as the crawl records it: the page is
    # linked from nowhere near the home page, and every page nearer than 3 clicks was read
    target = good["targets"][2]["url"]
    hide(good, target)
    with pytest.raises(AssertionError, match="quá 3 lần nhấn"):
        judges.three_clicks(good, MAX_CLICKS, measured=Measurements())


@pytest.mark.proves("navigation.three_clicks")
def test_a_page_found_four_clicks_away_fails_with_its_depth(good):
    target = good["targets"][3]["url"]
    hide(good, target)
    deep = next(p for p in good["crawl"]["pages"] if p["depth"] == 3 and p["html"])
    deep_key = key(deep["url"])
    # reach the deep page only through a chain of three pages, then link the target from it
    chain = next(p for p in good["crawl"]["pages"] if p["depth"] == 2 and p["html"])
    chain["links"] = [deep["url"]]
    deep["links"] = [target]
    for page in good["crawl"]["pages"]:
        if page is not chain:
            page["links"] = [link for link in page["links"] if key(link) != deep_key]
    distance, _ = judges.depths(good["crawl"])
    assert distance[key(target)] == 4
    with pytest.raises(AssertionError, match="found 4 clicks deep"):
        judges.three_clicks(good, MAX_CLICKS, measured=Measurements())


def test_three_clicks_is_an_error_when_the_budget_ran_out_before_the_near_pages(good):
    target = good["targets"][2]["url"]
    hide(good, target)
    pages = good["crawl"]["pages"]
    good["crawl"]["pages"] = [p for p in pages if p["depth"] < 2 or not p["html"]]  # depth-2 pages never read
    with pytest.raises(Inconclusive, match="ran out of its page budget"):
        judges.three_clicks(good, MAX_CLICKS, measured=Measurements())


def test_three_clicks_is_an_error_without_the_pages_url(good):
    good["targets"][0]["url"] = None
    with pytest.raises(Inconclusive, match="page url"):
        judges.three_clicks(good, MAX_CLICKS, measured=Measurements())


def test_three_clicks_is_an_error_on_an_empty_crawl(good):
    good["crawl"]["pages"] = []
    with pytest.raises(Inconclusive, match="crawled page"):
        judges.three_clicks(good, MAX_CLICKS, measured=Measurements())


# ------------------------------------------------------------------------- navigation.crawl

def test_crawl_passes_on_the_clean_recording(good):
    judges.crawl_pages(good, MAX_MS)


@pytest.mark.proves("navigation.crawl")
def test_crawl_fails_on_a_broken_internal_link(good):
    page = good["crawl"]["pages"][30]
    page.update(status=404, html=False)
    with pytest.raises(AssertionError, match=f"HTTP 404 \\(liên kết từ — linked from {page['from']}"):
        judges.crawl_pages(good, MAX_MS)


@pytest.mark.proves("navigation.crawl")
def test_crawl_fails_on_a_server_error(good):
    good["crawl"]["pages"][12]["status"] = 500
    with pytest.raises(AssertionError, match="HTTP 500"):
        judges.crawl_pages(good, MAX_MS)


@pytest.mark.proves("navigation.crawl")
def test_crawl_fails_on_a_page_slower_than_the_maximum(good):
    good["crawl"]["pages"][5]["ms"] = MAX_MS * 3
    with pytest.raises(AssertionError, match="slower than the maximum"):
        judges.crawl_pages(good, MAX_MS)


@pytest.mark.proves("navigation.crawl")
def test_crawl_fails_on_an_html_page_over_plain_http(good):
    page = good["crawl"]["pages"][3]
    page["final_url"] = page["final_url"].replace("https://", "http://")
    with pytest.raises(AssertionError, match="without HTTPS"):
        judges.crawl_pages(good, MAX_MS)


@pytest.mark.proves("navigation.crawl")
def test_crawl_fails_on_a_page_that_does_not_answer(good):
    good["crawl"]["pages"][8].update(status=None, error="timeout after 20 s")
    with pytest.raises(AssertionError, match="no answer"):
        judges.crawl_pages(good, MAX_MS)


# ------------------------------------------------------------------------- navigation.indexable

def test_indexable_passes_on_the_clean_recording(good):
    judges.indexable(good)


@pytest.mark.proves("navigation.indexable")
def test_indexable_fails_when_robots_txt_blocks_the_procedure_pages(good):
    good["robots"]["text"] += "\nUser-agent: Googlebot\nDisallow: /thu-tuc/\n"
    with pytest.raises(AssertionError, match="blocks it for Googlebot"):
        judges.indexable(good)


@pytest.mark.proves("navigation.indexable")
def test_indexable_fails_when_a_procedure_page_needs_a_login(good):
    page = good["targets"][1]["page"]
    page.update(final_url=page["url"].split("/thu-tuc")[0] + "/dang-nhap?next=/thu-tuc/x", redirects=[303])
    with pytest.raises(AssertionError, match="needs a login"):
        judges.indexable(good)


@pytest.mark.proves("navigation.indexable")
def test_indexable_fails_on_one_title_for_every_page(good):
    for target in good["targets"]:
        target["page"]["title"] = "Cổng Dịch vụ công tỉnh An Bình"
    with pytest.raises(AssertionError) as failure:
        judges.indexable(good)
    assert "does not name the procedure" in str(failure.value) and "same title" in str(failure.value)


@pytest.mark.proves("navigation.indexable")
def test_indexable_fails_on_noindex(good):
    good["targets"][0]["page"]["meta_robots"] = "noindex, nofollow"
    with pytest.raises(AssertionError, match="not to be indexed"):
        judges.indexable(good)


@pytest.mark.proves("navigation.indexable")
def test_indexable_fails_when_robots_txt_answers_a_server_error(good):
    good["robots"].update(status=503, text="")
    with pytest.raises(AssertionError, match="robots.txt"):
        judges.indexable(good)


def test_a_missing_robots_txt_allows_everything(good):
    good["robots"].update(status=404, text="")
    judges.indexable(good)
    assert robots_parser({"status": 404}).can_fetch("Googlebot", "https://x/thu-tuc/1")
    assert not robots_parser({"status": 503}).can_fetch("Googlebot", "https://x/thu-tuc/1")


# ------------------------------------------------------------------------- the crawler

class _Site(BaseHTTPRequestHandler):
    """/ -> /a, /b, /doc.pdf, http://elsewhere/; /a -> /a/1 … /a/9; /b -> /private/x; robots blocks /private."""

    pages = {"/": ['/a', '/b', '/doc.pdf', 'http://elsewhere.invalid/', 'mailto:x@y', '#top'],
             "/a": [f"/a/{n}" for n in range(1, 10)], "/b": ["/private/x", "/missing"]}

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        self.server.seen.append(self.path)
        if self.path == "/robots.txt":
            return self._send(200, "text/plain", "User-agent: *\nDisallow: /private\n")
        if self.path == "/doc.pdf":
            return self._send(200, "application/pdf", "%PDF-1.4")
        if self.path == "/missing":
            return self._send(404, "text/html", "<title>404</title>")
        links = "".join(f'<a href="{href}">x</a>' for href in self.pages.get(self.path, []))
        self._send(200, "text/html; charset=utf-8", f"<html><head><title>Trang {self.path}</title></head>"
                                                     f"<body><form method=post action=/send></form>{links}</body></html>")

    def do_POST(self):  # noqa: N802
        self.server.seen.append("POST " + self.path)
        self._send(200, "text/plain", "")

    def _send(self, status, ctype, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class _Client:
    """The crawler's view of a TargetClient: request() and a transcript."""

    def __init__(self):
        import requests

        from harness.evidence import Redactor, Transcript

        self.http, self.transcript = requests.Session(), Transcript(Redactor())

    def request(self, method, url, **kw):
        from harness.evidence import Exchange

        response = self.http.request(method, url, timeout=5)
        self.transcript.record(Exchange(method, url, {}, "", response.status_code, {}, "", 1.0))
        return response


def test_the_crawl_stays_on_the_site_obeys_robots_and_submits_nothing(site):
    site.seen.clear()
    start = f"http://127.0.0.1:{site.server_address[1]}/"
    rules = robots_parser({"status": 200, "text": "User-agent: *\nDisallow: /private\n"})
    result = crawl(_Client(), start, 50, 3, lambda url: rules.can_fetch("dokiem", url))
    fetched = {key(p["url"]) for p in result["pages"]}
    assert key(start + "a/9") in fetched and key(start + "doc.pdf") in fetched
    assert [s["url"] for s in result["skipped_by_robots"]] == [start + "private/x"]
    assert not any(p.startswith(("POST", "/private")) for p in site.seen)
    assert not result["budget_exhausted"] and result["requests"] == len(result["pages"]) == 14
    assert next(p for p in result["pages"] if p["url"].endswith("/missing"))["status"] == 404


def test_the_crawl_stops_at_its_budget_and_reads_the_near_pages_first(site):
    start = f"http://127.0.0.1:{site.server_address[1]}/"
    result = crawl(_Client(), start, 4, 2, lambda url: True)
    assert result["requests"] == 4 and result["budget_exhausted"]
    # the home page and its two HTML pages (which decide depth 2) before the PDF at depth 1
    assert [p["url"].rsplit("/", 1)[-1] for p in result["pages"]] == ["", "a", "b", "doc.pdf"]
    assert result["unvisited"]


def test_links_are_read_from_html_with_base_and_fragments_dropped():
    html = '<base href="/thu-tuc/"><title> Thủ tục  A </title><meta name="robots" content="NOINDEX">' \
           '<a href="1#muc">1</a><a href="1">again</a><a href="javascript:void(0)">js</a><area href="/so-do">'
    page = parse_html(html, "https://x.gov.vn/")
    assert page == {"title": "Thủ tục A", "links": ["https://x.gov.vn/thu-tuc/1", "https://x.gov.vn/so-do"],
                    "meta_robots": "noindex"}
    assert key("HTTPS://X.gov.vn:443/thu-tuc/1/?b=2&a=1#x") == key("https://x.gov.vn/thu-tuc/1?a=1&b=2")
