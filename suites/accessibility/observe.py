"""How the two scenarios of this suite drive the target (DESIGN §2.4: record once, judge many).

`browser_pages` (a11y.axe, a11y.keyboard, a11y.mobile_width, navigation.journeys): axe-core on
the key pages, the keyboard probe of the home and lookup pages, the key pages and the home page's
menu pages at the edition's phone width, and the profile's login, find_procedure and
lookup_dossier journeys.
`public_pages` (a11y.lang, alt_text, no_blink, viewport_meta, nfc, english_page): the facts of
every public page looked at (the key pages, the pages the home page's menus link to, the English
page, and the answers to a Vietnamese string typed into the search and lookup forms).

A step that cannot be done is recorded with its error and the scenario goes on; the judges turn
missing data into ERROR (harness.Inconclusive), never PASS. The structure is in OBSERVATIONS.md.
"""
from __future__ import annotations

import re

from harness.api import ConfigurationError, OperationError

from suites.accessibility import axe_rules, pages, probes

MOBILE_HEIGHT_PX = 812        # a phone's height; only the width is a criterion (mobile.viewport_width_px)
SKIP_LINK_TABS = 3            # a skip link is among the first Tab stops of a page
LOAD_TYPES = ("document", "script", "stylesheet")
# What is typed into the search and lookup forms for the NFC round trip: Vietnamese with most of
# the marks a legacy encoding or a decomposition would break (ă â đ ê ô ơ ư and the five tones).
ROUND_TRIP_TEXT = "Đăng ký kết hôn có yếu tố nước ngoài"
LOOKUP_PLACEHOLDER = "000.00.00.H00-000000-0000"  # keyboard probe without a public_dossier fixture


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "page"


def lookup_code(sc) -> tuple[str | None, str | None]:
    """(dossier code, None) from the profile fixture `public_dossier`, or (None, why not)."""
    try:
        return str(sc.fixture("public_dossier")), None
    except (ConfigurationError, OperationError) as exc:
        return None, str(exc)


# =========================================================================== browser_pages

def observe_browser_pages(sc, browser) -> dict:
    profile = sc.profile
    timeout = int(profile.limits["step_timeout_ms"])
    level = sc.parameter("a11y.wcag_level")
    width = int(sc.parameter("mobile.viewport_width_px"))
    sample_size = int(sc.parameter("catalogue.sample_size"))
    obs: dict = {"target": profile.base_url("portal"), "wcag_level": level, "axe_tags": axe_rules.axe_tags(level),
                 "sample_size": sample_size, "viewport_width_px": width, "pages": [], "journeys": [],
                 "keyboard": {}, "mobile": {"width": width, "pages": []}, "discovery_errors": []}
    code, why_no_code = lookup_code(sc)
    obs["lookup_code_source"] = "fixture public_dossier" if code else f"none: {why_no_code}"
    client = sc.client(None)
    with sc.browser(browser, "pages") as session:
        found = pages.key_pages(session, client, sample_size)
        obs["discovery_errors"] = found["errors"]
        source = probes.axe_source()
        for entry in found["pages"]:
            obs["pages"].append(_axe_page(sc, session, entry, obs["axe_tags"], source, timeout))
        obs["axe_version"] = next((p["axe"]["version"] for p in obs["pages"] if p.get("axe")), None)
        obs["keyboard"] = {"home": _keyboard_home(session, found["pages"][0]["url"], timeout),
                           "lookup": _keyboard_lookup(session, code or LOOKUP_PLACEHOLDER, timeout)}
        menu_pages = _menu_pages(session, profile.base_url("portal"), timeout)
    with sc.browser(browser, "journeys") as session:
        obs["journeys"] = _journeys(session, found["procedures"], code, why_no_code)
    with sc.browser(browser, "mobile", viewport={"width": width, "height": MOBILE_HEIGHT_PX}) as session:
        obs["mobile"]["pages"] = _mobile(session, found["pages"] + menu_pages, timeout)
    return obs


