"""Proofs of the browser_pages checks: each judge passes on the clean refportal recording and
fails (AssertionError) with one fault put into it; missing data is ERROR (Inconclusive)."""
from __future__ import annotations

import pytest

from harness import Inconclusive
from suites.accessibility import axe_rules, judges
from suites.navigation import judges as navigation_judges

from .recordings import axe_rule, journey, page, recorded

RULES = axe_rules.load()


@pytest.fixture
def obs():
    return recorded("browser_pages")


# --------------------------------------------------------------------------- a11y.axe

def test_axe_passes_on_the_clean_recording(obs):
    judges.axe(obs, RULES)
    assert judges.axe_review_items(obs, RULES) == []
    assert {row[0] for row in judges.axe_table(obs, RULES)["rows"]} == {"home", "procedure-1", "lookup", "feedback"}


@pytest.mark.proves("a11y.axe")
def test_axe_fails_on_a_serious_contrast_violation_and_names_the_legal_point(obs):
    page(obs, "lookup")["axe"]["violations"].append(axe_rule("color-contrast", "serious", nodes=3))
    with pytest.raises(AssertionError) as failure:
        judges.axe(obs, RULES)
    message = str(failure.value)
    assert "color-contrast" in message and "Điều 18 điểm a" in message and "1.4.3" in message
    assert "lookup https://refportal.test/tra-cuu" in message and "3 phần tử" in message


@pytest.mark.proves("a11y.axe")
def test_axe_fails_on_a_critical_link_name_violation(obs):
    page(obs, "home")["axe"]["violations"].append(axe_rule("link-name", "critical", tags=["wcag2a", "wcag244"]))
    with pytest.raises(AssertionError, match="link-name .*Điều 18 điểm d.*2.4.4"):
        judges.axe(obs, RULES)


def test_axe_reports_minor_and_moderate_violations_without_failing(obs):
    page(obs, "home")["axe"]["violations"].append(axe_rule("list", "moderate", tags=["wcag2a", "wcag131"]))
    page(obs, "feedback")["axe"]["violations"].append(axe_rule("image-alt", "minor", tags=["wcag2a", "wcag111"]))
    judges.axe(obs, RULES)
    outcomes = {row[2]: row[6] for row in judges.axe_table(obs, RULES)["rows"]}
    assert outcomes["list"].startswith("ghi nhận") and outcomes["image-alt"].startswith("ghi nhận")


def test_axe_incomplete_results_become_review_items_never_failures(obs):
    page(obs, "procedure-1")["axe"]["incomplete"].append(axe_rule("color-contrast", "serious", nodes=4))
    page(obs, "home")["axe"]["incomplete"].append(axe_rule("color-contrast", "serious", nodes=1))
    judges.axe(obs, RULES)
    [item] = judges.axe_review_items(obs, RULES)
    assert item["check"] == "a11y.axe" and "color-contrast" in item["text_vi"] and "5 phần tử" in item["text_vi"]
    assert "home, procedure-1" in item["text_en"] and "Art. 18(a)" in item["text_en"]
    assert item["evidence"] == sorted({page(obs, "home")["evidence"], page(obs, "procedure-1")["evidence"]})


def test_axe_is_error_when_a_key_page_was_not_scanned(obs):
    lookup = page(obs, "lookup")
    lookup.update(status=500, axe=None)
    with pytest.raises(Inconclusive, match="lookup .*HTTP 500"):
        judges.axe(obs, RULES)
    obs["pages"] = [p for p in obs["pages"] if p["kind"] != "feedback"]
    obs["discovery_errors"] = [{"key": "feedback", "error": "journey 'submit_feedback' step 1: …"}]
    with pytest.raises(Inconclusive, match="feedback: journey 'submit_feedback'"):
        judges.axe(obs, RULES)


def test_a_serious_violation_beats_a_missing_page(obs):
    page(obs, "lookup").update(status=500, axe=None)
    page(obs, "home")["axe"]["violations"].append(axe_rule("color-contrast", "critical"))
    with pytest.raises(AssertionError):
        judges.axe(obs, RULES)


# --------------------------------------------------------------------------- a11y.keyboard

def test_keyboard_passes_on_the_clean_recording(obs):
    judges.keyboard(obs)


@pytest.mark.proves("a11y.keyboard")
def test_keyboard_fails_without_a_skip_link(obs):
    skip = obs["keyboard"]["home"]["skip_link"]
    obs["keyboard"]["home"]["skip_link"] = {"found": False, "tab_stops": skip["tab_stops"][:1] * 3}
    with pytest.raises(AssertionError, match="không có liên kết bỏ qua"):
        judges.keyboard(obs)


@pytest.mark.proves("a11y.keyboard")
def test_keyboard_fails_when_the_skip_link_does_not_move_the_focus(obs):
    obs["keyboard"]["home"]["skip_link"].update(focus_in_target=False, next_tab_in_target=False)
    with pytest.raises(AssertionError, match="after Enter the focus does not move"):
        judges.keyboard(obs)


@pytest.mark.proves("a11y.keyboard")
def test_keyboard_fails_without_a_visible_focus_on_the_lookup_field(obs):
    lookup = obs["keyboard"]["lookup"]
    lookup["field_focused_style"] = dict(lookup["field_unfocused_style"])  # focus changes nothing
    with pytest.raises(AssertionError, match="ô nhập mã hồ sơ .*no visible focus"):
        judges.keyboard(obs)


@pytest.mark.proves("a11y.keyboard")
def test_keyboard_fails_when_tab_never_reaches_the_lookup_button(obs):
    obs["keyboard"]["lookup"]["tabs_to_submit"] = None
    with pytest.raises(AssertionError, match="Tab never reaches the lookup button"):
        judges.keyboard(obs)


