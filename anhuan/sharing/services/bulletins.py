"""Bulletins (通报): periodic generation, ad-hoc sending, delivery, acknowledgement and reminders.

Every bulletin is written with its audit entry and its inbox notifications in one transaction,
so a worker killed mid-job leaves either the whole bulletin or nothing. A periodic bulletin
exists once per flow, sender, receiver and period because of a unique constraint, so a second
run of the same period finds it and writes nothing.
"""

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db import models
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit, policy
from anhuan.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from anhuan.core.notifications import notify
from anhuan.core.officialdoc import format_document_number, validate_document_number
from anhuan.core.timeutil import format_local, to_local
from anhuan.organizations.models import Agency, Department, Level, Region, User
from anhuan.organizations.services import get_system_user
from anhuan.sharing import bulletin_content
from anhuan.sharing.domain.periods import last_complete_period
from anhuan.sharing.models import Bulletin, BulletinFlow
from anhuan.sharing.todo_bulletins import ACTING_ROLES, KIND_RECEIVED, KIND_REMINDER, PERIOD_DAYS, REMIND_HOURS

logger = logging.getLogger(__name__)

Status = Bulletin.Status
ACKNOWLEDGE = "acknowledge"
# The acknowledgement workflow: the only transition is SENT -> ACKNOWLEDGED, taken once.
TRANSITIONS = {
    Status.SENT: {ACKNOWLEDGE: Status.ACKNOWLEDGED},
    Status.ACKNOWLEDGED: {},
}

# Generated bulletins are official texts of the city's agencies, written in the platform's language.
DOCUMENT_LANGUAGE = settings.LANGUAGE_CODE
# 通 marks the bulletin series in a document number, as in 邢环通〔2026〕5号.
SERIES_MARK = "通"
_ISSUER_SUFFIX = {Department.EMERGENCY: "应急", Department.ENVIRONMENT: "环"}


@audit.register_actions
class BulletinAction(models.TextChoices):
    SEND = "bulletin.send", gettext_lazy("bulletin sent")
    ACKNOWLEDGE = "bulletin.acknowledge", gettext_lazy("bulletin acknowledged")
    REMIND = "bulletin.remind", gettext_lazy("bulletin acknowledgement reminded")


# --- Agencies, staff and document numbers --------------------------------------------------


def counterpart_agency(agency):
    """Return the other department's agency of the same region, or None if there is none."""
    other = Department.ENVIRONMENT if agency.department == Department.EMERGENCY else Department.EMERGENCY
    return Agency.objects.filter(department=other, region_id=agency.region_id).select_related("region").first()


def acting_staff(agency):
    """Return the active officers and leaders of ``agency``: who receives and acknowledges its bulletins."""
    return User.objects.filter(agency=agency, is_active=True, role__in=ACTING_ROLES).order_by("id")


def issuer_code(agency):
    """Return the issuer code of document numbers: ``Agency.short_code``, else region short name plus department."""
    if agency.short_code.strip():
        return agency.short_code.strip()
    region = agency.region
    return (region.short_name or region.name) + _ISSUER_SUFFIX[Department(agency.department)]


def next_document_number(agency, year):
    """Return the next bulletin number of ``agency`` in ``year``, e.g. 邢环通〔2026〕5号.

    Numbers run per sender and year. Call it inside the transaction that stores the bulletin,
    after locking the sender (``_lock_sender``), so two bulletins never take the same number.
    """
    code = issuer_code(agency) + SERIES_MARK
    prefix = f"{code}〔{year}〕"
    pattern = re.compile(re.escape(prefix) + r"(\d+)号$")
    taken = Bulletin.objects.filter(sender=agency, document_number__startswith=prefix).values_list("document_number", flat=True)
    numbers = [int(match[1]) for match in map(pattern.match, taken) if match]
    return format_document_number(code, year, max(numbers, default=0) + 1)


def _lock_sender(agency):
    # Serialises number allocation per sender. SQLite ignores the lock but serialises all writes.
    Agency.objects.select_for_update().filter(pk=agency.pk).first()


