"""Reads of the existing-facility path: the facility page's sections, the due lists and the order list."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Subquery

from anhuan.core.context_processors import url_or_none
from anhuan.core.errors import NotPermitted
from anhuan.facilities import todo_existing
from anhuan.facilities.domain import lifecycle
from anhuan.facilities.models import (
    DesignDiagnosis,
    FacilityHazard,
    KeyFacilityProfile,
    Origin,
    Outcome,
    RiskLevel,
    SafetyAssessment,
    SafetyRisk,
    StopUseOrder,
)
from anhuan.facilities.services.common import require_staff_actor
from anhuan.facilities.services.existing import can_order, today
from anhuan.organizations.models import Region
from anhuan.organizations.scope import covers_whole_city
from anhuan.sharing.models import EnvFacility

RISK_TAGS = {
    RiskLevel.MAJOR: "tag-red", RiskLevel.HIGH: "tag-orange", RiskLevel.MODERATE: "tag-yellow", RiskLevel.LOW: "tag-blue",
}
RISK_ORDER = [RiskLevel.MAJOR, RiskLevel.HIGH, RiskLevel.MODERATE, RiskLevel.LOW]
OUTCOME_TAGS = {Outcome.PASSED: "tag-green", Outcome.FAILED: "tag-red"}
ORDER_TAGS = {StopUseOrder.Status.IN_FORCE: "tag-red", StopUseOrder.Status.LIFTED: "tag-green"}


def can_record(user):
    """True for the users who record assessments, diagnoses, risks and hazards: officers and leaders of either bureau."""
    try:
        require_staff_actor(user)
    except NotPermitted:
        return False
    return True


def facility_detail_url(facility_id):
    """Return the facility page's URL, or None while that page is not configured."""
    return url_or_none("facilities:detail", facility_id)


def _tag_outcome(record):
    record.outcome_tag = OUTCOME_TAGS.get(record.outcome, "tag-grey")
    return record


def decorate_order(order):
    order.status_tag = ORDER_TAGS.get(order.status, "tag-grey")
    return order


def _existing_facilities():
    """Q of the facilities on the existing path: by the profile once it exists, else by the date put into use."""
    return Q(key_profile__origin=Origin.EXISTING) | Q(
        key_profile__isnull=True, commissioned_on__lt=lifecycle.MECHANISM_START
    )


def assessment_state(facility_id, on=None):
    """Return (last passing assessment or None, True if a new assessment is due) for one facility."""
    last = (
        SafetyAssessment.objects.filter(facility_id=facility_id, outcome=Outcome.PASSED)
        .order_by("-assessed_on", "-id").first()
    )
    due = lifecycle.assessment_due(
        last.assessed_on if last else None, last.next_due_on if last else None, on or today()
    )
    return last, due


def sections(facility, user):
    """Return the template context of the existing-facility sections of one facility's page.

    Everything sits under the key ``existing``, which ``facilities/_existing.html`` reads.
    """
    profile = KeyFacilityProfile.objects.filter(facility_id=facility.pk).first()
    assessments = [
        _tag_outcome(record)
        for record in SafetyAssessment.objects.visible_to(user).filter(facility_id=facility.pk).select_related("recorded_by")
    ]
    diagnoses = [
        _tag_outcome(record)
        for record in DesignDiagnosis.objects.visible_to(user).filter(facility_id=facility.pk).select_related("recorded_by")
    ]
    orders = [
        decorate_order(order)
        for order in StopUseOrder.objects.visible_to(user).filter(facility_id=facility.pk).select_related("agency")
    ]
    risks = sorted(
        SafetyRisk.objects.visible_to(user).filter(facility_id=facility.pk),
        key=lambda risk: (RISK_ORDER.index(risk.level) if risk.level in RISK_ORDER else len(RISK_ORDER), risk.pk),
    )
    for risk in risks:
        risk.level_tag = RISK_TAGS.get(risk.level, "tag-grey")
    on = today()
    hazards = list(FacilityHazard.objects.visible_to(user).filter(facility_id=facility.pk))
    for hazard in hazards:
        hazard.is_overdue = hazard.rectified_on is None and hazard.deadline < on
        hazard.overdue_days = (on - hazard.deadline).days if hazard.is_overdue else 0

    formally_designed = profile.formally_designed if profile else None
    is_existing = (profile.origin == Origin.EXISTING) if profile else lifecycle.is_existing(facility.commissioned_on)
    last_passed, due = assessment_state(facility.pk, on)
    pending = []
    if can_order(user):
        pending = [
            *todo_existing.pending_assessments().filter(facility_id=facility.pk),
            *todo_existing.pending_diagnoses().filter(facility_id=facility.pk),
        ]
    return {"existing": {
        "facility": facility,
        "is_existing": is_existing,
        "formally_designed": formally_designed,
        "diagnosis_needed": formally_designed is False and not any(d.outcome == Outcome.PASSED for d in diagnoses),
        "assessments": assessments,
        "last_passed": last_passed,
        "assessment_due": is_existing and facility.status == lifecycle.IN_OPERATION and due,
        "diagnoses": diagnoses,
        "orders": orders,
        "order_in_force": next((order for order in orders if order.status == StopUseOrder.Status.IN_FORCE), None),
        "pending_checks": pending,
        "risks": risks,
        "hazards": hazards,
        "can_record": can_record(user),
        "can_order": can_order(user),
    }}


