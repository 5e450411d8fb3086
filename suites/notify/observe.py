"""How the `notifications` scenario observes: the events of the dossier_life dossiers that must
notify the applicant, the mails and SMS the simulator captured, and the overdue apology it issues
itself (print Mẫu 04 for the profile's `overdue_dossier`). Waits end as soon as what is expected
has arrived, and never later than the notification wait.
"""
from __future__ import annotations

import datetime as dt
from email.utils import getaddresses

import jmespath

from harness.judging import iso, now
from harness.nps.records import from_target
from suites.notify.judges import MAIL_EVENTS, SMS_EVENTS, match_events
from suites.packets.life import applicant_contacts, parse_time, run_dossiers, status_steps
from suites.packets.observe import wait_until
from suites.packets.records import floor_ms

MAX_TEXT = 6000  # characters of a message kept in the observations (codes and dates are near the top)


def events_of(dossier: dict) -> list[dict]:
    """The steps after which the applicant must be told: receipt, supplement requests, the result."""
    events, received = [], False
    for step in status_steps(dossier):
        kind = None
        if step.get("expected_code") == 2 and not received:
            kind, received = "receipt", True
        elif step.get("expected_code") == 5:
            kind = "supplement_request"
        elif step.get("expected_code") == 9:
            kind = "result"
        if kind:
            events.append({"kind": kind, "step": step.get("step"), "started": step.get("started"),
                           "finished": step.get("finished")})
    return events


def message_of(record: dict) -> dict:
    """A mail or SMS record as the judges read it: who it went to and all of its text."""
    request = record.get("request") if isinstance(record.get("request"), dict) else {}
    if record.get("kind") == "mail":
        envelope = request.get("envelope") or {}
        to = list(envelope.get("rcpt_tos") or []) + [a for _, a in getaddresses([request.get("to") or ""]) if a]
        text = "\n".join(str(request.get(k) or "") for k in ("subject", "text", "html"))
    else:
        to, text = [request.get("to")], str(request.get("message") or "")
    return {"seq": record["seq"], "time": record.get("time"), "kind": record.get("kind"), "to": sorted(set(filter(None, to))),
            "subject": request.get("subject"), "text": text[:MAX_TEXT], "response": record.get("response"),
            "fault": record.get("fault")}


def messages_of(records: list[dict]) -> list[dict]:
    """The mails and SMS among simulator records, as the judges read them."""
    return [message_of(r) for r in from_target(records) if r.get("kind") in ("mail", "sms")]


def wait_for_messages(nps, done, deadline: dt.datetime, since: int = 0) -> list[dict]:
    """Messages after `since`, fetched again at every new record until done(messages) or the deadline."""
    return wait_until(nps, done, deadline, since, keep=messages_of)


def all_notified(dossiers: list[dict]):
    def done(messages: list[dict]) -> bool:
        for dossier in dossiers:
            for channel, kinds, contact in (("mail", MAIL_EVENTS, "email"), ("sms", SMS_EVENTS, "phone")):
                events = [e for e in dossier["events"] if e["kind"] in kinds]
                address = dossier["contacts"].get(contact)
                if events and address and any(m is None for _, m in
                                              match_events(events, messages, channel, address, dossier["code"])):
                    return False
        return True
    return done


def online_dossiers(profile, life: dict | None) -> list[dict]:
    found = []
    for dossier in run_dossiers(life):
        if dossier.get("channel") != "online":
            continue
        found.append({"key": dossier.get("key"), "code": dossier["code"], "applicant": dossier.get("applicant"),
                      "contacts": applicant_contacts(profile, dossier), "events": events_of(dossier)})
    return found


def apology_probe(sc, nps, profile, wait_s: float, run_started: str | None) -> tuple[dict, list[dict]]:
    """Issue the apology for the overdue fixture dossier (print Mẫu 04) and collect the mails and SMS
    that name it, waiting at most the notification wait."""
    probe = {"dossier": None, "error": None, "run_started": run_started}
    try:
        code = sc.fixture("overdue_dossier")
    except Exception as exc:  # noqa: BLE001 - no fixture: the check is ERROR with this reason
        probe["error"] = f"{type(exc).__name__}: {exc}"
        return probe, []
    code = str(code)
    officer = sc.client("receiving_officer")
    before = officer.try_call("get_dossier", dossier_code=code)
    view = before.json if before.ok and isinstance(before.json, dict) else {}
    emails = {a.known.get("email") for role in profile.applicant_roles for a in profile.accounts(role)}
    phones = {a.known.get("phone") for role in profile.applicant_roles for a in profile.accounts(role)}
    emails.add(jmespath.search("applicant.email", view))
    phones.add(jmespath.search("applicant.phone", view))
    since = nps.last_seq()
    started = now()
    printed = officer.try_call("print_form", dossier_code=code, form_number=4)
    finished = now()
    after = officer.try_call("get_dossier", dossier_code=code)
    probe.update(dossier=code, channel=before.vars.get("channel") if before.ok else None,
                 contacts={"email": sorted(e for e in emails if e), "phone": sorted(p for p in phones if p)},
                 appointment_before=before.vars.get("appointment_date") if before.ok else None,
                 appointment_after=after.vars.get("appointment_date") if after.ok else None,
                 issued={"operation": "print_form", "form_number": 4, "started": iso(started), "finished": iso(finished),
                         "ok": printed.ok, "http_status": printed.status,
                         "error": None if printed.ok else printed.describe()},
                 since_seq=since)
    probe["run_started"] = run_started or probe["issued"]["started"]

    # Stop waiting on what the judge accepts: a message naming the dossier since the run began. A
    # portal may send the apology when it detects the delay, before this print (refportal does).
    run_start = parse_time(probe["run_started"])

    def done(messages: list[dict]) -> bool:
        return any(code in (m.get("text") or "") and parse_time(m.get("time")) is not None and run_start is not None
                   and parse_time(m["time"]) >= floor_ms(run_start) for m in messages)

    messages = wait_for_messages(nps, done, finished + dt.timedelta(seconds=wait_s))
    return probe, [m for m in messages if code in (m.get("text") or "")]


def deadline_for(dossiers: list[dict], wait_s: float) -> dt.datetime:
    ends = [parse_time(e.get("finished")) for d in dossiers for e in d["events"]]
    ends = [t for t in ends if t is not None]
    return (max(ends) if ends else now()) + dt.timedelta(seconds=wait_s)
