"""How catalogue_sample drives the target: list the catalogue, sample it, and for each sampled
procedure read its record, open its page in Chromium (through the profile's find_procedure
journey, else straight at its address), read its guide, download its forms, try its online
submission entry, and ask the simulated national catalogue (LayThuTuc) for the same code.

Nothing here judges. A step that fails is recorded with its error and the scenario goes on;
the checks decide what a missing piece means (ERROR when they cannot judge, FAIL when the
target did not deliver). Only anonymous requests: everything judged here is public.
"""
from __future__ import annotations

from urllib.parse import urljoin, urlparse

import requests

from harness.api import ConfigurationError, placeholders
from harness.browser import before_each_page
from harness.judging import now_iso
from harness.nps.client import own_call
from suites.catalogue import levels
from suites.catalogue.procedures import entries, level_of, mode_of, pinned_codes, sample, sample_size
from harness.judging import clean, fold

# The simulator a run starts accepts its default national-portal credentials (harness/nps/PROTOCOL.md §1.1).
NPS_USER, NPS_PASSWORD = "dokiem", "dokiem-nps"
# Marks the harness's own LayThuTuc calls in the simulator's records, so packet checks that look
# for the target's calls can leave them out (suites/catalogue/README.md).
PROBE_MARK = {"x_dokiem_probe": "catalogue_sample"}
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".rtf")
MAX_PAGES = 50         # pages of list_procedures read at most (a polite bound)
MAX_TEXT = 30_000      # characters of a page's main text kept in the observations
MAX_LINKS = 400
PAGE_JS = """() => {
  const root = document.querySelector('main, [role=main]') || document.body;
  const text = el => (el.innerText || el.textContent || '').replace(/\\s+/g, ' ').trim();
  const headings = [...root.querySelectorAll(
      'h1,h2,h3,h4,h5,h6,dt,th,label,legend,caption,summary,strong,b,[role=heading]')]
    .map(text).filter(t => t && t.length <= 120);
  const links = [...document.querySelectorAll(
      'a[href], button, input[type=submit], input[type=button], [role=button], [role=link]')]
    .map(el => ({text: text(el) || el.value || el.getAttribute('aria-label') || el.title || '',
                 href: el.href || null, tag: el.tagName.toLowerCase(), in_main: root.contains(el)}));
  return {title: document.title, lang: document.documentElement.lang, text: text(root), headings, links};
}"""


# ------------------------------------------------------------------------- the catalogue

def list_catalogue(client) -> dict:
    """The published catalogue through list_procedures: {ok, status, error, url, elapsed_ms, pages, entries}.

    When the profile's list_procedures uses a ${page} variable, pages 1, 2, … are read until one
    brings no new procedure code (at most MAX_PAGES); otherwise one call gives the whole list.
    """
    spec = client.profile.operations.get("list_procedures") or {}
    paged = "page" in placeholders(spec)
    found: list[dict] = []
    seen: set = set()
    outcome = {"ok": True, "status": None, "error": None, "url": None, "elapsed_ms": 0.0, "pages": 0}
    for page in range(1, (MAX_PAGES if paged else 1) + 1):
        try:
            result = client.call("list_procedures", **({"page": page} if paged else {}))
        except ConfigurationError as exc:
            return {**outcome, "ok": False, "error": str(exc), "entries": []}
        outcome.update(status=result.status, url=outcome["url"] or result.url, pages=page,
                       elapsed_ms=round(outcome["elapsed_ms"] + result.elapsed_ms, 1))
        raw = result.vars.get("procedures")
        if not result.ok:
            return {**outcome, "ok": False, "error": result.describe(), "entries": []}
        if not isinstance(raw, list):
            return {**outcome, "ok": False, "entries": [],
                    "error": "list_procedures answered but its 'procedures' value is not a list — check "
                             "operations.list_procedures.returns.procedures in the profile"}
        fresh = [e for e in entries(raw) if (e.get("code"), e.get("name")) not in seen]
        if not fresh:
            break
        seen.update((e.get("code"), e.get("name")) for e in fresh)
        found += fresh
    return {**outcome, "entries": found}


def catalogue_summary(catalogue: dict) -> dict:
    """list_catalogue's outcome without its entries, with their count (what the observations keep)."""
    return {k: v for k, v in catalogue.items() if k != "entries"} | {"count": len(catalogue["entries"])}


