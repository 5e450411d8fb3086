"""The `dossier_browser` part: a citizen in the browser — log in, submit through the e-form (the fields
the page pre-filled are read first; the state-changing requests it sent are then forged, for
security.csrf), the dossier processed to its result and rated in the browser (`online_browser`) —
and, once the other dossiers are done, anonymous lookups on the portal's public page: `online_full`
and one dossier of each other status the run ended in."""
from __future__ import annotations

from harness import envelope
from harness.profile import target_hosts
from suites.dossier import documents
from suites.dossier.driver import MAX_TEXT, Driver, _now, _scalars
from suites.security import csrf

MAX_HTML = 200_000  # a lookup page is ~10 kB; a page this long is kept only in part
MAX_OTHER_LOOKUPS = 9  # one per other status: at most the nine national statuses besides online_full's

KEYS = ("online_browser",)


def observe(life: Driver) -> dict:
    if not life.read_only:
        life.guard("browser_part", lambda: browser_part(life))
    return {"dossiers": life.dossiers(*KEYS), "browser": life.obs["browser"]}


def browser_part(life) -> None:
    info = life.obs["browser"]
    if life.open_browser is None:
        info["errors"].append("no browser in this run")
        return
    try:
        browser = life.open_browser()
    except Exception as exc:
        info["errors"].append(f"the browser did not start: {type(exc).__name__}: {exc}")
        return
    account = life.profile.account("citizen", 0)
    info["known"] = dict(account.known) if account else {}
    d = None
    with life.sc.browser(browser, "citizen", storage_state=account.storage_state if account else None) as session:
        if not browser_login(life, session, account):
            return
        d = browser_submit(life, session)
    if d is not None and d["code"]:
        life.guard("online_browser life", lambda: browser_life(life, browser, account, d))


def browser_login(life, session, account) -> bool:
    info = life.obs["browser"]
    info["login"] = {"ok": False, "error": None, "started": _now()}
    if account is None:
        info["login"]["error"] = "no citizen account"
        return False
    if account.storage_state:
        info["login"]["ok"] = True  # the saved session is the login
        return True
    try:
        session.journey("login", username=account.username, password=account.password)
        info["login"]["ok"] = True
    except Exception as exc:
        info["login"]["error"] = f"{type(exc).__name__}: {exc}"
        info["errors"].append(f"login journey: {info['login']['error']}")
    return info["login"]["ok"]


def browser_submit(life, session) -> dict | None:
    """Submit through the e-form: the fields the page pre-filled are read before anything is typed."""
    info = life.obs["browser"]
    d = life.new_dossier("online_browser", "online", life.test_data.get("online_procedure"))
    files = life.make_files(d, 1)
    record = {"step": "submit", "operation": "journey:submit_online", "role": "citizen",
              "username": d["applicant"]["username"], "started": _now(), "finished": None, "ok": False,
              "http_status": None, "error": None, "expected_code": 1, "vars": {}, "reason": None}
    posts = csrf.PostRecorder(session.context, target_hosts(life.profile))
    try:
        out = session.journey("submit_online", procedure_code=d["procedure_code"], ghi_chu=d["form_data"]["ghi_chu"],
                              trich_yeu=d["form_data"].get("trich_yeu", ""), files=files)
        info["prefilled"] = {k[len("prefilled_"):]: v for k, v in out.items() if k.startswith("prefilled_")}
        d["code"] = (out.get("dossier_code") or "").strip() or None
        record.update(ok=bool(d["code"]), vars=_scalars({k: v for k, v in out.items() if not k.startswith("prefilled_")}),
                      error=None if d["code"] else "the journey read no dossier_code — hành trình không đọc được mã hồ sơ")
    except Exception as exc:
        record["error"] = f"{type(exc).__name__}: {exc}"
        # what the form showed before sending failed is still an observation (dossier.prefill)
        read = getattr(exc, "read", {}) or {}
        info["prefilled"] = {k[len("prefilled_"):]: v for k, v in read.items() if k.startswith("prefilled_")}
    record["finished"] = _now()
    info["submit"] = {"ok": record["ok"], "code": d["code"], "error": record["error"]}
    d["steps"].append(record)
    if not record["ok"]:
        info["errors"].append(f"submit_online journey: {record['error']}")
        life.obs["dossiers"].remove(d)  # no dossier was made (as far as the harness can tell)
        return None
    life.read_views(d, record)
    forge_posts(life, session, posts)
    return d