def get_bulletin_for_user(user, pk):
    """Return the bulletin ``pk`` if ``user`` may see it, else raise Http404."""
    bulletin = (
        Bulletin.objects.visible_to(user)
        .select_related("sender__region", "receiver__region", "acknowledged_by", "created_by")
        .filter(pk=pk).first()
    )
    if bulletin is None:
        raise Http404(_("The object was not found."))
    return bulletin


# --- Sending -------------------------------------------------------------------------------


def _deliver(bulletin, *, kind, digest_key):
    data = {
        "bulletin_id": bulletin.pk, "title": bulletin.title, "number": bulletin.document_number,
        "sender": bulletin.sender.name,
    }
    notify(acting_staff(bulletin.receiver), kind=kind, digest_key=digest_key, data=data,
           link=reverse("sharing:bulletin-detail", args=[bulletin.pk]))


def _send(*, flow, sender, receiver, draft, actor, now, period=None, document_number="", after_insert=None):
    """Store one bulletin with its number, audit entry and notifications, all in one transaction."""
    with transaction.atomic():
        _lock_sender(sender)
        number = document_number or next_document_number(sender, to_local(now).year)
        bulletin = Bulletin.objects.create(
            flow=flow, sender=sender, receiver=receiver,
            period_start=period.start if period else None, period_end=period.end if period else None,
            title=draft.title, body=draft.body, content=draft.content, document_number=number,
            created_by=actor, sent_at=now, remind_at=now + dt.timedelta(hours=policy.get(REMIND_HOURS)),
        )
        audit.record(actor, BulletinAction.SEND, bulletin, flow=flow, sender=sender.name, receiver=receiver.name,
                     number=number)
        _deliver(bulletin, kind=KIND_RECEIVED, digest_key=f"bulletin:{bulletin.pk}")
        if after_insert is not None:
            after_insert(bulletin)
    return bulletin


def send_adhoc_bulletin(*, actor, title, body, document_number="", now=None):
    """Send a hand-written bulletin from the actor's agency to the other department's agency of its region.

    Without a document number the next number of the sender's series is given.

    Raises:
        NotPermitted: the actor is not an officer or leader of an agency.
        ValidationFailed: the title or text is empty, or the number is malformed or already used.
    """
    if actor.role not in ACTING_ROLES or actor.agency_id is None or not actor.is_active:
        raise NotPermitted(_("Only officers and leaders of an agency can send bulletins."))
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        raise ValidationFailed(_("Enter the title of the bulletin."), field="title")
    if not body:
        raise ValidationFailed(_("Enter the text of the bulletin."), field="body")
    number = ""
    if (document_number or "").strip():
        try:
            number = validate_document_number(document_number)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field="document_number") from exc
        if Bulletin.objects.filter(sender_id=actor.agency_id, document_number=number).exists():
            raise ValidationFailed(
                _("Document number %(number)s is already used by another bulletin of your agency.") % {"number": number},
                field="document_number",
            )
    sender = actor.agency
    receiver = counterpart_agency(sender)
    if receiver is None:
        raise ValidationFailed(_("Your region has no agency of the other department to send the bulletin to."))

    draft = bulletin_content.Draft(title=title, body=body, content={"flow": BulletinFlow.ADHOC.value, "sections": []})
    return _send(flow=BulletinFlow.ADHOC, sender=sender, receiver=receiver, draft=draft, actor=actor,
                 now=now or timezone.now(), document_number=number)


# --- Periodic generation -----------------------------------------------------------------


@dataclass
class Route:
    """One periodic bulletin to write: its flow, sender, receiver and how to build its content."""

    flow: str
    sender: Agency
    receiver: Agency
    region: Region
    whole_city: bool = False

    def build(self, period):
        if self.flow == BulletinFlow.WARNINGS_AND_REDUCTION:
            return bulletin_content.build_warnings_content(period)
        if self.flow == BulletinFlow.NEW_ENV_FACILITIES:
            return bulletin_content.build_env_facilities_content(self.region, period)
        return bulletin_content.build_safety_risks_content(self.region, period, whole_city=self.whole_city)


