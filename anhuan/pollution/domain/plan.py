"""Derivation of a reduction plan from a warning event and the list entries in its area.

Pure Python with no Django import: the rules run without a database, and a
city-wide plan of tens of thousands of entries is computed in memory.

For each entry the plan states the measure in force, when it takes effect and
the safety flags the joint consultation has to deal with:

* grade A, performance-leading and whitelisted enterprises take autonomous
  reduction and are never halted or limited;
* guaranteed enterprises, and lines whose listed measure is guaranteed, keep
  their approved load;
* a halt or limit whose safe shutdown takes longer than the time between the
  announcement and the start takes effect at a safe time instead
  (announcement + safe shutdown hours) and is flagged;
* a halt or limit of a line with a high shutdown risk needs joint on-site
  guidance;
* every item of an enterprise with non-interruptible processes is flagged.
"""

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from anhuan.pollution.domain.measures import (
    AUTONOMOUS,
    GUARANTEED,
    LIMIT,
    NONE,
    RESTRICTING,
    is_at_least_as_strict,
)

ISSUE = "issue"
UPGRADE = "upgrade"
DOWNGRADE = "downgrade"
LIFT = "lift"

FLAG_AUTONOMOUS = "autonomous"
FLAG_GUARANTEED = "guaranteed"
FLAG_INSUFFICIENT_LEAD_TIME = "insufficient_lead_time"
FLAG_ONSITE_GUIDANCE_REQUIRED = "onsite_guidance_required"
FLAG_NON_INTERRUPTIBLE = "non_interruptible"

AUTONOMOUS_GRADES = frozenset({"A", "leading"})
HIGH_SHUTDOWN_RISK = "high"

_SECONDS_PER_HOUR = Decimal(3600)
_HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Event:
    """The warning event a plan is derived for; times are timezone-aware."""

    kind: str
    level: str
    announced_at: dt.datetime
    starts_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ListedMeasure:
    """The measure a list entry names for one warning level."""

    measure_type: str
    limit_percent: Decimal | None = None
    detail: str = ""


@dataclass(slots=True)
class Entry:
    """One production line on the list, with the attributes of its enterprise.

    ``key`` identifies the line across events (the caller chooses it, for
    example enterprise id and line name). ``measures`` maps a warning level to
    its listed measure; only the event's level is read.
    """

    key: Hashable
    performance_grade: str
    whitelisted: bool
    guaranteed: bool
    non_interruptible: bool
    measures: Mapping[str, ListedMeasure]
    safe_shutdown_hours: Decimal
    shutdown_risk: str


@dataclass(frozen=True, slots=True)
class PreviousItem:
    """The measure of a line in force from the warning's previous event."""

    measure_type: str
    limit_percent: Decimal | None
    effective_at: dt.datetime | None


@dataclass(slots=True)
class Item:
    """One line of a derived plan."""

    key: Hashable
    measure_type: str
    limit_percent: Decimal | None
    measure_detail: str
    effective_at: dt.datetime
    flags: tuple[str, ...]
    lead_time_gap_hours: Decimal | None


def lead_time_hours(event):
    """Hours between the announcement and the start, never below zero."""
    seconds = max((event.starts_at - event.announced_at).total_seconds(), 0)
    return Decimal(seconds) / _SECONDS_PER_HOUR


def derive_items(event, entries, previous=None):
    """Return the plan items of ``event``, one per entry, in the order of ``entries``.

    Args:
        event: the ``Event``.
        entries: ``Entry`` objects in the event's area.
        previous: for an upgrade or downgrade, ``{key: PreviousItem}`` of the
            previous event's plan; a key missing from it counts as a line with
            no measure in force.
    """
    previous = previous or {}
    schedule = _SafeSchedule(event)
    return [_derive_item(event, entry, previous.get(entry.key), schedule) for entry in entries]


class _SafeSchedule:
    """The effective time and lead-time gap of a new halt or limit, by safe shutdown hours.

    Both depend only on the event and the hours, and a list repeats few
    distinct hour values, so each is computed once per plan.
    """

    def __init__(self, event):
        self.event = event
        self.lead_hours = lead_time_hours(event)
        self._by_hours = {}

    def for_hours(self, safe_hours):
        result = self._by_hours.get(safe_hours)
        if result is None:
            result = self._by_hours[safe_hours] = self._compute(safe_hours)
        return result

    def _compute(self, safe_hours):
        if self.lead_hours >= safe_hours:
            return self.event.starts_at, None
        effective_at = self.event.announced_at + dt.timedelta(seconds=int(safe_hours * _SECONDS_PER_HOUR))
        gap_hours = (safe_hours - self.lead_hours).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
        return effective_at, gap_hours


def _derive_item(event, entry, prior, schedule):
    if event.kind == LIFT:
        return Item(entry.key, NONE, None, "", event.starts_at, (), None)

    listed = entry.measures[event.level]
    if entry.performance_grade in AUTONOMOUS_GRADES or entry.whitelisted:
        measure_type, limit_percent = AUTONOMOUS, None
    elif entry.guaranteed or listed.measure_type == GUARANTEED:
        measure_type, limit_percent = GUARANTEED, None
    else:
        measure_type = listed.measure_type
        limit_percent = listed.limit_percent if measure_type == LIMIT else None

    flags = []
    if measure_type == AUTONOMOUS:
        flags.append(FLAG_AUTONOMOUS)
    elif measure_type == GUARANTEED:
        flags.append(FLAG_GUARANTEED)

    effective_at = event.starts_at
    gap_hours = None
    if measure_type in RESTRICTING:
        effective_at, gap_hours = _schedule(event, entry, prior, measure_type, limit_percent, schedule)
        if gap_hours is not None:
            flags.append(FLAG_INSUFFICIENT_LEAD_TIME)
        if entry.shutdown_risk == HIGH_SHUTDOWN_RISK:
            flags.append(FLAG_ONSITE_GUIDANCE_REQUIRED)
    if entry.non_interruptible:
        flags.append(FLAG_NON_INTERRUPTIBLE)

    # A listed detail such as "停产" would contradict an autonomous or guaranteed override.
    detail = listed.detail if listed.measure_type == measure_type else ""
    return Item(entry.key, measure_type, limit_percent, detail, effective_at, tuple(flags), gap_hours)


def _schedule(event, entry, prior, measure_type, limit_percent, schedule):
    """Return (effective_at, lead-time gap in hours or None) of a halt or limit."""
    already_in_force = (
        event.kind in (UPGRADE, DOWNGRADE)
        and prior is not None
        and is_at_least_as_strict(prior.measure_type, prior.limit_percent, measure_type, limit_percent)
    )
    if already_in_force:
        # The line already runs under this cut or a stricter one, so no new
        # shutdown starts: an upgrade keeps the time the cut began, a
        # downgrade relaxes it from its own start.
        if event.kind == UPGRADE and prior.effective_at is not None:
            return prior.effective_at, None
        return event.starts_at, None
    return schedule.for_hours(entry.safe_shutdown_hours)
