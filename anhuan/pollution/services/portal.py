"""The enterprise portal: what the warnings in force ask of one enterprise, and its receipts.

An enterprise contact sees only their own enterprise: the warnings in force covering its
region, the latest event's plan items for the enterprise, the ad-hoc measures on its lines,
and the state of what the bureaus still expect (receipt, documents, duty roster,
maintenance requests). Confirming receipt is idempotent and notifies nobody. Staff read
which enterprises confirmed receipt through ``receipts_for_event``.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit
from anhuan.core.errors import NotPermitted, ValidationFailed
from anhuan.core.todo import TodoItem, register_provider
from anhuan.organizations.models import STAFF_ROLES
from anhuan.organizations.scope import enterprise_id_of
from anhuan.pollution.models import (
    AdhocMeasure,
    DocumentKind,
    DutyRoster,
    EnterpriseDocument,
    MaintenanceRequest,
    MeasureReceipt,
    PlanItem,
    PollutionWarning,
    WarningEvent,
    WarningStatus,
)
from anhuan.pollution.services.consultations import visible_events


@audit.register_actions
class PortalAction(models.TextChoices):
    RECEIPT = "portal.receipt", gettext_lazy("Receipt of measures confirmed by the enterprise")


# Submitted maintenance requests that still wait for the bureaus; drafts are the enterprise's own.
OPEN_MAINTENANCE = (
    MaintenanceRequest.Status.SUBMITTED,
    MaintenanceRequest.Status.VERIFYING,
    MaintenanceRequest.Status.EXPERT_REVIEW,
)


@dataclass
class WarningView:
    """One warning in force as its enterprise sees it."""

    warning: PollutionWarning
    event: WarningEvent
    items: list = field(default_factory=list)
    adhoc_measures: list = field(default_factory=list)
    receipt: MeasureReceipt | None = None
    documents: dict = field(default_factory=dict)
    roster: DutyRoster | None = None


def require_contact(user):
    """Return the enterprise the user acts for.

    Raises:
        NotPermitted: the user is not an enterprise contact.
    """
    enterprise_id = enterprise_id_of(user)
    if enterprise_id is None:
        raise NotPermitted(_("Only enterprise contacts may open the enterprise portal."))
    return user.enterprise_contact.enterprise


def _warnings_with_latest_event(user):
    latest = WarningEvent.objects.filter(warning_id=OuterRef("pk")).order_by("-sequence").values("id")[:1]
    return list(
        PollutionWarning.objects.visible_to(user)
        .in_force()
        .annotate(latest_event_id=Subquery(latest))
        .order_by("-starts_at", "-id")
    )


def portal_overview(user):
    """Return (enterprise, [WarningView]) for an enterprise contact, newest warning first.

    Runs a fixed number of queries whatever the number of warnings.

    Raises:
        NotPermitted: the user is not an enterprise contact.
    """
    enterprise = require_contact(user)
    warnings = _warnings_with_latest_event(user)
    event_ids = [warning.latest_event_id for warning in warnings if warning.latest_event_id]
    warning_ids = [warning.id for warning in warnings]
    events = WarningEvent.objects.in_bulk(event_ids)

    views = {}
    for warning in warnings:
        if warning.latest_event_id:
            views[warning.latest_event_id] = WarningView(warning=warning, event=events[warning.latest_event_id])
    for item in PlanItem.objects.visible_to(user).filter(plan__event_id__in=event_ids).select_related("plan"):
        views[item.plan.event_id].items.append(item)
    for measure in AdhocMeasure.objects.visible_to(user).filter(event_id__in=event_ids):
        views[measure.event_id].adhoc_measures.append(measure)
    for receipt in MeasureReceipt.objects.visible_to(user).filter(event_id__in=event_ids).select_related("acknowledged_by"):
        views[receipt.event_id].receipt = receipt

    by_warning = {view.warning.id: view for view in views.values()}
    for document in EnterpriseDocument.objects.visible_to(user).filter(warning_id__in=warning_ids):
        by_warning[document.warning_id].documents.setdefault(document.kind, document)
    for roster in DutyRoster.objects.visible_to(user).filter(warning_id__in=warning_ids):
        by_warning[roster.warning_id].roster = roster
    return enterprise, list(views.values())


def open_maintenance_count(user):
    """Return how many of the contact's enterprise's submitted maintenance requests await a decision."""
    return MaintenanceRequest.objects.visible_to(user).filter(status__in=OPEN_MAINTENANCE).count()


def missing_documents(view):
    """Return the document kinds the enterprise has not uploaded for the warning."""
    return [kind for kind in DocumentKind if kind.value not in view.documents]


def _event_for_contact(user, event_id):
    """Return a warning event whose warning covers the contact's enterprise, or raise Http404."""
    warning_ids = PollutionWarning.objects.visible_to(user).values("id")
    event = WarningEvent.objects.filter(pk=event_id, warning_id__in=warning_ids).select_related("warning").first()
    if event is None:
        raise Http404(_("The object was not found."))
    return event


