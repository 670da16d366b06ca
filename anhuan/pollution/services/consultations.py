"""Joint consultation (联合会商) actions: opinions, conclusions and the leaders' confirmations.

Who may act is decided by the area of the consultation's warning event:

* Officers and leaders of either department may record opinions and write the conclusions
  when their scope covers at least part of the area: city staff always, county staff when the
  event is city-wide or names their region.
* Only a leader confirms the plan, once per department, and only a leader whose level covers
  the whole area: a city leader always, a county leader only for an event limited to their
  own region.
* Once both departments have confirmed, the consultation is confirmed and its plan frozen;
  opinions and conclusions can no longer change.

The ``check_*`` functions raise the same errors the actions raise, so pages show only the
actions a user can take.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit
from anhuan.core.errors import NotPermitted, OutOfScope, TransitionNotAllowed, ValidationFailed
from anhuan.core.officialdoc import validate_document_number
from anhuan.core.timeutil import format_local
from anhuan.organizations.models import STAFF_ROLES, Department, Role
from anhuan.organizations.scope import region_ids_of
from anhuan.pollution.models import (
    Confirmation,
    Consultation,
    Opinion,
    PlanFlag,
    PlanItem,
    ReductionPlan,
    WarningEvent,
    WarningStatus,
)


@audit.register_actions
class ConsultationAction(models.TextChoices):
    OPINION = "consultation.opinion", gettext_lazy("Consultation opinion recorded")
    CONCLUSION = "consultation.conclusion", gettext_lazy("Consultation conclusions updated")
    CONFIRM = "consultation.confirm", gettext_lazy("Reduction plan confirmed by a department")


# Roles that take part in a consultation; experts advise through on-site guidance instead.
ACTING_ROLES = {Role.OFFICER, Role.LEADER}
BOTH_DEPARTMENTS = frozenset(Department.values)
# Flags that ask the consultation to look at an item's safety.
SAFETY_FLAGS = (
    PlanFlag.INSUFFICIENT_LEAD_TIME,
    PlanFlag.ONSITE_GUIDANCE_REQUIRED,
    PlanFlag.NON_INTERRUPTIBLE,
)
_CONSULTATION_FIELDS = ["conclusion", "held_at", "attendees", "document_number"]


# --- Area and scope ---------------------------------------------------------------------


def event_region_ids(event):
    """Return the ids of the regions an event names (empty for a city-wide event).

    Reads ``event.regions.all()``, so prefetch ``regions`` when checking many events.
    """
    return {region.id for region in event.regions.all()}


def area_label(event):
    """Return the area of an event or warning for people: the whole city, or its regions joined with 、."""
    if event.whole_city:
        return _("the whole city")
    return "、".join(region.name for region in sorted(event.regions.all(), key=lambda region: region.sort_order))


def touches_area(user, event):
    """True if the user's scope covers at least part of the event's area."""
    regions = region_ids_of(user)
    if regions is None:
        return True
    if not regions:
        return False
    return event.whole_city or bool(regions & event_region_ids(event))


def covers_area(user, event):
    """True if the user's scope covers the event's whole area."""
    regions = region_ids_of(user)
    if regions is None:
        return True
    if not regions or event.whole_city:
        return False
    named = event_region_ids(event)
    return bool(named) and named <= regions


def visible_events(user):
    """Return the warning events whose area touches the user's scope; none for non-staff."""
    if user.role not in STAFF_ROLES or user.agency_id is None:
        return WarningEvent.objects.none()
    events = WarningEvent.objects.all()
    regions = region_ids_of(user)
    if regions is None:
        return events
    named = WarningEvent.regions.through.objects.filter(warningevent_id=OuterRef("pk"), region_id__in=regions)
    return events.filter(Q(whole_city=True) | Exists(named))


