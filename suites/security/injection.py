"""The `injection_probe` scenario: a small fixed list of XSS and SQL-injection payloads, each carrying
a marker unique to the run, sent to the public inputs (search, dossier lookup, feedback).

XSS is observed three ways: the API's answers, the raw HTML of the page each input leads to, and
Chromium loading that page (an alert carrying the marker means the payload ran). The pages are
reached with the navigation part of the profile's own journeys (find_procedure, lookup_dossier,
submit_feedback: their steps up to the click that sends the input), so a vendor maps nothing new.
SQL injection is observed on the search and lookup operations beside an ordinary no-match query.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from harness.judging import now_iso
from suites.security.answers import first_line

BODY_KEPT = 60_000      # a page reflecting the marker is kept whole for the judge (pages are ~10 kB)
EXCERPT = 8000       # characters of a SQL-injection answer kept (error text may sit deep in a page)

# (id, template): {m} is the payload's marker. Short (lookup inputs are often limited to ~60
# characters) and each aimed at one HTML context: text, attribute value, tag soup.
XSS_PAYLOADS = (
    ("script", "\"><script>alert('{m}')</script>"),
    ("img", "<img src=x onerror=alert('{m}')>"),
    ("svg", "'\"><svg onload=alert('{m}')>"),
)
# Each starts with the marker, so a search that treats it as words finds nothing, as the baseline.
SQLI_PAYLOADS = (
    ("quote", "{m}'"),
    ("or_true", "{m}' OR '1'='1"),
    ("or_comment", "{m}' OR 1=1-- "),
    ("double_quote", "{m}\") OR (\"1\"=\"1"),
    ("union", "{m}' UNION SELECT NULL-- "),
)


def probe_email(profile, base: str) -> str | None:
    """An e-mail for the probes at a domain the profile's own test data uses (the citizen's, or
    test_data.applicant's), so the target has no reason to refuse it; never a reserved domain (.test,
    example.*) a target may reject. None when the profile gives no e-mail address."""
    citizen = profile.account("citizen")
    known = [(citizen.known.get("email") if citizen else None), (profile.test_data.get("applicant") or {}).get("email")]
    domain = next((str(e).rsplit("@", 1)[1] for e in known if e and "@" in str(e)), None)
    return f"{base}@{domain}" if domain else None


def xss_marker(base: str, payload_id: str) -> str:
    return f"{base}x{payload_id[:2]}"


def xss_payloads(base: str) -> list[dict]:
    return [{"payload_id": pid, "marker": xss_marker(base, pid), "payload": template.format(m=xss_marker(base, pid))}
            for pid, template in XSS_PAYLOADS]


def sqli_payloads(base: str) -> list[dict]:
    return [{"payload_id": pid, "payload": template.format(m=base)} for pid, template in SQLI_PAYLOADS]


# ------------------------------------------------------------------ answers

def _answer(result, marker: str | None = None) -> dict:
    text = result.text
    row = {"url": result.url, "status": result.status, "content_type": result.header("Content-Type"),
           "error": result.error or None}
    if marker is not None:
        row["marker_found"] = marker in text
        row["body"] = text[:BODY_KEPT] if marker in text else ""
    return row


def api_xss(client, sc, payloads: list[dict], email: str) -> list[dict]:
    """Reflected (search, lookup) and stored (feedback) payloads through the API."""
    rows = []
    for p in payloads:
        for surface, operation, inputs in (("search", "search_procedures", {"keyword": p["payload"]}),
                                           ("lookup", "lookup_dossier", {"dossier_code": p["payload"]})):
            if not client.has(operation):
                continue
            rows.append({"surface": surface, "channel": "api", "operation": operation, **_ids(p),
                         **_answer(client.call(operation, **inputs), p["marker"])})
    if client.has("submit_feedback") and not email:
        rows.append({"surface": "feedback", "channel": "api", "operation": "submit_feedback", **_ids(payloads[0]),
                     "error": "hồ sơ mục tiêu không có e-mail trong dữ liệu thử (accounts.citizen.known.email, "
                              "test_data.applicant.email) — the profile gives no e-mail to send a probe from"})
    elif client.has("submit_feedback"):
        title, content = payloads[0], payloads[1:]
        submitted = client.call("submit_feedback", title=title["payload"],
                                content=" ".join(p["payload"] for p in content) or title["payload"],
                                email=email, name=f"dokiem {sc.run.run_id}")
        rows.append({"surface": "feedback", "channel": "api", "operation": "submit_feedback", **_ids(title),
                     **_answer(submitted, title["marker"])})
        code = submitted.vars.get("tracking_code") if submitted.ok else None
        if code and client.has("get_feedback"):
            shown = client.call("get_feedback", tracking_code=code)
            for p in payloads:
                rows.append({"surface": "feedback", "channel": "api", "operation": "get_feedback", **_ids(p),
                             **_answer(shown, p["marker"])})
    return rows


def _ids(payload: dict) -> dict:
    return {"payload_id": payload["payload_id"], "marker": payload["marker"]}


# ------------------------------------------------------------------ pages, raw and in Chromium

def navigation_steps(steps: list[dict], inputs: tuple[str, ...]) -> list[dict] | None:
    """A journey's steps up to the first click after it fills one of `inputs`: the part that sends
    the input and opens the answer page, without the reads that only fit ordinary answers."""
    kept, filled = [], False
    for step in steps:
        kind = next(k for k in step if k != "optional")
        kept.append(step)
        if kind == "fill" and any("${" + name in str(step["fill"].get("value", "")) for name in inputs):
            filled = True
        elif kind == "click" and filled:
            return kept
    return None


PAGE_PROBES = (  # surface, journey, the journey's input variables, payloads per probe
    ("search", "find_procedure", ("procedure_name",), "each"),
    ("lookup", "lookup_dossier", ("dossier_code",), "each"),
    ("feedback", "submit_feedback", ("title", "content"), "together"),
)


def page_xss(session, fetch, profile, payloads: list[dict], email: str, run_id: str) -> list[dict]:
    """Each page probe: run the journey's navigation in Chromium, note alerts, then fetch the page
    the browser landed on without a browser and keep its raw HTML."""
    from harness.browser import JourneyRun, journey_steps

    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        try:
            dialog.dismiss()
        except Exception:
            pass

    page = session.page
    page.on("dialog", on_dialog)
    rows = []
    try:
        for surface, journey, inputs, mode in PAGE_PROBES:
            try:
                steps = navigation_steps(journey_steps(profile, journey), inputs)
            except Exception as exc:  # journey not configured and no default
                rows.append({"surface": surface, "channel": "browser", "journey": journey, "error": str(exc)})
                continue
            if steps is None:
                rows.append({"surface": surface, "channel": "browser", "journey": journey,
                             "error": f"journey '{journey}' fills none of {inputs} before a click — hành trình "
                                      "không gửi ô nhập nào; cannot reach its answer page"})
                continue
            if surface == "feedback" and not email:
                rows.append({"surface": surface, "channel": "browser", "journey": journey,
                             "error": "the profile gives no e-mail to send a probe from — hồ sơ mục tiêu không có e-mail"})
                continue
            groups = [[p] for p in payloads] if mode == "each" else [payloads]
            for group in groups:
                variables = _journey_inputs(surface, group, email, run_id)
                rows += _one_page_probe(session, fetch, profile, surface, journey, steps, group, variables, dialogs,
                                        JourneyRun)
    finally:
        page.remove_listener("dialog", on_dialog)
    return rows


def _journey_inputs(surface: str, group: list[dict], email: str, run_id: str) -> dict:
    if surface == "search":
        return {"procedure_name": group[0]["payload"]}
    if surface == "lookup":
        return {"dossier_code": group[0]["payload"]}
    # no `name` variable: JourneyRun.run_steps(name, steps, **variables) takes the journey's name first
    return {"title": group[0]["payload"], "content": " ".join(p["payload"] for p in group[1:]) or group[0]["payload"],
            "email": email}


def _one_page_probe(session, fetch, profile, surface, journey, steps, group, variables, dialogs, JourneyRun):
    before = len(dialogs)
    base = {"surface": surface, "journey": journey, "started": now_iso()}
    runner = JourneyRun(session.page, profile, guard=getattr(session, "guard", None))
    try:
        runner.run_steps(journey, steps, **variables)
        session.page.wait_for_load_state("load", timeout=runner.timeout_ms)
        error = None
    except Exception as exc:
        error = first_line(exc)[:400]
    landed = session.page.url
    seen = dialogs[before:]
    rows = []
    raw = fetch(landed) if error is None else None
    for p in group:
        rows.append({**base, "channel": "browser", **_ids(p), "url": landed, "error": error,
                     "dialogs": [d for d in seen if p["marker"] in d], "all_dialogs": len(seen)})
        if raw is not None:
            text = raw.text
            rows.append({**base, "channel": "page", **_ids(p), "url": raw.url, "status": raw.status_code,
                         "content_type": raw.headers.get("Content-Type"), "error": None,
                         "marker_found": p["marker"] in text, "body": text[:BODY_KEPT] if p["marker"] in text else ""})
        elif error is None:
            rows.append({**base, "channel": "page", **_ids(p), "url": landed, "status": None,
                         "error": "no answer fetching the page — không tải được trang"})
    return rows


# ------------------------------------------------------------------ SQL injection

def _sqli_answer(result, operation: str) -> dict:
    found = None
    if result.ok:
        if operation == "search_procedures":
            items = result.vars.get("procedures")
            found = len(items) if isinstance(items, list) else None
        else:
            found = 1 if result.vars.get("status_label") not in (None, "") else 0
    return {"url": result.url, "status": result.status, "content_type": result.header("Content-Type"),
            "results": found, "excerpt": result.text[:EXCERPT], "error": result.error or None}


def page_templates(rows: list[dict], payloads: list[dict]) -> dict[str, tuple[str, str, list]]:
    """surface -> (page URL, the query parameter that carried the input, the other parameters),
    read from the pages the browser landed on (a GET form puts the input in the query)."""
    by_marker = {p["marker"]: p["payload"] for p in payloads}
    found = {}
    for row in rows:
        if row.get("channel") != "browser" or row.get("error") or row["surface"] in found or not row.get("url"):
            continue
        parts = urlsplit(row["url"])
        query = parse_qsl(parts.query, keep_blank_values=True)
        carried = [name for name, value in query if value == by_marker.get(row["marker"])]
        if carried:
            others = [(n, v) for n, v in query if n != carried[0]]
            found[row["surface"]] = (urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), carried[0], others)
    return found


def sqli_pages(fetch, templates: dict, base_marker: str) -> dict:
    """The same baseline and payloads through the pages (search and lookup), fetched without a browser."""
    out = {"baseline": {}, "probes": []}
    for surface in ("search", "lookup"):
        if surface not in templates:
            continue
        url, name, others = templates[surface]

        def get(value):
            response = fetch(url + "?" + urlencode([*others, (name, value)]))
            if response is None:
                return {"url": url, "status": None, "content_type": None, "results": None, "excerpt": "",
                        "error": "no answer — không có phản hồi"}
            return {"url": response.url, "status": response.status_code,
                    "content_type": response.headers.get("Content-Type"), "results": None,
                    "excerpt": response.text[:EXCERPT], "error": None}

        key = f"{surface} page"
        out["baseline"][key] = {"operation": f"GET {urlsplit(url).path}", "value": base_marker, **get(base_marker)}
        for p in sqli_payloads(base_marker):
            out["probes"].append({"surface": key, "operation": f"GET {urlsplit(url).path}", **p, **get(p["payload"])})
    return out


def sqli(client, base_marker: str) -> dict:
    """Baseline (the marker alone: an ordinary no-match query) and each payload, per input."""
    surfaces = (("search", "search_procedures", "keyword"), ("lookup", "lookup_dossier", "dossier_code"))
    out = {"baseline": {}, "probes": []}
    for surface, operation, variable in surfaces:
        if not client.has(operation):
            continue
        out["baseline"][surface] = {"operation": operation, "value": base_marker,
                                    **_sqli_answer(client.call(operation, **{variable: base_marker}), operation)}
        for p in sqli_payloads(base_marker):
            out["probes"].append({"surface": surface, "operation": operation, **p,
                                  **_sqli_answer(client.call(operation, **{variable: p["payload"]}), operation)})
    return out