def draw_sample(catalogue: dict, scenario, run_id: str) -> list[dict]:
    """The run's sample of a listed catalogue, noted in the scenario; none when it could not be listed."""
    if not catalogue["ok"]:
        return []
    size = sample_size(scenario.parameter("catalogue.sample_size"))
    chosen = sample(catalogue["entries"], size, run_id, pinned_codes(scenario.profile.test_data))
    lines = [f"Mẫu {len(chosen)}/{size} thủ tục, chọn theo mã lần chạy {run_id} — sample of {len(chosen)} "
             f"(size {size}) seeded by the run id, from {len(catalogue['entries'])} listed:"]
    lines += [f"{i}. {p['code']} — {p.get('name')} (mức {p.get('level')}, {p.get('agency_code')}, "
              f"{p.get('sector_code')}): {p['why']}" for i, p in enumerate(chosen, 1)]
    scenario.note("\n".join(lines))
    return chosen


def normalize_record(raw) -> dict:
    """get_procedure's object with names in NFC and level / mode read the harness's way."""
    if not isinstance(raw, dict):
        return {}
    record = dict(raw)
    for key in ("code", "name", "agency_code", "agency_name", "sector_code", "sector_name"):
        if isinstance(record.get(key), str):
            record[key] = clean(record[key])
    record["level_label"] = raw.get("level")
    record["level"] = level_of(raw.get("level"))
    record["online_mode_label"] = raw.get("online_mode")
    record["online_mode"] = mode_of(raw.get("online_mode"))
    return record


def read_record(client, proc: dict) -> None:
    try:
        result = client.call("get_procedure", procedure_code=proc["code"])
    except ConfigurationError as exc:
        proc.update(record={}, record_status=None, record_error=str(exc))
        return
    raw = result.vars.get("procedure") if result.ok else None
    error = None if result.ok else result.describe()
    if result.ok and not isinstance(raw, dict):
        error = "get_procedure answered but 'procedure' is not an object — check operations.get_procedure.returns"
    proc.update(record=normalize_record(raw), record_status=result.status, record_error=error)


# ------------------------------------------------------------------------- the national catalogue

def national_records(nps_url: str | None, procs: list[dict], timeout: float = 10.0) -> None:
    """LayThuTuc for each sampled code, asked of the simulator directly (PROTOCOL.md §1.2)."""
    if not nps_url:
        for proc in procs:
            proc["national"] = {"ok": False, "error": "no simulator in this run — không có dịch vụ mô phỏng", "result": None}
        return
    base = nps_url.rstrip("/")
    try:
        auth = requests.post(f"{base}/dvcqg/auth", json={"username": NPS_USER, "password": NPS_PASSWORD},
                             headers=own_call("catalogue_sample"), timeout=timeout).json()
        session = auth.get("session")
        if auth.get("error_code") != "0" or not session:
            raise RuntimeError(f"/dvcqg/auth refused: {auth.get('message')}")
    except (requests.RequestException, ValueError, RuntimeError) as exc:
        for proc in procs:
            proc["national"] = {"ok": False, "error": f"simulator auth failed: {exc}", "result": None}
        return
    for proc in procs:
        unit = (proc.get("record") or {}).get("agency_code") or proc["listing"].get("agency_code") or "dokiem"
        envelope = {"session": session, "madonvi": unit, "service": "LayThuTuc", "maTTHC": proc["code"], **PROBE_MARK}
        try:
            answer = requests.post(f"{base}/dvcqg/integration", json=envelope, headers=own_call("catalogue_sample"),
                                   timeout=timeout).json()
        except (requests.RequestException, ValueError) as exc:
            proc["national"] = {"ok": False, "error": f"LayThuTuc: {exc}", "result": None}
            continue
        if answer.get("error_code") != "0":
            proc["national"] = {"ok": False, "error": f"LayThuTuc error {answer.get('error_code')}: {answer.get('message')}",
                                "result": None}
            continue
        found = (answer.get("result") or [None])[0]
        proc["national"] = {"ok": True, "error": None, "result": _national_summary(found) if found else None}


