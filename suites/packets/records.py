"""Reading the simulator's records (harness/nps/PROTOCOL.md §5.1) and pairing packets with the
steps that caused them. Pure functions over plain data; the judges build on them.
"""
from __future__ import annotations

import datetime as dt

from harness.national import parse_packet_time
from suites.packets.life import OFFICER_ROLES, parse_time, status_steps

DOSSIER_SERVICE = "DongBoHoSoMC"
PROGRESS_SERVICE = "CapNhatTienDoHoSoMC"
LOOKUP_SERVICE = "TraCuuHoSo"
PULL_SERVICE = "LayThuTuc"
STATUS_FIELD = {DOSSIER_SERVICE: "TrangThaiHoSo", PROGRESS_SERVICE: "TrangThai"}
ONE_SECOND = dt.timedelta(seconds=1)


def is_accepted(record: dict) -> bool:
    """The simulator took the call: HTTP 200 and error_code "0"."""
    response = record.get("response")
    return (record.get("http_status", 200) == 200 and isinstance(response, dict)
            and str(response.get("error_code")) == "0")


def calls(records: list[dict], service: str | None = None) -> list[dict]:
    """National-portal integration calls (kind "packet"), of one service, in the order answered."""
    found = [r for r in records if r.get("kind") == "packet" and (service is None or r.get("service") == service)]
    return sorted(found, key=lambda r: r["seq"])


def auth_calls(records: list[dict]) -> list[dict]:
    return sorted((r for r in records if r.get("kind") == "auth"), key=lambda r: r["seq"])


def request_of(record: dict) -> dict:
    request = record.get("request")
    return request if isinstance(request, dict) else {}


def data_items(record: dict) -> list[dict]:
    data = request_of(record).get("data")
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def packets_of(records: list[dict], code: str, service: str) -> list[tuple[dict, dict]]:
    """(record, data item) of one dossier in one service, in the order the simulator answered."""
    return [(record, item) for record in calls(records, service) for item in data_items(record)
            if item.get("MaHoSo") == code]


def accepted_packets(records: list[dict], code: str, service: str) -> list[tuple[dict, dict]]:
    return [(r, i) for r, i in packets_of(records, code, service) if is_accepted(r)]


def label(record: dict) -> str:
    """How a tester finds a packet in the evidence: its seq and service."""
    return f"gói #{record.get('seq')} {record.get('service') or '?'}"


def arrival(record: dict) -> dt.datetime | None:
    return parse_time(record.get("time"))


def floor_second(moment: dt.datetime) -> dt.datetime:
    return moment.replace(microsecond=0)


def ceil_second(moment: dt.datetime) -> dt.datetime:
    return moment if moment.microsecond == 0 else moment.replace(microsecond=0) + ONE_SECOND


def floor_ms(moment: dt.datetime) -> dt.datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def packet_time(value) -> dt.datetime | None:
    """A packet date (yyyyMMddHHmmss, Asia/Ho_Chi_Minh), or None when it is not one."""
    try:
        return parse_packet_time(value)
    except ValueError:
        return None


def _after_start(record: dict, step: dict) -> bool:
    arrived, started = arrival(record), parse_time(step.get("started"))
    return arrived is not None and started is not None and arrived >= floor_ms(started)


def _event_during(item: dict, step: dict) -> bool:
    """A progress item's ThoiDiemXuLy lies within the step's request (to the second)."""
    event = packet_time(item.get("ThoiDiemXuLy"))
    started, finished = parse_time(step.get("started")), parse_time(step.get("finished"))
    return (event is not None and started is not None and finished is not None
            and floor_second(started) <= event <= ceil_second(finished))


def match_steps(steps: list[dict], packets: list[tuple[dict, dict]], service: str) -> list[tuple[dict, tuple | None]]:
    """Pair each step with the accepted packet it caused: one carrying the step's status that
    arrived after the step began. Progress items are first paired by their event time (which names
    the step exactly), then by arrival; each packet serves one step."""
    field = STATUS_FIELD[service]
    used: set[tuple[int, int]] = set()
    candidates = [(r, i) for r, i in packets if is_accepted(r)]
    chosen: dict[int, tuple] = {}

    def pick(step_index: int, step: dict, extra) -> None:
        for record, item in candidates:
            key = (record["seq"], id(item))
            if key in used or item.get(field) != str(step.get("expected_code")):
                continue
            if _after_start(record, step) and extra(item, step):
                used.add(key)
                chosen[step_index] = (record, item)
                return

    if service == PROGRESS_SERVICE:
        for n, step in enumerate(steps):
            pick(n, step, _event_during)
    for n, step in enumerate(steps):
        if n not in chosen:
            pick(n, step, lambda item, step: True)
    return [(step, chosen.get(n)) for n, step in enumerate(steps)]


def progress_steps(dossier: dict) -> list[dict]:
    """The processing steps that CapNhatTienDoHoSoMC must report: officers' status changes."""
    return [s for s in status_steps(dossier) if s.get("role") in OFFICER_ROLES]


def as_code(value) -> int | None:
    """A national status code from a packet value ("1".."10"), else None."""
    if isinstance(value, str) and value.isdigit() and 1 <= int(value) <= 10 and str(int(value)) == value:
        return int(value)
    return None
