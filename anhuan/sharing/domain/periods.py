"""Reporting periods of the periodic bulletins, as Asia/Shanghai wall-clock boundaries.

Periods are ``days`` long and start at 00:00 local time on dates counted from a fixed Monday,
so a 7-day schedule runs Monday 00:00 to the next Monday 00:00 and a 1-day schedule runs
midnight to midnight. Every period is half-open: it contains its start and not its end.
"""

import datetime as dt
from dataclasses import dataclass

from anhuan.core.timeutil import SHANGHAI

# A Monday; every boundary lies a whole number of periods away from it.
EPOCH = dt.date(2024, 1, 1)


@dataclass(frozen=True)
class Period:
    """A half-open interval [start, end) of aware datetimes."""

    start: dt.datetime
    end: dt.datetime

    def contains(self, moment):
        return self.start <= moment < self.end

    @property
    def first_day(self):
        """The first local date of the period."""
        return self.start.astimezone(SHANGHAI).date()

    @property
    def end_day(self):
        """The local date the period ends on (at 00:00), which is not part of it."""
        return self.end.astimezone(SHANGHAI).date()


def _midnight(day):
    return dt.datetime.combine(day, dt.time(0), tzinfo=SHANGHAI)


def last_complete_period(now, days):
    """Return the latest period of ``days`` days that ended at or before ``now``.

    Raises:
        ValueError: ``days`` is not a positive whole number, or ``now`` is naive.
    """
    if not isinstance(days, int) or days < 1:
        raise ValueError(f"a period lasts a positive whole number of days, not {days!r}")
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    today = now.astimezone(SHANGHAI).date()
    elapsed = (today - EPOCH).days
    end_day = EPOCH + dt.timedelta(days=(elapsed // days) * days)
    return Period(start=_midnight(end_day - dt.timedelta(days=days)), end=_midnight(end_day))