def _axe_page(sc, session, entry: dict, tags: list[str], source: str, timeout: int) -> dict:
    result = {**entry, **pages.visit(session.page, entry["url"], timeout), "axe": None}
    if result["error"] or result["status"] != 200:
        session.screenshot(f"error-{_slug(entry['key'])}")
        return result
    try:
        raw = probes.run_axe(session.page, tags, source)
        result["axe"] = probes.trim_axe(raw)
        kept = {k: v for k, v in raw.items() if k not in ("passes", "inapplicable")}
        result["evidence"] = sc.evidence.write_json(f"axe-{_slug(entry['key'])}.json", kept)
    except Exception as exc:
        result["error"] = f"axe-core did not run — axe-core không chạy được: {pages.first_line(exc)}"
    return result


def _keyboard_home(session, url: str, timeout: int) -> dict:
    visited = pages.visit(session.page, url, timeout)
    if visited["error"] or visited["status"] != 200:
        return {**visited, "error": visited["error"] or f"HTTP {visited['status']}"}
    try:
        return {**visited, "skip_link": probes.skip_link(session.page, SKIP_LINK_TABS)}
    except Exception as exc:
        return {**visited, "error": pages.first_line(exc)}


def _keyboard_lookup(session, code: str, timeout: int) -> dict:
    """Fill and submit the lookup form with the keyboard alone (Tab, typing, Enter)."""
    out: dict = {"code": code, "error": None}
    try:
        remaining = pages.open_form(session, "lookup_dossier", pages.journey_variables(session.profile))
        page = session.page
        out["url"] = page.url
        parts = pages.form_parts(page, remaining, pages.journey_variables(session.profile, dossier_code=code))
        if parts["field"] is None or parts["submit"] is None:
            out["error"] = ("the lookup_dossier journey has no fill step followed by a click step — hành trình "
                            "lookup_dossier không có bước điền và bước bấm nút")
            return out
        field, submit = parts["field"], parts["submit"]
        out["field_unfocused_style"] = probes.style_of(field)
        out["submit_unfocused_style"] = probes.style_of(submit)
        out["tabs_to_field"] = probes.tab_to(page, field)
        if out["tabs_to_field"] is None:
            return out
        out["field_focused_style"] = probes.style_of(field)
        page.keyboard.type(code)
        out["typed_value"] = field.input_value()
        out["tabs_to_submit"] = probes.tab_to(page, submit)
        if out["tabs_to_submit"] is None:
            return out
        out["submit_focused_style"] = probes.style_of(submit)
        before = page.url
        page.keyboard.press("Enter")
        out["submitted"], out["answer"] = _wait_for_answer(page, parts["result"], before, timeout)
        out["url_after"] = page.url
    except Exception as exc:
        out["error"] = pages.first_line(exc)
    return out


def _wait_for_answer(page, result, before: str, timeout: int) -> tuple[bool, str | None]:
    """Whether the form answered: the journey's answer element appeared, or the address changed."""
    try:
        if result is not None:
            result.wait_for(state="visible", timeout=timeout)
            return True, " ".join(result.inner_text().split())
        page.wait_for_url(lambda url: url != before, timeout=timeout)
        return True, None
    except Exception:
        alert = page.get_by_role("alert")
        if alert.count():
            return True, " ".join(alert.first.inner_text().split())
        return page.url != before, None