def _national_summary(found: dict) -> dict:
    """The fields the checks compare, and what a tester needs to see beside them."""
    return {"MATTHC": found.get("MATTHC"), "TENTTHC": clean(found.get("TENTTHC")),
            "LINHVUCTHUCHIEN": [{"MALINHVUC": s.get("MALINHVUC"), "TENLINHVUC": clean(s.get("TENLINHVUC"))}
                                for s in found.get("LINHVUCTHUCHIEN") or []],
            "COQUANTHUCHIEN": [{"MADONVI": a.get("MADONVI"), "TENDONVI": clean(a.get("TENDONVI"))}
                               for a in found.get("COQUANTHUCHIEN") or []]}


# ------------------------------------------------------------------------- pages (Chromium)

class _Navigations:
    """The HTTP status of the main frame's last navigation (journeys hide their responses)."""

    def __init__(self, page):
        self.page, self.status, self.url = page, None, None
        page.on("response", self._seen)

    def _seen(self, response) -> None:
        try:
            if response.request.is_navigation_request() and response.frame == self.page.main_frame:
                self.status, self.url = response.status, response.url
        except Exception:  # a response of a frame that is gone: nothing to learn from it
            pass


def read_pages(session, navigations: _Navigations, client, proc: dict, evidence, index: int) -> None:
    listing, record = proc["listing"], proc.get("record") or {}
    name = listing.get("name") or record.get("name")
    page = {"how": None, "journey_error": None, "url": None, "status": None, "loaded": False, "error": None}
    proc["page"] = page
    try:
        found = session.journey("find_procedure", procedure_name=name)
        page.update(how="journey", url=found.get("procedure_url") or session.page.url)
    except Exception as exc:  # the journey does not fit (or search is broken): open the page directly
        page["journey_error"] = f"{type(exc).__name__}: {exc}"
        direct = record.get("url") or listing.get("url")
        if not direct:
            page["error"] = "the journey failed and neither the listing nor the record gives the page's url"
            return
        try:
            session.page.goto(direct, wait_until="domcontentloaded")
            before_each_page(session.page)
            page.update(how="direct", url=direct)
        except Exception as exc2:
            page["error"] = f"{type(exc2).__name__}: {exc2}"
            return
    page["status"] = navigations.status
    page["final_url"] = session.page.url
    try:
        session.page.wait_for_load_state("load")
        seen = session.page.evaluate(PAGE_JS)
    except Exception as exc:
        page["error"] = f"{type(exc).__name__}: {exc}"
        return
    page.update(title=clean(seen["title"]), lang=seen["lang"], text=clean(seen["text"])[:MAX_TEXT],
                headings=[clean(h) for h in seen["headings"]][:MAX_LINKS],
                links=[{**link, "text": clean(link["text"])} for link in seen["links"]][:MAX_LINKS])
    page["loaded"] = page["status"] is not None and page["status"] < 400
    try:
        evidence.write_bytes(f"trang-{index:02d}-{proc['code']}.png", session.page.screenshot(full_page=True))
    except Exception:  # a screenshot is evidence, not a finding
        pass
    read_guide(session, navigations, client, proc)


def _same_site(url: str, base: str) -> bool:
    return urlparse(url).scheme in ("http", "https") and urlparse(url).netloc == urlparse(base).netloc


def read_guide(session, navigations: _Navigations, client, proc: dict) -> None:
    """The guidance the page offers: the record's guide_url, else a main-content link named like one."""
    record, page = proc.get("record") or {}, proc["page"]
    url, source = record.get("guide_url"), "record"
    if not url:
        link = next((l for l in page.get("links") or [] if l.get("in_main") and l.get("href")
                     and levels.GUIDE_LINK.search(fold(l["text"]))), None)
        url, source = (link["href"], "page") if link else (None, None)
    guide = {"url": url, "source": source, "status": None, "content_type": None, "bytes": 0, "text": None, "error": None}
    proc["guide"] = guide
    if not url:
        return
    url = urljoin(page.get("final_url") or "", url)
    response = client.request("GET", url)
    if response is None:
        guide["error"] = "no answer — không có phản hồi"
        return
    guide.update(status=response.status_code, content_type=response.headers.get("Content-Type"),
                 bytes=len(response.content))
    # the portal's own guide pages are read in Chromium (what a visitor sees); a guide elsewhere
    # (a ministry's page, a video) only has to answer with content
    if "html" in (guide["content_type"] or "") and response.status_code < 400 and _same_site(url, page["final_url"]):
        try:
            session.page.goto(url, wait_until="domcontentloaded")
            before_each_page(session.page)
            guide["text"] = clean(session.page.evaluate(PAGE_JS)["text"])[:MAX_TEXT]
        except Exception as exc:
            guide["error"] = f"{type(exc).__name__}: {exc}"


