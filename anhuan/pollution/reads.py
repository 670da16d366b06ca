"""Reads of one enterprise's heavy-pollution-weather records, for the enterprise file.

Every function returns a list built by one query (joins only, no prefetch), so
the enterprise file costs the same number of queries however many rows there
are. Every read goes through ``visible_to``: staff see rows in their region
scope, an enterprise contact sees only their own enterprise's rows.
"""

from django.db.models import Count, OuterRef, Subquery

from anhuan.pollution.models import (
    AdhocMeasure,
    Consultation,
    DutyRoster,
    EnterpriseDocument,
    MaintenanceRequest,
    OnsiteGuidance,
    PlanItem,
    ReductionEntry,
    ReductionPlan,
)
from anhuan.pollution.services.plans import season_year


def get_list_entries(user, enterprise, moment):
    """Return the enterprise's list entries of the season of ``moment`` and the season before.

    Newest season first, then in list order.
    """
    current = season_year(moment)
    return list(
        ReductionEntry.objects.visible_to(user)
        .filter(enterprise=enterprise, reduction_list__year__in=[current, current - 1])
        .select_related("reduction_list")
        .order_by("-reduction_list__year", "sequence", "id")
    )


def _latest_plans_per_warning():
    """Subquery: the plan of the latest event of a warning that has a plan.

    A lift event gets no plan of its own, so "latest" means the latest event
    with a plan; a lifted warning still shows the measures it last set.
    """
    return Subquery(
        ReductionPlan.objects.filter(event__warning=OuterRef("plan__event__warning"))
        .order_by("-event__sequence")
        .values("pk")[:1]
    )


def get_plan_items(user, enterprise):
    """Return the enterprise's plan items of the latest planned event of each warning, newest warning first."""
    return list(
        PlanItem.objects.visible_to(user)
        .filter(enterprise=enterprise, plan=_latest_plans_per_warning())
        .select_related("plan__event__warning")
        .order_by("-plan__event__warning__announced_at", "-plan__event__warning_id", "production_line", "id")
    )


def get_consultations(user, enterprise):
    """Return the consultations whose plan lists the enterprise, on any event, newest event first."""
    visible_plans = PlanItem.objects.visible_to(user).filter(enterprise=enterprise).values("plan_id")
    return list(
        Consultation.objects.filter(event__plan__in=visible_plans)
        .select_related("event__warning")
        .order_by("-event__announced_at", "-event_id")
    )


def get_onsite_visits(user, enterprise):
    return list(
        OnsiteGuidance.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("warning")
        .order_by("-scheduled_at", "-id")
    )


def get_documents(user, enterprise):
    return list(
        EnterpriseDocument.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("warning", "uploaded_by")
        .order_by("-uploaded_at", "-id")
    )


def get_rosters(user, enterprise):
    """Return the enterprise's duty rosters, each annotated with ``shift_count``, newest warning first."""
    return list(
        DutyRoster.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("warning")
        .annotate(shift_count=Count("shifts"))
        .order_by("-warning__announced_at", "-id")
    )


def get_maintenance_requests(user, enterprise):
    return list(
        MaintenanceRequest.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("warning")
        .order_by("-created_at", "-id")
    )


def get_adhoc_measures(user, enterprise):
    return list(
        AdhocMeasure.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("event__warning", "added_by")
        .order_by("-added_at", "-id")
    )