def periodic_routes():
    """Return every periodic route: city EE to city EM; each county EE to its EM; each EM to its EE.

    The city emergency agency reports the whole city's safety risk information; county agencies
    report their own region. A region without both agencies has no route.
    """
    agencies = {}
    for agency in Agency.objects.select_related("region").order_by("region__sort_order", "department"):
        agencies.setdefault(agency.region_id, {})[agency.department] = agency
    routes = []
    for pair in agencies.values():
        environment = pair.get(Department.ENVIRONMENT)
        emergency = pair.get(Department.EMERGENCY)
        if environment is None or emergency is None:
            continue
        city = emergency.level == Level.CITY
        flow = BulletinFlow.WARNINGS_AND_REDUCTION if city else BulletinFlow.NEW_ENV_FACILITIES
        routes.append(Route(flow, environment, emergency, environment.region))
        routes.append(Route(BulletinFlow.SAFETY_RISKS, emergency, environment, emergency.region, whole_city=city))
    return routes


@dataclass
class GenerationResult:
    period_start: dt.datetime
    period_end: dt.datetime
    created: int = 0
    existing: int = 0
    failed: int = 0


def generate_due_bulletins(now=None, *, after_insert=None):
    """Write each periodic bulletin of the last complete period that does not exist yet.

    Safe to run any number of times and from several workers: an existing bulletin is skipped,
    and one written meanwhile by another worker makes the insert fail on the unique constraint,
    which rolls back only that bulletin. An error in one bulletin is logged and the others are
    still written; the next run retries it.

    Args:
        now: the current time; passed explicitly by tests and by the command.
        after_insert: called with each new bulletin inside its transaction, after its
            notifications; an exception there rolls the whole bulletin back.
    """
    now = now or timezone.now()
    period = last_complete_period(now, policy.get(PERIOD_DAYS))
    result = GenerationResult(period.start, period.end)
    routes = periodic_routes()
    existing = set(
        Bulletin.objects.filter(period_start=period.start).exclude(flow=BulletinFlow.ADHOC)
        .values_list("flow", "sender_id", "receiver_id")
    )
    actor = get_system_user()
    logger.info("Generating bulletins for the period starting %s", period.start.isoformat())

    for route in routes:
        if (route.flow, route.sender.pk, route.receiver.pk) in existing:
            result.existing += 1
            continue
        try:
            with translation.override(DOCUMENT_LANGUAGE):
                draft = route.build(period)
            _send(flow=route.flow, sender=route.sender, receiver=route.receiver, draft=draft, actor=actor, now=now,
                  period=period, after_insert=after_insert)
        except IntegrityError:
            # Another worker wrote this bulletin after the existence check.
            result.existing += 1
        except Exception:
            logger.exception("Bulletin %s from agency %s to agency %s failed", route.flow, route.sender.pk, route.receiver.pk)
            result.failed += 1
        else:
            result.created += 1
    logger.info("Bulletins for the period starting %s: %s created, %s existing, %s failed",
                period.start.isoformat(), result.created, result.existing, result.failed)
    return result


# --- Acknowledgement ---------------------------------------------------------------------


def check_can_acknowledge(bulletin, user):
    """Raise unless ``user`` may acknowledge ``bulletin`` now.

    Raises:
        TransitionNotAllowed: the bulletin was already acknowledged.
        NotPermitted: the user is not an officer or leader of the receiving agency.
    """
    if ACKNOWLEDGE not in TRANSITIONS[Status(bulletin.status)]:
        raise TransitionNotAllowed(
            _("This bulletin was already acknowledged by %(user)s at %(time)s.") % {
                "user": bulletin.acknowledged_by.display_name if bulletin.acknowledged_by_id else "",
                "time": format_local(bulletin.acknowledged_at),
            },
            status=bulletin.status,
        )
    if user.agency_id is not None and user.agency_id == bulletin.sender_id:
        raise NotPermitted(_("The sending agency cannot acknowledge its own bulletin."))
    if user.agency_id != bulletin.receiver_id or user.role not in ACTING_ROLES or not user.is_active:
        raise NotPermitted(_("Only officers and leaders of the receiving agency can acknowledge this bulletin."))