@pytest.mark.proves("a11y.keyboard")
def test_keyboard_fails_when_enter_does_not_send_the_form(obs):
    obs["keyboard"]["lookup"]["submitted"] = False
    with pytest.raises(AssertionError, match="does not send the form"):
        judges.keyboard(obs)


def test_keyboard_is_error_when_the_lookup_page_could_not_be_opened(obs):
    obs["keyboard"]["lookup"] = {"code": "x", "error": "RuntimeError: journey 'lookup_dossier' step 2 (click): …"}
    with pytest.raises(Inconclusive, match="lookup_dossier"):
        judges.keyboard(obs)


def test_focus_is_visible_by_outline_box_shadow_or_colour_change_only():
    plain = {"outline_style": "none", "outline_width": "3px", "outline_color": "rgb(0, 0, 0)", "box_shadow": "none",
             "border_color": "rgb(1, 1, 1)", "background_color": "rgb(255, 255, 255)", "color": "rgb(0, 0, 0)",
             "text_decoration": "none"}
    assert judges.focus_visible({**plain, "outline_style": "solid"}, plain)
    assert judges.focus_visible({**plain, "box_shadow": "rgb(0, 0, 255) 0px 0px 0px 3px"}, plain)
    assert judges.focus_visible({**plain, "background_color": "rgb(255, 255, 0)"}, plain)
    assert not judges.focus_visible(dict(plain), plain)
    assert not judges.focus_visible({**plain, "outline_style": "solid", "outline_width": "0px"},
                                    {**plain, "outline_width": "0px"})


# --------------------------------------------------------------------------- a11y.mobile_width

def test_mobile_width_passes_on_the_clean_recording(obs):
    judges.mobile_width(obs)


@pytest.mark.proves("a11y.mobile_width")
def test_mobile_width_fails_on_horizontal_scrolling(obs):
    page(obs, "lookup", "mobile").update(scroll_width=912, overflowing=[
        {"tag": "table", "id": None, "class": "wide", "right": 912, "width": 880, "html": "<table class=\"wide\">"}])
    with pytest.raises(AssertionError, match=r"lookup .* 375px: .*scrollWidth 912 > 375.*<table class=\"wide\">"):
        judges.mobile_width(obs)


@pytest.mark.proves("a11y.mobile_width")
def test_mobile_width_fails_on_a_wide_menu_page(obs):
    page(obs, "menu-6", "mobile")["scroll_width"] = 640
    with pytest.raises(AssertionError, match="menu-6 .*thong-ke"):
        judges.mobile_width(obs)


@pytest.mark.proves("a11y.mobile_width")
def test_mobile_width_fails_when_a_main_control_is_covered_or_outside_the_width(obs):
    home = page(obs, "home", "mobile")
    home["controls"][1].update(reachable=False, inside_width=False)
    with pytest.raises(AssertionError, match="find_procedure button .*outside the width.*covered"):
        judges.mobile_width(obs)


def test_mobile_width_is_error_when_a_page_or_the_viewport_is_missing(obs):
    broken = recorded("browser_pages")
    broken["mobile"]["pages"] = [p for p in broken["mobile"]["pages"] if p["kind"] != "procedure"]
    with pytest.raises(Inconclusive, match="procedure"):
        judges.mobile_width(broken)
    page(obs, "home", "mobile")["inner_width"] = 1280
    with pytest.raises(Inconclusive, match="viewport was not applied"):
        judges.mobile_width(obs)


def test_a_menu_page_that_fails_to_open_is_left_to_the_crawl(obs):
    page(obs, "menu-6", "mobile").update(status=404, error=None)
    judges.mobile_width(obs)


# --------------------------------------------------------------------------- navigation.journeys

def test_journeys_pass_on_the_clean_recording(obs):
    navigation_judges.journeys(obs)


@pytest.mark.proves("navigation.journeys")
def test_journeys_fail_on_an_uncaught_script_error(obs):
    journey(obs, "find_procedure")["page_errors"] = ["TypeError: Cannot read properties of undefined (reading 'x')"]
    with pytest.raises(AssertionError, match="find_procedure: .*uncaught script error: TypeError"):
        navigation_judges.journeys(obs)


@pytest.mark.proves("navigation.journeys")
def test_journeys_fail_on_a_failed_page_load(obs):
    journey(obs, "lookup_dossier")["failed_loads"] = [
        {"url": "https://refportal.test/static/app.js", "status": 500, "type": "script"}]
    with pytest.raises(AssertionError, match="lookup_dossier: .*failed load \\(script\\).*500"):
        navigation_judges.journeys(obs)


def test_journeys_are_error_when_one_could_not_be_run(obs):
    run = journey(obs, "lookup_dossier")
    run.update(ok=False, skipped="no dossier code to look up (profile fixture public_dossier)")
    with pytest.raises(Inconclusive, match="public_dossier"):
        navigation_judges.journeys(obs)
    obs["journeys"] = [j for j in obs["journeys"] if j["name"] != "login"]
    with pytest.raises(Inconclusive, match="login: chưa chạy"):
        navigation_judges.journeys(obs)


def test_a_script_error_that_broke_the_journey_is_a_failure_not_an_error(obs):
    run = journey(obs, "login")
    run.update(ok=False, error="journey 'login', step 4 … failed", page_errors=["ReferenceError: dangNhap is not defined"])
    with pytest.raises(AssertionError, match="ReferenceError"):
        navigation_judges.journeys(obs)
