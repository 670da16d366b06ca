"""The referral state machine and its checks, without the database."""

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.utils import translation

from anhuan.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from anhuan.core.timeutil import SHANGHAI
from anhuan.sharing.domain import referrals as machine
from anhuan.sharing.domain.referrals import Action, Side, Status

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
STEP_ACTIONS = [action for action in Action.values if action != Action.SEND]
ALLOWED = [
    (status, action, side, new)
    for status, steps in machine.TRANSITIONS.items()
    for action, (side, new) in steps.items()
]
ALLOWED_KEYS = {(status, action, side) for status, action, side, _new in ALLOWED}
FORBIDDEN = [
    (status, action, side)
    for status, action, side in itertools.product(Status.values, STEP_ACTIONS, [Side.SENDER, Side.RECEIVER, None])
    if (status, action, side) not in ALLOWED_KEYS
]


def agency(department, level, region_id, name="机构"):
    return SimpleNamespace(department=department, level=level, region_id=region_id, name=name)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- Allowed transitions ---------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "action", "side", "new"), ALLOWED)
def test_allowed_transition_gives_new_status(status, action, side, new):
    assert machine.next_status(status, action, side) == new


def test_transitions_cover_the_loop():
    assert [(status, action) for status, action, _side, _new in ALLOWED] == [
        (Status.SENT, Action.ACKNOWLEDGE),
        (Status.ACKNOWLEDGED, Action.REPORT),
        (Status.REPORTED, Action.CLOSE),
        (Status.REPORTED, Action.RETURN),
        (Status.RETURNED, Action.REPORT),
    ]


# --- Forbidden transitions -------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "action", "side"), FORBIDDEN)
def test_every_other_step_is_rejected(status, action, side):
    with pytest.raises((TransitionNotAllowed, NotPermitted)):
        machine.next_status(status, action, side)


def test_acknowledging_twice_is_rejected():
    with pytest.raises(TransitionNotAllowed, match="already been acknowledged"):
        machine.next_status(Status.ACKNOWLEDGED, Action.ACKNOWLEDGE, Side.RECEIVER)


@pytest.mark.parametrize("status", [Status.SENT, Status.ACKNOWLEDGED, Status.RETURNED])
def test_closing_before_report_is_rejected(status):
    with pytest.raises(TransitionNotAllowed, match="closed only after the receiving agency has reported back"):
        machine.next_status(status, Action.CLOSE, Side.SENDER)


@pytest.mark.parametrize("status", [Status.SENT, Status.ACKNOWLEDGED, Status.RETURNED])
def test_returning_before_report_is_rejected(status):
    with pytest.raises(TransitionNotAllowed, match="returned only after the receiving agency has reported back"):
        machine.next_status(status, Action.RETURN, Side.SENDER)


def test_report_before_acknowledging_is_rejected():
    with pytest.raises(TransitionNotAllowed, match="Acknowledge the referral before reporting back"):
        machine.next_status(Status.SENT, Action.REPORT, Side.RECEIVER)


def test_second_report_waits_for_sender():
    with pytest.raises(TransitionNotAllowed, match="wait until it closes or returns"):
        machine.next_status(Status.REPORTED, Action.REPORT, Side.RECEIVER)


@pytest.mark.parametrize(("action", "side"), list(itertools.product(STEP_ACTIONS, [Side.SENDER, Side.RECEIVER])))
def test_closed_referral_accepts_nothing(action, side):
    with pytest.raises(TransitionNotAllowed, match="The referral is closed"):
        machine.next_status(Status.CLOSED, action, side)


@pytest.mark.parametrize("action", [Action.CLOSE, Action.RETURN])
def test_receiver_cannot_close_or_return(action):
    with pytest.raises(NotPermitted, match="Only the sending agency"):
        machine.next_status(Status.REPORTED, action, Side.RECEIVER)


@pytest.mark.parametrize(("status", "action"), [(Status.SENT, Action.ACKNOWLEDGE), (Status.ACKNOWLEDGED, Action.REPORT)])
def test_sender_cannot_acknowledge_or_report(status, action):
    with pytest.raises(NotPermitted, match="Only the receiving agency"):
        machine.next_status(status, action, Side.SENDER)


def test_non_party_cannot_act():
    with pytest.raises(NotPermitted):
        machine.next_status(Status.SENT, Action.ACKNOWLEDGE, None)


@pytest.mark.parametrize("action", [Action.SEND, "reopen"])
def test_unknown_action_is_rejected(action):
    with pytest.raises(TransitionNotAllowed, match="Unknown action"):
        machine.next_status(Status.SENT, action, Side.RECEIVER)


