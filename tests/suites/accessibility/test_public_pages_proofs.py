"""Proofs of the public_pages checks: each judge passes on the clean refportal recording and
fails (AssertionError) with one fault put into it; missing data is ERROR (Inconclusive)."""
from __future__ import annotations

import unicodedata

import pytest

from harness import Inconclusive
from suites.accessibility import judges

from .recordings import page, recorded

TCVN3 = "Céng hßa x· héi chñ nghÜa ViÖt Nam"
VNI = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"


@pytest.fixture
def obs():
    return recorded("public_pages")


@pytest.mark.parametrize("judge", [judges.lang, judges.alt_text, judges.no_blink, judges.viewport_meta,
                                   judges.nfc, judges.english_page])
def test_every_public_page_judge_passes_on_the_clean_recording(obs, judge):
    judge(obs)


def test_the_recording_holds_what_the_judges_need(obs):
    kinds = {p["kind"] for p in obs["pages"]}
    assert {"home", "procedure", "lookup", "feedback", "menu", "english", "search-answer"} <= kinds
    assert all(t["echo"]["values"] for t in obs["round_trips"])


def test_a_key_page_that_did_not_open_is_error_for_every_page_judge(obs):
    page(obs, "feedback").update(status=None, error="TimeoutError: page.goto: Timeout 8000ms exceeded.")
    for judge in (judges.lang, judges.alt_text, judges.no_blink, judges.viewport_meta, judges.nfc):
        with pytest.raises(Inconclusive, match="feedback .*Timeout"):
            judge(obs)


def test_a_menu_page_answering_an_error_is_left_to_the_crawl(obs):
    menu = page(obs, "menu-6")
    for key in ("lang", "text", "non_text"):
        menu.pop(key)
    menu.update(status=404)
    judges.lang(obs)
    judges.nfc(obs)


# --------------------------------------------------------------------------- a11y.lang

@pytest.mark.proves("a11y.lang")
def test_lang_fails_when_the_html_element_has_no_lang(obs):
    page(obs, "procedure-1")["lang"] = None
    with pytest.raises(AssertionError, match="procedure-1 .*no lang attribute"):
        judges.lang(obs)


@pytest.mark.proves("a11y.lang")
def test_lang_fails_when_a_vietnamese_page_says_english(obs):
    page(obs, "home")["lang"] = "en"
    with pytest.raises(AssertionError, match="home .*lang='en', cần 'vi'"):
        judges.lang(obs)


@pytest.mark.proves("a11y.lang")
def test_lang_fails_when_the_english_page_says_vietnamese(obs):
    page(obs, "english")["lang"] = "vi-VN"
    with pytest.raises(AssertionError, match="english .*expected 'en'"):
        judges.lang(obs)


def test_lang_accepts_a_region_and_refuses_nonsense(obs):
    page(obs, "home")["lang"] = "vi-VN"
    judges.lang(obs)
    page(obs, "home")["lang"] = "tiếng việt"
    with pytest.raises(AssertionError, match="not a valid language tag"):
        judges.lang(obs)


# --------------------------------------------------------------------------- a11y.alt_text

@pytest.mark.proves("a11y.alt_text")
def test_alt_text_fails_on_an_image_without_alt(obs):
    page(obs, "home")["non_text"].append({"kind": "img", "html": "<img src=\"/anh/banner.png\">", "alt": None,
                                          "role": None, "hidden": False, "aria_label": None, "labelledby": "",
                                          "title": None})
    with pytest.raises(AssertionError, match="home .*img không có alt .*banner.png"):
        judges.alt_text(obs)


@pytest.mark.proves("a11y.alt_text")
def test_alt_text_fails_on_an_image_link_whose_image_has_an_empty_alt(obs):
    page(obs, "lookup")["non_text"].append({"kind": "link", "html": "<a href=\"/in\"><img src=\"in.png\" alt=\"\"></a>",
                                            "hidden": False, "image_alts": [""], "has_image": True,
                                            "aria_label": None, "labelledby": "", "title": None})
    with pytest.raises(AssertionError, match="image link without a text alternative"):
        judges.alt_text(obs)


@pytest.mark.proves("a11y.alt_text")
def test_alt_text_fails_on_an_icon_button_without_a_name(obs):
    page(obs, "feedback")["non_text"].append({"kind": "button", "html": "<button class=\"icon-close\"></button>",
                                              "hidden": False, "image_alts": [], "has_image": False,
                                              "aria_label": None, "labelledby": "", "title": None})
    with pytest.raises(AssertionError, match="icon button without a text alternative"):
        judges.alt_text(obs)