def allowed_actions(bulletin, user):
    """Return the workflow actions ``user`` may take on ``bulletin`` now (the page shows these buttons)."""
    try:
        check_can_acknowledge(bulletin, user)
    except (TransitionNotAllowed, NotPermitted):
        return []
    return [ACKNOWLEDGE]


def acknowledge_bulletin(bulletin, *, actor, now=None):
    """Record that ``actor`` of the receiving agency acknowledged (签收) ``bulletin``; return it.

    Raises:
        TransitionNotAllowed: the bulletin was already acknowledged.
        NotPermitted: the actor is not an officer or leader of the receiving agency.
    """
    with transaction.atomic():
        current = Bulletin.objects.select_for_update(of=("self",)).select_related("acknowledged_by").get(pk=bulletin.pk)
        check_can_acknowledge(current, actor)
        before = audit.snapshot(current, ["status", "acknowledged_by", "acknowledged_at"])
        current.status = TRANSITIONS[Status(current.status)][ACKNOWLEDGE]
        current.acknowledged_by = actor
        current.acknowledged_at = now or timezone.now()
        current.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        changes = audit.diff(before, audit.snapshot(current, ["status", "acknowledged_by", "acknowledged_at"]))
        audit.record(actor, BulletinAction.ACKNOWLEDGE, current, changes=changes)
    return current


# --- Reminders ---------------------------------------------------------------------------


def remind_unacknowledged(now=None):
    """Remind the receiving agency's staff of each unacknowledged bulletin whose reminder is due.

    Each bulletin is claimed with a conditional update of ``remind_at``, so two workers never
    remind the same bulletin twice. The claim, the notification and the audit entry share one
    transaction. The next reminder is due one reminder delay later. Returns how many were reminded.
    """
    now = now or timezone.now()
    delay = dt.timedelta(hours=policy.get(REMIND_HOURS))
    due = list(Bulletin.objects.filter(status=Status.SENT, remind_at__lte=now).values_list("pk", "remind_at"))
    actor = get_system_user() if due else None
    reminded = 0
    for pk, remind_at in due:
        with transaction.atomic():
            claimed = Bulletin.objects.filter(pk=pk, status=Status.SENT, remind_at=remind_at).update(
                remind_at=now + delay, reminders_sent=F("reminders_sent") + 1
            )
            if not claimed:
                continue
            bulletin = Bulletin.objects.select_related("sender", "receiver").get(pk=pk)
            _deliver(bulletin, kind=KIND_REMINDER, digest_key=f"bulletin.reminder:{pk}")
            audit.record(actor, BulletinAction.REMIND, bulletin,
                         changes={"reminders_sent": [bulletin.reminders_sent - 1, bulletin.reminders_sent]})
        reminded += 1
    if reminded:
        logger.info("Reminded %s unacknowledged bulletins", reminded)
    return reminded


def overdue_condition(now):
    """Return the filter of bulletins whose acknowledgement is overdue at ``now``."""
    delay = dt.timedelta(hours=policy.get(REMIND_HOURS))
    return models.Q(status=Status.SENT, sent_at__lte=now - delay)


def is_acknowledgement_overdue(bulletin, now=None, remind_hours=None):
    """True if ``bulletin`` is unacknowledged and the reminder delay since sending has passed."""
    if bulletin.status != Status.SENT:
        return False
    hours = policy.get(REMIND_HOURS) if remind_hours is None else remind_hours
    return bulletin.sent_at + dt.timedelta(hours=hours) <= (now or timezone.now())
