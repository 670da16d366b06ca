"""Joint on-site guidance (现场指导) and the enterprise documents it reviews.

* Every enterprise with a plan item flagged ``onsite_guidance_required`` in the latest event of a
  warning in force gets one joint visit of the county emergency and environment agencies.
* Officers and leaders of either department whose scope covers the enterprise's region schedule,
  record and cancel the visit. The team has at least one expert, independent of the enterprise,
  and at least one officer of each department, chosen among the active staff of the region's two
  county agencies or the city's.
* An enterprise contact uploads the shutdown/limit plan and the emergency response plan for a
  warning in force covering their enterprise; staff download them from the visit page.
"""

from dataclasses import dataclass, field
from pathlib import PurePath

from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit, policy
from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.uploads import check_upload
from anhuan.experts.models import Expert
from anhuan.experts.services import check_expert_independence
from anhuan.organizations.models import Department, Level, Role, User
from anhuan.organizations.scope import covers_region, enterprise_id_of, region_ids_of
from anhuan.pollution.domain import onsite as domain
from anhuan.pollution.models import (
    DocumentKind,
    EnterpriseDocument,
    OnsiteGuidance,
    PlanFlag,
    PlanItem,
    PollutionWarning,
    WarningEvent,
    WarningStatus,
)


@audit.register_actions
class OnsiteAction(models.TextChoices):
    SCHEDULE = "onsite.schedule", gettext_lazy("On-site guidance scheduled")
    RECORD = "onsite.record", gettext_lazy("On-site guidance recorded")
    CANCEL = "onsite.cancel", gettext_lazy("On-site guidance cancelled")
    UPLOAD = "onsite.document_upload", gettext_lazy("Enterprise document uploaded")


ALERT_HOURS_KEY = policy.register(
    "onsite.alert_hours", 24, "hours",
    gettext_lazy("Hours before a measure starts from which a missing on-site visit or document is highlighted"),
)

# Roles that schedule and record visits; experts take part but do not organise them.
ACTING_ROLES = {Role.OFFICER, Role.LEADER}
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
VISIT_RECORD_FIELDS = ["safety_risks", "environmental_risks", "documents_reviewed", "findings", "instructions"]


# --- Who may act -------------------------------------------------------------------------------


def is_acting_staff(user):
    return user.role in ACTING_ROLES and region_ids_of(user) != set()


def require_acting_staff(user):
    if not is_acting_staff(user):
        raise NotPermitted(_("Only officers and leaders of the emergency management and ecology and environment agencies may do this."))


def check_can_organise(actor, enterprise):
    """Raise unless ``actor`` may schedule, record or cancel a visit to ``enterprise``."""
    require_acting_staff(actor)
    if not covers_region(actor, enterprise.region_id):
        raise OutOfScope()


def can_organise(user, enterprise):
    try:
        check_can_organise(user, enterprise)
    except (NotPermitted, OutOfScope):
        return False
    return True


# --- Which enterprises need guidance ---------------------------------------------------------------


def latest_event_ids(warning_ids):
    """Return {warning id: id of its latest event} in one query."""
    latest = {}
    rows = WarningEvent.objects.filter(warning_id__in=list(warning_ids)).values_list("warning_id", "id", "sequence")
    for warning_id, event_id, sequence in rows:
        if warning_id not in latest or sequence > latest[warning_id][1]:
            latest[warning_id] = (event_id, sequence)
    return {warning_id: event_id for warning_id, (event_id, _sequence) in latest.items()}


def guidance_items(user, warning_ids):
    """Return the flagged plan items of the warnings' latest events that the user may see."""
    event_ids = latest_event_ids(warning_ids).values()
    return (
        PlanItem.objects.visible_to(user)
        .filter(plan__event_id__in=list(event_ids))
        .with_flag(PlanFlag.ONSITE_GUIDANCE_REQUIRED)
        .select_related("plan__event", "region", "enterprise")
        .order_by("region__sort_order", "enterprise_name", "production_line", "id")
    )


