"""Home page context: warnings in force, their plan items by flag and region, the user's to-do items.

Staff of an agency see the supervised data of their scope. Enterprise contacts and
administrators get a home without supervised data. The page runs a fixed number of
queries whatever the number of warnings or plan items.
"""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

import anhuan.core.todo_consultations  # noqa: F401  (registers the consultation provider)
from anhuan.core.todo import overdue_text, todo_for
from anhuan.organizations.models import STAFF_ROLES
from anhuan.pollution.models import Consultation, PlanFlag, PlanItem, PollutionWarning, WarningEvent
from anhuan.pollution.services.consultations import SAFETY_FLAGS, area_label, count_items_by_region
from anhuan.pollution.tags import FLAG_TAGS, LEVEL_TAGS

# The home page shows the first to-do items; the to-do page lists all of them.
HOME_TODO_LIMIT = 10


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
    every_item = todo_for(user, now)
    todo = [_todo_row(item, now) for item in every_item[:HOME_TODO_LIMIT]]
    return {
        "supervised": True,
        "warnings": warnings,
        "flag_counts": flags,
        "region_counts": regions,
        "total_items": sum(row["total"] for row in regions),
        "todo": todo,
        "todo_total": len(every_item),
        "overdue_count": sum(1 for item in every_item if item.is_overdue(now)),
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
    """Return a to-do item as a home-page row; consultation items also carry their warning level."""
    event = getattr(item, "event", None)
    return {
        "label": item.title,
        "kind": item.kind,
        "link": item.link,
        "detail": item.detail,
        "event_id": event.id if event else None,
        "level": event.get_level_display() if event else "",
        "level_tag": LEVEL_TAGS.get(event.level, "tag-grey") if event else "",
        "area": area_label(event) if event else item.detail,
        "due_at": item.due_at,
        "overdue": item.is_overdue(now),
        "overdue_text": overdue_text(item.due_at, now),
    }
