"""Home page context: warnings in force, their plan items by flag and region, the user's to-do items.

Staff of an agency see the supervised data of their scope. Enterprise contacts and
administrators get a home without supervised data. The page runs a fixed number of
queries whatever the number of warnings or plan items.
"""

import math

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import ngettext

from anhuan.organizations.models import STAFF_ROLES
from anhuan.pollution.models import Consultation, PlanFlag, PlanItem, PollutionWarning, WarningEvent
from anhuan.pollution.services.consultations import (
    SAFETY_FLAGS,
    area_label,
    consultation_todo_for,
    count_items_by_region,
)
from anhuan.pollution.views.consultations import FLAG_TAGS, LEVEL_TAGS


def home_context(user):
    """Return the template context of the home page for ``user``."""
    if user.role not in STAFF_ROLES or user.agency_id is None:
        return {"supervised": False}

    warnings = _warnings_in_force(user)
    latest_event_ids = [warning.latest_event_id for warning in warnings if warning.latest_event_id]
    with_consultation = set(
        Consultation.objects.filter(event_id__in=latest_event_ids).values_list("event_id", flat=True)
    )
    for warning in warnings:
        warning.level_tag = LEVEL_TAGS.get(warning.level, "tag-grey")
        warning.area = area_label(warning)
        warning.has_consultation = warning.latest_event_id in with_consultation

    items = PlanItem.objects.visible_to(user).filter(plan__event_id__in=latest_event_ids)
    regions = count_items_by_region(items) if latest_event_ids else []
    for row in regions:
        row["safety_counts"] = [row[flag] for flag in SAFETY_FLAGS]
    flags = [
        {"value": flag.value, "label": flag.label, "tag": FLAG_TAGS[flag], "count": sum(row[flag.value] for row in regions)}
        for flag in PlanFlag
    ]

    now = timezone.now()
    todo = [_todo_row(item, now) for item in consultation_todo_for(user)]
    return {
        "supervised": True,
        "warnings": warnings,
        "flag_counts": flags,
        "region_counts": regions,
        "total_items": sum(row["total"] for row in regions),
        "todo": todo,
        "overdue_count": sum(1 for row in todo if row["overdue"]),
        "safety_flags": [PlanFlag(flag).label for flag in SAFETY_FLAGS],
    }


def _warnings_in_force(user):
    latest = WarningEvent.objects.filter(warning_id=OuterRef("pk")).order_by("-sequence").values("id")[:1]
    return list(
        PollutionWarning.objects.visible_to(user)
        .in_force()
        .annotate(latest_event_id=Subquery(latest))
        .prefetch_related("regions")
        .order_by("-starts_at", "-id")
    )


def _todo_row(item, now):
    event = item.consultation.event
    row = {
        "label": item.label,
        "kind": item.kind,
        "event_id": event.id,
        "level": event.get_level_display(),
        "level_tag": LEVEL_TAGS.get(event.level, "tag-grey"),
        "area": area_label(event),
        "due_at": item.due_at,
        "overdue": item.due_at < now,
        "overdue_text": "",
    }
    if row["overdue"]:
        late = now - item.due_at
        if late.days >= 1:
            row["overdue_text"] = ngettext("Overdue by %(days)s day", "Overdue by %(days)s days", late.days) % {
                "days": late.days
            }
        else:
            hours = max(1, math.floor(late.total_seconds() / 3600))
            row["overdue_text"] = ngettext("Overdue by %(hours)s hour", "Overdue by %(hours)s hours", hours) % {
                "hours": hours
            }
    return row
