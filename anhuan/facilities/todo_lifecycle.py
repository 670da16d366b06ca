"""Notification kinds of the key facility lifecycle and the EE officers' to-do items.

Importing this module registers them; ``anhuan.facilities.services.lifecycle`` imports it.

* ``facility.shared``: a new key facility project was shared with an emergency agency.
* ``facility.safety_reminder``: an enterprise contact is reminded to obtain the safety demonstration.
* To-do: officers and leaders of the environment side see the new-project key facilities of their
  scope that are planned, have no passing safety demonstration and whose enterprise was not reminded yet.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anhuan.core import notifications
from anhuan.core.todo import TodoItem, register_provider
from anhuan.organizations.models import Department, Role

KIND_SHARED = "facility.shared"
KIND_SAFETY_REMINDER = "facility.safety_reminder"
# More than this many waiting reminders make one summary item instead of one item each.
MAX_TODO_ITEMS = 20


def format_shared(data, count):
    return ngettext(
        "%(count)s new key environmental facility project was shared with your agency; the latest is “%(facility)s” of %(enterprise)s.",
        "%(count)s new key environmental facility projects were shared with your agency; the latest is “%(facility)s” of %(enterprise)s.",
        count,
    ) % {"count": count, "facility": data.get("facility", ""), "enterprise": data.get("enterprise", "")}


def format_safety_reminder(data, count):
    return _(
        "Obtain the safety demonstration of “%(facility)s” before building it: a key environmental facility may not "
        "be built or put into operation without one."
    ) % {"facility": data.get("facility", "")}


notifications.register_kind(KIND_SHARED, format_shared)
notifications.register_kind(KIND_SAFETY_REMINDER, format_safety_reminder)


def reminders_due(user):
    """Return the planned new-project key facilities in the user's scope still waiting for a safety reminder."""
    from anhuan.facilities.models import Demonstration, DemonstrationKind, KeyFacilityProfile, Origin, Outcome
    from anhuan.sharing.models import EnvFacility

    demonstrated = Demonstration.objects.filter(kind=DemonstrationKind.SAFETY, outcome=Outcome.PASSED).values("facility_id")
    waiting = KeyFacilityProfile.objects.filter(origin=Origin.NEW_PROJECT, safety_reminded_at__isnull=True).values("facility_id")
    return (
        EnvFacility.objects.visible_to(user)
        .filter(is_key=True, status="planned", pk__in=waiting)
        .exclude(pk__in=demonstrated)
        .select_related("enterprise")
        .order_by("pk")
    )


@register_provider
def safety_reminder_todo(user):
    if not user.is_authenticated or user.role not in (Role.OFFICER, Role.LEADER) or user.agency_id is None:
        return []
    if user.department != Department.ENVIRONMENT:
        return []
    facilities = list(reminders_due(user)[: MAX_TODO_ITEMS + 1])
    if len(facilities) > MAX_TODO_ITEMS:
        return [TodoItem(
            kind="facility",
            title=_("Remind enterprises of the safety demonstration of their new key facilities"),
            link=reverse("facilities:list") + "?path=new_project&status=planned",
        )]
    return [
        TodoItem(
            kind="facility",
            title=_("Remind %(enterprise)s of the safety demonstration of “%(facility)s”") % {
                "enterprise": facility.enterprise.name, "facility": facility.name,
            },
            link=reverse("facilities:detail", args=[facility.pk]),
        )
        for facility in facilities
    ]
