"""Escalated approval (提级审批) of high-risk maintenance work at enterprises under a reduction measure.

* An enterprise contact drafts a request while their enterprise has a halt or limit item in the
  latest plan of a warning in force; without such an item no approval is needed and nothing can
  be submitted. Submitting notifies both county agencies of the enterprise's region at once.
* Officers and leaders of those county agencies, or city staff, record one decision per
  department; the status follows from ``anhuan.pollution.domain.maintenance.derive_status``.
* A referral starts a city expert review: city staff of either department organise it with at
  least two experts independent of the enterprise, record each expert's opinion and the
  conclusion, and a city leader of each department confirms it. Confirmations are audit entries
  of the review (action ``maintenance.review_confirm``), one per department.

Each step stores its deadline in ``due_at``; the hours are policy settings
(``anhuan.pollution.todo_maintenance``).
"""

import datetime as dt
from pathlib import PurePath

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit, policy
from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.notifications import notify
from anhuan.core.timeutil import to_local
from anhuan.core.uploads import check_upload
from anhuan.enterprises.models import EnterpriseContact
from anhuan.experts.services import check_expert_independence
from anhuan.organizations.models import Agency, Department, Level, Role, User
from anhuan.organizations.scope import enterprise_id_of
from anhuan.pollution import todo_maintenance as steps
from anhuan.pollution.domain import maintenance as machine
from anhuan.pollution.models import (
    AgencyDecision,
    Decision,
    ExpertOpinion,
    ExpertReview,
    MaintenanceAttachment,
    MaintenanceRequest,
    MeasureType,
    PlanItem,
    PollutionWarning,
    WorkType,
)

Status = MaintenanceRequest.Status


@audit.register_actions
class MaintenanceAction(models.TextChoices):
    CREATE = "maintenance.create", gettext_lazy("Maintenance request drafted")
    UPDATE = "maintenance.update", gettext_lazy("Maintenance request draft changed")
    ATTACH = "maintenance.attach", gettext_lazy("Maintenance request attachment added")
    SUBMIT = "maintenance.submit", gettext_lazy("Maintenance request submitted")
    WITHDRAW = "maintenance.withdraw", gettext_lazy("Maintenance request withdrawn")
    DECIDE = "maintenance.decide", gettext_lazy("Maintenance decision recorded")
    OUTCOME = "maintenance.outcome", gettext_lazy("Maintenance verification outcome recorded")
    REVIEW_ORGANISE = "maintenance.review_organise", gettext_lazy("Maintenance expert review organised")
    REVIEW_OPINION = "maintenance.review_opinion", gettext_lazy("Maintenance expert opinion recorded")
    REVIEW_CONCLUDE = "maintenance.review_conclude", gettext_lazy("Maintenance expert review concluded")
    REVIEW_CONFIRM = "maintenance.review_confirm", gettext_lazy("Maintenance expert review conclusion confirmed")
    STATUS = "maintenance.status", gettext_lazy("Maintenance request status changed")


ACTING_ROLES = {Role.OFFICER, Role.LEADER}
REQUEST_FIELDS = [
    "work_types", "unit", "location", "planned_start", "planned_end", "description", "risk_analysis",
    "safety_measures", "emergency_arrangements",
]
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx"}
# Measures that make maintenance work need escalated approval.
REDUCTION_MEASURES = (MeasureType.HALT, MeasureType.LIMIT)
STEP_HOURS = {
    Status.SUBMITTED: steps.DECISION_HOURS,
    Status.VERIFYING: steps.VERIFICATION_HOURS,
    Status.EXPERT_REVIEW: steps.EXPERT_REVIEW_HOURS,
}


# --- Reading ------------------------------------------------------------------------------


def reduction_warning_for(enterprise):
    """Return the newest warning in force whose latest plan halts or limits the enterprise, or None."""
    for warning in PollutionWarning.objects.in_force().order_by("-announced_at", "-id"):
        event = warning.latest_event()
        if event is None:
            continue
        items = PlanItem.objects.filter(plan__event=event, enterprise=enterprise, measure_type__in=REDUCTION_MEASURES)
        if items.exists():
            return warning
    return None


def get_request_for_user(user, pk):
    """Return the request if the user may see it (staff by region, a contact their own), else raise Http404."""
    return MaintenanceRequest.objects.select_related("enterprise", "region", "warning").get_for_user(user, pk=pk)


