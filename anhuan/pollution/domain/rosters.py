"""Pure rules of duty rosters (值班值守表): the shift checks and the roster state machine.

A roster lists shifts. Each shift names the person on duty and the leader on duty (领导带班),
each with a phone number. Together the shifts must cover a continuous period of at least
``min_hours`` hours (24 by default, the policy key ``rosters.min_coverage_hours``). That
period starts no later than the warning's current start time, and it has no gaps or overlaps.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.errors import TransitionNotAllowed
from anhuan.core.timeutil import format_local

DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
CONFIRMED = "confirmed"
# A required enterprise that has not started its roster yet; never stored.
NONE = "none"

# The roster state machine: action -> (states it starts from, state it leads to).
# "edit" keeps the state; a new roster starts as a draft. Confirmed is final for the warning.
TRANSITIONS = {
    "edit": ({NONE, DRAFT, RETURNED}, None),
    "submit": ({NONE, DRAFT, RETURNED}, SUBMITTED),
    "confirm": ({SUBMITTED}, CONFIRMED),
    "return": ({SUBMITTED}, RETURNED),
}
# Spot checks do not change the state; they are allowed once the contact has submitted.
SPOT_CHECK_STATES = {SUBMITTED, CONFIRMED}

_REJECTIONS = {
    "edit": gettext_lazy("A roster that is %(state)s cannot be edited; only a draft or a returned roster can."),
    "submit": gettext_lazy("A roster that is %(state)s cannot be submitted; only a draft or a returned roster can."),
    "confirm": gettext_lazy("A roster that is %(state)s cannot be confirmed; only a submitted roster can."),
    "return": gettext_lazy("A roster that is %(state)s cannot be returned; only a submitted roster can."),
    "spot_check": gettext_lazy(
        "A roster that is %(state)s cannot be spot-checked; only a submitted or confirmed roster can."
    ),
}
STATE_NAMES = {
    NONE: gettext_lazy("not started"),
    DRAFT: gettext_lazy("draft"),
    SUBMITTED: gettext_lazy("submitted"),
    RETURNED: gettext_lazy("returned"),
    CONFIRMED: gettext_lazy("confirmed"),
}


def check_transition(state, action):
    """Return the state ``action`` leads to from ``state`` (None: unchanged).

    Raises:
        TransitionNotAllowed: the action is not allowed in that state.
    """
    if action == "spot_check":
        allowed, target = SPOT_CHECK_STATES, None
    else:
        allowed, target = TRANSITIONS[action]
    if state not in allowed:
        raise TransitionNotAllowed(_REJECTIONS[action] % {"state": STATE_NAMES.get(state, state)})
    return target


# --- Phones -----------------------------------------------------------------------------------

# Mobile: 11 digits starting with 1. Landline: area code 0 + 2-3 digits, then 7-8 digits,
# with or without a hyphen, and an optional extension after a second hyphen.
MOBILE_RE = re.compile(r"^1\d{10}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def is_phone_number(text):
    """True for a Chinese mobile number or a landline number with its area code (digits and "-" only)."""
    text = (text or "").strip()
    return bool(MOBILE_RE.match(text) or LANDLINE_RE.match(text))


# --- Shifts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shift:
    """One shift as entered: aware start and end times, the person and the leader on duty."""

    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    person_name: str = ""
    person_phone: str = ""
    leader_name: str = ""
    leader_phone: str = ""


@dataclass(frozen=True)
class ShiftError:
    """One problem of a roster: the shift row (1-based, None for the whole roster), the field, a code and the message.

    Codes: missing, phone, order, overlap, gap, late_start, coverage, empty.
    """

    row: int | None
    field: str | None
    code: str
    message: str


_REQUIRED = [
    ("starts_at", gettext_lazy("Row %(row)s: the start of the shift is missing.")),
    ("ends_at", gettext_lazy("Row %(row)s: the end of the shift is missing.")),
    ("person_name", gettext_lazy("Row %(row)s: the person on duty is missing.")),
    ("person_phone", gettext_lazy("Row %(row)s: the phone of the person on duty is missing.")),
    ("leader_name", gettext_lazy("Row %(row)s: the leader on duty is missing.")),
    ("leader_phone", gettext_lazy("Row %(row)s: the phone of the leader on duty is missing.")),
]
_PHONES = [
    ("person_phone", gettext_lazy(
        "Row %(row)s: the phone of the person on duty, %(phone)s, is not a valid phone number. "
        "Enter an 11-digit mobile number or a landline number with its area code, such as 0319-1234567."
    )),
    ("leader_phone", gettext_lazy(
        "Row %(row)s: the phone of the leader on duty, %(phone)s, is not a valid phone number. "
        "Enter an 11-digit mobile number or a landline number with its area code, such as 0319-1234567."
    )),
]


def _check_one(row, shift):
    errors = []
    for field, message in _REQUIRED:
        value = getattr(shift, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.append(ShiftError(row, field, "missing", message % {"row": row}))
    for field, message in _PHONES:
        phone = (getattr(shift, field) or "").strip()
        if phone and not is_phone_number(phone):
            errors.append(ShiftError(row, field, "phone", message % {"row": row, "phone": phone}))
    if shift.starts_at and shift.ends_at and shift.ends_at <= shift.starts_at:
        errors.append(ShiftError(row, "ends_at", "order", _("Row %(row)s: the shift must end after it starts.") % {"row": row}))
    return errors


def _check_sequence(timed, warning_starts_at, min_hours):
    """Check overlaps, gaps, the first start and the total length of shifts sorted by start."""
    errors = []
    for (row_a, a), (row_b, b) in zip(timed, timed[1:]):
        if b.starts_at < a.ends_at:
            errors.append(ShiftError(row_b, "starts_at", "overlap", _(
                "Rows %(first)s and %(second)s overlap: row %(second)s starts at %(start)s, "
                "before row %(first)s ends at %(end)s."
            ) % {"first": row_a, "second": row_b, "start": format_local(b.starts_at), "end": format_local(a.ends_at)}))
        elif b.starts_at > a.ends_at:
            errors.append(ShiftError(row_b, "starts_at", "gap", _(
                "Nobody is on duty from %(start)s to %(end)s, between rows %(first)s and %(second)s."
            ) % {"start": format_local(a.ends_at), "end": format_local(b.starts_at), "first": row_a, "second": row_b}))

    first_start = timed[0][1].starts_at
    if warning_starts_at is not None and first_start > warning_starts_at:
        errors.append(ShiftError(timed[0][0], "starts_at", "late_start", _(
            "The first shift starts at %(start)s, after the warning starts at %(warning)s. "
            "Duty must begin no later than the warning."
        ) % {"start": format_local(first_start), "warning": format_local(warning_starts_at)}))

    last_end = max(shift.ends_at for _row, shift in timed)
    covered = last_end - first_start
    if covered < dt.timedelta(hours=min_hours):
        hours = round(covered.total_seconds() / 3600, 1)
        errors.append(ShiftError(None, None, "coverage", _(
            "The shifts cover %(hours)s hours, from %(start)s to %(end)s; they must cover at least "
            "%(required)s continuous hours."
        ) % {"hours": f"{hours:g}", "start": format_local(first_start), "end": format_local(last_end),
             "required": min_hours}))
    return errors


def check_shifts(shifts, *, warning_starts_at, min_hours=24):
    """Return every problem of a roster's shifts, an empty list when the roster is valid.

    Rows are numbered from 1 in the order given. Overlaps, gaps and the coverage are checked
    only among the shifts whose start and end are both present and in order.
    """
    if not shifts:
        return [ShiftError(None, None, "empty", _("Add at least one shift."))]
    errors = []
    for row, shift in enumerate(shifts, start=1):
        errors.extend(_check_one(row, shift))
    timed = sorted(
        ((row, shift) for row, shift in enumerate(shifts, start=1)
         if shift.starts_at and shift.ends_at and shift.ends_at > shift.starts_at),
        key=lambda pair: (pair[1].starts_at, pair[0]),
    )
    if timed:
        errors.extend(_check_sequence(timed, warning_starts_at, min_hours))
    return errors
