"""Finding the pages the checks look at, the way a citizen finds them: a vendor's URLs differ.

The key pages (a11y.axe and the others) are the home page, sampled procedure pages, the dossier
lookup page and the feedback page:
- procedure pages: the profile's `list_procedures`, sampled evenly (edition parameter
  `catalogue.sample_size`); an item's `url` when it has one, else the `find_procedure` journey
  with the item's `name`;
- the lookup and feedback pages: the profile's `lookup_dossier` and `submit_feedback` journeys,
  followed up to their first form step (so a vendor's own journey finds its own page).
The English page: from the home page, links marked hreflang="en" or lang="en", links named
"English" / "Tiếng Anh", then the portal's /en path.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from harness.browser import _locator, before_each_page, journey_steps

NAVIGATION_STEPS = ("goto", "click", "wait_for")
NOT_PAGES = re.compile(r"\.(pdf|docx?|xlsx?|odt|ods|zip|rar|png|jpe?g|gif|svg|xml|json|txt)$", re.I)
ENGLISH_NAME = re.compile(r"\b(english|eng)\b|tiếng anh", re.I)
MAX_NAVIGATION_PAGES = 30   # politeness bound on the pages a home page's menus link to
MAX_ENGLISH_CANDIDATES = 3  # addresses tried (the last one /en) before concluding there is none


def without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def same_site(url: str, base: str) -> bool:
    return urlsplit(url).netloc == urlsplit(base).netloc


def visit(page, url: str, timeout_ms: int) -> dict:
    """Open a page; its status, content type and final address, or the error that stopped it."""
    try:
        response = page.goto(url, timeout=timeout_ms, wait_until="load")
    except Exception as exc:  # Playwright: timeouts, refused connections, TLS
        return {"url": url, "status": None, "content_type": None, "error": first_line(exc)}
    before_each_page(page)  # the profile's cookie banner or first-visit modal, out of the way
    if response is None:  # same-document navigation: no new response
        return {"url": page.url, "status": None, "content_type": None, "error": None}
    return {"url": page.url, "status": response.status, "content_type": response.headers.get("content-type"),
            "error": None}


def first_line(exc: Exception) -> str:
    """`Type: first line of the message` of an error, for the observations."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


def journey_variables(profile, **extra) -> dict:
    return {**profile.test_data, **extra}


def form_steps(steps: list[dict]) -> list[dict]:
    """A journey's steps from its first form step on (fill, select, upload, …): what it does on the
    page its navigation steps (goto, click, wait_for) lead to."""
    for number, step in enumerate(steps):
        if _kind(step) not in NAVIGATION_STEPS:
            return steps[number:]
    return []


def _kind(step: dict) -> str:
    return next(k for k in step if k != "optional")


def open_form(session, journey: str, variables: dict) -> list[dict]:
    """Follow a journey's navigation steps up to its first form step; the browser is then on the
    journey's form page. Returns the steps not taken (form_steps)."""
    steps = journey_steps(session.profile, journey)
    remaining = form_steps(steps)
    for number, step in enumerate(steps[:len(steps) - len(remaining)], 1):
        kind = _kind(step)
        try:
            # the engine's own step runner, so a journey means here what it means in a journey run
            session.journeys._step(kind, step[kind], variables, {})
        except Exception as exc:
            if step.get("optional"):
                continue
            raise RuntimeError(f"journey '{journey}' step {number} ({kind}): {first_line(exc)} — "
                               f"hành trình '{journey}' bước {number} không thực hiện được") from None
    session.page.wait_for_load_state("load")
    return remaining


def form_parts(page, remaining: list[dict], variables: dict) -> dict:
    """Locators of the form a journey fills: its first field, the button it then clicks, and where
    it reads the answer (None for parts the journey does not have)."""
    field = submit = result = None
    field_spec = None
    for step in remaining:
        kind = _kind(step)
        spec = step[kind]
        if field is None and kind == "fill":
            field, field_spec = _locator(page, spec, variables), spec
        elif field is not None and submit is None and kind == "click":
            submit = _locator(page, spec, variables)
        elif submit is not None and result is None and kind == "read" and spec.get("from", "text") != "url":
            result = _locator(page, spec, variables)
    return {"field": field, "field_spec": field_spec, "submit": submit, "result": result}


def sample_evenly(items: list, size: int) -> list:
    """`size` items spread over the whole list (first and last included), in list order."""
    if size <= 0 or not items:
        return []
    if size >= len(items):
        return list(items)
    if size == 1:
        return [items[0]]
    return [items[round(i * (len(items) - 1) / (size - 1))] for i in range(size)]