# --- Due lists ---------------------------------------------------------------------------------


@dataclass
class DueLists:
    """The existing key facilities that need a safety assessment, and those that need a design diagnosis."""

    assessments: list = field(default_factory=list)
    diagnoses: list = field(default_factory=list)

    def counts_by_region(self):
        """Return [(region, assessments due, diagnoses missing)] for the regions with any, in region order."""
        counts = {}
        for facility in self.assessments:
            counts.setdefault(facility.region, [0, 0])[0] += 1
        for facility in self.diagnoses:
            counts.setdefault(facility.region, [0, 0])[1] += 1
        regions = sorted(counts, key=lambda region: (region.sort_order, region.code or "", region.pk))
        return [(region, *counts[region]) for region in regions]


def due_lists(user, *, region=None, on=None):
    """Return the DueLists of the key facilities in the user's scope, optionally narrowed to one region.

    Assessments are due for existing key facilities in operation without a passing assessment
    or whose next assessment date has come (``lifecycle.assessment_due``). Diagnoses are
    missing for key facilities recorded as not formally designed without a passing diagnosis.
    """
    on = on or today()
    facilities = EnvFacility.objects.visible_to(user).filter(is_key=True).select_related("enterprise", "region")
    if region is not None:
        facilities = facilities.filter(region=region)

    passed = SafetyAssessment.objects.filter(facility_id=OuterRef("pk"), outcome=Outcome.PASSED).order_by(
        "-assessed_on", "-id"
    )
    candidates = (
        facilities.filter(_existing_facilities(), status=lifecycle.IN_OPERATION)
        .annotate(
            last_passed_on=Subquery(passed.values("assessed_on")[:1]),
            next_due_on=Subquery(passed.values("next_due_on")[:1]),
        )
        .order_by("region__sort_order", "enterprise__name", "name", "pk")
    )
    lists = DueLists()
    for facility in candidates:
        if lifecycle.assessment_due(facility.last_passed_on, facility.next_due_on, on):
            late = facility.next_due_on is not None and facility.next_due_on < on
            facility.overdue_days = (on - facility.next_due_on).days if late else 0
            lists.assessments.append(facility)

    passing_diagnosis = DesignDiagnosis.objects.filter(facility_id=OuterRef("pk"), outcome=Outcome.PASSED)
    last_diagnosis = DesignDiagnosis.objects.filter(facility_id=OuterRef("pk")).order_by("-diagnosed_on", "-id")
    lists.diagnoses = list(
        facilities.filter(key_profile__formally_designed=False)
        .exclude(status=lifecycle.DECOMMISSIONED)
        .exclude(Exists(passing_diagnosis))
        .annotate(
            last_diagnosed_on=Subquery(last_diagnosis.values("diagnosed_on")[:1]),
            last_outcome=Subquery(last_diagnosis.values("outcome")[:1]),
        )
        .order_by("region__sort_order", "enterprise__name", "name", "pk")
    )
    return lists


def regions_for(user):
    """Return the regions the user's region filter offers: every county for city staff, else none."""
    if not covers_whole_city(user):
        return Region.objects.none()
    return Region.objects.filter(parent__isnull=False).order_by("sort_order", "code")


# --- Orders --------------------------------------------------------------------------------------


def orders_for(user, *, status=StopUseOrder.Status.IN_FORCE, region=None):
    """Return the stop-use orders in the user's scope; ``status`` "" lists every order."""
    orders = StopUseOrder.objects.visible_to(user).select_related("facility", "enterprise", "region", "agency")
    if status:
        orders = orders.filter(status=status)
    if region is not None:
        orders = orders.filter(region=region)
    return orders.order_by("-issued_on", "-id")
