"""Fields of incremental sync: the ``updated_since`` / ``since`` cursor and exact timestamps."""

import datetime as dt
import re

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from anhuan.core.timeutil import SHANGHAI, to_local

# An unencoded "+" in a query string arrives as a space: "2026-01-05T08:00:00 08:00".
_SPACE_FOR_PLUS = re.compile(r"^(?P<time>.*\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (?P<offset>\d{2}(?::?\d{2})?)$")
# Times outside these years cannot be stored or compared by every database; no row has one.
MIN_YEAR = 1900
MAX_YEAR = 9998


def iso_precise(value):
    """ISO 8601 with the +08:00 offset to the microsecond, so a cursor compares exactly; None stays None."""
    if value is None:
        return None
    return to_local(value).isoformat(timespec="microseconds")


def parse_sync_time(text):
    """Parse an ISO 8601 date or date-time into an aware datetime in UTC, or return None when it is not one.

    A time without an offset is Asia/Shanghai time; a date alone is 00:00 of that day.
    The result is in UTC because PostgreSQL rejects offsets beyond ±15:59, which
    Python accepts.
    """
    text = str(text).strip()
    repaired = _SPACE_FOR_PLUS.match(text)
    if repaired:
        text = f"{repaired['time']}+{repaired['offset']}"
    try:
        value = parse_datetime(text)
        if value is None:
            day = parse_date(text)
            value = dt.datetime.combine(day, dt.time()) if day is not None else None
    except ValueError:
        return None
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    try:
        in_utc = value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    if not MIN_YEAR <= in_utc.year <= MAX_YEAR:
        return None
    return in_utc


class SyncTimeField(serializers.Field):
    """A query parameter holding an ISO 8601 time, such as a saved ``sync_cursor``."""

    default_error_messages = {
        "invalid": _("Write an ISO 8601 time such as 2026-01-05T08:00:00+08:00 (a saved sync_cursor)."),
    }

    def to_internal_value(self, data):
        value = parse_sync_time(data) if isinstance(data, str) else None
        if value is None:
            self.fail("invalid")
        return value

    def to_representation(self, value):
        return iso_precise(value)


class PreciseDateTimeField(serializers.DateTimeField):
    """A read-only time written as ISO 8601 with the +08:00 offset, to the microsecond."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return iso_precise(value)