def _journeys(session, procedures: list[dict], code: str | None, why_no_code: str | None) -> list[dict]:
    failed_loads: list[dict] = []

    def on_response(response) -> None:
        if response.request.resource_type in LOAD_TYPES and response.status >= 400:
            failed_loads.append({"url": response.url, "status": response.status,
                                 "type": response.request.resource_type})

    def on_failure(request) -> None:
        failure = request.failure or ""
        if request.resource_type in LOAD_TYPES and "ERR_ABORTED" not in failure:  # aborted: a newer navigation
            failed_loads.append({"url": request.url, "error": failure, "type": request.resource_type})

    session.page.on("response", on_response)
    session.page.on("requestfailed", on_failure)
    account = session.profile.account("citizen", 0)
    if account is None:
        login, login_missing = None, "no citizen account in the profile — chưa có tài khoản công dân"
    elif account.password is None:
        login, login_missing = None, (f"environment variable {account.password_env} is not set (or the account "
                                      "logs in by storage state) — chưa đặt mật khẩu cho tài khoản công dân")
    else:
        login, login_missing = {"username": account.username, "password": account.password}, None
    name = next((pages.procedure_name(p) for p in procedures if pages.procedure_name(p)), None)
    plan = [
        ("login", login, login_missing),
        ("find_procedure", {"procedure_name": name} if name else None,
         "no procedure name from list_procedures — không lấy được tên thủ tục từ list_procedures"),
        ("lookup_dossier", {"dossier_code": code} if code else None,
         f"no dossier code to look up (profile fixture public_dossier) — không có mã hồ sơ để tra cứu: {why_no_code}"),
    ]
    runs = []
    for journey, variables, missing in plan:
        entry: dict = {"name": journey, "ok": False, "error": None, "skipped": None,
                       "page_errors": [], "failed_loads": [], "log": [], "outputs": {}}
        if variables is None:
            entry["skipped"] = missing
            runs.append(entry)
            continue
        errors_before, loads_before, log_before = (len(session.console_errors), len(failed_loads),
                                                   len(session.journeys.log))
        try:
            outputs = session.journey(journey, **variables)
            entry["ok"] = True
            entry["outputs"] = {k: v for k, v in outputs.items() if k not in ("password", "token")}
        except Exception as exc:
            entry["error"] = str(exc)
            session.screenshot(f"journey-{journey}-error")
        entry["page_errors"] = session.console_errors[errors_before:]
        entry["failed_loads"] = failed_loads[loads_before:]
        entry["log"] = session.journeys.log[log_before:]
        runs.append(entry)
    return runs


def _menu_pages(session, base: str, timeout: int) -> list[dict]:
    """The pages the home page's menus link to (nav, header), as page entries."""
    home = pages.visit(session.page, base + "/", timeout)
    if home["error"] or home["status"] != 200:
        return []
    return pages.menu_entries(probes.links(session.page), base)


def _mobile(session, wanted: list[dict], timeout: int) -> list[dict]:
    """Every key page and menu page at phone width, with the main controls of the key pages."""
    results = []
    for entry in pages.first_visits(wanted):
        result = {"key": entry["key"], "kind": entry["kind"], **pages.visit(session.page, entry["url"], timeout)}
        if result["error"] or result["status"] != 200 or "html" not in (result["content_type"] or "html"):
            results.append(result)
            continue
        try:
            result.update(probes.width_facts(session.page))
            result["controls"] = [{"name": name, **probes.control_facts(locator)}
                                  for name, locator in _main_controls(session, entry["kind"])]
            result["screenshot"] = session.screenshot(f"mobile-{_slug(entry['key'])}")
        except Exception as exc:
            result["error"] = pages.first_line(exc)
        results.append(result)
    return results


def _main_controls(session, kind: str) -> list[tuple[str, object]]:
    """The controls a citizen needs on each page: the form its journey fills, or the page heading."""
    page, profile = session.page, session.profile
    if kind == "procedure":
        return [("tiêu đề thủ tục — procedure heading (h1)", page.locator("h1"))]
    journey = {"home": "find_procedure", "lookup": "lookup_dossier", "feedback": "submit_feedback"}.get(kind)
    if journey is None:
        return []  # menu pages: only the width is judged
    form = pages.form_steps(pages.journey_steps(profile, journey))
    parts = pages.form_parts(page, form, pages.journey_variables(profile, procedure_name="", dossier_code="",
                                                                 title="", content="", email=""))
    controls = []
    if parts["field"] is not None:
        controls.append((f"ô nhập của hành trình {journey} — {journey} field", parts["field"]))
    if parts["submit"] is not None:
        controls.append((f"nút gửi của hành trình {journey} — {journey} button", parts["submit"]))
    return controls


# =========================================================================== public_pages

def observe_public_pages(sc, browser) -> dict:
    profile = sc.profile
    timeout = int(profile.limits["step_timeout_ms"])
    sample_size = int(sc.parameter("catalogue.sample_size"))
    base = profile.base_url("portal")
    obs: dict = {"target": base, "pages": [], "discovery_errors": [], "english": {}, "round_trips": [],
                 "round_trip_text": ROUND_TRIP_TEXT}
    client = sc.client(None)
    with sc.browser(browser, "public") as session:
        found = pages.key_pages(session, client, sample_size)
        obs["discovery_errors"] = found["errors"]
        home_visit = pages.visit(session.page, base + "/", timeout)
        home_links = probes.links(session.page) if not home_visit["error"] else []
        wanted = found["pages"] + pages.menu_entries(home_links, base)
        for entry in pages.first_visits(wanted):
            obs["pages"].append(_public_page(session, entry, "vi", timeout))
        obs["english"] = _english(session, home_links, base, timeout, obs["pages"])
        for where, journey in (("search", "find_procedure"), ("lookup", "lookup_dossier")):
            obs["round_trips"].append(_round_trip(session, where, journey, timeout, obs["pages"]))
    return obs