def sampled_procedures(client, size: int) -> list[dict]:
    """Procedures from the profile's list_procedures, sampled evenly; raises when it cannot."""
    if not client.has("list_procedures"):
        raise RuntimeError("operation 'list_procedures' is not configured — chưa khai báo thao tác list_procedures")
    result = client.must("list_procedures")
    items = [i for i in (result.vars.get("procedures") or []) if isinstance(i, dict)]
    if not items:
        raise RuntimeError("list_procedures returned no procedures — danh mục thủ tục rỗng")
    return sample_evenly(items, size)


def procedure_name(item: dict) -> str | None:
    return item.get("name") or item.get("procedure_name") or item.get("ten")


def procedure_url(session, item: dict, base: str) -> tuple[str, str]:
    """(url, how it was found) of one procedure's page."""
    if item.get("url"):
        return urljoin(base + "/", str(item["url"])), "list_procedures url"
    name = procedure_name(item)
    if not name:
        raise RuntimeError(f"procedure item has neither url nor name: {sorted(item)} — mục thủ tục thiếu url và name")
    out = session.journey("find_procedure", procedure_name=name)
    return out["procedure_url"], "journey find_procedure"


def key_pages(session, client, sample_size: int) -> dict:
    """The key pages: {"pages": [{key, kind, url, how}], "procedures": [...], "errors": [{key, error}]}."""
    profile, base = session.profile, session.profile.base_url("portal")
    pages = [{"key": "home", "kind": "home", "url": base + "/", "how": "base_urls.portal"}]
    errors: list[dict] = []
    procedures: list[dict] = []
    try:
        procedures = sampled_procedures(client, sample_size)
    except Exception as exc:
        errors.append({"key": "procedure", "error": str(exc)})
    for number, item in enumerate(procedures, 1):
        try:
            url, how = procedure_url(session, item, base)
            pages.append({"key": f"procedure-{number}", "kind": "procedure", "url": url, "how": how,
                          "procedure": {k: item.get(k) for k in ("code", "name", "level") if k in item}})
        except Exception as exc:
            errors.append({"key": f"procedure-{number}", "error": first_line(exc)})
    for key, journey in (("lookup", "lookup_dossier"), ("feedback", "submit_feedback")):
        try:
            open_form(session, journey, journey_variables(profile))
            pages.append({"key": key, "kind": key, "url": without_fragment(session.page.url),
                          "how": f"journey {journey}"})
        except Exception as exc:
            errors.append({"key": key, "error": str(exc)})
    return {"pages": pages, "procedures": procedures, "errors": errors}


def navigation_pages(links: list[dict], base: str) -> list[str]:
    """Same-site pages the home page's menus (nav, header) link to, English links left out."""
    found: list[str] = []
    for link in links:
        url = without_fragment(link["href"])
        if (link.get("in_navigation") and url.startswith(("http://", "https://")) and same_site(url, base)
                and not NOT_PAGES.search(urlsplit(url).path) and not is_english_link(link) and url not in found):
            found.append(url)
    return found[:MAX_NAVIGATION_PAGES]


def menu_entries(links: list[dict], base: str) -> list[dict]:
    """The pages the home page's menus link to (navigation_pages), as page entries."""
    return [{"key": f"menu-{number}", "kind": "menu", "url": url, "how": "home page menu link"}
            for number, url in enumerate(navigation_pages(links, base), 1)]


def first_visits(entries: list[dict]):
    """The page entries in order, each address (without its fragment) once: the first entry wins."""
    seen: set[str] = set()
    for entry in entries:
        if without_fragment(entry["url"]) in seen:
            continue
        seen.add(without_fragment(entry["url"]))
        yield entry


def is_english_link(link: dict) -> bool:
    return any(str(link.get(k) or "").lower().split("-")[0] == "en" for k in ("hreflang", "lang"))


def english_candidates(links: list[dict], base: str) -> list[dict]:
    """Where the English page may be, most telling first: marked links, named links, /en."""
    ordered: list[dict] = []
    marked = [(link, "hreflang/lang=en") for link in links if is_english_link(link)]
    named = [(link, f"link named {link['text']!r}") for link in links if ENGLISH_NAME.search(link.get("text") or "")]
    for link, why in marked + named:
        url = without_fragment(link["href"])
        if url.startswith(("http://", "https://")) and url not in [c["url"] for c in ordered]:
            ordered.append({"url": url, "why": why})
    fallback = base + "/en"
    tried = [c for c in ordered if c["url"] != fallback][:MAX_ENGLISH_CANDIDATES - 1]
    return tried + [next((c for c in ordered if c["url"] == fallback), {"url": fallback, "why": "/en path"})]
