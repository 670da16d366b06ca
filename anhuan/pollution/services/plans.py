"""Reduction plans: choosing the list, deriving and storing a warning event's plan items.

The rules themselves live in ``anhuan.pollution.domain.plan``. This module
loads the entries of an event's area in one query, runs the pure derivation in
memory and stores the items with multi-row INSERT statements.
"""

import logging

from decimal import Decimal

from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anhuan.core import audit
from anhuan.core.timeutil import to_local
from anhuan.pollution.domain import plan as rules
from anhuan.core.sqlbulk import InsertStatement
from anhuan.pollution.models import (
    EventKind,
    PlanItem,
    PollutionWarning,
    ReductionEntry,
    ReductionList,
    ReductionPlan,
)

logger = logging.getLogger(__name__)


@audit.register_actions
class PlanAction(models.TextChoices):
    REDERIVE = "plan.rederive", _("Plan re-derived")


_HUNDREDTH = Decimal("0.01")

# Columns of one entry row, in the order ``_load_entries`` and ``_plan_item_row`` read them.
_ENTRY_COLUMNS = (
    "id",
    "enterprise_id",
    "region_id",
    "production_line",
    "safe_shutdown_hours",
    "shutdown_risk",
    "enterprise__credit_code",
    "enterprise__name",
    "enterprise__industry_code",
    "enterprise__industry_name",
    "enterprise__performance_grade",
    "enterprise__whitelisted",
    "enterprise__guaranteed",
    "enterprise__non_interruptible",
)


def season_year(moment):
    """Return the first year of the autumn-winter season of ``moment`` (Asia/Shanghai).

    A season runs from October to the next September, so 2026-01-15 lies in
    season 2025 and 2026-10-01 in season 2026.
    """
    local = to_local(moment)
    return local.year if local.month >= 10 else local.year - 1


def list_for(moment):
    """Return the reduction list that applies at ``moment``, or None.

    That is the list of the moment's season, else the latest list of an
    earlier season; a list of a later season never applies.
    """
    return ReductionList.objects.filter(year__lte=season_year(moment)).order_by("-year").first()


def _load_entries(reduction_list, level, region_ids=None):
    """Return (rows, domain entries) of a list's entries in an area, in one query.

    ``region_ids`` None means the whole city. The rows are raw database values:
    read decimals and booleans from the entries, not from the rows.
    """
    columns = _ENTRY_COLUMNS + (f"{level}_measure", f"{level}_limit_percent", f"{level}_detail")
    queryset = ReductionEntry.objects.filter(reduction_list=reduction_list)
    if region_ids is not None:
        queryset = queryset.filter(region_id__in=region_ids)
    rows = _fetch_raw(queryset.order_by("id").values_list(*columns))

    to_decimal = _DecimalCache()
    # Lists repeat a few measures many times, so equal ones share one object.
    measures = {}
    entries = []
    for row in rows:
        listed = (row[14], to_decimal(row[15]), row[16])
        level_measures = measures.get(listed)
        if level_measures is None:
            level_measures = measures[listed] = {level: rules.ListedMeasure(*listed)}
        entries.append(
            rules.Entry(
                (row[1], row[3]),
                row[10],
                bool(row[11]),
                bool(row[12]),
                bool(row[13]),
                level_measures,
                to_decimal(row[4]),
                row[5],
            )
        )
    return rows, entries