def local_agencies(request):
    """Return {department: Agency} of the county agencies of the request's region."""
    return {agency.department: agency for agency in Agency.objects.filter(region_id=request.region_id)}


def city_agencies():
    return {agency.department: agency for agency in Agency.objects.filter(level=Level.CITY)}


def decisions_of(request):
    """Return {department: DepartmentDecision} of the decisions recorded so far."""
    return {
        decision.department: machine.DepartmentDecision(decision.decision, decision.outcome)
        for decision in request.decisions.all()
    }


def review_of(request):
    return ExpertReview.objects.filter(request=request).first()


def confirmations_of(review):
    """Return {department: AuditEntry} of the city departments that confirmed the review's conclusion."""
    if review is None:
        return {}
    entries = audit.history_for(review).filter(action=MaintenanceAction.REVIEW_CONFIRM).order_by("created_at")
    return {entry.data.get("department"): entry for entry in entries}


def _confirmed_conclusion(review):
    if review is None or not review.conclusion:
        return None
    if set(confirmations_of(review)) >= set(Department.values):
        return review.conclusion
    return None


def _acting_users(agencies):
    return User.objects.filter(agency__in=agencies, role__in=ACTING_ROLES, is_active=True).order_by("pk")


# --- Who may act --------------------------------------------------------------------------


def _require_contact(actor, request):
    if enterprise_id_of(actor) != request.enterprise_id:
        raise OutOfScope()


def _require_local_staff(actor, request):
    """Raise unless the actor is an officer or leader of a county agency of the region, or city staff."""
    if actor.role not in ACTING_ROLES or actor.agency_id is None:
        raise NotPermitted(_("Only officers and leaders of the agencies may act on maintenance requests."))
    if actor.agency.level == Level.CITY:
        return
    if actor.agency.region_id != request.region_id:
        raise NotPermitted(
            _("Only the county agencies of %(region)s or city staff may act on this request.")
            % {"region": request.region.name}
        )


def _require_city_staff(actor):
    if actor.role not in ACTING_ROLES or actor.agency_id is None or actor.agency.level != Level.CITY:
        raise NotPermitted(_("Only officers and leaders of the city agencies may organise and record the expert review."))


def _require_city_leader(actor):
    if actor.role != Role.LEADER or actor.agency_id is None or actor.agency.level != Level.CITY:
        raise NotPermitted(_("Only a leader of a city agency may confirm the expert review conclusion."))


def _locked(request):
    return MaintenanceRequest.objects.select_for_update().select_related("enterprise", "region").get(pk=request.pk)


# --- Status and deadlines -----------------------------------------------------------------


def step_deadline(request, start, hours_key):
    """Deadline of a step started at ``start``: the policy's hours later, but never after the planned start of the work."""
    return min(start + dt.timedelta(hours=policy.get(hours_key)), request.planned_start)


def _advance(request, *, actor, now):
    """Derive the new status from the decisions and review, check the transition, set deadlines, notify."""
    review = review_of(request)
    new = machine.derive_status(decisions_of(request), Department.values, _confirmed_conclusion(review))
    old = request.status
    machine.check_transition(old, new)
    if new == old:
        return
    request.status = new
    if machine.is_final(new):
        request.due_at = None
        request.decided_at = now
    elif new == Status.SUBMITTED:
        request.due_at = step_deadline(request, request.submitted_at, steps.DECISION_HOURS)
    else:
        request.due_at = step_deadline(request, now, STEP_HOURS[new])
    request.save(update_fields=["status", "due_at", "decided_at", "updated_at"])
    audit.record(actor, MaintenanceAction.STATUS, request, changes={"status": [old, new]})
    if new == Status.EXPERT_REVIEW:
        _notify_agencies(request, city_agencies().values(), steps.KIND_REFERRED, now)
    if machine.is_final(new):
        _notify_contacts(request)


def _detail_link(request):
    return reverse("pollution:maintenance-detail", args=[request.pk])


def _notify_agencies(request, agencies, kind, now):
    """Notify the officers and leaders of each agency, one digest per agency per day."""
    day = to_local(now).date().isoformat()
    for agency in agencies:
        notify(
            _acting_users([agency]), kind=kind, digest_key=f"{kind}:{agency.pk}:{day}",
            data={"enterprise": request.enterprise.name, "request": request.pk}, link=_detail_link(request),
        )


