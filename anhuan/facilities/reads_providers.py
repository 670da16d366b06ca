"""Reads of service providers, of who runs a key facility, and of the two supervision lists.

* ``section`` gives the facility page its provider section.
* ``unowned_facilities`` lists key facilities contracted out without the enterprise's own
  responsible person (以包代管).
* ``unrectified_records`` lists enforcement records with a violation or a penalty whose
  rectification is not done (以罚代管, 罚而不管), overdue ones first.

Everything is read inside the user's scope; contacts and administrators get nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, Value, When

from anhuan.core.timeutil import SHANGHAI
from anhuan.facilities.models import (
    EvaluationKind,
    KeyFacilityProfile,
    ProviderEvaluation,
    ServiceProvider,
)
from anhuan.facilities.services.providers import can_edit_providers, can_record_operation
from anhuan.organizations.models import Role
from anhuan.organizations.scope import region_ids_of
from anhuan.sharing.models import EnforcementRecord, EnvFacility, FacilityStatus
from anhuan.sharing.services.registers import MEASURES_WITH_DEADLINE

RATING_TAGS = {"good": "tag-green", "fair": "tag-yellow", "poor": "tag-red"}


def local_today():
    return dt.datetime.now(tz=SHANGHAI).date()


def can_read(user):
    """True for staff and experts of both bureaus; enterprise contacts and administrators read no provider data."""
    return region_ids_of(user) != set() and user.role != Role.SYSTEM


def decorate_evaluation(evaluation):
    """Set ``tag`` (CSS class of the rating or of a violation) on one evaluation and return it."""
    if evaluation.kind == EvaluationKind.VIOLATION:
        evaluation.tag = "tag-red"
    else:
        evaluation.tag = RATING_TAGS.get(evaluation.rating, "tag-grey")
    return evaluation


# --- The facility page ------------------------------------------------------------------------------


def section(facility, user):
    """Return the template context of the provider section of one facility's page.

    The context is one key, ``provider_section``. It is None for users who read no provider data
    (enterprise contacts, administrators). For everybody else it is a dict with the provider and
    its role, the enterprise's responsible person, whether the facility is contracted out without
    one, the evaluations concerning this facility, and whether the user may change these entries.
    """
    if not can_read(user):
        return {"provider_section": None}
    profile = KeyFacilityProfile.objects.filter(facility_id=facility.pk).select_related("provider").first()
    provider = profile.provider if profile is not None else None
    responsible_person = profile.responsible_person if profile is not None else ""
    contracted = provider is not None or bool(facility.operator_name)
    evaluations = [
        decorate_evaluation(evaluation)
        for evaluation in ProviderEvaluation.objects.visible_to(user).filter(facility_id=facility.pk)
        .select_related("provider", "enforcement")[:20]
    ]
    return {"provider_section": {
        "facility": facility,
        "profile": profile,
        "provider": provider,
        "provider_role": profile.get_provider_role_display() if provider is not None else "",
        "operator_name": facility.operator_name,
        "responsible_person": responsible_person,
        "responsible_phone": profile.responsible_phone if profile is not None else "",
        "unowned": contracted and not responsible_person,
        "evaluations": evaluations,
        "can_edit": facility.is_key and can_record_operation(user),
        "can_evaluate": provider is not None and can_edit_providers(user),
    }}


# --- Providers ------------------------------------------------------------------------------------


def providers_for(user, keyword=""):
    """Return the providers a user reads, matching ``keyword`` in the name, credit code or contact person.

    Each provider is annotated with ``facility_count`` and ``violation_count``, counted inside the user's scope.
    """
    queryset = ServiceProvider.objects.visible_to(user).select_related("region")
    keyword = " ".join(str(keyword or "").split())
    if keyword:
        queryset = queryset.filter(
            Q(name__icontains=keyword) | Q(credit_code__icontains=keyword.upper()) | Q(contact_person__icontains=keyword)
        )
    regions = region_ids_of(user)
    in_scope = Q() if regions is None else Q(profiles__region__in=regions)
    violations_in_scope = Q(evaluations__kind=EvaluationKind.VIOLATION)
    if regions is not None:
        violations_in_scope &= Q(evaluations__region__in=regions)
    return queryset.annotate(
        facility_count=Count("profiles", filter=in_scope, distinct=True),
        violation_count=Count("evaluations", filter=violations_in_scope, distinct=True),
    ).order_by("name", "pk")


def provider_facilities(provider, user):
    """Return the key facility profiles in the user's scope that ``provider`` builds or runs."""
    return (
        KeyFacilityProfile.objects.visible_to(user).filter(provider=provider)
        .select_related("facility", "enterprise", "region").order_by("region__sort_order", "enterprise__name", "facility__name")
    )


