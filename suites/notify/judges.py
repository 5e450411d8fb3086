"""Judges of the `notifications` observations: the mails (SMTP sink) and SMS (gateway capture) the
applicant received. Pure functions; see suites/notify/README.md for the observations.

A message "names" a dossier when its code is in the subject, text or HTML (mail) or the text
(SMS). It belongs to an event (receipt, supplement request, result) when it reached the
applicant's address after the step began and says what happened (EVENT_WORDS, compared without
diacritics, as SMS are often written); each message serves one event.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import partial

from harness import judging
from harness.judging import Inconclusive
from suites.packets.life import parse_time
from suites.packets.records import floor_ms

fail_if = partial(judging.fail_if, more=judging.AND_MORE_SEE_OBSERVATIONS)

MAIL_EVENTS = ("receipt", "supplement_request", "result")
SMS_EVENTS = ("receipt", "result")
# What a notification of each event says, in the words Vietnamese portals use (without diacritics).
EVENT_WORDS = {"receipt": ("tiep nhan", "da nhan ho so"), "supplement_request": ("bo sung", "hoan thien"),
               "result": ("ket qua",)}
EVENT_NAMES = {"receipt": "tiếp nhận (receipt)", "supplement_request": "yêu cầu bổ sung (supplement request)",
               "result": "có kết quả (result ready)"}


def phone_key(value) -> str:
    """0912345601, +84 912 345 601 and 84912345601 are one number."""
    digits = re.sub(r"\D", "", str(value or ""))
    if digits.startswith("84") and len(digits) > 9:
        digits = "0" + digits[2:]
    return digits


def email_key(value) -> str:
    return str(value or "").strip().casefold()


def addressed_to(message: dict, channel: str, address: str | None) -> bool:
    if not address:
        return False
    if channel == "mail":
        return email_key(address) in {email_key(a) for a in message.get("to") or []}
    return phone_key(address) in {phone_key(a) for a in message.get("to") or []}


def names(message: dict, code: str) -> bool:
    return bool(code) and code in (message.get("text") or "")


def plain(text) -> str:
    """Lower case, without diacritics: "Đã có kết quả" and "da co ket qua" read the same."""
    decomposed = unicodedata.normalize("NFD", str(text or "").replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tells(message: dict, kind: str) -> bool:
    text = plain(message.get("text"))
    return any(word in text for word in EVENT_WORDS[kind])


def match_events(events: list[dict], messages: list[dict], channel: str, address: str | None,
                 code: str) -> list[tuple[dict, dict | None]]:
    """Pair each event with the earliest unused message of the channel, to the address, naming the
    dossier and telling the event, that arrived after the event's step began."""
    candidates = sorted((m for m in messages if m.get("kind") == channel and addressed_to(m, channel, address)
                         and names(m, code)), key=lambda m: m["seq"])
    used, pairs = set(), []
    for event in sorted(events, key=lambda e: e.get("started") or ""):
        started = parse_time(event.get("started"))
        chosen = next((m for m in candidates if m["seq"] not in used and started is not None
                       and tells(m, event["kind"]) and parse_time(m.get("time")) is not None
                       and parse_time(m["time"]) >= floor_ms(started)), None)
        if chosen is not None:
            used.add(chosen["seq"])
        pairs.append((event, chosen))
    return pairs


def _judge(obs: dict, wait_s: float, channel: str, kinds: tuple[str, ...], contact: str) -> None:
    dossiers = obs.get("dossiers") or []
    judged = [(d, e) for d in dossiers for e in d.get("events") or [] if e.get("kind") in kinds]
    if not judged:
        reason = obs.get("dossier_life_error")
        text = ("không có hồ sơ trực tuyến nào được tiếp nhận, yêu cầu bổ sung hay có kết quả trong lượt chạy — no "
                "online dossier was received, asked to supplement or resolved in the run")
        raise Inconclusive(f"{text}; {reason}" if reason else text)
    messages, problems, missing_contact = obs.get("messages") or [], [], []
    for dossier in dossiers:
        events = [e for e in dossier.get("events") or [] if e.get("kind") in kinds]
        if not events:
            continue
        address = (dossier.get("contacts") or {}).get(contact)
        if not address:
            missing_contact.append(dossier["code"])
            continue
        for event, message in match_events(events, messages, channel, address, dossier["code"]):
            what = f"hồ sơ {dossier['code']}, sự kiện {EVENT_NAMES[event['kind']]} ({event.get('step')} lúc {event.get('started')})"
            if message is None:
                problems.append(f"{what}: {address} không nhận được {'thư' if channel == 'mail' else 'tin nhắn'} nào "
                                f"nêu mã hồ sơ — no {'e-mail' if channel == 'mail' else 'SMS'} naming the dossier "
                                f"reached {address}")
                continue
            finished, arrived = parse_time(event.get("finished")), parse_time(message.get("time"))
            if finished and arrived and (arrived - finished).total_seconds() > wait_s:
                late = (arrived - finished).total_seconds()
                problems.append(f"{what}: thông báo #{message['seq']} đến sau {late:.1f} s, quá {wait_s:g} s — "
                                f"the notification came {late:.1f} s after the step, over {wait_s:g} s")
    fail_if(problems, f"Người nộp không nhận được {'thư điện tử' if channel == 'mail' else 'tin nhắn SMS'} thông báo",
            f"The applicant did not receive the {'e-mail' if channel == 'mail' else 'SMS'} notifications")
    if missing_contact:
        raise Inconclusive(f"hồ sơ mục tiêu không ghi {contact} của người nộp (accounts.<role>[i].known.{contact}) cho "
                           f"hồ sơ {', '.join(missing_contact)} — the profile does not know the applicant's {contact}")
    seen = {e["kind"] for _, e in judged}
    unseen = [k for k in kinds if k not in seen]
    if unseen:
        raise Inconclusive("lượt chạy không có sự kiện " + ", ".join(EVENT_NAMES[k] for k in unseen)
                           + " của hồ sơ trực tuyến nào nên chưa đánh giá được phần đó — the run had no such event")


