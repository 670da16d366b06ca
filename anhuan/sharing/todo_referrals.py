"""Referral policy settings, notification kinds, the to-do provider and the overdue digest.

Importing this module registers all of them; ``anhuan.sharing.services.referrals`` imports it,
and so should ``SharingConfig.ready``.

* Officers and leaders see the referrals on which their agency must act next.
* Leaders of both agencies also see every overdue referral of their agency (deadline passed,
  not closed), whoever's turn it is, and get one overdue digest per day
  (``notify_overdue_referrals``).
"""

import logging

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from anhuan.core import notifications, policy
from anhuan.core.models import Notification
from anhuan.core.timeutil import to_local
from anhuan.core.todo import TodoItem, register_provider
from anhuan.organizations.models import Agency, Role, User
from anhuan.sharing.domain import referrals as machine
from anhuan.sharing.models import Referral

logger = logging.getLogger(__name__)

Status = Referral.Status

DEFAULT_DAYS = policy.register(
    "referrals.default_days", 15, "days",
    gettext_lazy("Days a new referral gives the receiving agency to report back (the default deadline)"),
)
MAX_FILE_MB = policy.register(
    "referrals.max_file_mb", 20, "MB", gettext_lazy("Largest evidence file accepted with a referral or a report"),
)

KIND_RECEIVED = "referral.received"
KIND_REPORTED = "referral.reported"
KIND_RETURNED = "referral.returned"
KIND_OVERDUE = "referral.overdue"
# Roles that act on referrals for their agency; experts only read them.
ACTING_ROLES = (Role.OFFICER, Role.LEADER)
RECEIVER_TURN = [status for status, side in machine.WAITING_FOR.items() if side == machine.Side.RECEIVER]
SENDER_TURN = [status for status, side in machine.WAITING_FOR.items() if side == machine.Side.SENDER]


# --- Notification texts ----------------------------------------------------------------------
# Chinese has one plural form, so singular and plural carry the same placeholders.


def format_received(data, count):
    return ngettext(
        "%(count)s referral awaits your agency; the latest is “%(subject)s” from %(sender)s.",
        "%(count)s referrals await your agency; the latest is “%(subject)s” from %(sender)s.",
        count,
    ) % {"count": count, "subject": data.get("subject", ""), "sender": data.get("sender", "")}


def format_reported(data, count):
    return ngettext(
        "%(count)s referral your agency sent was reported back; the latest is “%(subject)s” from %(receiver)s.",
        "%(count)s referrals your agency sent were reported back; the latest is “%(subject)s” from %(receiver)s.",
        count,
    ) % {"count": count, "subject": data.get("subject", ""), "receiver": data.get("receiver", "")}


def format_returned(data, count):
    return ngettext(
        "%(count)s referral was returned to your agency; the latest is “%(subject)s” from %(sender)s.",
        "%(count)s referrals were returned to your agency; the latest is “%(subject)s” from %(sender)s.",
        count,
    ) % {"count": count, "subject": data.get("subject", ""), "sender": data.get("sender", "")}


def format_overdue(data, count):
    return ngettext(
        "%(count)s referral of %(agency)s is past its deadline and not closed.",
        "%(count)s referrals of %(agency)s are past their deadlines and not closed.",
        count,
    ) % {"count": count, "agency": data.get("agency", "")}


notifications.register_kind(KIND_RECEIVED, format_received)
notifications.register_kind(KIND_REPORTED, format_reported)
notifications.register_kind(KIND_RETURNED, format_returned)
notifications.register_kind(KIND_OVERDUE, format_overdue)


# --- To-do items -----------------------------------------------------------------------------


def _title(referral, agency_id):
    values = {"subject": referral.subject}
    if referral.receiver_id == agency_id and referral.status in RECEIVER_TURN:
        if referral.status == Status.SENT:
            return _("Acknowledge the referral “%(subject)s”") % values
        return _("Report back on the referral “%(subject)s”") % values
    if referral.sender_id == agency_id and referral.status in SENDER_TURN:
        return _("Close or return the referral “%(subject)s”") % values
    waiting = referral.receiver if machine.WAITING_FOR[referral.status] == machine.Side.RECEIVER else referral.sender
    return _("Overdue referral “%(subject)s”, waiting for %(agency)s") % {**values, "agency": waiting.name}


def referral_todo_queryset(user, now):
    """Return the referrals on the user's to-do list: their agency's turn, and for leaders every overdue one."""
    if not user.is_authenticated or user.role not in ACTING_ROLES or user.agency_id is None:
        return Referral.objects.none()
    agency_id = user.agency_id
    condition = Q(receiver_id=agency_id, status__in=RECEIVER_TURN) | Q(sender_id=agency_id, status__in=SENDER_TURN)
    if user.role == Role.LEADER:
        party = Q(sender_id=agency_id) | Q(receiver_id=agency_id)
        condition |= party & Q(status__in=machine.OPEN_STATES, deadline__lt=now)
    return Referral.objects.filter(condition).select_related("sender", "receiver").order_by("deadline", "id")


@register_provider
def referral_todo(user):
    now = timezone.now()
    return [
        TodoItem(
            kind="referral",
            title=_title(referral, user.agency_id),
            link=reverse("sharing:referral-detail", args=[referral.pk]),
            due_at=referral.deadline,
            detail=f"{referral.sender.name} → {referral.receiver.name}",
        )
        for referral in referral_todo_queryset(user, now)
    ]


# --- Overdue digest --------------------------------------------------------------------------


def overdue_by_agency(now):
    """Return {agency id: [referral id, ...]} of the overdue referrals, listed under both agencies."""
    found = {}
    rows = (
        Referral.objects.filter(status__in=machine.OPEN_STATES, deadline__lt=now)
        .order_by("pk")
        .values_list("pk", "sender_id", "receiver_id")
    )
    for pk, sender_id, receiver_id in rows:
        for agency_id in (sender_id, receiver_id):
            found.setdefault(agency_id, []).append(pk)
    return found


def notify_overdue_referrals(now=None):
    """Send each leader of an agency with overdue referrals today's digest; return how many agencies were notified.

    The digest of the day counts the overdue referrals. A second run on the same day sends no
    notification unless another referral became overdue, so a worker may run it every 15 minutes.
    """
    now = now or timezone.now()
    day = to_local(now).date().isoformat()
    found = overdue_by_agency(now)
    agencies = Agency.objects.in_bulk(list(found))
    leaders = {}
    for user in User.objects.filter(agency_id__in=list(found), role=Role.LEADER, is_active=True).order_by("pk"):
        leaders.setdefault(user.agency_id, []).append(user)

    notified = 0
    with transaction.atomic():
        for agency_id, referral_ids in sorted(found.items()):
            recipients = leaders.get(agency_id, [])
            digest_key = f"{KIND_OVERDUE}:{agency_id}:{day}"
            known = {
                notification.recipient_id: set(notification.data.get("items", []))
                for notification in Notification.objects.filter(digest_key=digest_key, recipient__in=recipients)
            }
            fresh = [user for user in recipients if not set(referral_ids) <= known.get(user.pk, set())]
            if not fresh:
                continue
            data = {"agency": agencies[agency_id].name, "items": referral_ids}
            link = f"{reverse('sharing:referral-list')}?overdue=on"
            notifications.notify(fresh, kind=KIND_OVERDUE, digest_key=digest_key, data=data, link=link)
            # The digest counts the overdue referrals, not the runs that found them.
            Notification.objects.filter(digest_key=digest_key, recipient__in=fresh).update(count=len(referral_ids))
            notified += 1
    logger.info("Overdue referral digests sent to the leaders of %d agencies", notified)
    return notified
