"""Facts of the national systems the checks judge against (harness/nps/PROTOCOL.md §1.5, reference §4).

The national dossier statuses 1-10 and their allowed transitions, the final states, the packet
date format and working-day arithmetic. Checks import these; thresholds and patterns that an
edition may change stay edition parameters, never here.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

VIETNAM = dt.timezone(dt.timedelta(hours=7))
PACKET_TIME_FORMAT = "%Y%m%d%H%M%S"

STATUS_NAMES = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}

ALLOWED_TRANSITIONS = {
    1: {2, 3, 7},
    2: {4, 5, 6, 7, 8},
    4: {5, 6, 7, 8, 9},
    5: {2, 4, 7, 8},
    6: {4, 9, 7, 8},
    9: {10, 6},
    3: set(), 7: set(), 8: set(), 10: set(),
}
FINAL_STATES = frozenset({3, 7, 8, 10})
RETURNED = 10  # Đã trả kết quả: the status whose packet reports when the result was returned
CHANNELS = {"1": "counter", "2": "online", "3": "post"}


def status_name(code: int | None) -> str:
    return f"{code} ({STATUS_NAMES[code]})" if code in STATUS_NAMES else f"{code} (không phải mã quốc gia)"


def invalid_transitions(codes: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive pairs (a, b), a != b, that the national list does not allow; repeats are no transition."""
    bad = []
    previous = None
    for code in codes:
        if previous is not None and code != previous and code not in ALLOWED_TRANSITIONS.get(previous, set()):
            bad.append((previous, code))
        previous = code
    return bad


def parse_packet_time(value: str) -> dt.datetime:
    """A packet date `yyyyMMddHHmmss`, read as Asia/Ho_Chi_Minh time; ValueError when it is not one."""
    if not isinstance(value, str) or len(value) != 14 or not value.isdigit():
        raise ValueError(f"{value!r} is not yyyyMMddHHmmss")
    return dt.datetime.strptime(value, PACKET_TIME_FORMAT).replace(tzinfo=VIETNAM)


def add_working_days(start: dt.date, days: int, holidays: Iterable[str] = ()) -> dt.date:
    """The date `days` working days after `start` (Saturdays, Sundays and holidays skipped)."""
    skip = {dt.date.fromisoformat(h) for h in holidays}
    current, left = start, days
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5 and current not in skip:
            left -= 1
    return current