# --- Actions offered -------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "side", "expected"), [
    (Status.SENT, Side.RECEIVER, [Action.ACKNOWLEDGE]),
    (Status.SENT, Side.SENDER, []),
    (Status.ACKNOWLEDGED, Side.RECEIVER, [Action.REPORT]),
    (Status.REPORTED, Side.SENDER, [Action.CLOSE, Action.RETURN]),
    (Status.REPORTED, Side.RECEIVER, []),
    (Status.RETURNED, Side.RECEIVER, [Action.REPORT]),
    (Status.CLOSED, Side.SENDER, []),
    (Status.SENT, None, []),
])
def test_available_actions_by_side(status, side, expected):
    assert machine.available_actions(status, side) == expected


def test_every_open_status_waits_for_someone():
    assert set(machine.WAITING_FOR) == set(machine.OPEN_STATES)


# --- Texts and files -------------------------------------------------------------------------------


def test_report_needs_feedback():
    with pytest.raises(ValidationFailed, match="Write what your agency did"):
        machine.validate_text(Action.REPORT, "  ")


def test_return_needs_reasons():
    with pytest.raises(ValidationFailed, match="Write why the referral is returned"):
        machine.validate_text(Action.RETURN, "")


def test_acknowledge_needs_no_comment():
    assert machine.validate_text(Action.ACKNOWLEDGE, "") is None


def test_files_only_with_report():
    with pytest.raises(ValidationFailed, match="Files can be attached only"):
        machine.validate_files_allowed(Action.CLOSE, ["file"])


# --- Receivers and enterprises ---------------------------------------------------------------------


COUNTY_EE = agency("environment", "county", 1, "信都区生态环境分局")
COUNTY_EM = agency("emergency", "county", 1, "信都区应急管理局")
OTHER_COUNTY_EM = agency("emergency", "county", 2, "沙河市应急管理局")
CITY_EE = agency("environment", "city", 9, "邢台市生态环境局")
CITY_EM = agency("emergency", "city", 9, "邢台市应急管理局")


@pytest.mark.parametrize(("sender", "receiver"), [
    (COUNTY_EE, COUNTY_EM), (COUNTY_EM, COUNTY_EE), (CITY_EE, CITY_EM), (CITY_EE, COUNTY_EM), (CITY_EE, OTHER_COUNTY_EM),
])
def test_receiver_accepted(sender, receiver):
    assert machine.check_receiver(sender, receiver) is None


def test_receiver_of_same_department_rejected():
    with pytest.raises(ValidationFailed, match="other department"):
        machine.check_receiver(COUNTY_EM, OTHER_COUNTY_EM)


@pytest.mark.parametrize("receiver", [OTHER_COUNTY_EM, CITY_EM])
def test_county_refers_only_within_county(receiver):
    with pytest.raises(ValidationFailed, match="its own county"):
        machine.check_receiver(COUNTY_EE, receiver)


def test_missing_receiver_rejected():
    with pytest.raises(ValidationFailed, match="Choose the receiving agency"):
        machine.check_receiver(COUNTY_EE, None)


def test_enterprise_outside_receiver_county_rejected():
    with pytest.raises(ValidationFailed, match="沙河市应急管理局"):
        machine.check_enterprise_region(CITY_EE, OTHER_COUNTY_EM, 1)


def test_enterprise_anywhere_between_city_agencies():
    assert machine.check_enterprise_region(CITY_EE, CITY_EM, 2) is None


def test_enterprise_or_facility_required():
    with pytest.raises(ValidationFailed, match="Name the enterprise or the facility"):
        machine.validate_content(subject="s", description="d", has_enterprise=False, facility=" ")


def test_subject_required():
    with pytest.raises(ValidationFailed, match="subject"):
        machine.validate_content(subject="", description="d", has_enterprise=True, facility="")


def test_past_deadline_rejected():
    with pytest.raises(ValidationFailed, match="must be in the future"):
        machine.validate_deadline(NOW - dt.timedelta(minutes=1), NOW)


# --- Overdue ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("late", "days"), [
    (dt.timedelta(hours=-1), 0), (dt.timedelta(minutes=1), 1), (dt.timedelta(days=1), 1),
    (dt.timedelta(days=2, seconds=1), 3),
])
def test_overdue_days_round_up(late, days):
    assert machine.overdue_days(Status.ACKNOWLEDGED, NOW - late, NOW) == days


def test_closed_referral_is_never_overdue():
    assert machine.overdue_days(Status.CLOSED, NOW - dt.timedelta(days=5), NOW) == 0