# ------------------------------------------------------------------------- forms and submission

def form_links(proc: dict) -> list[dict]:
    """Forms the record lists (forms[].url, components[].form_url) and document links in the page."""
    record, page = proc.get("record") or {}, proc.get("page") or {}
    base = page.get("final_url") or record.get("url") or ""
    found: dict[str, dict] = {}
    for form in record.get("forms") or []:
        if isinstance(form, dict) and form.get("url"):
            found.setdefault(urljoin(base, form["url"]), {"name": form.get("name"), "source": "record"})
    for component in record.get("components") or []:
        if isinstance(component, dict) and component.get("form_url"):
            found.setdefault(urljoin(base, component["form_url"]), {"name": component.get("name"), "source": "record"})
    for link in page.get("links") or []:
        href = link.get("href") or ""
        if link.get("in_main") and urlparse(href).path.lower().endswith(DOCUMENT_EXTENSIONS):
            found.setdefault(href, {"name": link.get("text"), "source": "page"})
    return [{"url": url, **meta} for url, meta in found.items()]


def download_forms(client, proc: dict) -> None:
    proc["forms"] = []
    for form in form_links(proc):
        response = client.request("GET", form["url"])
        if response is None:
            proc["forms"].append({**form, "status": None, "content_type": None, "bytes": 0, "magic": "",
                                  "error": "no answer — không có phản hồi"})
            continue
        proc["forms"].append({**form, "status": response.status_code, "content_type": response.headers.get("Content-Type"),
                              "bytes": len(response.content), "magic": response.content[:4].hex(), "error": None})


def probe_submission(client, proc: dict) -> None:
    """The page's online submission entry, followed once (a login page in answer is fine)."""
    links = [l for l in (proc.get("page") or {}).get("links") or [] if l.get("in_main")]
    entry = levels.submission_entry(links)
    proc["submission_entry"] = None
    if entry is None:
        return
    entry = {"text": entry["text"], "href": entry.get("href"), "tag": entry.get("tag"),
             "status": None, "final_url": None, "error": None}
    proc["submission_entry"] = entry
    if entry["href"] and urlparse(entry["href"]).scheme in ("http", "https"):
        response = client.request("GET", entry["href"])
        if response is None:
            entry["error"] = "no answer — không có phản hồi"
        else:
            entry.update(status=response.status_code, final_url=response.url)


# ------------------------------------------------------------------------- the scenario

def observe(scenario, run_id: str, nps_url: str | None, get_browser) -> dict:
    observations = {"run_id": run_id, "started": now_iso(), "finished": None,
                    "sample_size": scenario.parameter("catalogue.sample_size"), "errors": [],
                    # the edition's level model, so the judges and tables measure against the edition's law
                    "service_levels": scenario.run.edition.meta.get("service_levels")}
    client = scenario.client(None)
    catalogue = list_catalogue(client)
    observations["catalogue"] = catalogue
    chosen = draw_sample(catalogue, scenario, run_id)
    observations["sample"] = [{k: p.get(k) for k in ("code", "name", "level", "agency_code", "sector_code", "why")}
                              for p in chosen]
    procs = [{"code": p["code"], "listing": {k: v for k, v in p.items() if k != "why"}} for p in chosen]
    observations["procedures"] = procs
    for proc in procs:
        read_record(client, proc)
    national_records(nps_url, procs)
    if procs:
        try:
            browser = get_browser()
            with scenario.browser(browser, "pages") as session:
                navigations = _Navigations(session.page)
                for index, proc in enumerate(procs, 1):
                    read_pages(session, navigations, client, proc, scenario.evidence, index)
        except Exception as exc:  # no browser: the page checks cannot judge, the API checks still can
            observations["errors"].append(f"browser: {type(exc).__name__}: {exc}")
    for proc in procs:
        proc.setdefault("page", {"loaded": False, "error": "not opened (see errors)"})
        proc.setdefault("guide", None)
        download_forms(client, proc)
        probe_submission(client, proc)
    observations["finished"] = now_iso()
    return observations
