"""Period boundaries of the bulletin schedule in Asia/Shanghai."""

import datetime as dt

import pytest

from anhuan.core.timeutil import SHANGHAI
from anhuan.sharing.domain.periods import Period, last_complete_period


def local(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def test_weekly_period_runs_monday_to_monday():
    period = last_complete_period(local(2026, 3, 11, 10, 0), 7)
    assert period == Period(local(2026, 3, 2), local(2026, 3, 9))


def test_boundary_moment_closes_period():
    period = last_complete_period(local(2026, 3, 9, 0, 0), 7)
    assert period == Period(local(2026, 3, 2), local(2026, 3, 9))


def test_moment_before_boundary_gives_previous():
    period = last_complete_period(local(2026, 3, 8, 23, 59), 7)
    assert period == Period(local(2026, 2, 23), local(2026, 3, 2))


def test_utc_moment_uses_shanghai_date():
    # 2026-03-08 16:30 UTC is Monday 2026-03-09 00:30 in Shanghai.
    period = last_complete_period(dt.datetime(2026, 3, 8, 16, 30, tzinfo=dt.timezone.utc), 7)
    assert period.end == local(2026, 3, 9)


def test_daily_period_runs_midnight_to_midnight():
    period = last_complete_period(local(2026, 3, 11, 10, 0), 1)
    assert period == Period(local(2026, 3, 10), local(2026, 3, 11))


def test_fortnight_periods_align_to_epoch_monday():
    period = last_complete_period(local(2026, 3, 11, 10, 0), 14)
    assert (period.end - period.start, period.end.weekday()) == (dt.timedelta(days=14), 0)


def test_period_is_half_open():
    period = Period(local(2026, 3, 2), local(2026, 3, 9))
    assert period.contains(local(2026, 3, 2))
    assert not period.contains(local(2026, 3, 9))


def test_period_days_must_be_positive():
    with pytest.raises(ValueError):
        last_complete_period(local(2026, 3, 11), 0)


def test_naive_moment_is_rejected():
    with pytest.raises(ValueError):
        last_complete_period(dt.datetime(2026, 3, 11), 7)
