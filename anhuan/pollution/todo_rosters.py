"""Duty rosters on the county officers' to-do lists, the spot-check digest and the roster policy keys.

Importing this module registers the policy keys, the notification kind and the to-do provider.
It reads the models directly so that ``anhuan.pollution.services.rosters`` can import it.
"""

import datetime as dt

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from anhuan.core import policy
from anhuan.core.notifications import register_kind
from anhuan.core.todo import TodoItem, register_provider
from anhuan.organizations.models import Level, Role
from anhuan.pollution.models import DutyRoster, PollutionWarning, WarningStatus

MIN_COVERAGE_KEY = policy.register(
    "rosters.min_coverage_hours", 24, "hours",
    gettext_lazy("Continuous hours a duty roster must cover, from its first shift"),
)
CONFIRM_HOURS_KEY = policy.register(
    "rosters.confirm_hours", 2, "hours",
    gettext_lazy("Hours after submission within which officers should confirm or return a duty roster"),
)

TODO_KIND = "roster.confirm"
UNANSWERED_KIND = "roster.unanswered"


def list_url(warning_id, **filters):
    query = "&".join(f"{name}={value}" for name, value in {"warning": warning_id, **filters}.items())
    return f"{reverse('pollution:roster-list')}?{query}"


@register_provider
def roster_todo(user):
    """Return one item per warning in force with submitted rosters in a county officer's region.

    The item is due ``rosters.confirm_hours`` after the earliest waiting submission.
    """
    if user.role != Role.OFFICER or user.agency_id is None or user.agency.level != Level.COUNTY:
        return []
    waiting = (
        DutyRoster.objects.visible_to(user)
        .filter(status=DutyRoster.Status.SUBMITTED, warning__status=WarningStatus.IN_FORCE)
        .values("warning_id")
        .annotate(count=Count("id"), first_submitted=Min("submitted_at"))
        .order_by("warning_id")
    )
    rows = list(waiting)
    if not rows:
        return []
    warnings = PollutionWarning.objects.in_bulk([row["warning_id"] for row in rows])
    hours = policy.get(CONFIRM_HOURS_KEY)
    items = []
    for row in rows:
        warning = warnings[row["warning_id"]]
        title = ngettext(
            "%(count)s duty roster waits for confirmation",
            "%(count)s duty rosters wait for confirmation",
            row["count"],
        ) % {"count": row["count"]}
        due_at = row["first_submitted"] + dt.timedelta(hours=hours) if row["first_submitted"] else None
        items.append(TodoItem(
            kind=TODO_KIND, title=title, link=list_url(warning.pk, state="submitted"), due_at=due_at,
            detail=str(warning),
        ))
    return items


def format_unanswered(data, count):
    return ngettext(
        "%(count)s duty phone call in %(region)s was not answered during the warning announced %(announced)s; "
        "the latest at %(enterprise)s.",
        "%(count)s duty phone calls in %(region)s were not answered during the warning announced %(announced)s; "
        "the latest at %(enterprise)s.",
        count,
    ) % {"count": count, "region": data.get("region", ""), "announced": data.get("announced", ""),
         "enterprise": data.get("enterprise", "")}


register_kind(UNANSWERED_KIND, format_unanswered)
