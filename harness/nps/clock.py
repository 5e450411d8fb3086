"""Times as the simulator writes them: records in ISO 8601, packets in Vietnam time."""
from __future__ import annotations

import datetime as dt

# Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 1975; a fixed offset needs no tzdata.
VIETNAM = dt.timezone(dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")
PACKET_FORMAT = "%Y%m%d%H%M%S"


def now() -> dt.datetime:
    return dt.datetime.now(VIETNAM)


def iso(moment: dt.datetime) -> str:
    """ISO 8601 with milliseconds and the +07:00 offset, e.g. 2026-11-24T09:30:00.123+07:00."""
    return moment.isoformat(timespec="milliseconds")


def packet_time(moment: dt.datetime | None = None) -> str:
    """yyyyMMddHHmmss in Vietnam time, the date format of packets and payment messages."""
    return (moment or now()).astimezone(VIETNAM).strftime(PACKET_FORMAT)
