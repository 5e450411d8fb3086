"""The published catalogue: seed size and codes, the full level-1 record, forms and guides,
search ignoring diacritics and normal form, filters, three clicks from home, indexable pages."""
from __future__ import annotations

import re
import unicodedata
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from refportal.text import fold

AGENCY = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
PROCEDURE = re.compile(r"^\d\.\d{6}\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
LEVEL1 = ("name", "steps", "methods", "components", "processing_days", "applicants", "agency_name", "result", "fees",
          "legal_basis")


@pytest.fixture(scope="module")
def everything(portal):
    body = portal.get("/api/procedures", params={"page_size": 200}).json()
    assert body["total"] == len(body["items"])
    return [portal.get(f"/api/procedures/{p['code']}").json() for p in body["items"]]


def test_seed_size_and_codes(everything, portal):
    assert len(everything) >= 30
    agencies = portal.get("/api/agencies").json()["items"]
    sectors = portal.get("/api/sectors").json()["items"]
    assert len([a for a in agencies if a["procedure_count"]]) >= 3 and len(sectors) >= 5
    assert all(AGENCY.match(a["code"]) for a in agencies)
    assert {p["level"] for p in everything} == {2, 3, 4}
    assert {p["online_mode"] for p in everything} == {"toan_trinh", "mot_phan", None}
    # NĐ 42/2022 Điều 11: level 4 toàn trình, level 3 một phần; level 2 is not an online service
    assert all(p["online_mode"] == {4: "toan_trinh", 3: "mot_phan", 2: None}[p["level"]] for p in everything)
    for p in everything:
        assert PROCEDURE.match(p["code"]) and AGENCY.match(p["agency_code"]) and p["code"].endswith(".H29")


def test_every_procedure_has_full_level1_information(everything):
    for p in everything:
        for field in LEVEL1:
            assert p[field] not in (None, "", [], 0), (p["code"], field)
        assert all(c["name"] and isinstance(c["required"], bool) for c in p["components"])
        assert all(isinstance(f["amount"], int) for f in p["fees"])
        assert p["forms"] and p["guide_url"] and p["url"].endswith(p["code"])
        for text in (p["name"], *p["steps"], *p["legal_basis"]):
            assert unicodedata.is_normalized("NFC", text)


def test_forms_and_guides_download(everything, portal):
    for p in everything[:: max(1, len(everything) // 8)]:
        form = portal.session().get(p["forms"][0]["url"])
        assert form.status_code == 200 and form.content[:2] == b"PK" and len(form.content) > 500
        assert form.headers["content-type"].startswith("application/vnd.openxmlformats")
        guide = portal.session().get(p["guide_url"])
        assert guide.status_code == 200 and p["name"] in guide.text and "Hướng dẫn" in guide.text
    assert portal.get("/bieu-mau/1.001233.000.00.00.H29/KHONG.docx").status_code == 404


@pytest.mark.parametrize("query", ["Đăng ký khai sinh", "dang ky khai sinh", "DANG KY KHAI SINH",
                                   unicodedata.normalize("NFD", "đăng ký khai sinh")])
def test_search_ignores_diacritics_and_normal_form(portal, query):
    found = portal.get("/api/procedures", params={"q": query}).json()["items"]
    assert "1.001193.000.00.00.H29" in [p["code"] for p in found]
    assert all("khai sinh" in fold(p["name"]) for p in found)  # and nothing unrelated


def test_filters_return_only_matching(portal):
    for params, key in (({"agency": "000.00.16.H29"}, "agency_code"), ({"sector": "H29-TLDN"}, "sector_code"),
                        ({"level": 4}, "level")):
        body = portal.get("/api/procedures", params=params).json()
        assert body["total"] > 0 and all(p[key] == list(params.values())[0] for p in body["items"])
    both = portal.get("/api/procedures", params={"q": "giấy phép", "agency": "000.00.16.H29", "level": 3}).json()
    assert both["total"] >= 2 and all(p["level"] == 3 and p["agency_code"] == "000.00.16.H29" for p in both["items"])
    assert portal.get("/api/procedures", params={"q": "khongcothutucnay"}).json() == {"items": [], "total": 0, "page": 1,
                                                                                       "page_size": 50}
    assert portal.get("/api/procedures", params={"level": 7}).status_code == 422


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def test_every_procedure_within_three_clicks_of_home(portal, everything):
    # breadth first from the home page; pages two clicks away are seen without being fetched
    depth = {"/": 0}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        if depth[path] >= 2:
            continue
        parser = Links()
        parser.feed(portal.get(path).text)
        for href in parser.links:
            target = urlsplit(urljoin(portal.url + path, href))
            if target.netloc != urlsplit(portal.url).netloc or target.path.startswith(("/api/", "/bieu-mau/", "/static/")):
                continue
            key = target.path + (f"?{target.query}" if target.query else "")
            if key not in depth and len(depth) < 400:
                depth[key] = depth[path] + 1
                queue.append(key)
    missing = [p["code"] for p in everything if depth.get(f"/thu-tuc/{p['code']}", 99) > 3]
    assert not missing
    assert max(depth[f"/thu-tuc/{p['code']}"] for p in everything) <= 2


def test_procedure_pages_indexable_with_distinct_titles(portal, everything):
    robots = portal.get("/robots.txt").text
    assert "Allow: /thu-tuc/" in robots and "Disallow: /thu-tuc" not in robots
    titles = set()
    for p in everything[:10]:
        page = portal.session().get(portal.url + f"/thu-tuc/{p['code']}")
        title = re.search(r"<title>(.*?)</title>", page.text, re.S).group(1)
        assert page.status_code == 200 and p["name"] in title.replace("&#39;", "'")
        titles.add(title)
    assert len(titles) == 10
    assert f"/thu-tuc/{everything[0]['code']}" in portal.get("/sitemap.xml").text


def test_procedure_page_shows_all_level1_information(portal, everything):
    p = next(x for x in everything if x["level"] == 4)
    page = portal.get(f"/thu-tuc/{p['code']}").text
    for text in (p["code"], p["agency_name"], p["sector_name"], p["result"], p["applicants"], p["steps"][0],
                 p["legal_basis"][0], p["components"][0]["name"], "Nộp hồ sơ trực tuyến", "Mức độ 4"):
        assert text in page
    level2 = next(x for x in everything if x["level"] == 2)
    assert "Nộp hồ sơ trực tuyến</a>" not in portal.get(f"/thu-tuc/{level2['code']}").text


def test_pages_declare_language_viewport_and_nfc(portal):
    for path in ("/", "/thu-tuc", "/tra-cuu", "/phan-anh", "/khao-sat", "/thong-ke", "/dang-nhap", "/dang-ky"):
        answer = portal.get(path)
        assert answer.status_code == 200, path
        assert '<html lang="vi">' in answer.text and 'content="width=device-width, initial-scale=1"' in answer.text
        assert answer.headers["content-type"] == "text/html; charset=utf-8"
        assert unicodedata.is_normalized("NFC", answer.text), path
        assert "<marquee" not in answer.text and "<blink" not in answer.text
    english = portal.get("/en")
    assert english.status_code == 200 and '<html lang="en">' in english.text and "Look up a dossier" in english.text