def _public_page(session, entry: dict, expected_lang: str, timeout: int) -> dict:
    result = {**entry, "expected_lang": expected_lang, **pages.visit(session.page, entry["url"], timeout)}
    if result["error"] or result["status"] != 200 or "html" not in (result["content_type"] or "html"):
        return result
    try:
        result.update(probes.page_facts(session.page))
    except Exception as exc:
        result["error"] = pages.first_line(exc)
    return result


MAX_MAIN_TEXT = 4000
MAIN_TEXT_JS = """() => {
  const main = document.querySelector("main, [role=main]") || document.body;
  const copy = main.cloneNode(true);
  copy.querySelectorAll('[lang^="vi"], nav, header, footer, script, style').forEach((e) => e.remove());
  return (copy.innerText || copy.textContent || "").trim();
}"""


def _english(session, home_links: list[dict], base: str, timeout: int, observed: list[dict]) -> dict:
    candidates = pages.english_candidates(home_links, base)
    visited = []
    found = None
    for candidate in candidates:
        result = _public_page(session, {"key": "english", "kind": "english", "url": candidate["url"],
                                        "how": candidate["why"]}, "en", timeout)
        visited.append({k: result.get(k) for k in ("url", "status", "content_type", "error", "lang", "how")})
        if result["status"] == 200 and str(result.get("lang") or "").lower().split("-")[0] == "en":
            found = result["url"]
            observed.append(result)  # judged like every public page (lang, alt, NFC, …)
            break
    main_text = None
    if found:
        try:  # what the page says, its menus and the parts marked Vietnamese (lang="vi") aside
            main_text = session.page.evaluate(MAIN_TEXT_JS)[:MAX_MAIN_TEXT]
        except Exception:
            main_text = None
    return {"candidates": candidates, "visited": visited, "found": found, "main_text": main_text}


def _round_trip(session, where: str, journey: str, timeout: int, observed: list[dict]) -> dict:
    """Type Vietnamese into a journey's form, send it, and see how it comes back."""
    out: dict = {"where": where, "journey": journey, "probe": ROUND_TRIP_TEXT, "error": None}
    try:
        variables = pages.journey_variables(session.profile, procedure_name=ROUND_TRIP_TEXT,
                                            dossier_code=ROUND_TRIP_TEXT)
        remaining = pages.open_form(session, journey, variables)
        page = session.page
        parts = pages.form_parts(page, remaining, variables)
        if parts["field"] is None or parts["submit"] is None:
            out["error"] = f"journey {journey} has no fill step followed by a click step — hành trình thiếu bước điền/bấm"
            return out
        documents: list = []

        def on_response(response) -> None:
            if response.request.is_navigation_request() and response.frame == page.main_frame:
                documents.append(response)

        page.on("response", on_response)
        try:
            parts["field"].fill(ROUND_TRIP_TEXT)
            before = page.url
            parts["submit"].click()
            try:
                page.wait_for_url(lambda url: url != before, timeout=timeout)
            except Exception:
                pass  # a form that answers in place: its answer is read below all the same
            page.wait_for_load_state("load")
        finally:
            page.remove_listener("response", on_response)
        out["url"] = page.url
        out["echo"] = probes.echo_of(page, ROUND_TRIP_TEXT)
        last = documents[-1] if documents else None
        answer = {"key": f"{where}-answer", "kind": f"{where}-answer", "url": page.url,
                  "how": f"journey {journey} with the round-trip text", "expected_lang": "vi",
                  # answered in place: the document is the form page, which loaded with 200
                  "status": last.status if last else 200,
                  "content_type": last.headers.get("content-type") if last else None, "error": None}
        answer.update(probes.page_facts(page))
        observed.append(answer)
    except Exception as exc:
        out["error"] = pages.first_line(exc)
    return out
