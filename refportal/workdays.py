"""Appointment dates counted in working days: weekends and the seeded public holidays are skipped."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from refportal import clock

# Offices close at 17:00: the appointment is the end of the last working day of the time limit.
CLOSING_TIME = time(17, 0)


def is_working_day(day: date, holidays: set[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: datetime, days: int, holidays: set[date]) -> datetime:
    """The end of the `days`-th working day after the day of `start` (the receipt day not counted)."""
    if days < 1:
        raise ValueError("processing time must be at least one working day")
    day = start.astimezone(clock.VN).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return datetime.combine(day, CLOSING_TIME, tzinfo=clock.VN)


def working_days_before(start: datetime, days: int, holidays: set[date]) -> date:
    """The working day `days` working days before the day of `start`."""
    day = start.astimezone(clock.VN).date()
    counted = 0
    while counted < days:
        day -= timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def working_days_between(first: datetime, last: datetime, holidays: set[date]) -> int:
    """Working days after the day of `first` up to and including the day of `last` (0 on the same day)."""
    day, end = first.astimezone(clock.VN).date(), last.astimezone(clock.VN).date()
    counted = 0
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return counted
