"""The `dossier_registers` part: what the back office and the portal list once the run's dossiers are
made — each citizen's own dossiers, the receiving officer's register, the administrator's audit
log — and the `dossier_overdue` part: the profile's overdue fixture dossier as the back office
shows it, before and after its apology slip (Mẫu 04) is printed."""
from __future__ import annotations

import re

from suites.dossier import documents
from suites.dossier.driver import Driver, _entry_time, _text

MAX_AUDIT_ENTRIES = 2000


def observe(life: Driver) -> dict:
    if life.read_only:
        life.guard("register", lambda: register(life))  # also the open dossiers already there
    else:
        for name, action in (("my_dossiers", my_dossiers), ("register", register), ("audit", audit)):
            life.guard(name, lambda action=action: action(life))
    return {name: life.obs[name] for name in ("my_dossiers", "register", "audit")}


def observe_overdue(life: Driver) -> dict:
    life.guard("overdue", lambda: overdue(life))
    return {"overdue": life.obs["overdue"]}


def my_dossiers(life) -> None:
    codes = {d["code"] for d in life.obs["dossiers"] if d["code"]}
    for index in (0, 1):
        account = life.profile.account("citizen", index)
        if account is None:
            continue
        entry = {"username": account.username, "ok": False, "error": None, "items": []}
        life.obs["my_dossiers"][f"citizen{index}"] = entry
        result = call_into(entry, life, ("citizen", index), "list_my_dossiers")
        for item in (result.vars.get("dossiers") or []) if result else []:
            label, code = life.item_status(item)
            entry["items"].append({"code": life.item_code(item, codes), "status_label": label, "status_code": code})


NOT_CALLED = "cannot be called (no session or not configured)"


def call_into(info: dict, life, account: tuple[str, int], operation: str, **inputs):
    """Call `operation` as the account (role, index), noting in `info` whether it answered (ok,
    http_status, error); the result when it did, else None."""
    client = life.client(*account)
    if client is None or not life.has(operation):
        info["error"] = f"{operation} {NOT_CALLED}"
        return None
    result = client.call(operation, **inputs)
    info.update(ok=result.ok, http_status=result.status, error=None if result.ok else result.describe()[:300])
    return result if result.ok else None


def item_appointment(item) -> str | None:
    if not isinstance(item, dict):
        return None
    return next((item[k] for k in item if re.search(r"appointment|hen_?tra|ngay_?hen", k, re.I)
                 and isinstance(item[k], str)), None)


def register(life) -> None:
    date_from, date_to = life.run_days()
    info = {"ok": False, "date_from": date_from, "date_to": date_to, "count": 0, "items": [], "error": None}
    life.obs["register"] = info
    result = call_into(info, life, ("receiving_officer", 0), "list_dossiers", date_from=date_from, date_to=date_to)
    codes = {d["code"] for d in life.obs["dossiers"] if d["code"]}
    items = (result.vars.get("dossiers") or []) if result else []
    info["count"] = len(items)
    for item in items:
        code = life.item_code(item, codes)
        if code not in codes:
            if life.read_only and len(info["items"]) < 200:
                label, status = life.item_status(item)  # dossiers already there, for the overdue flag
                info["items"].append({"code": code, "status_label": label, "status_code": status, "dates": [],
                                      "overdue": item.get("overdue") if isinstance(item, dict) else None,
                                      "appointment_date": item_appointment(item)})
            continue
        label, status = life.item_status(item)
        dates = sorted({str(documents.local_date(v)) for v in (item.values() if isinstance(item, dict) else [])
                        if isinstance(v, str) and documents.local_date(v)})
        info["items"].append({"code": code, "status_label": label, "status_code": status, "dates": dates,
                              "overdue": item.get("overdue") if isinstance(item, dict) else None,
                              "appointment_date": item_appointment(item)})


def audit(life) -> None:
    date_from, date_to = life.run_days()
    info = {"ok": False, "error": None, "date_from": date_from, "date_to": date_to, "entries": [], "total": 0}
    life.obs["audit"] = info
    result = call_into(info, life, ("admin", 0), "get_audit_log", date_from=date_from, date_to=date_to)
    entries = result.vars.get("entries") if result else None
    entries = entries if isinstance(entries, list) else []
    info["total"] = len(entries)
    needles = {d["code"] for d in life.obs["dossiers"] if d["code"]}
    needles |= {row["username"] for row in life.obs["logins"] if row["username"]}
    for entry in entries:
        text = _text(entry)
        if not any(n in text for n in needles):
            continue
        moment = _entry_time(entry) if isinstance(entry, dict) else None
        # the entry's own fields too: whether it records a success or a failure is in them
        fields = {k: (v[:200] if isinstance(v, str) else v) for k, v in entry.items()
                  if isinstance(v, (str, int, float, bool)) or v is None} if isinstance(entry, dict) else {}
        info["entries"].append({"time": moment, "text": text[:1000], "fields": fields})
        if len(info["entries"]) >= MAX_AUDIT_ENTRIES:
            break


def overdue(life) -> None:
    info = {"fixture_code": None, "error": None, "before": None, "apology": None, "after": None}
    life.obs["overdue"] = info
    try:
        info["fixture_code"] = str(life.sc.fixture("overdue_dossier"))
    except Exception as exc:
        info["error"] = f"{type(exc).__name__}: {exc}"
        life.error(f"overdue fixture: {info['error']}")
        return
    officer = life.client("receiving_officer")
    if officer is None:
        info["error"] = "no receiving officer session"
        return

    def state():
        seen = life.view(officer, info["fixture_code"])
        return {"ok": seen["ok"], "http_status": seen["http_status"], "status_label": seen["label"],
                "status_code": seen["code"], "overdue": seen["vars"].get("overdue"),
                "appointment_date": seen["vars"].get("appointment_date"), "error": seen["error"]}
    info["before"] = state()
    if life.read_only:
        return  # printing the apology slip may issue it: a change
    probe = {"key": "overdue_fixture", "code": info["fixture_code"], "forms": {}}
    life.print_form(probe, 4)
    info["apology"] = probe["forms"]["4"]
    info["after"] = state()
