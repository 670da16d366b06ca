"""The pure roster rules: shift checks, phone numbers and the state machine."""

import datetime as dt

import pytest

from anhuan.core.errors import TransitionNotAllowed
from anhuan.core.timeutil import SHANGHAI
from anhuan.pollution.domain import rosters as domain
from anhuan.pollution.domain.rosters import Shift, check_shifts, check_transition, is_phone_number

WARNING_STARTS = dt.datetime(2026, 12, 5, 20, 0, tzinfo=SHANGHAI)


def shift(start_hour, end_hour, **fields):
    """A shift from ``start_hour`` to ``end_hour`` hours after 2026-12-05 08:00."""
    base = dt.datetime(2026, 12, 5, 8, 0, tzinfo=SHANGHAI)
    values = dict(person_name="张值班", person_phone="13800138000", leader_name="李厂长", leader_phone="0319-2345678")
    values.update(fields)
    return Shift(starts_at=base + dt.timedelta(hours=start_hour), ends_at=base + dt.timedelta(hours=end_hour), **values)


def codes(errors):
    return [error.code for error in errors]


def test_three_shifts_covering_day_pass():
    errors = check_shifts([shift(0, 8), shift(8, 16), shift(16, 24)], warning_starts_at=WARNING_STARTS)
    assert errors == []


def test_shifts_given_out_of_order_pass():
    errors = check_shifts([shift(16, 24), shift(0, 8), shift(8, 16)], warning_starts_at=WARNING_STARTS)
    assert errors == []


def test_gap_between_shifts_named():
    errors = check_shifts([shift(0, 8), shift(10, 34)], warning_starts_at=WARNING_STARTS)
    assert codes(errors) == ["gap"]
    assert "2026-12-05 16:00" in errors[0].message
    assert "2026-12-05 18:00" in errors[0].message


def test_overlapping_shifts_rejected():
    errors = check_shifts([shift(0, 12), shift(10, 24)], warning_starts_at=WARNING_STARTS)
    assert codes(errors) == ["overlap"]
    assert errors[0].row == 2


def test_missing_leader_rejected():
    errors = check_shifts([shift(0, 24, leader_name="", leader_phone=" ")], warning_starts_at=WARNING_STARTS)
    assert [(error.field, error.code) for error in errors] == [("leader_name", "missing"), ("leader_phone", "missing")]


def test_missing_person_rejected():
    errors = check_shifts([shift(0, 24, person_name="")], warning_starts_at=WARNING_STARTS)
    assert [(error.row, error.field) for error in errors] == [(1, "person_name")]


def test_missing_times_rejected():
    errors = check_shifts([Shift(None, None, "张", "13800138000", "李", "13800138001")], warning_starts_at=WARNING_STARTS)
    assert [error.field for error in errors] == ["starts_at", "ends_at"]


def test_bad_phone_rejected():
    errors = check_shifts([shift(0, 24, person_phone="138001380")], warning_starts_at=WARNING_STARTS)
    assert codes(errors) == ["phone"]
    assert "138001380" in errors[0].message


def test_shorter_than_day_rejected():
    errors = check_shifts([shift(0, 8), shift(8, 20)], warning_starts_at=WARNING_STARTS)
    assert codes(errors) == ["coverage"]
    assert "20" in errors[0].message


def test_coverage_follows_policy_hours():
    errors = check_shifts([shift(0, 24)], warning_starts_at=WARNING_STARTS, min_hours=48)
    assert codes(errors) == ["coverage"]


def test_start_after_warning_rejected():
    errors = check_shifts([shift(13, 37)], warning_starts_at=WARNING_STARTS)
    assert codes(errors) == ["late_start"]


def test_start_at_warning_start_passes():
    errors = check_shifts([shift(12, 36)], warning_starts_at=WARNING_STARTS)
    assert errors == []


def test_end_before_start_rejected():
    errors = check_shifts([shift(8, 0), shift(0, 24)], warning_starts_at=WARNING_STARTS)
    assert codes(errors) == ["order"]
    assert errors[0].row == 1


def test_no_shifts_rejected():
    assert codes(check_shifts([], warning_starts_at=WARNING_STARTS)) == ["empty"]


@pytest.mark.parametrize("phone", ["13800138000", "19912345678", "0319-2345678", "03192345678", "010-87654321",
                                   "0319-2345678-123"])
def test_valid_phone_numbers(phone):
    assert is_phone_number(phone)


@pytest.mark.parametrize("phone", ["", "23800138000", "1380013800", "138 0013 8000", "2345678", "0319—2345678",
                                   "+8613800138000", "0319-23456", "abc"])
def test_invalid_phone_numbers(phone):
    assert not is_phone_number(phone)


ALLOWED = [
    (domain.NONE, "edit", None),
    (domain.DRAFT, "edit", None),
    (domain.RETURNED, "edit", None),
    (domain.NONE, "submit", domain.SUBMITTED),
    (domain.DRAFT, "submit", domain.SUBMITTED),
    (domain.RETURNED, "submit", domain.SUBMITTED),
    (domain.SUBMITTED, "confirm", domain.CONFIRMED),
    (domain.SUBMITTED, "return", domain.RETURNED),
    (domain.SUBMITTED, "spot_check", None),
    (domain.CONFIRMED, "spot_check", None),
]
STATES = [domain.NONE, domain.DRAFT, domain.SUBMITTED, domain.RETURNED, domain.CONFIRMED]
ACTIONS = ["edit", "submit", "confirm", "return", "spot_check"]
FORBIDDEN = [
    (state, action)
    for state in STATES
    for action in ACTIONS
    if (state, action) not in {(allowed_state, allowed_action) for allowed_state, allowed_action, _t in ALLOWED}
]


@pytest.mark.parametrize("state,action,target", ALLOWED)
def test_allowed_transition(state, action, target):
    assert check_transition(state, action) == target


@pytest.mark.parametrize("state,action", FORBIDDEN)
def test_forbidden_transition_rejected(state, action):
    with pytest.raises(TransitionNotAllowed) as caught:
        check_transition(state, action)
    assert str(domain.STATE_NAMES[state]) in str(caught.value.message)


def test_confirmed_roster_is_final():
    for action in ["edit", "submit", "confirm", "return"]:
        with pytest.raises(TransitionNotAllowed):
            check_transition(domain.CONFIRMED, action)