def test_alt_text_accepts_decorative_hidden_and_otherwise_named_images(obs):
    home = page(obs, "home")
    blank = {"role": None, "hidden": False, "aria_label": None, "labelledby": "", "title": None}
    home["non_text"] += [
        {**blank, "kind": "img", "html": "<img alt=\"\">", "alt": ""},                            # decorative
        {**blank, "kind": "img", "html": "<img>", "alt": None, "hidden": True},                   # aria-hidden
        {**blank, "kind": "img", "html": "<img role=presentation>", "alt": None, "role": "presentation"},
        {**blank, "kind": "img", "html": "<img aria-label=\"Bản đồ\">", "alt": None, "aria_label": "Bản đồ"},
        {**blank, "kind": "link", "html": "<a><img alt=\"Trang chủ\"></a>", "image_alts": ["Trang chủ"],
         "has_image": True},
        {**blank, "kind": "button", "html": "<button title=\"Đóng\"></button>", "image_alts": [], "title": "Đóng"},
        {**blank, "kind": "role-img", "html": "<svg role=img><title>Biểu đồ</title></svg>", "svg_title": "Biểu đồ"},
    ]
    judges.alt_text(obs)


# --------------------------------------------------------------------------- a11y.no_blink

@pytest.mark.proves("a11y.no_blink")
def test_no_blink_fails_on_a_marquee(obs):
    page(obs, "home")["blinking_elements"] = ["<marquee>Thông báo: hệ thống bảo trì ngày 30/11</marquee>"]
    with pytest.raises(AssertionError, match="home .*marquee"):
        judges.no_blink(obs)


@pytest.mark.proves("a11y.no_blink")
def test_no_blink_fails_on_an_endless_animation_moving_text(obs):
    page(obs, "menu-6")["animations"] = [{"name": "chu-chay", "iterations": "infinite", "duration_ms": 8000,
                                          "properties": ["transform"], "play_state": "running",
                                          "text": "Tin nổi bật: kết quả giải quyết hồ sơ quý III", "html": "<p>"}]
    with pytest.raises(AssertionError, match="chu-chay.*transform"):
        judges.no_blink(obs)


def test_no_blink_accepts_finite_paused_textless_or_colour_animations(obs):
    base = {"name": "a", "iterations": "infinite", "duration_ms": 1000, "properties": ["opacity"],
            "play_state": "running", "text": "Đang tải", "html": "<p>"}
    page(obs, "home")["animations"] = [
        {**base, "iterations": 1},                              # runs once
        {**base, "play_state": "paused"},                       # stopped
        {**base, "text": ""},                                   # a spinner without text
        {**base, "properties": ["backgroundColor"]},            # a colour fade, not movement
    ]
    judges.no_blink(obs)


# --------------------------------------------------------------------------- a11y.viewport_meta

@pytest.mark.proves("a11y.viewport_meta")
def test_viewport_meta_fails_without_the_tag(obs):
    page(obs, "lookup")["viewport_metas"] = []
    with pytest.raises(AssertionError, match="lookup .*no viewport meta tag"):
        judges.viewport_meta(obs)


@pytest.mark.proves("a11y.viewport_meta")
def test_viewport_meta_fails_when_zoom_is_disabled(obs):
    page(obs, "home")["viewport_metas"] = ["width=device-width, initial-scale=1, user-scalable=no"]
    with pytest.raises(AssertionError, match="zooming is disabled"):
        judges.viewport_meta(obs)
    page(obs, "home")["viewport_metas"] = ["width=device-width, initial-scale=1, maximum-scale=1"]
    with pytest.raises(AssertionError, match="zoom limited below 200%"):
        judges.viewport_meta(obs)


@pytest.mark.proves("a11y.viewport_meta")
def test_viewport_meta_fails_on_a_fixed_width(obs):
    page(obs, "english")["viewport_metas"] = ["width=1024"]
    with pytest.raises(AssertionError, match="width is not device-width"):
        judges.viewport_meta(obs)


# --------------------------------------------------------------------------- a11y.nfc

@pytest.mark.proves("a11y.nfc")
def test_nfc_fails_on_decomposed_vietnamese_text(obs):
    procedure = page(obs, "procedure-1")
    procedure["text"] = unicodedata.normalize("NFD", procedure["text"])
    with pytest.raises(AssertionError, match=r"procedure-1 .*not in NFC, e.g. .*'Co\\u0302\\u0309ng'"):
        judges.nfc(obs)


@pytest.mark.proves("a11y.nfc")
@pytest.mark.parametrize("legacy", [TCVN3, VNI])
def test_nfc_fails_on_legacy_encoded_text(obs, legacy):
    page(obs, "home")["text"] += "\n" + legacy
    with pytest.raises(AssertionError, match="legacy encoding \\(TCVN3/VNI\\)"):
        judges.nfc(obs)


