"""Time parsing and formatting in the platform's zone (Asia/Shanghai)."""

import datetime as dt
import re
import zoneinfo

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

_DATETIME_RE = re.compile(
    r"^\s*(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
    r"(?:[ T]+(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?分?)?\s*$"
)


class TimeFormatError(ValueError):
    pass


def parse_local_datetime(text):
    """Parse "YYYY-MM-DD HH:MM" in Asia/Shanghai into an aware datetime.

    "24:00" is the next day's 00:00, as official notices write the end of a day.
    A date alone means 00:00 of that day.

    Raises:
        TimeFormatError: the text is not a date and time in that form.
    """
    match = _DATETIME_RE.match(str(text))
    if not match:
        raise TimeFormatError(text)
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    hour = int(match["H"] or 0)
    minute = int(match["M"] or 0)
    second = int(match["S"] or 0)
    extra_day = 0
    if hour == 24 and minute == 0 and second == 0:
        hour, extra_day = 0, 1
    try:
        naive = dt.datetime(year, month, day, hour, minute, second) + dt.timedelta(days=extra_day)
    except ValueError as exc:
        raise TimeFormatError(text) from exc
    return naive.replace(tzinfo=SHANGHAI)


def to_local(value):
    return value.astimezone(SHANGHAI) if value is not None else None


def format_local(value, pattern="%Y-%m-%d %H:%M"):
    """Format an aware datetime as Asia/Shanghai wall time; '' for None."""
    if value is None:
        return ""
    return to_local(value).strftime(pattern)


def iso_local(value):
    """ISO 8601 with the +08:00 offset, seconds precision; None stays None."""
    if value is None:
        return None
    return to_local(value).isoformat(timespec="seconds")


def chinese_date(value):
    """A date as official documents write it: 2023年7月5日, no zero padding."""
    local = to_local(value) if isinstance(value, dt.datetime) else value
    return f"{local.year}年{local.month}月{local.day}日"