def _fetch_raw(queryset):
    """Run the SQL of ``queryset`` and return its rows without Django's per-value converters.

    Over 40,000 entries on SQLite the converters (Decimal, bool) cost about as
    much as the query itself, so ``_load_entries`` converts the few distinct
    values once instead.
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class _DecimalCache:
    """Convert raw decimal column values (SQLite returns int or float) to Decimal with 2 places."""

    def __init__(self):
        self._values = {None: None}

    def __call__(self, raw):
        value = self._values.get(raw)
        if value is None and raw is not None:
            value = self._values[raw] = Decimal(str(raw)).quantize(_HUNDREDTH)
        return value


def compute_items_for_level(level, *, kind=rules.ISSUE, announced_at=None, starts_at=None,
                            region_ids=None, reduction_list=None, previous=None):
    """Return the plan items a warning event would get, without storing anything.

    Defaults: an issue announced and starting now, city-wide, on the list that
    applies at its start. ``previous`` maps (enterprise id, production line) to
    ``rules.PreviousItem``.
    """
    announced_at = announced_at or timezone.now()
    starts_at = starts_at or announced_at
    if reduction_list is None:
        reduction_list = list_for(starts_at)
        if reduction_list is None:
            return []
    _rows, entries = _load_entries(reduction_list, level, region_ids)
    event = rules.Event(kind=kind, level=level, announced_at=announced_at, starts_at=starts_at)
    return rules.derive_items(event, entries, previous)


def flag_words(flags):
    """Return the space-delimited form of ``flags`` that ``PlanItem.save`` stores for flag queries.

    Items stored in bulk skip ``save``, so they get this value here.
    """
    return " " + " ".join(flags) + " " if flags else ""


# PlanItem fields in the order ``_plan_item_row`` gives their values.
_ITEM_FIELDS = (
    "plan", "entry", "enterprise", "region", "credit_code", "enterprise_name", "industry_code", "industry_name",
    "performance_grade", "production_line", "measure_type", "limit_percent", "measure_detail", "effective_at",
    "safe_shutdown_hours", "shutdown_risk", "lead_time_gap_hours", "flags", "flag_words",
)


def _plan_item_row(plan_id, row, entry, item):
    return (
        plan_id, row[0], row[1], row[2], row[6], row[7], row[8], row[9], entry.performance_grade, row[3],
        item.measure_type, item.limit_percent, item.measure_detail, item.effective_at,
        entry.safe_shutdown_hours, entry.shutdown_risk, item.lead_time_gap_hours,
        list(item.flags), flag_words(item.flags),
    )


def _store_items(plan_id, rows, entries, items):
    """Insert the plan items with multi-row INSERT statements; return how many were stored.

    A city-wide red plan has tens of thousands of items. ``bulk_create`` builds
    a model instance per item and compiles every batch anew: issuing a red
    warning over 40,000 entries took about 6 s with it and about 1.2 s with
    these statements (``make bench`` issue phase, SQLite, 2-core VM). No model
    signals are sent.
    """
    statement = InsertStatement(PlanItem, _ITEM_FIELDS)
    return statement.execute(
        _plan_item_row(plan_id, row, entry, item) for row, entry, item in zip(rows, entries, items)
    )


def _previous_items(event):
    """Return {(enterprise id, line): PreviousItem} of the plan of the event before ``event``."""
    rows = PlanItem.objects.filter(
        plan__event__warning_id=event.warning_id, plan__event__sequence=event.sequence - 1
    ).values_list("enterprise_id", "production_line", "measure_type", "limit_percent", "effective_at")
    return {
        (enterprise_id, line): rules.PreviousItem(measure_type, limit_percent, effective_at)
        for enterprise_id, line, measure_type, limit_percent, effective_at in rows
    }


def _region_ids(event):
    if event.whole_city:
        return None
    return list(event.regions.values_list("id", flat=True))


@transaction.atomic
def derive_plan(event):
    """Derive and store the plan of a warning event, replacing the items of an unfrozen plan.

    A frozen (confirmed) plan is returned untouched. Without a reduction list
    for the event's start the plan is stored with no items. Callers record the
    audit entry of the action that asked for the plan.

    Returns:
        The event's ``ReductionPlan``.
    """
    plan = ReductionPlan.objects.select_for_update().filter(event=event).first()
    if plan is not None and plan.frozen:
        return plan

    reduction_list = list_for(event.starts_at)
    now = timezone.now()
    if plan is None:
        plan = ReductionPlan.objects.create(event=event, reduction_list=reduction_list, derived_at=now)
    else:
        plan.items.all().delete()
        plan.reduction_list = reduction_list
        plan.derived_at = now
        plan.save(update_fields=["reduction_list", "derived_at"])
    if reduction_list is None:
        return plan

    previous = _previous_items(event) if event.kind in (EventKind.UPGRADE, EventKind.DOWNGRADE) else None
    rows, entries = _load_entries(reduction_list, event.level, _region_ids(event))
    domain_event = rules.Event(
        kind=event.kind, level=event.level, announced_at=event.announced_at, starts_at=event.starts_at
    )
    items = rules.derive_items(domain_event, entries, previous)
    _store_items(plan.id, rows, entries, items)
    logger.info("Derived plan %s of event %s with %d items", plan.id, event.id, len(items))
    return plan


@transaction.atomic
def rederive_open_plans(reduction_list, *, actor):
    """Re-derive the unfrozen plans of warnings in force that use ``reduction_list``.

    Only the latest event of each warning in force is considered. Its plan uses
    the list if the list applies at the event's start or the plan was derived
    from it. Call this after a list is imported or replaced. Records
    ``plan.rederive`` for each plan it re-derives.

    Returns:
        The re-derived plans.
    """
    rederived = []
    for warning in PollutionWarning.objects.in_force().order_by("id"):
        event = warning.latest_event()
        if event is None:
            continue
        plan = ReductionPlan.objects.filter(event=event).first()
        if plan is not None and plan.frozen:
            continue
        applies = list_for(event.starts_at)
        uses_list = (applies is not None and applies.id == reduction_list.id) or (
            plan is not None and plan.reduction_list_id == reduction_list.id
        )
        if not uses_list:
            continue
        old_count = plan.items.count() if plan is not None else 0
        plan = derive_plan(event)
        audit.record(
            actor,
            PlanAction.REDERIVE,
            plan,
            changes={"items": [old_count, plan.items.count()]},
            event_id=event.id,
            reduction_list_id=reduction_list.id,
        )
        rederived.append(plan)
    return rederived
