"""The observers and judges on tiny fixture pages in Chromium: the good page passes, each page
with one fault makes its judge fail. This proves the measuring side (probes.py, observe.py) that
the recorded-observation proofs take as given."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.browser import BrowserSession, JourneyRun, context_arguments
from suites.accessibility import axe_rules, judges, observe, probes
from suites.navigation import judges as navigation_judges

from . import fixture_pages
from .fixture_pages import BASE
from .recordings import recorded

pytestmark = pytest.mark.browser
RULES = axe_rules.load()
TIMEOUT = 5000
JOURNEYS = {
    # journeys that fit the fixture page: what they mean does not matter, only that each step works
    "login": [{"goto": "/"}, {"fill": {"label": "Mã hồ sơ", "value": "${username}"}}],
    "find_procedure": [{"goto": "/"}, {"fill": {"label": "Mã hồ sơ", "value": "${procedure_name}"}},
                       {"click": {"role": "button", "name": "Tra cứu"}}, {"read": {"var": "procedure_url", "from": "url"}}],
    "lookup_dossier": [{"goto": "/tra-cuu"}, {"fill": {"label": "Mã hồ sơ", "value": "${dossier_code}"}},
                       {"click": {"role": "button", "name": "Tra cứu"}}, {"read": {"var": "status_label",
                                                                                  "selector": "[role=alert]"}}],
}


class Evidence:
    """The evidence store a BrowserSession writes to, in a temporary folder."""

    def __init__(self, folder: Path):
        self.folder = folder

    def path_for(self, name: str) -> Path:
        return self.folder / name

    def register(self, path) -> str:
        return str(path)

    def write_bytes(self, name: str, data: bytes) -> str:
        (self.folder / name).write_bytes(data)
        return name


def fixture_profile() -> SimpleNamespace:
    account = SimpleNamespace(username="congdan1", password="Mật-khẩu-1", password_env="PW")
    return SimpleNamespace(journeys=JOURNEYS, test_data={}, limits={"step_timeout_ms": TIMEOUT, "requests_per_second": 50},
                           base_url=lambda which="portal": BASE, base_urls=lambda: {"portal": BASE},
                           environment="staging", authorisation={}, account=lambda role, index=0: account)


class LightSession:
    """What observe.py uses of a BrowserSession, without its trace and screenshots (fast tests).
    The journey tests use the real BrowserSession, whose script-error capture they rely on."""

    def __init__(self, browser, profile, viewport=None):
        self.profile = profile
        self.context = browser.new_context(**context_arguments({}), **({"viewport": viewport} if viewport else {}))
        self.context.set_default_timeout(TIMEOUT)
        self.page = self.context.new_page()
        self.journeys = JourneyRun(self.page, profile)
        self.console_errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def journey(self, name: str, **variables) -> dict:
        return self.journeys.run(name, **variables)

    def screenshot(self, label: str) -> None:
        return None

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session_for(browser, tmp_path):
    """session_for(fault, viewport=None, real=False, **serve_options) -> a session on the fixture site."""
    opened = []

    def make(fault=None, viewport=None, real=False, **serve_options):
        if real:
            session = BrowserSession(browser, fixture_profile(), Evidence(tmp_path), "fixture", viewport=viewport)
        else:
            session = LightSession(browser, fixture_profile(), viewport)
        fixture_pages.serve(session.page, fault, **serve_options)
        opened.append(session)
        return session

    yield make
    for session in opened:
        session.close()


def public_entry(session, fault_free_url: str = BASE + "/tra-cuu", expected_lang: str = "vi") -> dict:
    entry = {"key": "lookup", "kind": "lookup", "url": fault_free_url, "how": "fixture"}
    return observe._public_page(session, entry, expected_lang, TIMEOUT)


def public_obs(session, round_trip: bool = True) -> dict:
    """Public-page observations of the fixture, with a real NFC round trip through its form."""
    pages = [public_entry(session)]
    trips = [observe._round_trip(session, "lookup", "lookup_dossier", TIMEOUT, pages)] if round_trip else []
    return {"pages": pages, "discovery_errors": [], "round_trips": trips, "english": {}}


# --------------------------------------------------------------------------- public pages

def test_the_good_fixture_page_passes_every_page_judge(session_for):
    obs = public_obs(session_for())
    assert obs["round_trips"][0]["echo"]["values"] == [observe.ROUND_TRIP_TEXT]
    for judge in (judges.lang, judges.alt_text, judges.no_blink, judges.viewport_meta, judges.nfc):
        judge(obs)
    kinds = sorted(item["kind"] for item in obs["pages"][0]["non_text"])
    assert kinds == ["button", "img", "img", "img", "link"]  # logo, image in link, decorative; icon button, image link


# each a negative proof of its check (literal ids: `dokiem criteria coverage` reads them from the source)
PAGE_FAULTS = [
    pytest.param("no_lang", judges.lang, "no lang attribute", id="no_lang", marks=pytest.mark.proves("a11y.lang")),
    pytest.param("image_without_alt", judges.alt_text, "img without alt", id="image_without_alt",
                 marks=pytest.mark.proves("a11y.alt_text")),
    pytest.param("image_link_without_alt", judges.alt_text, "image link without a text alternative",
                 id="image_link_without_alt", marks=pytest.mark.proves("a11y.alt_text")),
    pytest.param("icon_button_without_name", judges.alt_text, "icon button without a text alternative",
                 id="icon_button_without_name", marks=pytest.mark.proves("a11y.alt_text")),
    pytest.param("marquee", judges.no_blink, "blink or marquee element", id="marquee",
                 marks=pytest.mark.proves("a11y.no_blink")),
    pytest.param("moving_text", judges.no_blink, "endless animation on text 'chay' \\(transform\\)", id="moving_text",
                 marks=pytest.mark.proves("a11y.no_blink")),
    pytest.param("no_viewport", judges.viewport_meta, "no viewport meta tag", id="no_viewport",
                 marks=pytest.mark.proves("a11y.viewport_meta")),
    pytest.param("zoom_disabled", judges.viewport_meta, "zooming is disabled", id="zoom_disabled",
                 marks=pytest.mark.proves("a11y.viewport_meta")),
    pytest.param("nfd_text", judges.nfc, "not in NFC", id="nfd_text", marks=pytest.mark.proves("a11y.nfc")),
    pytest.param("tcvn3_text", judges.nfc, "legacy encoding", id="tcvn3_text", marks=pytest.mark.proves("a11y.nfc")),
    pytest.param("legacy_font", judges.nfc, "legacy TCVN3/VNI fonts: .*VnTime", id="legacy_font",
                 marks=pytest.mark.proves("a11y.nfc")),
]


@pytest.mark.parametrize("fault, judge, expected", PAGE_FAULTS)
def test_a_fixture_page_with_one_fault_fails_its_judge(session_for, fault, judge, expected):
    # the round trip only where the judge reads it (a11y.nfc): the other judges need the page alone
    obs = public_obs(session_for(fault), round_trip=judge is judges.nfc)
    with pytest.raises(AssertionError, match=expected):
        judge(obs)


@pytest.mark.proves("a11y.nfc")
def test_a_page_served_in_another_charset_fails_nfc(session_for):
    obs = {"pages": [public_entry(session_for(content_type="text/html; charset=windows-1258"))],
           "discovery_errors": [], "round_trips": []}
    with pytest.raises(AssertionError, match="declares windows-1258"):
        judges.nfc(obs)


@pytest.mark.proves("a11y.nfc")
def test_typed_vietnamese_answered_decomposed_fails_nfc(session_for):
    obs = public_obs(session_for(answer_form="NFD"))
    with pytest.raises(AssertionError, match="came back decomposed"):
        judges.nfc(obs)


@pytest.mark.proves("a11y.english_page")
def test_the_english_page_is_found_by_its_marked_link_and_missing_when_it_is_not_english(session_for):
    session = session_for()
    session.page.goto(BASE + "/")
    links = probes.links(session.page)
    found = observe._english(session, links, BASE, TIMEOUT, [])
    assert found["candidates"][0] == {"url": BASE + "/en", "why": "hreflang/lang=en"}
    assert found["found"] is None  # the fixture serves its Vietnamese page at /en too
    with pytest.raises(AssertionError, match="lang='vi'"):
        judges.english_page({"english": found})
    untranslated = session_for()  # lang="en" on a page still in Vietnamese
    untranslated.page.route(f"{BASE}/en", lambda route: route.fulfill(
        content_type="text/html; charset=utf-8", body=fixture_pages.html().replace('lang="vi"', 'lang="en"')))
    with pytest.raises(AssertionError, match="the English page is not in English"):
        judges.english_page({"english": observe._english(untranslated, links, BASE, TIMEOUT, [])})
    english = session_for()
    english.page.route(f"{BASE}/en", lambda route: route.fulfill(content_type="text/html; charset=utf-8", body=(
        '<!doctype html><html lang="en"><body><nav><a href="/">Trang chủ</a></nav><main><h1>Public Service Portal</h1>'
        "<p>This portal publishes the administrative procedures of the province and lets citizens, foreign residents "
        "and businesses submit dossiers online, pay fees, follow their dossiers and receive the results. Look up a "
        'dossier by the code on your receipt; no login is needed. <span lang="vi">Thủ tục cấp phép lao động</span> '
        "is one of the procedures most used by foreign residents.</p></main></body></html>")))
    judges.english_page({"english": observe._english(english, links, BASE, TIMEOUT, [])})


# --------------------------------------------------------------------------- browser pages

def keyboard_obs(session) -> dict:
    return {"keyboard": {"home": observe._keyboard_home(session, BASE + "/", TIMEOUT),
                         "lookup": observe._keyboard_lookup(session, "000.00.00.H29-261125-0001", TIMEOUT)}}


def test_the_good_fixture_page_is_usable_with_the_keyboard(session_for):
    obs = keyboard_obs(session_for())
    judges.keyboard(obs)
    lookup = obs["keyboard"]["lookup"]
    assert lookup["tabs_to_field"] > 1 and lookup["tabs_to_submit"] == 1
    assert lookup["submitted"] and "000.00.00.H29-261125-0001" in lookup["answer"]


@pytest.mark.proves("a11y.keyboard")
def test_without_a_skip_link_the_keyboard_check_fails(session_for):
    with pytest.raises(AssertionError, match="no skip link"):
        judges.keyboard(keyboard_obs(session_for("no_skip_link")))


@pytest.mark.proves("a11y.keyboard")
def test_without_a_focus_style_the_keyboard_check_fails(session_for):
    with pytest.raises(AssertionError, match="no visible focus"):
        judges.keyboard(keyboard_obs(session_for("no_focus_style")))


def mobile_obs(session) -> dict:
    key = [{"key": "home", "kind": "home", "url": BASE + "/"},
           {"key": "procedure-1", "kind": "procedure", "url": BASE + "/thu-tuc/1"},
           {"key": "lookup", "kind": "lookup", "url": BASE + "/tra-cuu"}]
    return {"mobile": {"width": 375, "pages": observe._mobile(session, key, TIMEOUT)}}


def test_the_good_fixture_page_is_usable_at_phone_width(session_for):
    obs = mobile_obs(session_for(viewport={"width": 375, "height": 812}))
    judges.mobile_width(obs)
    assert all(p["scroll_width"] == 375 for p in obs["mobile"]["pages"])


@pytest.mark.proves("a11y.mobile_width")
def test_a_wide_table_makes_the_phone_width_check_fail(session_for):
    obs = mobile_obs(session_for("too_wide", viewport={"width": 375, "height": 812}))
    with pytest.raises(AssertionError, match="scrollWidth 9\\d\\d > 375.*<table"):
        judges.mobile_width(obs)


@pytest.mark.proves("a11y.mobile_width")
def test_a_covered_field_makes_the_phone_width_check_fail(session_for):
    obs = mobile_obs(session_for("covered_field", viewport={"width": 375, "height": 812}))
    with pytest.raises(AssertionError, match="covered, cannot be clicked"):
        judges.mobile_width(obs)


def axe_obs(session) -> dict:
    """The fixture scanned as if it were each key page (the judge wants all four kinds)."""
    session.page.goto(BASE + "/tra-cuu")
    result = probes.trim_axe(probes.run_axe(session.page, axe_rules.axe_tags("AA"), probes.axe_source()))
    pages = [{"key": kind, "kind": kind, "url": BASE + "/tra-cuu", "status": 200, "error": None, "axe": result}
             for kind in ("home", "procedure", "lookup", "feedback")]
    return {"pages": pages, "wcag_level": "AA", "axe_tags": axe_rules.axe_tags("AA"), "discovery_errors": []}


def test_axe_finds_nothing_on_the_good_fixture_page(session_for):
    obs = axe_obs(session_for())
    judges.axe(obs, RULES)
    assert obs["pages"][0]["axe"]["version"].startswith("4.")


@pytest.mark.proves("a11y.axe")
def test_axe_fails_low_contrast_text_as_tt32_point_a(session_for):
    with pytest.raises(AssertionError, match="color-contrast \\(Điều 18 điểm a.*1.4.3"):
        judges.axe(axe_obs(session_for("low_contrast")), RULES)


@pytest.mark.proves("a11y.axe")
def test_axe_fails_an_image_without_alt_as_tt32_point_c(session_for):
    with pytest.raises(AssertionError, match="image-alt \\(Điều 18 điểm c.*1.1.1"):
        judges.axe(axe_obs(session_for("image_without_alt")), RULES)


def journeys_obs(session) -> dict:
    procedures = [{"name": "Đăng ký khai sinh"}]
    return {"journeys": observe._journeys(session, procedures, "000.00.00.H29-261125-0001", None)}


def test_the_fixture_journeys_complete_without_errors(session_for):
    obs = journeys_obs(session_for(real=True))
    navigation_judges.journeys(obs)
    assert [j["outputs"].get("status_label", "") for j in obs["journeys"]][2].startswith("Không tìm thấy hồ sơ")
    assert "Mật-khẩu-1" not in json.dumps(obs, ensure_ascii=False)


@pytest.mark.proves("navigation.journeys")
def test_an_uncaught_script_error_fails_the_journeys(session_for):
    with pytest.raises(AssertionError, match="uncaught script error: .*traCuuHoSo"):
        navigation_judges.journeys(journeys_obs(session_for("script_error", real=True)))


@pytest.mark.proves("navigation.journeys")
def test_a_stylesheet_that_does_not_load_fails_the_journeys(session_for):
    with pytest.raises(AssertionError, match="failed load \\(stylesheet\\) .*giao-dien.css: 404"):
        navigation_judges.journeys(journeys_obs(session_for("missing_stylesheet", real=True)))


# --------------------------------------------------------------------------- the mapping against axe

def test_the_mapping_lists_every_wcag_2_rule_of_the_shipped_axe_core(page):
    page.set_content("<!doctype html><html lang='vi'><body></body></html>")
    page.evaluate(probes.axe_source())
    shipped = {r["ruleId"]: r["tags"] for r in page.evaluate("() => axe.getRules(['wcag2a', 'wcag2aa'])")}
    assert sorted(set(shipped) - set(RULES.rules)) == []
    for rule_id, entry in RULES.rules.items():
        if rule_id in shipped:  # the mapping's WCAG criteria are axe's own, as numbers
            assert set(entry["wcag"]) >= set(axe_rules.wcag_from_tags(shipped[rule_id])), rule_id


def test_a_recorded_run_and_a_fixture_agree_on_the_shape_of_observations(session_for):
    # the recordings the proofs replay have the keys the observers write today
    fixture = public_entry(session_for())
    recorded_page = recorded("public_pages")["pages"][0]
    assert set(fixture) == set(recorded_page)
    assert unicodedata.is_normalized("NFC", recorded_page["text"])