def _notify_contacts(request):
    contacts = User.objects.filter(
        pk__in=EnterpriseContact.objects.filter(enterprise_id=request.enterprise_id).values("user_id")
    )
    notify(
        contacts, kind=steps.KIND_DECIDED, digest_key=f"{steps.KIND_DECIDED}:{request.pk}",
        data={"unit": request.unit, "status": request.status},
        link=reverse("pollution:portal-maintenance-detail", args=[request.pk]),
    )


# --- Enterprise actions -------------------------------------------------------------------


def _clean_fields(fields):
    values = {name: fields[name] for name in REQUEST_FIELDS if name in fields}
    if "work_types" in values:
        machine.validate_work_types(values["work_types"], WorkType.values)
    for name in ("unit", "location", "description", "risk_analysis", "safety_measures", "emergency_arrangements"):
        if name in values and not str(values[name]).strip():
            raise ValidationFailed(
                _("%(field)s is required.") % {"field": MaintenanceRequest._meta.get_field(name).verbose_name},
                field=name,
            )
    return values


def validate_attachment(upload):
    """Raise ValidationFailed unless ``upload`` is a real document or image of at most 10 MB."""
    check_upload(upload, extensions=ATTACHMENT_SUFFIXES, max_bytes=MAX_ATTACHMENT_BYTES, field="attachments")


def _save_attachments(request, uploads, actor):
    for upload in uploads:
        validate_attachment(upload)
    for upload in uploads:
        attachment = MaintenanceAttachment.objects.create(
            request=request, file=upload, file_name=PurePath(upload.name).name[:255], uploaded_by=actor
        )
        audit.record(actor, MaintenanceAction.ATTACH, request, attachment=attachment.pk, file_name=attachment.file_name)


def create_draft(*, actor, attachments=(), **fields):
    """Create a draft request for the contact's enterprise; raise if no reduction measure applies to it."""
    contact = getattr(actor, "enterprise_contact", None)
    if actor.role != Role.ENTERPRISE or contact is None:
        raise NotPermitted(_("Only enterprise contacts can request maintenance approval."))
    enterprise = contact.enterprise
    warning = reduction_warning_for(enterprise)
    if warning is None:
        raise ValidationFailed(
            _("Your enterprise is not under a halt or limit measure of a warning in force, so maintenance work "
              "needs no escalated approval.")
        )
    values = _clean_fields(fields)
    if values["planned_end"] <= values["planned_start"]:
        raise ValidationFailed(_("The planned end must be later than the planned start."), field="planned_end")
    with transaction.atomic():
        request = MaintenanceRequest.objects.create(
            enterprise=enterprise, region_id=enterprise.region_id, warning=warning, created_by=actor, **values
        )
        audit.record(actor, MaintenanceAction.CREATE, request, changes=audit.diff({}, audit.snapshot(request, REQUEST_FIELDS)))
        _save_attachments(request, list(attachments), actor)
    return request


def update_draft(request, *, actor, attachments=(), **fields):
    _require_contact(actor, request)
    values = _clean_fields(fields)
    with transaction.atomic():
        request = _locked(request)
        machine.check_editable(request.status)
        before = audit.snapshot(request, REQUEST_FIELDS)
        for name, value in values.items():
            setattr(request, name, value)
        if request.planned_end <= request.planned_start:
            raise ValidationFailed(_("The planned end must be later than the planned start."), field="planned_end")
        request.save()
        audit.record(actor, MaintenanceAction.UPDATE, request, changes=audit.diff(before, audit.snapshot(request, REQUEST_FIELDS)))
        _save_attachments(request, list(attachments), actor)
    return request


def add_attachments(request, uploads, *, actor):
    _require_contact(actor, request)
    with transaction.atomic():
        request = _locked(request)
        machine.check_editable(request.status)
        _save_attachments(request, list(uploads), actor)
    return request


