"""The one clock of refportal: every "now" comes from here, never from datetime.now().

Tests and demonstrations shift it (`--clock-offset DAYS`, `POST /_test/clock`) to make dossiers
overdue without waiting for days; everything time-based (appointment dates, overdue flags,
sessions, lockouts, packet times) follows the shifted clock.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

# Việt Nam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact and needs no
# tz database on the machine.
VN = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

_offset = timedelta(0)


def now() -> datetime:
    return datetime.now(VN) + _offset


def set_offset(delta: timedelta) -> None:
    global _offset
    _offset = delta


def offset() -> timedelta:
    return _offset


def set_offset_days(days: float) -> None:
    set_offset(timedelta(days=days))


def offset_days() -> float:
    return _offset.total_seconds() / 86400


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in Việt Nam time, to the second: what the API shows and the database stores."""
    if moment is None:
        return None
    return moment.astimezone(VN).isoformat(timespec="seconds")


def parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def packet_time(moment: datetime | str | None) -> str:
    """yyyyMMddHHmmss in Asia/Ho_Chi_Minh time, as the national-portal packets want it."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = parse(moment)
    return moment.astimezone(VN).strftime("%Y%m%d%H%M%S")