def provider_evaluations(provider, user):
    """Return the evaluations of ``provider`` in the user's scope, newest first, with their tags."""
    evaluations = (
        ProviderEvaluation.objects.visible_to(user).filter(provider=provider)
        .select_related("facility", "enforcement", "enforcement__enterprise", "region", "recorded_by")
    )
    return [decorate_evaluation(evaluation) for evaluation in evaluations]


# --- 以包代管: key facilities contracted out without a responsible person ---------------------------


def unowned_facilities(user, region=None):
    """Return the key facilities in scope that a third party builds or runs but that have no responsible person.

    A facility counts as contracted out when its profile names a provider, or when the register
    row names a third-party operator. Decommissioned facilities are left out.
    """
    queryset = (
        EnvFacility.objects.visible_to(user).filter(is_key=True).exclude(status=FacilityStatus.DECOMMISSIONED)
        .filter(Q(key_profile__provider__isnull=False) | ~Q(operator_name=""))
        .filter(Q(key_profile__isnull=True) | Q(key_profile__responsible_person=""))
    )
    if region is not None:
        queryset = queryset.filter(region=region)
    return queryset.select_related("enterprise", "region", "key_profile__provider").order_by(
        "region__sort_order", "enterprise__name", "name", "pk"
    )


def profile_of(facility):
    """Return the facility's KeyFacilityProfile or None, without raising for a facility that has none."""
    try:
        return facility.key_profile
    except KeyFacilityProfile.DoesNotExist:
        return None


# --- 以罚代管、罚而不管: penalties and violations without rectification -------------------------------


@dataclass(frozen=True)
class UnrectifiedRow:
    """One enforcement record on the unrectified list, with its days overdue (0 when not yet due)."""

    record: object
    days_overdue: int
    has_deadline: bool

    @property
    def overdue(self):
        return self.days_overdue > 0


def unrectified_records(user, region=None, today=None):
    """Return the enforcement records in scope with a violation or a penalty measure and no rectification date.

    Overdue records come first, the longest overdue at the top. Records without a deadline
    (recorded before the deadline was required) follow, and then the rest by deadline.
    """
    today = today or local_today()
    queryset = (
        EnforcementRecord.objects.visible_to(user).filter(rectified_on__isnull=True)
        .filter(~Q(violation="") | Q(measure__in=MEASURES_WITH_DEADLINE))
    )
    if region is not None:
        queryset = queryset.filter(region=region)
    return queryset.annotate(
        urgency=Case(
            When(rectification_deadline__lt=today, then=Value(0)),
            When(rectification_deadline__isnull=True, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).select_related("enterprise", "region", "agency", "facility").order_by(
        "urgency", "rectification_deadline", "inspected_on", "pk"
    )


def unrectified_row(record, today=None):
    """Wrap one record of ``unrectified_records`` with its days overdue."""
    today = today or local_today()
    deadline = record.rectification_deadline
    days = (today - deadline).days if deadline is not None and deadline < today else 0
    return UnrectifiedRow(record=record, days_overdue=days, has_deadline=deadline is not None)