@dataclass
class EnterpriseOnsite:
    """The on-site guidance of one enterprise for one warning, with its lines and state."""

    warning_id: int
    enterprise: object
    region: object
    items: list = field(default_factory=list)
    visit: OnsiteGuidance | None = None
    document_kinds: set = field(default_factory=set)
    highlighted: bool = False

    @property
    def earliest_effective_at(self):
        times = [item.effective_at for item in self.items if item.effective_at is not None]
        return min(times) if times else None

    @property
    def visit_status(self):
        return self.visit.status if self.visit is not None else None

    @property
    def states(self):
        return domain.onsite_states(self.visit_status, self.document_kinds)

    @property
    def missing_documents(self):
        return domain.missing_documents(self.document_kinds)

    @property
    def state_tags(self):
        return [(state, domain.STATE_LABELS[state], domain.STATE_TAGS[state]) for state in self.states]


def onsite_overview(user, warning_ids, *, now=None):
    """Return the EnterpriseOnsite rows of the given warnings that the user may see.

    Runs a fixed number of queries whatever the number of warnings and enterprises.
    """
    now = now or timezone.now()
    alert_hours = policy.get(ALERT_HOURS_KEY)
    rows = {}
    for item in guidance_items(user, warning_ids):
        key = (item.plan.event.warning_id, item.enterprise_id)
        if key not in rows:
            rows[key] = EnterpriseOnsite(warning_id=key[0], enterprise=item.enterprise, region=item.region)
        rows[key].items.append(item)
    if not rows:
        return []

    enterprise_ids = {enterprise_id for _warning_id, enterprise_id in rows}
    visits = OnsiteGuidance.objects.filter(warning_id__in=list(warning_ids), enterprise_id__in=enterprise_ids)
    for visit in visits:
        row = rows.get((visit.warning_id, visit.enterprise_id))
        if row is not None:
            row.visit = visit
    documents = (
        EnterpriseDocument.objects.filter(warning_id__in=list(warning_ids), enterprise_id__in=enterprise_ids)
        .values_list("warning_id", "enterprise_id", "kind")
        .distinct()
    )
    for warning_id, enterprise_id, kind in documents:
        row = rows.get((warning_id, enterprise_id))
        if row is not None:
            row.document_kinds.add(kind)

    for row in rows.values():
        row.highlighted = domain.needs_alert(
            effective_at=row.earliest_effective_at, now=now, alert_hours=alert_hours,
            visit_status=row.visit_status, document_kinds=row.document_kinds,
        )
    return list(rows.values())


def get_warning_for_user(user, warning_id):
    """Return a warning whose area touches the user's scope, or raise Http404."""
    try:
        return PollutionWarning.objects.visible_to(user).get(pk=warning_id)
    except PollutionWarning.DoesNotExist as exc:
        raise Http404(_("The object was not found.")) from exc


def in_force_warnings(user):
    return PollutionWarning.objects.visible_to(user).in_force().order_by("-announced_at", "-id")


# --- The team ------------------------------------------------------------------------------------


def eligible_officers(enterprise):
    """Return the active staff of the enterprise region's two county agencies and of the city agencies."""
    return (
        User.objects.filter(is_active=True, role__in=ACTING_ROLES)
        .filter(Q(agency__level=Level.CITY) | Q(agency__region_id=enterprise.region_id))
        .select_related("agency")
        .order_by("agency__level", "agency__department", "last_name", "first_name", "username")
    )


def eligible_experts(actor):
    """Return the active experts of the pool the actor may use."""
    return Expert.objects.visible_to(actor).filter(active=True).select_related("region")