def confirm_receipt(user, event_id, *, actor=None):
    """Record that the contact's enterprise received the measures of one warning event.

    Returns (receipt, created): a second confirmation returns the first receipt
    with ``created`` False and writes nothing.

    Raises:
        NotPermitted: the user is not an enterprise contact.
        Http404: the event's warning does not cover the enterprise.
        ValidationFailed: the warning is lifted, the event has been replaced by a
            later one, or the enterprise has no measure in the event.
    """
    actor = actor or user
    enterprise = require_contact(user)
    event = _event_for_contact(user, event_id)
    if event.warning.status != WarningStatus.IN_FORCE:
        raise ValidationFailed(_("The warning has been lifted; there is nothing to confirm."))
    if event.warning.events.filter(sequence__gt=event.sequence).exists():
        raise ValidationFailed(_("This warning event has been replaced by a later one; confirm the current measures instead."))
    if not PlanItem.objects.visible_to(user).filter(plan__event=event).exists():
        raise ValidationFailed(_("Your enterprise has no measure in this warning event; there is nothing to confirm."))

    existing = MeasureReceipt.objects.filter(event=event, enterprise=enterprise).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            receipt = MeasureReceipt.objects.create(
                event=event, enterprise=enterprise, region_id=enterprise.region_id, acknowledged_by=actor
            )
            audit.record(actor, PortalAction.RECEIPT, receipt, event=event.pk, enterprise=enterprise.pk)
    except IntegrityError:
        # A concurrent confirmation won the unique constraint; report it as already confirmed.
        return MeasureReceipt.objects.get(event=event, enterprise=enterprise), False
    return receipt, True


# --- Staff: who confirmed receipt ------------------------------------------------------


@dataclass
class ReceiptRow:
    enterprise_id: int
    enterprise_name: str
    credit_code: str
    region_name: str
    receipt: MeasureReceipt | None


def get_event_for_staff(user, event_id):
    """Return a warning event in the staff user's scope.

    Raises:
        NotPermitted: the user is not agency staff.
        Http404: no such event, or outside the user's scope.
    """
    if user.role not in STAFF_ROLES or user.agency_id is None:
        raise NotPermitted(_("Only staff of the emergency management and ecology and environment agencies may see receipts."))
    event = visible_events(user).select_related("warning").prefetch_related("regions").filter(pk=event_id).first()
    if event is None:
        raise Http404(_("The object was not found."))
    return event


def receipts_for_event(event, user):
    """Return one row per enterprise with measures in the event, inside the user's scope.

    Enterprises without a receipt come first, then by region and name.
    """
    items = (
        PlanItem.objects.visible_to(user)
        .filter(plan__event=event)
        .order_by("region__sort_order", "enterprise_name", "enterprise_id")
        .values("enterprise_id", "enterprise_name", "credit_code", "region__name")
    )
    receipts = {
        receipt.enterprise_id: receipt
        for receipt in MeasureReceipt.objects.visible_to(user).filter(event=event).select_related("acknowledged_by")
    }
    rows = {}
    for item in items:
        if item["enterprise_id"] not in rows:
            rows[item["enterprise_id"]] = ReceiptRow(
                enterprise_id=item["enterprise_id"],
                enterprise_name=item["enterprise_name"],
                credit_code=item["credit_code"],
                region_name=item["region__name"],
                receipt=receipts.get(item["enterprise_id"]),
            )
    return sorted(rows.values(), key=lambda row: row.receipt is not None)


# --- To-do for enterprise contacts -----------------------------------------------------


@register_provider
def receipt_todo(user):
    """To-do items of a contact: each warning in force whose measures the enterprise has not confirmed."""
    if enterprise_id_of(user) is None:
        return []
    _enterprise, views = portal_overview(user)
    return [
        TodoItem(
            kind="portal.receipt",
            title=_("Confirm receipt of the warning measures"),
            link=reverse("pollution:portal-home") + f"#event-{view.event.id}",
            due_at=view.event.starts_at,
            detail=view.event.get_level_display(),
        )
        for view in views
        if view.items and view.receipt is None
    ]
