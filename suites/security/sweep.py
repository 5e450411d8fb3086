"""The `security_sweep` scenario: headers, session cookies, plain HTTP, error answers and protected
URLs, as an anonymous visitor, a citizen and (for contrast) the accounts the URLs are meant for.

Every probe is one bounded request; nothing is created on the target.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import requests

from harness import deadlines
from harness.api import USER_AGENT
from suites.security.answers import parse_set_cookie, split_set_cookie

BODY_KEPT = 8000   # characters of an error answer kept for the judge and the evidence
# Back-office data the profile's vocabulary reaches with a GET, and the role each belongs to.
PROTECTED_OPERATIONS = {"get_audit_log": "admin", "list_dossiers": "receiving_officer"}


def distinct_bases(profile) -> dict[str, str]:
    """portal / api / backoffice base URLs, each distinct URL once (first name wins)."""
    seen, bases = set(), {}
    for name in ("portal", "api", "backoffice"):
        url = profile.base_url(name)
        if url not in seen:
            seen.add(url)
            bases[name] = url
    return bases


def _headers(response) -> dict:
    return {k.lower(): v for k, v in response.headers.items() if k.lower() != "set-cookie"}


# ------------------------------------------------------------------ pages and their headers

def public_pages(client, profile) -> list[dict]:
    pages = []
    for name, url in distinct_bases(profile).items():
        if name == "api":
            continue  # headers of pages; an API base often answers 404 at its root
        row = {"label": f"{name} (ẩn danh — anonymous)", "url": url + "/", "logged_in": False}
        response = client.request("GET", url + "/")
        if response is None:
            pages.append({**row, "status": None, "error": "no answer — không có phản hồi"})
            continue
        pages.append({**row, "url": response.url, "status": response.status_code,
                      "content_type": response.headers.get("Content-Type"), "headers": _headers(response),
                      "error": None})
    return pages


def browser_login(session, account) -> dict:
    """Log in through the profile's login journey; return the page it lands on (with headers) and
    every Set-Cookie the browser received, marking those answered to a POST (the credentials)."""
    set_cookies: list[tuple[str, str, str]] = []

    def on_response(response):
        try:
            for pair in response.headers_array():
                if pair["name"].lower() == "set-cookie":
                    for line in pair["value"].split("\n"):
                        set_cookies.append((response.request.method, response.url, line))
        except Exception:  # a response that went away while we read it
            pass

    page = session.page
    page.on("response", on_response)
    try:
        session.journey("login", username=account.username, password=account.password)
    finally:
        page.remove_listener("response", on_response)
    landed = page.url
    response = page.goto(landed, wait_until="domcontentloaded")
    headers = {k.lower(): v for k, v in (response.all_headers() if response else {}).items() if k.lower() != "set-cookie"}
    cookies = []
    for method, url, line in set_cookies:
        for cookie in parse_set_cookie([line]):
            cookies.append({**cookie, "source": "browser login", "set_by": f"{method} {urlsplit(url).path}",
                            "answer_to_post": method == "POST"})
    page_row = {"label": "trang sau đăng nhập — page after login", "url": landed, "logged_in": True,
                "status": response.status if response else None,
                "content_type": headers.get("content-type"), "headers": headers, "error": None}
    return {"page": page_row, "cookies": cookies}


def api_login_cookies(client, profile, account) -> list[dict]:
    """Set-Cookie of the API login answer (the credentials go in, a session may come out)."""
    result = client.call(profile.session["login_operation"], _anonymous=True,
                         username=account.username, password=account.password)
    lines = split_set_cookie(result.header("Set-Cookie"))
    return [{**c, "source": "API login", "set_by": f"{profile.session['login_operation']} → HTTP {result.status}",
             "answer_to_post": True} for c in parse_set_cookie(lines)]


# ------------------------------------------------------------------ plain HTTP

def http_counterpart(url: str) -> str | None:
    """http://host[:port] for an https base URL: the same port when it is not 443, else port 80."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        return url  # already plain HTTP: probing it shows whether content is served
    netloc = parts.hostname if parts.port in (None, 443) else f"{parts.hostname}:{parts.port}"
    if parts.hostname and ":" in parts.hostname:
        netloc = f"[{parts.hostname}]" + ("" if parts.port in (None, 443) else f":{parts.port}")
    return urlunsplit(("http", netloc, parts.path or "/", "", ""))