def _check_team(actor, enterprise, experts, officers):
    experts = list(experts)
    officers = list(officers)
    if not experts:
        raise ValidationFailed(_("Choose at least one expert for the team."), field="experts")
    usable_experts = set(eligible_experts(actor).filter(pk__in=[expert.pk for expert in experts]).values_list("pk", flat=True))
    for expert in experts:
        if expert.pk not in usable_experts:
            raise ValidationFailed(
                _("Expert %(expert)s is inactive or outside your expert pool.") % {"expert": expert.name}, field="experts"
            )
        check_expert_independence(expert, enterprise)

    usable_officers = {user.pk: user for user in eligible_officers(enterprise).filter(pk__in=[user.pk for user in officers])}
    for officer in officers:
        if officer.pk not in usable_officers:
            raise ValidationFailed(
                _("%(officer)s is not active staff of the county agencies of %(region)s or of the city agencies.")
                % {"officer": officer.display_name, "region": enterprise.region.name},
                field="officers",
            )
    departments = {user.agency.department for user in usable_officers.values()}
    for department in Department:
        if department.value not in departments:
            raise ValidationFailed(
                _("The team needs at least one officer of the %(department)s department.") % {"department": department.label},
                field="officers",
            )
    return experts, list(usable_officers.values())


# --- Visit actions ----------------------------------------------------------------------------------


def _require_guidance_needed(warning, enterprise):
    if warning.status != WarningStatus.IN_FORCE:
        raise ValidationFailed(_("The warning has been lifted, so no visit can be scheduled."))
    event_id = latest_event_ids([warning.pk]).get(warning.pk)
    flagged = PlanItem.objects.filter(plan__event_id=event_id, enterprise=enterprise).with_flag(
        PlanFlag.ONSITE_GUIDANCE_REQUIRED
    )
    if not flagged.exists():
        raise ValidationFailed(
            _("No production line of %(enterprise)s requires on-site guidance in the current plan of this warning.")
            % {"enterprise": enterprise.name}
        )


def schedule_visit(warning, enterprise, *, actor, scheduled_at, experts, officers, now=None):
    """Schedule the joint visit to ``enterprise`` for ``warning``, or schedule a cancelled one again.

    Raises:
        ValidationFailed: no time, a time already past, a team that breaks the team rule, or no
            production line of the enterprise needs guidance.
    """
    check_can_organise(actor, enterprise)
    if scheduled_at is None:
        raise ValidationFailed(_("Enter the time of the visit."), field="scheduled_at")
    if scheduled_at < (now or timezone.now()):
        raise ValidationFailed(_("The visit cannot be scheduled in the past."), field="scheduled_at")
    with transaction.atomic():
        _require_guidance_needed(warning, enterprise)
        experts, officers = _check_team(actor, enterprise, experts, officers)
        visit = OnsiteGuidance.objects.select_for_update().filter(warning=warning, enterprise=enterprise).first()
        domain.check_transition(visit.status if visit else None, domain.SCHEDULED)
        before = audit.snapshot(visit, ["status", "scheduled_at"]) if visit else {}
        if visit is None:
            visit = OnsiteGuidance(warning=warning, enterprise=enterprise, region_id=enterprise.region_id, created_by=actor)
        visit.status = OnsiteGuidance.Status.SCHEDULED
        visit.scheduled_at = scheduled_at
        visit.save()
        visit.experts.set(experts)
        visit.officers.set(officers)
        changes = audit.diff(before, audit.snapshot(visit, ["status", "scheduled_at"]))
        audit.record(
            actor, OnsiteAction.SCHEDULE, visit, changes=changes,
            experts=[expert.name for expert in experts], officers=[officer.display_name for officer in officers],
        )
    return visit


def _locked_visit(visit):
    return OnsiteGuidance.objects.select_for_update().select_related("enterprise").get(pk=visit.pk)


def record_visit(visit, *, actor, visited_at, safety_risks, environmental_risks, documents_reviewed, findings, instructions,
                 now=None):
    """Record what the team found and instructed; the visit becomes done."""
    check_can_organise(actor, visit.enterprise)
    values = {
        "safety_risks": (safety_risks or "").strip(),
        "environmental_risks": (environmental_risks or "").strip(),
        "documents_reviewed": (documents_reviewed or "").strip(),
        "findings": (findings or "").strip(),
        "instructions": (instructions or "").strip(),
    }
    required = {
        "safety_risks": _("Enter the shutdown safety risks identified, or write that there are none."),
        "environmental_risks": _("Enter the environmental risks identified, or write that there are none."),
        "findings": _("Enter the findings of the visit."),
        "instructions": _("Enter the instructions given to the enterprise."),
    }
    for name, message in required.items():
        if not values[name]:
            raise ValidationFailed(message, field=name)
    if visited_at is None:
        raise ValidationFailed(_("Enter the time of the visit."), field="visited_at")
    if visited_at > (now or timezone.now()):
        raise ValidationFailed(_("The time of the visit cannot be in the future."), field="visited_at")

    with transaction.atomic():
        current = _locked_visit(visit)
        domain.check_transition(current.status, domain.DONE)
        before = audit.snapshot(current, ["status", "visited_at", *VISIT_RECORD_FIELDS])
        current.status = OnsiteGuidance.Status.DONE
        current.visited_at = visited_at
        for name, value in values.items():
            setattr(current, name, value)
        current.save()
        changes = audit.diff(before, audit.snapshot(current, ["status", "visited_at", *VISIT_RECORD_FIELDS]))
        audit.record(actor, OnsiteAction.RECORD, current, changes=changes)
    return current