def forge_posts(life, session, posts) -> None:
    """The submission's own requests, forged (security.csrf): after the real dossier is read, so that
    a forged copy the target accepts cannot be mistaken for it."""
    try:
        life.obs["browser"]["forged_posts"] = csrf.forge(session.context, posts, int(life.profile.limits["step_timeout_ms"]),
                                                 life.sc.run.traffic.limiter, envelope.rule_of(life.profile.data))
    except Exception as exc:  # the probe's own failure: security.csrf is ERROR, the dossier goes on
        life.obs["browser"]["errors"].append(f"csrf probe: {type(exc).__name__}: {exc}")


def browser_life(life, browser, account, d: dict) -> None:
    info = life.obs["browser"]
    try:
        life.step(d, "receive", "receive_dossier", "receiving_officer")
        life.step(d, "process", "process_dossier", "specialist", note=f"dokiem {life.run_id}: thụ lý")
        life.step(d, "approve", "approve_dossier", "leader")
        life.step(d, "return", "return_result", "receiving_officer")
    finally:
        life.finish_probes(d)
    middle = max(1, int(life.sc.parameter("rating.levels")) - 1)  # "Hài lòng" on the three-level scale
    rate = {"ok": False, "score": middle, "error": None, "rating_after": None, "started": _now()}
    info["rate"] = rate
    with life.sc.browser(browser, "rating", storage_state=account.storage_state) as session:
        try:
            if browser_login(life, session, account):
                session.journey("rate_dossier", dossier_code=d["code"], score=middle,
                                comment=f"dokiem {life.run_id}: đánh giá trên trình duyệt")
                rate["ok"] = True
        except Exception as exc:
            rate["error"] = f"{type(exc).__name__}: {exc}"
            info["errors"].append(f"rate_dossier journey: {rate['error']}")
    if rate["ok"]:
        seen, _ = life.wait_until(lambda: life.view(life.client("citizen"), d["code"]),
                                  lambda v: v["vars"].get("rating") is not None, kind="rating")
        rate["rating_after"] = seen["vars"].get("rating")


def lookup(life) -> None:
    """Dossiers looked up anonymously on the portal's public page, in one fresh context (nobody is
    logged in): `online_full` (`browser.lookup`), then one dossier of each other status the run's
    dossiers ended in (`browser.other_lookups`). The page a citizen reads is a source of its own:
    it must show the status the API shows, and no more of the applicant than the API may."""
    full = life.dossier("online_full")
    if full is None or not full["code"] or life.open_browser is None:
        return
    info = life.obs["browser"]
    seen, others = {life.current_code(full)}, []
    for d in life.obs["dossiers"]:
        code = life.current_code(d)
        if d["code"] and code is not None and code not in seen and len(others) < MAX_OTHER_LOOKUPS:
            seen.add(code)
            others.append(d)
    info["lookup"] = _lookup_row(life, full)
    info["other_lookups"] = [_lookup_row(life, d) for d in others]
    rows = [info["lookup"], *info["other_lookups"]]
    try:
        browser = life.open_browser()
        with life.sc.browser(browser, "lookup") as session:  # a fresh context: nobody is logged in
            for row in rows:
                _look_up(info, session, life, row)
    except Exception as exc:
        for row in rows:
            if not row["ok"]:
                row["error"] = row["error"] or f"{type(exc).__name__}: {exc}"


def _lookup_row(life, d: dict) -> dict:
    return {"key": d["key"], "code": d["code"], "expected_code": life.current_code(d), "ok": False,
            "status_label": None, "status_code": None, "error": None, "page_text": ""}


def _look_up(info: dict, session, life, row: dict) -> None:
    try:
        out = session.journey("lookup_dossier", dossier_code=row["code"])
        row.update(ok=True, status_label=out.get("status_label"),
                   status_code=life.national_code(out.get("status_label"), out.get("status_code"),
                                                  row["expected_code"]))
    except Exception as exc:
        row["error"] = f"{type(exc).__name__}: {exc}"
        info["errors"].append(f"lookup_dossier journey ({row['key']}): {row['error']}")
    try:
        raw = session.page.content()
        row["page_text"] = documents.html_text(raw)[:MAX_TEXT]
        row["page_html"] = raw[:MAX_HTML]  # attributes, hidden inputs, comments, scripts: where data hides
    except Exception:
        pass