def submit_request(request, *, actor, now=None):
    """Submit a draft: check the window and the reduction measure, start the decision deadline, notify both agencies."""
    now = now or timezone.now()
    _require_contact(actor, request)
    with transaction.atomic():
        request = _locked(request)
        machine.check_submittable(request.status)
        warning = reduction_warning_for(request.enterprise)
        if warning is None:
            raise ValidationFailed(
                _("Your enterprise is no longer under a halt or limit measure of a warning in force, so the work "
                  "needs no escalated approval.")
            )
        machine.validate_window(request.planned_start, request.planned_end, now)
        machine.check_transition(request.status, Status.SUBMITTED)
        request.status = Status.SUBMITTED
        request.warning = warning
        request.submitted_by = actor
        request.submitted_at = now
        request.due_at = step_deadline(request, now, steps.DECISION_HOURS)
        request.save(update_fields=["status", "warning", "submitted_by", "submitted_at", "due_at", "updated_at"])
        audit.record(actor, MaintenanceAction.SUBMIT, request, changes={"status": [Status.DRAFT, Status.SUBMITTED]},
                     due_at=request.due_at)
        _notify_agencies(request, local_agencies(request).values(), steps.KIND_SUBMITTED, now)
    return request


def withdraw_request(request, *, actor, now=None):
    now = now or timezone.now()
    _require_contact(actor, request)
    with transaction.atomic():
        request = _locked(request)
        machine.check_withdrawable(request.status)
        old = request.status
        machine.check_transition(old, Status.WITHDRAWN)
        request.status = Status.WITHDRAWN
        request.due_at = None
        request.decided_at = now
        request.save(update_fields=["status", "due_at", "decided_at", "updated_at"])
        audit.record(actor, MaintenanceAction.WITHDRAW, request, changes={"status": [old, Status.WITHDRAWN]})
    return request


# --- Agency decisions ---------------------------------------------------------------------


def record_decision(request, *, actor, decision, opinion, now=None):
    """Record the actor's department's one decision and move the request on."""
    now = now or timezone.now()
    _require_local_staff(actor, request)
    if decision not in Decision.values:
        raise ValidationFailed(_("Choose one of the listed decisions."), field="decision")
    if not str(opinion).strip():
        raise ValidationFailed(_("Write the opinion that goes with the decision."), field="opinion")
    department = actor.agency.department
    with transaction.atomic():
        request = _locked(request)
        machine.check_decidable(request.status, department, decisions_of(request))
        record = AgencyDecision.objects.create(
            request=request, department=department, agency=actor.agency, decision=decision,
            opinion=str(opinion).strip(), decided_by=actor,
        )
        audit.record(actor, MaintenanceAction.DECIDE, request, decision=decision, department=department,
                     agency_decision=record.pk)
        _advance(request, actor=actor, now=now)
    return request


def record_outcome(request, *, actor, outcome, note="", now=None):
    """Record whether the actor's department's verification or on-site guidance passed."""
    now = now or timezone.now()
    _require_local_staff(actor, request)
    machine.check_outcome_value(outcome)
    department = actor.agency.department
    with transaction.atomic():
        request = _locked(request)
        record = request.decisions.filter(department=department).first()
        entry = machine.DepartmentDecision(record.decision, record.outcome) if record else None
        machine.check_outcome_recordable(request.status, entry)
        record.outcome = outcome
        record.outcome_note = str(note).strip()
        record.outcome_at = now
        record.save(update_fields=["outcome", "outcome_note", "outcome_at"])
        audit.record(actor, MaintenanceAction.OUTCOME, request, changes={"outcome": [AgencyDecision.Outcome.PENDING, outcome]},
                     department=department)
        _advance(request, actor=actor, now=now)
    return request


# --- City expert review -------------------------------------------------------------------


def organise_review(request, *, actor, experts, scheduled_at=None):
    """Create the expert review with at least two experts independent of the enterprise."""
    _require_city_staff(actor)
    experts = list(experts)
    machine.check_expert_count(len(experts))
    with transaction.atomic():
        request = _locked(request)
        machine.check_review_organisable(request.status, decisions_of(request), review_of(request) is not None)
        for expert in experts:
            check_expert_independence(expert, request.enterprise)
        review = ExpertReview.objects.create(request=request, scheduled_at=scheduled_at, organised_by=actor)
        review.experts.set(experts)
        audit.record(actor, MaintenanceAction.REVIEW_ORGANISE, request, review=review.pk,
                     experts=[expert.pk for expert in experts], scheduled_at=scheduled_at)
    return review


def _open_review(request):
    review = review_of(request)
    if review is None:
        raise ValidationFailed(_("No expert review has been organised for this request yet."))
    return review