def cancel_visit(visit, *, actor, reason):
    """Cancel a scheduled visit, stating why; it may be scheduled again later."""
    check_can_organise(actor, visit.enterprise)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Enter the reason for cancelling the visit."), field="reason")
    with transaction.atomic():
        current = _locked_visit(visit)
        domain.check_transition(current.status, domain.CANCELLED)
        current.status = OnsiteGuidance.Status.CANCELLED
        current.save(update_fields=["status", "updated_at"])
        audit.record(
            actor, OnsiteAction.CANCEL, current, changes={"status": [domain.SCHEDULED, domain.CANCELLED]}, reason=reason
        )
    return current


def get_visit_for_user(user, pk):
    """Return a visit inside a staff user's scope; anyone else, or a visit outside it, gets Http404."""
    if not is_acting_staff(user) and not (user.role == Role.EXPERT and region_ids_of(user) != set()):
        raise Http404(_("The object was not found."))
    return OnsiteGuidance.objects.select_related("warning", "enterprise", "region", "created_by").get_for_user(user, pk=pk)


# --- Enterprise documents -------------------------------------------------------------------------


def get_portal_warning(user, warning_id):
    """Return a warning in force covering the contact's enterprise, or raise Http404."""
    if enterprise_id_of(user) is None:
        raise Http404(_("The object was not found."))
    try:
        return PollutionWarning.objects.visible_to(user).in_force().get(pk=warning_id)
    except PollutionWarning.DoesNotExist as exc:
        raise Http404(_("The object was not found.")) from exc


def _check_file(uploaded_file):
    return check_upload(uploaded_file, max_bytes=MAX_DOCUMENT_BYTES, field="file")


def upload_document(warning, *, actor, kind, uploaded_file):
    """Store a document the contact's enterprise uploads for a warning in force; earlier uploads stay listed."""
    enterprise_id = enterprise_id_of(actor)
    if enterprise_id is None:
        raise NotPermitted(_("Only enterprise contacts may upload the enterprise's documents."))
    current = get_portal_warning(actor, warning.pk)
    if kind not in DocumentKind.values:
        raise ValidationFailed(_("Choose which document you are uploading."), field="kind")
    sha256 = _check_file(uploaded_file)
    enterprise = actor.enterprise_contact.enterprise
    with transaction.atomic():
        document = EnterpriseDocument(
            warning=current, enterprise=enterprise, region_id=enterprise.region_id, kind=kind,
            file_name=PurePath(uploaded_file.name).name[:255], sha256=sha256, uploaded_by=actor,
        )
        document.file.save(PurePath(uploaded_file.name).name, uploaded_file, save=False)
        document.save()
        audit.record(
            actor, OnsiteAction.UPLOAD, document,
            changes={"kind": [None, kind], "file_name": [None, document.file_name]}, sha256=sha256, size=uploaded_file.size,
        )
    return document


def documents_of(warning, enterprise_id):
    return EnterpriseDocument.objects.filter(warning=warning, enterprise_id=enterprise_id).select_related("uploaded_by")


def get_document_for_user(user, pk):
    """Return a document the user may download: staff by region scope, a contact only their enterprise's."""
    return EnterpriseDocument.objects.get_for_user(user, pk=pk)