def get_consultation_for_user(user, event_id):
    """Return the consultation of a warning event inside the user's scope.

    Raises:
        NotPermitted: the user is not staff of an agency (contacts, administrators).
        Http404: no such event or consultation, or the event lies outside the user's scope.
    """
    if user.role not in STAFF_ROLES or user.agency_id is None:
        raise NotPermitted(_("Only staff of the emergency management and ecology and environment agencies may open consultations."))
    event = (
        visible_events(user)
        .select_related("warning", "warning__issuer")
        .prefetch_related("regions")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise Http404(_("The object was not found."))
    try:
        consultation = Consultation.objects.get(event=event)
    except Consultation.DoesNotExist as exc:
        raise Http404(_("The object was not found.")) from exc
    consultation.event = event
    return consultation


def plan_of(consultation):
    """Return the event's reduction plan, or None before one is derived."""
    return ReductionPlan.objects.filter(event_id=consultation.event_id).first()


def plan_items_for(user, consultation):
    """Return the plan items of the consultation's event that the user may see."""
    return PlanItem.objects.visible_to(user).filter(plan__event_id=consultation.event_id)


# --- Checks -------------------------------------------------------------------------------


def _check_in_scope(consultation, user):
    if not touches_area(user, consultation.event):
        raise OutOfScope()


def _check_acting_staff(user, message):
    if user.role not in ACTING_ROLES or user.agency_id is None:
        raise NotPermitted(message)


def _check_open(consultation):
    if consultation.status == Consultation.Status.CONFIRMED:
        raise TransitionNotAllowed(
            _("Both departments have confirmed this consultation; its opinions and conclusions can no longer change.")
        )


def check_can_record_opinion(consultation, user):
    """Raise unless ``user`` may record an opinion on ``consultation`` now."""
    _check_in_scope(consultation, user)
    _check_acting_staff(user, _("Only officers and leaders may record a consultation opinion."))
    _check_open(consultation)


def check_can_update_conclusion(consultation, user):
    """Raise unless ``user`` may write the consultation's conclusions now."""
    _check_in_scope(consultation, user)
    _check_acting_staff(user, _("Only officers and leaders may write the consultation's conclusions."))
    _check_open(consultation)


def check_can_confirm(consultation, user):
    """Raise unless ``user`` may confirm the plan for their department now.

    Raises:
        OutOfScope: the event's area lies outside the user's scope.
        NotPermitted: the user is not a leader, or their level does not cover the whole area.
        TransitionNotAllowed: the consultation is confirmed, the department has confirmed
            already, or no conclusions are written yet.
    """
    _check_in_scope(consultation, user)
    if user.role != Role.LEADER or user.agency_id is None:
        raise NotPermitted(_("Only a leader may confirm the reduction plan."))
    event = consultation.event
    if not covers_area(user, event):
        if event.whole_city:
            message = _("The warning covers the whole city, so only a city-level leader may confirm its plan.")
        else:
            message = _(
                "The warning covers %(area)s, more than your region, so only a city-level leader may confirm its plan."
            ) % {"area": area_label(event)}
        raise NotPermitted(message)
    existing = consultation.confirmations.filter(department=user.agency.department).first()
    if existing is not None:
        raise TransitionNotAllowed(
            _("%(agency)s already confirmed the plan at %(time)s; each department confirms once.")
            % {"agency": existing.agency_name, "time": format_local(existing.confirmed_at)}
        )
    _check_open(consultation)
    if not consultation.conclusion.strip():
        raise TransitionNotAllowed(_("Write the consultation's conclusions before confirming the plan."))


def _allowed(check, consultation, user):
    try:
        check(consultation, user)
    except (NotPermitted, OutOfScope, TransitionNotAllowed):
        return False
    return True


def can_record_opinion(consultation, user):
    return _allowed(check_can_record_opinion, consultation, user)


def can_update_conclusion(consultation, user):
    return _allowed(check_can_update_conclusion, consultation, user)


def confirm_blocker(consultation, user):
    """Return why ``user`` cannot confirm now, or None when they can."""
    try:
        check_can_confirm(consultation, user)
    except (NotPermitted, OutOfScope, TransitionNotAllowed) as exc:
        return str(exc.message)
    return None


# --- Actions ------------------------------------------------------------------------------


def _lock(consultation):
    """Return the consultation re-read under a row lock, keeping the caller's loaded event."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    locked.event = consultation.event
    return locked


def record_opinion(consultation, *, actor, text):
    """Record ``actor``'s opinion for their department and agency.

    Raises:
        ValidationFailed: the text is empty.
        OutOfScope, NotPermitted, TransitionNotAllowed: see ``check_can_record_opinion``.

    Returns:
        The new ``Opinion``; the audit trail records ``consultation.opinion``.
    """
    text = str(text or "").strip()
    with transaction.atomic():
        consultation = _lock(consultation)
        check_can_record_opinion(consultation, actor)
        if not text:
            raise ValidationFailed(_("The opinion is empty; write it before saving."))
        opinion = Opinion.objects.create(
            consultation=consultation,
            author=actor,
            department=actor.agency.department,
            agency_name=actor.agency.name,
            text=text,
        )
        audit.record(
            actor, ConsultationAction.OPINION, consultation, opinion_id=opinion.pk, department=opinion.department
        )
    return opinion


def update_conclusion(consultation, *, actor, conclusion, held_at=None, attendees="", document_number=""):
    """Set the conclusions, meeting time, attendees and minutes number of a consultation.

    Every field is replaced by the given value, as the conclusions form edits them together.

    Raises:
        ValidationFailed: the conclusions are empty or the number is not like 邢环〔2026〕12号.
        OutOfScope, NotPermitted, TransitionNotAllowed: see ``check_can_update_conclusion``.

    Returns:
        The updated consultation; the audit trail records the changed fields.
    """
    conclusion = str(conclusion or "").strip()
    attendees = str(attendees or "").strip()
    document_number = str(document_number or "").strip()
    with transaction.atomic():
        consultation = _lock(consultation)
        check_can_update_conclusion(consultation, actor)
        if not conclusion:
            raise ValidationFailed(_("The conclusions are empty; write them before saving."))
        if document_number:
            document_number = validate_document_number(document_number)
        if held_at is not None and not isinstance(held_at, dt.datetime):
            raise ValidationFailed(_("The meeting time is not a date and time."))

        before = audit.snapshot(consultation, _CONSULTATION_FIELDS)
        consultation.conclusion = conclusion
        consultation.held_at = held_at
        consultation.attendees = attendees
        consultation.document_number = document_number
        consultation.save(update_fields=_CONSULTATION_FIELDS + ["updated_at"])
        changes = audit.diff(before, audit.snapshot(consultation, _CONSULTATION_FIELDS))
        audit.record(actor, ConsultationAction.CONCLUSION, consultation, changes=changes)
    return consultation


def confirm_plan(consultation, *, actor):
    """Confirm the plan for the leader's department; the second department completes it.

    When both departments have confirmed, the consultation becomes confirmed with the time
    and the event's plan is frozen, so the plan service no longer re-derives or edits it.

    Raises:
        OutOfScope, NotPermitted, TransitionNotAllowed: see ``check_can_confirm``.

    Returns:
        The new ``Confirmation``; the audit trail records ``consultation.confirm``.
    """
    with transaction.atomic():
        # The lock serialises the two leaders, so exactly one of them completes the consultation.
        consultation = _lock(consultation)
        check_can_confirm(consultation, actor)
        confirmation = Confirmation.objects.create(
            consultation=consultation,
            department=actor.agency.department,
            leader=actor,
            agency_name=actor.agency.name,
        )
        changes = {}
        departments = set(consultation.confirmations.values_list("department", flat=True))
        if departments >= BOTH_DEPARTMENTS:
            consultation.status = Consultation.Status.CONFIRMED
            consultation.confirmed_at = timezone.now()
            consultation.save(update_fields=["status", "confirmed_at", "updated_at"])
            changes["status"] = [Consultation.Status.OPEN, Consultation.Status.CONFIRMED]
            frozen = ReductionPlan.objects.filter(event_id=consultation.event_id, frozen=False).update(frozen=True)
            if frozen:
                changes["plan_frozen"] = [False, True]
        audit.record(
            actor,
            ConsultationAction.CONFIRM,
            consultation,
            changes=changes,
            department=confirmation.department,
            confirmation_id=confirmation.pk,
        )
    return confirmation


# --- Reads for pages, documents and the home page ----------------------------------------


def count_items_by_flag(items):
    """Return {"total": n, flag: n, …} for a plan-item queryset, in one query."""
    counts = {flag: Count("id", filter=Q(flag_words__contains=f" {flag} ")) for flag in PlanFlag.values}
    return items.aggregate(total=Count("id"), **counts)


def count_items_by_region(items):
    """Return one row per region (name, total, enterprises and each flag's count), in one query."""
    counts = {flag: Count("id", filter=Q(flag_words__contains=f" {flag} ")) for flag in PlanFlag.values}
    return list(
        items.order_by()
        .values("region_id", "region__name", "region__sort_order")
        .annotate(total=Count("id"), enterprises=Count("enterprise_id", distinct=True), **counts)
        .order_by("region__sort_order", "region__name")
    )


@dataclass(frozen=True)
class TodoItem:
    """A consultation waiting for the user: an opinion to give or a plan to confirm."""

    OPINION = "opinion"
    CONFIRM = "confirm"

    kind: str
    consultation: Consultation
    due_at: dt.datetime

    @property
    def overdue(self):
        return self.due_at < timezone.now()

    @property
    def label(self):
        if self.kind == self.CONFIRM:
            return _("Confirm the reduction plan")
        return _("Give the consultation opinion")


def consultation_todo_for(user):
    """Return the consultations waiting for the user, overdue first, then by due time.

    Only the latest event of each warning in force counts, because an upgrade or downgrade
    replaces the plan that an earlier consultation discussed. Officers see consultations
    their department has given no opinion on; leaders see those their department has not
    confirmed and that their level may confirm. The due time is the event's start.
    Runs two queries whatever the number of consultations.
    """
    if user.role not in ACTING_ROLES or user.agency_id is None:
        return []
    department = user.agency.department
    latest_sequence = (
        WarningEvent.objects.filter(warning_id=OuterRef("event__warning_id")).order_by("-sequence").values("sequence")[:1]
    )
    consultations = Consultation.objects.filter(
        status=Consultation.Status.OPEN,
        event__warning__status=WarningStatus.IN_FORCE,
        event__sequence=Subquery(latest_sequence),
        event__in=visible_events(user),
    )
    if user.role == Role.LEADER:
        done = Confirmation.objects.filter(consultation_id=OuterRef("pk"), department=department)
        kind = TodoItem.CONFIRM
    else:
        done = Opinion.objects.filter(consultation_id=OuterRef("pk"), department=department)
        kind = TodoItem.OPINION
    consultations = (
        consultations.exclude(Exists(done))
        .select_related("event", "event__warning")
        .prefetch_related("event__regions")
        .order_by("event__starts_at", "pk")
    )
    items = []
    for consultation in consultations:
        if kind == TodoItem.CONFIRM and not covers_area(user, consultation.event):
            continue
        items.append(TodoItem(kind=kind, consultation=consultation, due_at=consultation.event.starts_at))
    # Overdue items have the earliest due times, so ordering by due time puts them first.
    return items