def record_expert_opinion(request, *, actor, expert, recommendation, opinion):
    _require_city_staff(actor)
    if recommendation not in ExpertReview.Conclusion.values:
        raise ValidationFailed(_("Choose one of the listed recommendations."), field="recommendation")
    if not str(opinion).strip():
        raise ValidationFailed(_("Write the expert's opinion."), field="opinion")
    with transaction.atomic():
        request = _locked(request)
        review = _open_review(request)
        machine.check_review_open(request.status, bool(review.conclusion))
        if not review.experts.filter(pk=expert.pk).exists():
            raise ValidationFailed(_("%(expert)s is not on this review's panel.") % {"expert": expert.name}, field="expert")
        if review.opinions.filter(expert=expert).exists():
            raise ValidationFailed(_("The opinion of %(expert)s is already recorded.") % {"expert": expert.name},
                                   field="expert")
        record = ExpertOpinion.objects.create(
            review=review, expert=expert, recommendation=recommendation, opinion=str(opinion).strip(), recorded_by=actor
        )
        audit.record(actor, MaintenanceAction.REVIEW_OPINION, request, expert=expert.pk, opinion=record.pk,
                     recommendation=recommendation)
    return record


def record_conclusion(request, *, actor, conclusion, text, now=None):
    now = now or timezone.now()
    _require_city_staff(actor)
    if conclusion not in ExpertReview.Conclusion.values:
        raise ValidationFailed(_("Choose one of the listed conclusions."), field="conclusion")
    if not str(text).strip():
        raise ValidationFailed(_("Write the conclusion and any conditions."), field="conclusion_text")
    with transaction.atomic():
        request = _locked(request)
        review = _open_review(request)
        machine.check_review_open(request.status, bool(review.conclusion))
        machine.check_concludable(
            review.experts.values_list("pk", flat=True), review.opinions.values_list("expert_id", flat=True)
        )
        review.conclusion = conclusion
        review.conclusion_text = str(text).strip()
        review.concluded_by = actor
        review.concluded_at = now
        review.save(update_fields=["conclusion", "conclusion_text", "concluded_by", "concluded_at"])
        audit.record(actor, MaintenanceAction.REVIEW_CONCLUDE, request, conclusion=conclusion, review=review.pk)
    return review


def confirm_conclusion(request, *, actor, now=None):
    """Confirm the review conclusion for the actor's city department; both confirmations decide the request."""
    now = now or timezone.now()
    _require_city_leader(actor)
    department = actor.agency.department
    with transaction.atomic():
        request = _locked(request)
        review = _open_review(request)
        machine.check_confirmable(request.status, bool(review.conclusion), department, set(confirmations_of(review)))
        audit.record(actor, MaintenanceAction.REVIEW_CONFIRM, review, department=department, request=request.pk,
                     conclusion=review.conclusion)
        _advance(request, actor=actor, now=now)
    return request


# --- What a user can do now ---------------------------------------------------------------


def is_overdue(request, now=None):
    return request.due_at is not None and request.due_at < (now or timezone.now())


def overdue_days(request, now=None):
    """Whole days (rounded up) the current step is past its due time; 0 when not overdue."""
    if not is_overdue(request, now):
        return 0
    late = (now or timezone.now()) - request.due_at
    return late.days + (1 if late.seconds or late.microseconds else 0)


def staff_actions(request, user):
    """Return the names of the actions the page offers ``user``; the services enforce the same rules."""
    actions = set()
    if user.role not in ACTING_ROLES or user.agency_id is None or machine.is_final(request.status):
        return actions
    decisions = decisions_of(request)
    department = user.agency.department
    is_city = user.agency.level == Level.CITY
    if is_city or user.agency.region_id == request.region_id:
        if request.status in machine.OPEN_STATES and department not in decisions:
            actions.add("decide")
        entry = decisions.get(department)
        if entry and entry.decision in machine.VISIT_DECISIONS and entry.outcome == AgencyDecision.Outcome.PENDING:
            actions.add("outcome")
    if is_city and request.status == Status.EXPERT_REVIEW:
        review = review_of(request)
        if review is None:
            actions.add("organise")
        elif not review.conclusion:
            actions.update({"opinion", "conclude"})
        elif user.role == Role.LEADER and department not in confirmations_of(review):
            actions.add("confirm")
    return actions
