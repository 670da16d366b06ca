"""Bulletins in the inbox and on the to-do list, and the policy settings of the bulletin schedule.

Importing this module registers the policy keys, the notification kinds and the to-do provider.
It imports no service module, so ``anhuan.sharing.services.bulletins`` can import it.
"""

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from anhuan.core import policy
from anhuan.core.notifications import register_kind
from anhuan.core.todo import TodoItem, register_provider
from anhuan.organizations.models import Role
from anhuan.sharing.models import Bulletin

PERIOD_DAYS = policy.register(
    "bulletins.period_days", 7, "days", gettext_lazy("Length of the period each periodic bulletin reports on")
)
REMIND_HOURS = policy.register(
    "bulletins.remind_hours", 24, "hours", gettext_lazy("Hours after sending before an unacknowledged bulletin is reminded")
)

KIND_RECEIVED = "bulletin.received"
KIND_REMINDER = "bulletin.reminder"
TODO_ACKNOWLEDGE = "bulletin.acknowledge"
TODO_SENT_UNACKNOWLEDGED = "bulletin.sent_unacknowledged"

# Officers and leaders receive, acknowledge and write bulletins; experts only read them.
ACTING_ROLES = (Role.OFFICER, Role.LEADER)


def format_received(data, count):
    return _("%(sender)s sent the bulletin %(number)s %(title)s; acknowledge its receipt.") % {
        "sender": data.get("sender", ""), "number": data.get("number", ""), "title": data.get("title", ""),
    }


def format_reminder(data, count):
    return ngettext(
        "The bulletin %(number)s %(title)s from %(sender)s is still not acknowledged (reminded %(count)s time).",
        "The bulletin %(number)s %(title)s from %(sender)s is still not acknowledged (reminded %(count)s times).",
        count,
    ) % {"number": data.get("number", ""), "title": data.get("title", ""), "sender": data.get("sender", ""), "count": count}


register_kind(KIND_RECEIVED, format_received)
register_kind(KIND_REMINDER, format_reminder)


def acknowledgement_due_at(bulletin, remind_hours):
    """Return when the receiver should have acknowledged ``bulletin``: sent time plus the reminder delay."""
    return bulletin.sent_at + dt.timedelta(hours=remind_hours)


@register_provider
def bulletin_todo(user):
    """Return the bulletins waiting for acknowledgement that concern the user.

    Officers and leaders of the receiving agency see every unacknowledged bulletin, due after the
    reminder delay. Leaders of the sending agency see their agency's bulletins once that delay
    has passed without acknowledgement. One query.
    """
    if user.role not in ACTING_ROLES or user.agency_id is None or not user.is_active:
        return []
    remind_hours = policy.get(REMIND_HOURS)
    condition = Q(receiver_id=user.agency_id)
    if user.role == Role.LEADER:
        overdue_since = timezone.now() - dt.timedelta(hours=remind_hours)
        condition |= Q(sender_id=user.agency_id, sent_at__lte=overdue_since)
    pending = (
        Bulletin.objects.filter(condition, status=Bulletin.Status.SENT)
        .select_related("sender", "receiver")
        .order_by("sent_at", "id")
    )

    items = []
    for bulletin in pending:
        received = bulletin.receiver_id == user.agency_id
        if received:
            title = _("Acknowledge the bulletin %(title)s from %(sender)s") % {
                "title": bulletin.title, "sender": bulletin.sender.name,
            }
        else:
            title = _("%(receiver)s has not acknowledged the bulletin %(title)s") % {
                "receiver": bulletin.receiver.name, "title": bulletin.title,
            }
        items.append(TodoItem(
            kind=TODO_ACKNOWLEDGE if received else TODO_SENT_UNACKNOWLEDGED,
            title=title,
            link=reverse("sharing:bulletin-detail", args=[bulletin.pk]),
            due_at=acknowledgement_due_at(bulletin, remind_hours),
            detail=bulletin.document_number,
        ))
    return items