def http_probes(profile, timeout: float, limiter) -> list[dict]:
    """`limiter`: the run's (harness/traffic.py): the profile's rate limit binds every sender."""
    rows = []
    for name, base in distinct_bases(profile).items():
        url = http_counterpart(base)
        row = {"base": name, "url": url, "outcome": None, "status": None, "location": None, "error": None}
        try:
            limiter.wait()
            response = deadlines.request(None, "GET", url, deadline_s=timeout, allow_redirects=False,
                                         max_bytes=int(profile.limits["max_response_mb"] * deadlines.MEGABYTE),
                                         headers={"User-Agent": USER_AGENT})
        except deadlines.AnswerTooLarge:
            rows.append({**row, "outcome": "content", "error": "answer over limits.max_response_mb"})
            continue
        except requests.RequestException as exc:
            # connection refused or closed: nothing is served over plain HTTP
            rows.append({**row, "outcome": "refused", "error": f"{type(exc).__name__}: {str(exc)[:200]}"})
            continue
        location = response.headers.get("Location")
        if 300 <= response.status_code < 400:
            outcome = "redirect"
        elif response.status_code >= 400:
            outcome = "refused"
        else:
            outcome = "content"
        rows.append({**row, "outcome": outcome, "status": response.status_code, "location": location,
                     "content_type": response.headers.get("Content-Type"), "length": len(response.content)})
    return rows


# ------------------------------------------------------------------ error answers

def error_probes(client, profile, marker: str) -> list[dict]:
    """Unknown paths and malformed requests; the answers must not show internals."""
    probes = []
    for name, base in distinct_bases(profile).items():
        probes.append((f"{name}: đường dẫn không tồn tại — unknown path", "GET", f"{base}/dokiem-{marker}-khong-ton-tai", {}))
    portal = profile.base_url("portal")
    probes.append(("portal: mã hóa URL sai — malformed percent-encoding", "GET", f"{portal}/dokiem%ff%fe{marker}", {}))
    from harness.profile_steps import first_request  # a multi-step operation: its first request

    login = profile.operations.get(profile.session["login_operation"])
    if login:
        login = first_request(profile, profile.session["login_operation"])
        login_url = _operation_url(profile, login)
        probes.append(("login: JSON hỏng — malformed JSON", login["method"], login_url,
                       {"data": '{"username": "dokiem' + marker, "headers": {"Content-Type": "application/json"}}))
        probes.append(("login: phương thức khác — wrong method", "PUT" if login["method"] != "PUT" else "PATCH",
                       login_url, {}))
    if "get_procedure" in profile.operations:
        probes.append(("get_procedure: mã lạ — odd procedure code", "GET",
                       _operation_url(profile, first_request(profile, "get_procedure"),
                                      procedure_code=f"dokiem'\"{marker}"), {}))
    rows = []
    for label, method, url, kwargs in probes:
        row = {"label": label, "method": method, "url": url, "status": None, "content_type": None,
               "headers": {}, "body": "", "error": None}
        response = client.request(method, url, allow_redirects=False, **kwargs)
        if response is None:
            rows.append({**row, "error": "no answer — không có phản hồi"})
            continue
        rows.append({**row, "status": response.status_code, "content_type": response.headers.get("Content-Type"),
                     "headers": _headers(response), "body": response.text[:BODY_KEPT]})
    return rows


def _operation_url(profile, spec: dict, **variables) -> str:
    from harness.api import render

    path = render(spec["path"], {**profile.test_data, **variables}, missing_ok=True)
    if path.startswith(("http://", "https://")):
        return path
    return profile.base_url(spec.get("base", "api")) + "/" + path.lstrip("/")


# ------------------------------------------------------------------ protected URLs

def protected_probes(sc, citizen, anonymous, date_from: str, date_to: str) -> list[dict]:
    """Back-office reads as anonymous and as a citizen, each beside the answer its own role gets."""
    rows = []
    for operation, owner_role in PROTECTED_OPERATIONS.items():
        if operation not in sc.profile.operations:
            continue
        inputs = {"date_from": date_from, "date_to": date_to}
        owner = None
        if sc.profile.account(owner_role) is not None:
            owner = sc.client(owner_role)
        elif sc.profile.account("admin") is not None:
            owner, owner_role = sc.client("admin"), "admin"
        for who, client in (("anonymous", anonymous), ("citizen", citizen), (owner_role, owner)):
            if client is None:
                continue
            result = client.call(operation, **inputs)
            rows.append({"target": operation, "as": who, "expect": "allowed" if who == owner_role else "denied",
                         "url": result.url, "status": result.status, "login_form": _has_password_field(result.text),
                         "error": result.error or None})
    backoffice = sc.profile.base_url("backoffice")
    if backoffice != sc.profile.base_url("portal"):
        for who, client in (("anonymous", anonymous), ("citizen", citizen)):
            response = client.request("GET", backoffice + "/")
            rows.append({"target": "backoffice", "as": who, "expect": "denied",
                         "url": response.url if response is not None else backoffice,
                         "status": response.status_code if response is not None else None,
                         "login_form": _has_password_field(response.text if response is not None else ""),
                         "error": None if response is not None else "no answer — không có phản hồi"})
    return rows


def _has_password_field(text: str) -> bool:
    """A login form: what a protected page shows instead of its content."""
    return bool(re.search(r"""type\s*=\s*["']?password""", text or "", re.I))