def mail(obs: dict, wait_s: float) -> None:
    _judge(obs, wait_s, "mail", MAIL_EVENTS, "email")


def sms(obs: dict, wait_s: float) -> None:
    _judge(obs, wait_s, "sms", SMS_EVENTS, "phone")


# ------------------------------------------------------------------------------ the apology

def date_forms(value) -> list[str]:
    """The ways a message may write an appointment date (ISO 8601 date or date-time in)."""
    moment = parse_time(value) if value and "T" in str(value) else None
    try:
        day = moment.date() if moment else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return []
    return [f"{day:%d/%m/%Y}", f"{day.day}/{day.month}/{day.year}", day.isoformat(), f"{day:%d-%m-%Y}",
            f"{day:%d.%m.%Y}", f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
            f"ngày {day.day} tháng {day.month} năm {day.year}"]


def apology_mail(obs: dict, wait_s: float) -> None:
    probe = obs.get("apology") or {}
    if probe.get("error") or not probe.get("dossier"):
        raise Inconclusive("không lấy được hồ sơ quá hạn (fixture overdue_dossier) để thử — the overdue fixture "
                           f"dossier is not available: {probe.get('error') or 'no probe'}")
    code, issue = probe["dossier"], probe.get("issued") or {}
    if probe.get("channel") and probe["channel"] != "online":
        raise Inconclusive(f"hồ sơ quá hạn {code} không nộp trực tuyến (kênh {probe['channel']}) — the overdue fixture "
                           "was not filed online")
    contacts = probe.get("contacts") or {}  # {"email": [...], "phone": [...]}
    if not contacts.get("email") and not contacts.get("phone"):
        raise Inconclusive(f"không biết thư điện tử, số điện thoại của người nộp hồ sơ {code} — the applicant's "
                           "e-mail and phone are unknown")
    earliest, finished = parse_time(probe.get("run_started")), parse_time(issue.get("finished"))
    forms = date_forms(probe.get("appointment_after"))
    problems, reached = [], []
    for message in sorted(obs.get("apology_messages") or [], key=lambda m: m["seq"]):
        channel = message.get("kind")
        to_applicant = any(addressed_to(message, channel, a) for a in contacts.get("email" if channel == "mail"
                                                                                     else "phone") or [])
        arrived = parse_time(message.get("time"))
        if not (to_applicant and names(message, code) and arrived and earliest and finished
                and floor_ms(earliest) <= arrived and (arrived - finished).total_seconds() <= wait_s):
            continue
        reached.append(message)
        if forms and not any(f in (message.get("text") or "") for f in forms):
            problems.append(f"thông báo #{message['seq']} ({channel}) không ghi ngày hẹn trả mới {forms[0]} — the "
                            "message does not carry the new appointment date")
    if not reached:
        issued = ("" if issue.get("ok") else
                  f" (in Mẫu 04 trả về {issue.get('http_status')} — printing form 04 answered {issue.get('http_status')})")
        raise AssertionError(f"Người nộp hồ sơ quá hạn {code} không nhận được thư điện tử hay tin nhắn xin lỗi nêu mã hồ sơ "
                             f"trong {wait_s:g} s sau khi phiếu xin lỗi được lập{issued} — no apology e-mail or SMS "
                             f"naming the dossier reached the applicant within {wait_s:g} s of its issue")
    if len(problems) == len(reached):
        fail_if(problems, "Thư, tin nhắn xin lỗi không ghi ngày hẹn trả mới",
                "The apology does not give the new appointment date")
