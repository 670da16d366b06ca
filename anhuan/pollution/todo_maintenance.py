"""Deadlines, notification kinds and the to-do provider of high-risk maintenance requests.

Importing this module registers the policy keys, the notification kinds and the provider;
``PollutionConfig.ready`` imports it.
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from anhuan.core import notifications, policy
from anhuan.core.todo import TodoItem, register_provider
from anhuan.organizations.models import Level, Role
from anhuan.pollution.models import MaintenanceRequest

DECISION_HOURS = policy.register(
    "maintenance.decision_hours", 24, "hours",
    gettext_lazy("Hours the county agencies have to decide on a high-risk maintenance request"),
)
VERIFICATION_HOURS = policy.register(
    "maintenance.verification_hours", 24, "hours",
    gettext_lazy("Hours to record the outcome of a maintenance verification or on-site guidance"),
)
EXPERT_REVIEW_HOURS = policy.register(
    "maintenance.expert_review_hours", 72, "hours",
    gettext_lazy("Hours the city agencies have to conclude and confirm a maintenance expert review"),
)

KIND_SUBMITTED = "maintenance.submitted"
KIND_REFERRED = "maintenance.referred"
KIND_DECIDED = "maintenance.decided"
# Roles that act on requests for an agency.
ACTING_ROLES = (Role.OFFICER, Role.LEADER)


def _format_submitted(data, count):
    return ngettext(
        "%(count)s high-risk maintenance request awaits your agency's decision; the latest is from %(enterprise)s.",
        "%(count)s high-risk maintenance requests await your agency's decision; the latest is from %(enterprise)s.",
        count,
    ) % {"count": count, "enterprise": data.get("enterprise", "")}


def _format_referred(data, count):
    return ngettext(
        "%(count)s high-risk maintenance request was referred to a city expert review; the latest is from %(enterprise)s.",
        "%(count)s high-risk maintenance requests were referred to a city expert review; the latest is from %(enterprise)s.",
        count,
    ) % {"count": count, "enterprise": data.get("enterprise", "")}


def _format_decided(data, count):
    # The status is stored as its code and shown in the reader's language.
    status = data.get("status", "")
    if status in MaintenanceRequest.Status.values:
        status = MaintenanceRequest.Status(status).label
    values = {"count": count, "unit": data.get("unit", ""), "status": status}
    if count == 1:
        return _("Your high-risk maintenance request (%(unit)s) is now %(status)s.") % values
    # Chinese has one plural form, so singular and plural must carry the same placeholders.
    return ngettext(
        "%(count)s of your high-risk maintenance request has a final decision; the latest (%(unit)s) is %(status)s.",
        "%(count)s of your high-risk maintenance requests have a final decision; the latest (%(unit)s) is %(status)s.",
        count,
    ) % values


notifications.register_kind(KIND_SUBMITTED, _format_submitted)
notifications.register_kind(KIND_REFERRED, _format_referred)
notifications.register_kind(KIND_DECIDED, _format_decided)


def _step_title(request):
    from anhuan.pollution.models import MaintenanceRequest

    if request.status == MaintenanceRequest.Status.EXPERT_REVIEW:
        return _("Expert review of high-risk maintenance at %(enterprise)s") % {"enterprise": request.enterprise.name}
    if request.status == MaintenanceRequest.Status.VERIFYING:
        return _("Verify high-risk maintenance at %(enterprise)s") % {"enterprise": request.enterprise.name}
    return _("Decide on high-risk maintenance at %(enterprise)s") % {"enterprise": request.enterprise.name}


@register_provider
def maintenance_todo(user):
    """Return the open maintenance steps the user's agency must take.

    County officers and leaders get the decisions and verifications of their region that
    their department still owes; city officers and leaders get the expert reviews.
    """
    from anhuan.pollution.models import AgencyDecision, MaintenanceRequest

    if not user.is_authenticated or user.role not in ACTING_ROLES or user.agency_id is None:
        return []
    department = user.agency.department
    Status = MaintenanceRequest.Status
    requests = MaintenanceRequest.objects.select_related("enterprise")
    if user.agency.level == Level.CITY:
        requests = requests.filter(status=Status.EXPERT_REVIEW)
    else:
        decided = AgencyDecision.objects.filter(request=OuterRef("pk"), department=department)
        visit_pending = decided.filter(decision__in=["verify_by_staff", "guide_onsite"], outcome="pending")
        owes_decision = Q(status__in=[Status.SUBMITTED, Status.VERIFYING, Status.EXPERT_REVIEW]) & ~Exists(decided)
        owes_outcome = Q(status__in=[Status.VERIFYING, Status.EXPERT_REVIEW]) & Exists(visit_pending)
        requests = requests.filter(region_id=user.agency.region_id).filter(owes_decision | owes_outcome)
    return [
        TodoItem(
            kind="maintenance",
            title=_step_title(request),
            link=reverse("pollution:maintenance-detail", args=[request.pk]),
            due_at=request.due_at,
            detail=request.unit,
        )
        for request in requests.order_by("due_at", "id")
    ]