@pytest.mark.proves("a11y.nfc")
def test_nfc_fails_on_a_legacy_font(obs):
    page(obs, "feedback")["font_families"].append(".VnTime, serif")
    with pytest.raises(AssertionError, match="legacy TCVN3/VNI fonts: .VnTime"):
        judges.nfc(obs)


@pytest.mark.proves("a11y.nfc")
def test_nfc_fails_when_the_page_is_not_utf8(obs):
    page(obs, "menu-6").update(content_type="text/html; charset=windows-1258", character_set="windows-1258")
    with pytest.raises(AssertionError, match="menu-6 .*declares windows-1258"):
        judges.nfc(obs)


@pytest.mark.proves("a11y.nfc")
def test_nfc_fails_when_typed_vietnamese_comes_back_decomposed(obs):
    trip = obs["round_trips"][0]
    trip["echo"]["values"] = [unicodedata.normalize("NFD", trip["probe"])]
    with pytest.raises(AssertionError, match="search .*came back decomposed"):
        judges.nfc(obs)
    trip["echo"] = {"values": [], "text_hits": 0, "text_non_nfc_hits": 2}
    with pytest.raises(AssertionError, match="the answer shows the typed text decomposed"):
        judges.nfc(obs)


def test_nfc_is_error_when_no_round_trip_answered(obs):
    obs["round_trips"][0].update(error="RuntimeError: journey 'find_procedure' step 1 (goto): …", echo=None)
    obs["round_trips"][1]["echo"] = {"values": [], "text_hits": 0, "text_non_nfc_hits": 0}
    with pytest.raises(Inconclusive, match="search: RuntimeError.*lookup: không thấy chuỗi"):
        judges.nfc(obs)
    obs["round_trips"] = obs["round_trips"][1:]
    obs["round_trips"][0]["echo"]["text_hits"] = 1  # the lookup alone answering is enough
    judges.nfc(obs)


def test_nfc_header_charset_wins_and_meta_alone_is_enough(obs):
    home = page(obs, "home")
    home.update(content_type="text/html", meta_charsets=["UTF-8"])
    judges.nfc(obs)
    home.update(meta_charsets=[])
    with pytest.raises(AssertionError, match="no charset declared"):
        judges.nfc(obs)


# --------------------------------------------------------------------------- a11y.english_page

@pytest.mark.proves("a11y.english_page")
def test_english_page_fails_when_en_is_missing(obs):
    url = obs["english"]["visited"][0]["url"]
    obs["english"].update(found=None, visited=[{"url": url, "status": 404, "content_type": "text/html",
                                                "error": None, "lang": "vi", "how": "/en path"}])
    with pytest.raises(AssertionError, match="no English page .*\\(/en path\\): HTTP 404"):
        judges.english_page(obs)


@pytest.mark.proves("a11y.english_page")
def test_english_page_fails_when_the_english_page_is_not_marked_english(obs):
    visited = obs["english"]["visited"][0]
    visited["lang"] = "vi"
    obs["english"]["found"] = None
    with pytest.raises(AssertionError, match="HTTP 200, lang='vi'"):
        judges.english_page(obs)


@pytest.mark.proves("a11y.english_page")
@pytest.mark.parametrize("text, why", [
    ("Đây là Cổng Dịch vụ công của tỉnh An Bình, nơi công bố thủ tục hành chính và nhận hồ sơ trực tuyến "
     "của người dân, doanh nghiệp trên địa bàn tỉnh. " * 3, "of its words are Vietnamese"),
    ("Coming soon.", "only 2 English words"),
])
def test_english_page_fails_when_its_text_is_not_english(obs, text, why):
    obs["english"]["main_text"] = text  # lang="en" on a page still in Vietnamese, or an empty shell
    with pytest.raises(AssertionError, match=why):
        judges.english_page(obs)


def test_english_page_text_that_could_not_be_read_is_error(obs):
    obs["english"]["main_text"] = None
    with pytest.raises(Inconclusive, match="could not be read"):
        judges.english_page(obs)


def test_english_page_is_error_when_no_address_could_be_opened(obs):
    obs["english"].update(found=None, visited=[{"url": "https://refportal.test/en", "status": None,
                                                "error": "TimeoutError: …", "lang": None, "how": "/en path"}])
    with pytest.raises(Inconclusive, match="TimeoutError"):
        judges.english_page(obs)


def test_a_page_that_opened_but_could_not_be_measured_is_error(obs):
    menu = page(obs, "menu-6")
    menu["error"] = "Error: page.evaluate: Execution context was destroyed"
    with pytest.raises(Inconclusive, match="menu-6 .*Execution context was destroyed"):
        judges.lang(obs)
