"""On-site guidance on the leaders' to-do lists, and the digest telling county staff that visits are needed.

Importing this module registers the to-do provider and the notification kind; the policy key
``onsite.alert_hours`` is registered by ``anhuan.pollution.services.onsite``, which it imports.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anhuan.core.notifications import notify, register_kind
from anhuan.core.timeutil import format_local
from anhuan.core.todo import TodoItem, register_provider
from anhuan.organizations.models import Agency, Level, Role, User
from anhuan.pollution.models import PlanFlag, PlanItem
from anhuan.pollution.services import onsite as services

TODO_KIND = "onsite.alert"
NEEDED_KIND = "onsite.needed"
# The to-do detail names this many enterprises; the linked list shows them all.
DETAIL_NAMES = 5


def list_url(warning_id, **filters):
    query = "&".join(f"{name}={value}" for name, value in {"warning": warning_id, **filters}.items())
    return f"{reverse('pollution:onsite-list')}?{query}"


@register_provider
def onsite_todo(user):
    """Return one item per warning in force whose highlighted enterprises wait for a visit or documents.

    Only leaders get these items: county leaders for their county, city leaders for the whole city.
    The number of queries does not grow with the number of warnings or enterprises.
    """
    if user.role != Role.LEADER or not services.is_acting_staff(user):
        return []
    warning_ids = list(services.in_force_warnings(user).values_list("pk", flat=True))
    if not warning_ids:
        return []
    highlighted = {}
    for row in services.onsite_overview(user, warning_ids):
        if row.highlighted:
            highlighted.setdefault(row.warning_id, []).append(row)

    items = []
    for warning_id, rows in highlighted.items():
        rows.sort(key=lambda row: row.earliest_effective_at)
        names = "、".join(row.enterprise.name for row in rows[:DETAIL_NAMES])
        if len(rows) > DETAIL_NAMES:
            names = _("%(names)s and %(more)s more") % {"names": names, "more": len(rows) - DETAIL_NAMES}
        title = ngettext(
            "%(count)s enterprise still needs its on-site visit or documents before its measure starts",
            "%(count)s enterprises still need their on-site visit or documents before their measures start",
            len(rows),
        ) % {"count": len(rows)}
        items.append(TodoItem(
            kind=TODO_KIND, title=title, link=list_url(warning_id, alert=1),
            due_at=rows[0].earliest_effective_at, detail=names,
        ))
    return items


def format_needed(data, count):
    return ngettext(
        "%(enterprises)s enterprise in %(region)s needs joint on-site guidance for the warning announced %(announced)s.",
        "%(enterprises)s enterprises in %(region)s need joint on-site guidance for the warning announced %(announced)s.",
        data.get("enterprises", 0),
    ) % {"enterprises": data.get("enterprises", 0), "region": data.get("region", ""), "announced": data.get("announced", "")}


register_kind(NEEDED_KIND, format_needed)


def notify_onsite_needed(warning):
    """Send each active officer and leader of the concerned county agencies one digest for the warning.

    A county agency is concerned when an enterprise of its region has a line flagged for on-site
    guidance in the warning's latest plan. Calling it again for the same warning adds to the
    same digest instead of sending another message. Returns the number of agencies notified.
    """
    event_id = services.latest_event_ids([warning.pk]).get(warning.pk)
    enterprises_by_region = {}
    flagged = (
        PlanItem.objects.filter(plan__event_id=event_id)
        .with_flag(PlanFlag.ONSITE_GUIDANCE_REQUIRED)
        .values_list("region_id", "enterprise_id")
    )
    for region_id, enterprise_id in flagged:
        enterprises_by_region.setdefault(region_id, set()).add(enterprise_id)
    if not enterprises_by_region:
        return 0

    agencies = Agency.objects.filter(level=Level.COUNTY, region_id__in=enterprises_by_region).select_related("region")
    staff = User.objects.filter(agency__in=agencies, is_active=True, role__in=services.ACTING_ROLES)
    staff_by_agency = {}
    for user in staff:
        staff_by_agency.setdefault(user.agency_id, []).append(user)

    announced = format_local(warning.announced_at)
    for agency in agencies:
        data = {
            "warning_id": warning.pk,
            "region": agency.region.name,
            "enterprises": len(enterprises_by_region[agency.region_id]),
            "announced": announced,
        }
        notify(
            staff_by_agency.get(agency.pk, []), kind=NEEDED_KIND, digest_key=f"onsite.needed:{warning.pk}:{agency.pk}",
            data=data, link=list_url(warning.pk, region=agency.region_id),
        )
    return len(agencies)
