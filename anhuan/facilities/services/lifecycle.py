"""Actions on the lifecycle of a new key environmental facility (重点环保设施), one function per step.

* The environment side (EE) registers a new project in the environmental facility register.
  ``share_project`` shares it with the emergency agency (EM) of the facility's region. When a
  city officer shares it, the city emergency agency is notified too. Every lifecycle action and the
  facility page share a new-project facility the first time they touch it.
* EE records the environmental demonstration, reminds the enterprise of the safety
  demonstration, records the design and the acceptance. Either department records the safety
  demonstration, the construction plan and the 三同时 checkpoints "designed" and "built".
* ``change_status`` moves the register row through ``sharing.services.registers.update_record``,
  so the lifecycle gate (``anhuan.facilities.gates``) applies as it does to forms, imports and the
  API. Entering "in operation" also confirms the checkpoint "put into use".

Every action takes the actor and finds the facility in the actor's scope (``OutOfScope``
otherwise). It runs in one transaction and writes an audit entry whose ``data["facility"]`` is
the facility id, so the facility page can list the history of all its records.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit
from anhuan.core.errors import TransitionNotAllowed, ValidationFailed
from anhuan.core.notifications import notify
from anhuan.core.timeutil import SHANGHAI
from anhuan.enterprises.models import EnterpriseContact
from anhuan.experts.models import Expert
from anhuan.experts.services import check_expert_independence
from anhuan.facilities import todo_lifecycle as kinds
from anhuan.facilities.domain import lifecycle
from anhuan.facilities.models import (
    Acceptance,
    Checkpoint,
    ConstructionPlan,
    Demonstration,
    DemonstrationFinding,
    DemonstrationKind,
    DesignDiagnosis,
    FacilityDesign,
    FacilityHazard,
    HazardGrade,
    KeyFacilityProfile,
    Origin,
    Outcome,
    SafetyAssessment,
    SimultaneityCheckpoint,
    StopUseOrder,
)
from anhuan.facilities.gates import join_reasons
from anhuan.facilities.reads import facts_for
from anhuan.facilities.services.common import key_facility_for, new_record, profile_for, record_action, require_staff_actor
from anhuan.organizations.models import Agency, Department, Level, Role, User
from anhuan.sharing.models import EnvFacility, FacilityStatus
from anhuan.sharing.services.registers import RegisterAction, update_record

logger = logging.getLogger(__name__)

EE = Department.ENVIRONMENT
EM = Department.EMERGENCY
ACTING_ROLES = (Role.OFFICER, Role.LEADER)


@audit.register_actions
class LifecycleAction(models.TextChoices):
    SHARE = "facility.share", gettext_lazy("Key facility project shared with the emergency side")
    ENV_DEMONSTRATION = "facility.env_demonstration", gettext_lazy("Environmental demonstration recorded")
    SAFETY_REMINDER = "facility.safety_reminder", gettext_lazy("Enterprise reminded of the safety demonstration")
    SAFETY_DEMONSTRATION = "facility.safety_demonstration", gettext_lazy("Safety demonstration recorded")
    DESIGN = "facility.design", gettext_lazy("Facility design recorded")
    CONSTRUCTION_PLAN = "facility.construction_plan", gettext_lazy("Construction plan recorded")
    CHECKPOINT = "facility.checkpoint", gettext_lazy("三同时 checkpoint confirmed")
    ACCEPTANCE = "facility.acceptance", gettext_lazy("Acceptance recorded")


DEMONSTRATION_FIELDS = ["kind", "held_on", "organiser", "expert_names", "opinion", "outcome", "file_name"]
DESIGN_FIELDS = ["designer", "qualification", "certificate_number", "designed_on", "file_name"]
PLAN_FIELDS = ["prepared_on", "contractor", "safety_measures", "file_name"]
CHECKPOINT_FIELDS = ["checkpoint", "confirmed_on", "note", "file_name"]
ACCEPTANCE_FIELDS = ["accepted_on", "organiser", "opinion", "outcome", "file_name"]

# The register statuses each status may move to. This table only rules out moves that make no sense
# (planned → in operation). The lifecycle gate then checks what must be on file for the move.
NEXT_STATUSES = {
    lifecycle.PLANNED: (lifecycle.UNDER_CONSTRUCTION, lifecycle.DECOMMISSIONED),
    lifecycle.UNDER_CONSTRUCTION: (lifecycle.IN_OPERATION, lifecycle.STOPPED, lifecycle.DECOMMISSIONED),
    lifecycle.IN_OPERATION: (lifecycle.STOPPED, lifecycle.DECOMMISSIONED),
    lifecycle.STOPPED: (lifecycle.IN_OPERATION, lifecycle.DECOMMISSIONED),
    lifecycle.DECOMMISSIONED: (),
}


# --- Helpers ---------------------------------------------------------------------------------


def today():
    """Return today's date in the city's time zone."""
    return dt.datetime.now(tz=SHANGHAI).date()


def _facility_id(facility):
    return facility if isinstance(facility, int) else facility.pk


def _locked(facility, actor):
    return key_facility_for(actor, _facility_id(facility), lock=True)


def check_not_in_future(value, field, label):
    if isinstance(value, dt.date) and value > today():
        raise ValidationFailed(
            _("%(field)s: the date cannot be in the future.") % {"field": label}, field=field
        )


def _require_text(value, field, label):
    if not str(value or "").strip():
        raise ValidationFailed(_("%(field)s: this field is required.") % {"field": label}, field=field)
    return str(value).strip()


def _acting_users(agencies):
    return User.objects.filter(agency__in=agencies, role__in=ACTING_ROLES, is_active=True).order_by("pk")


def facility_link(facility):
    return reverse("facilities:detail", args=[facility.pk])


def allowed_targets(current):
    """Return the register statuses a facility in status ``current`` may move to next."""
    return NEXT_STATUSES.get(current, ())


# --- Sharing the project ---------------------------------------------------------------------


def _emergency_agencies(facility, actor):
    """Return the emergency agency of the facility's region and, for a city-level actor, the city's."""
    regions = [facility.region_id]
    agency = getattr(actor, "agency", None)
    if agency is not None and agency.level == Level.CITY:
        regions.append(agency.region_id)
    return list(Agency.objects.filter(department=EM, region_id__in=regions))


def _share(facility, actor, profile):
    """Share a new-project facility that is not yet shared; return True if it was shared now."""
    if profile.origin != Origin.NEW_PROJECT or profile.shared_at is not None:
        return False
    profile.shared_at = timezone.now()
    profile.updated_by = actor
    profile.save(update_fields=["shared_at", "updated_by", "updated_at"])
    agencies = _emergency_agencies(facility, actor)
    data = {"facility": facility.name, "enterprise": facility.enterprise.name, "facility_id": facility.pk}
    for agency in agencies:
        notify(
            _acting_users([agency]), kind=kinds.KIND_SHARED, digest_key=f"{kinds.KIND_SHARED}:{agency.pk}",
            data=data, link=facility_link(facility),
        )
    audit.record(
        actor, LifecycleAction.SHARE, facility, facility=facility.pk,
        agencies="、".join(agency.name for agency in agencies),
    )
    logger.info("Key facility %s shared with agencies %s by user %s", facility.pk, [a.pk for a in agencies], actor.pk)
    return True


def ensure_shared(facility, actor):
    """Share a new-project key facility the first time an officer or leader opens its page.

    Experts, contacts and administrators never share, and a facility already shared or on the
    existing-facility path is left alone. Returns True when this call shared the facility.
    """
    if actor.role not in (*ACTING_ROLES, Role.SYSTEM) or (actor.role != Role.SYSTEM and actor.agency_id is None):
        return False
    with transaction.atomic():
        current = _locked(facility, actor)
        return _share(current, actor, profile_for(current, actor=actor))


def share_project(facility, actor):
    """Share a new key facility project with the emergency side and notify its officers and leaders.

    Sets ``shared_at`` on the facility's profile. Sharing again does nothing (returns False).

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of the environment side.
        ValidationFailed: the facility follows the existing-facility path, which is not shared as a project.
    """
    require_staff_actor(actor, EE)
    with transaction.atomic():
        current = _locked(facility, actor)
        profile = profile_for(current, actor=actor)
        if profile.origin != Origin.NEW_PROJECT:
            raise ValidationFailed(
                _("This facility was in use before the mechanism took effect; only new projects are shared."),
                field="origin",
            )
        return _share(current, actor, profile)


def begin_action(facility, actor, *departments):
    """Check the actor, lock the facility in scope and share it if it is a new project; return (facility, profile)."""
    require_staff_actor(actor, *departments)
    current = _locked(facility, actor)
    profile = profile_for(current, actor=actor)
    _share(current, actor, profile)
    return current, profile


# --- Demonstrations --------------------------------------------------------------------------


def _pool_experts(experts, facility, actor):
    """Return the pool experts named by instances or ids, each independent of the facility's enterprise."""
    ids = [expert.pk if isinstance(expert, Expert) else int(expert) for expert in experts or ()]
    found = {expert.pk: expert for expert in Expert.objects.visible_to(actor).filter(pk__in=ids, active=True)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationFailed(_("Experts from the pool: choose active experts of the pool."), field="experts")
    for expert in found.values():
        check_expert_independence(expert, facility.enterprise)
    return [found[pk] for pk in dict.fromkeys(ids)]


def _record_demonstration(facility, actor, kind, action, *, held_on, organiser, opinion, outcome, expert_names="",
                          experts=(), upload=None):
    check_not_in_future(held_on, "held_on", _("Date"))
    pool = _pool_experts(experts, facility, actor)
    names = " ".join(str(expert_names or "").split())
    if not names and not pool:
        raise ValidationFailed(
            _("Experts: name the experts or choose them from the pool."), field="expert_names"
        )
    if not names:
        names = "、".join(expert.name for expert in pool)
    demonstration = new_record(
        Demonstration, facility, actor=actor, upload=upload, kind=kind, held_on=held_on,
        organiser=str(organiser or "").strip(), expert_names=names, opinion=str(opinion or "").strip(),
        outcome=outcome,
    )
    demonstration.experts.set(pool)
    record_action(actor, action, demonstration, DEMONSTRATION_FIELDS, facility=facility.pk,
                  experts="、".join(expert.name for expert in pool))
    return demonstration


def record_env_demonstration(facility, actor, *, held_on, organiser, opinion, outcome, expert_names="", experts=(),
                             upload=None):
    """Record the environmental demonstration (环保论证) of a key facility and its experts' opinion.

    ``expert_names`` (free text) and/or ``experts`` (pool experts or their ids) name the experts.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of the environment side.
        ValidationFailed: a field is missing or wrong (date in the future, no experts, bad file).
        ExpertNotIndependent: a pool expert works for the facility's enterprise.
    """
    with transaction.atomic():
        current, _profile = begin_action(facility, actor, EE)
        return _record_demonstration(
            current, actor, DemonstrationKind.ENVIRONMENTAL, LifecycleAction.ENV_DEMONSTRATION, held_on=held_on,
            organiser=organiser, opinion=opinion, outcome=outcome, expert_names=expert_names, experts=experts,
            upload=upload,
        )


def record_safety_demonstration(facility, actor, *, held_on, organiser, opinion, outcome, expert_names="",
                                experts=(), upload=None):
    """Record the safety demonstration (安全论证) the enterprise organised; officers of either side record it.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of either bureau.
        ValidationFailed: as for ``record_env_demonstration``.
        ExpertNotIndependent: a pool expert works for the facility's enterprise.
    """
    with transaction.atomic():
        current, _profile = begin_action(facility, actor)
        return _record_demonstration(
            current, actor, DemonstrationKind.SAFETY, LifecycleAction.SAFETY_DEMONSTRATION, held_on=held_on,
            organiser=organiser, opinion=opinion, outcome=outcome, expert_names=expert_names, experts=experts,
            upload=upload,
        )


def enterprise_contacts(enterprise_id):
    return User.objects.filter(
        pk__in=EnterpriseContact.objects.filter(enterprise_id=enterprise_id).values("user_id"),
        role=Role.ENTERPRISE, is_active=True,
    ).order_by("pk")


def remind_safety_demonstration(facility, actor):
    """Remind the enterprise's contacts to obtain the safety demonstration before building; return how many.

    Records ``safety_reminded_at``/``safety_reminded_by`` on the profile. A second reminder is
    allowed; each one is an audit entry and reaches the contacts again.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of the environment side.
        ValidationFailed: a passing safety demonstration is already on file.
    """
    with transaction.atomic():
        current, profile = begin_action(facility, actor, EE)
        if facts_for(current).safety_demonstration:
            raise ValidationFailed(
                _("A passing safety demonstration is already on file; no reminder is needed."), field="safety_demonstration"
            )
        repeated = profile.safety_reminded_at is not None
        profile.safety_reminded_at = timezone.now()
        profile.safety_reminded_by = actor
        profile.updated_by = actor
        profile.save(update_fields=["safety_reminded_at", "safety_reminded_by", "updated_by", "updated_at"])
        contacts = list(enterprise_contacts(current.enterprise_id))
        notify(
            contacts, kind=kinds.KIND_SAFETY_REMINDER, digest_key=f"{kinds.KIND_SAFETY_REMINDER}:{current.pk}",
            data={"facility": current.name, "enterprise": current.enterprise.name}, link=facility_link(current),
        )
        audit.record(actor, LifecycleAction.SAFETY_REMINDER, current, facility=current.pk, contacts=len(contacts),
                     repeated=repeated)
    return len(contacts)


# --- Design, construction plan, checkpoints, acceptance --------------------------------------


def record_design(facility, actor, *, designer, qualification, certificate_number, designed_on, upload=None):
    """Record the design of a key facility by a qualified designer.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of the environment side.
        ValidationFailed: a field is missing, the date lies in the future, or the file is refused.
    """
    with transaction.atomic():
        current, _profile = begin_action(facility, actor, EE)
        check_not_in_future(designed_on, "designed_on", _("Design completed on"))
        design = new_record(
            FacilityDesign, current, actor=actor, upload=upload, designer=str(designer or "").strip(),
            qualification=str(qualification or "").strip(), certificate_number=str(certificate_number or "").strip(),
            designed_on=designed_on,
        )
        record_action(actor, LifecycleAction.DESIGN, design, DESIGN_FIELDS, facility=current.pk)
        return design


def record_construction_plan(facility, actor, *, prepared_on, safety_measures, contractor="", upload=None):
    """Record the construction plan (施工方案) with its safety measures; either department records it.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of either bureau.
        ValidationFailed: the safety measures are missing, the date lies in the future, or the file is refused.
    """
    with transaction.atomic():
        current, _profile = begin_action(facility, actor)
        check_not_in_future(prepared_on, "prepared_on", _("Prepared on"))
        measures = _require_text(safety_measures, "safety_measures", _("Safety measures"))
        plan = new_record(
            ConstructionPlan, current, actor=actor, upload=upload, prepared_on=prepared_on,
            contractor=str(contractor or "").strip(), safety_measures=measures,
        )
        record_action(actor, LifecycleAction.CONSTRUCTION_PLAN, plan, PLAN_FIELDS, facility=current.pk)
        return plan


def _confirm(facility, actor, checkpoint, *, confirmed_on, note="", upload=None):
    if SimultaneityCheckpoint.objects.filter(facility=facility, checkpoint=checkpoint).exists():
        raise ValidationFailed(
            _("The 三同时 checkpoint \"%(checkpoint)s\" is already confirmed.") % {"checkpoint": Checkpoint(checkpoint).label},
            field="checkpoint",
        )
    record = new_record(
        SimultaneityCheckpoint, facility, actor=actor, upload=upload, checkpoint=checkpoint, confirmed_on=confirmed_on,
        note=str(note or "").strip(),
    )
    record_action(actor, LifecycleAction.CHECKPOINT, record, CHECKPOINT_FIELDS, facility=facility.pk)
    return record


def confirm_checkpoint(facility, actor, checkpoint, *, confirmed_on=None, note="", upload=None):
    """Confirm the 三同时 checkpoint "designed" or "built" of a key facility; either department confirms.

    "Put into use" is confirmed by ``change_status`` when the facility enters operation.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of either bureau.
        ValidationFailed: an unknown checkpoint, one already confirmed, a date in the future, or
            what must come first is missing (``lifecycle.checkpoint_blockers``; all reasons in ``fields["reasons"]``).
    """
    if checkpoint not in (Checkpoint.DESIGNED, Checkpoint.BUILT):
        raise ValidationFailed(_("Checkpoint: choose \"designed\" or \"built\"."), field="checkpoint")
    confirmed_on = confirmed_on or today()
    with transaction.atomic():
        current, _profile = begin_action(facility, actor)
        check_not_in_future(confirmed_on, "confirmed_on", _("Confirmed on"))
        reasons = lifecycle.checkpoint_blockers(facts_for(current), checkpoint)
        if reasons:
            raise ValidationFailed(join_reasons(reasons), field="checkpoint", reasons=reasons)
        return _confirm(current, actor, checkpoint, confirmed_on=confirmed_on, note=note, upload=upload)


def record_acceptance(facility, actor, *, accepted_on, organiser, opinion, outcome, upload=None):
    """Record the completion acceptance (验收) of a key facility.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of the environment side.
        ValidationFailed: a field is missing, the date lies in the future, or the file is refused.
    """
    with transaction.atomic():
        current, _profile = begin_action(facility, actor, EE)
        check_not_in_future(accepted_on, "accepted_on", _("Acceptance date"))
        acceptance = new_record(
            Acceptance, current, actor=actor, upload=upload, accepted_on=accepted_on,
            organiser=str(organiser or "").strip(), opinion=str(opinion or "").strip(), outcome=outcome,
        )
        record_action(actor, LifecycleAction.ACCEPTANCE, acceptance, ACCEPTANCE_FIELDS, facility=current.pk)
        return acceptance


# --- Status ----------------------------------------------------------------------------------


def status_blockers(facility, target):
    """Return every reason the facility may not enter ``target`` now (transition and lifecycle gate), or []."""
    if target not in FacilityStatus.values:
        return [_("Status: choose one of the register's statuses.")]
    if target == facility.status:
        return [_("The facility is already in this status.")]
    if target not in allowed_targets(facility.status):
        return [
            _("A facility that is %(current)s cannot become %(target)s.") % {
                "current": FacilityStatus(facility.status).label, "target": FacilityStatus(target).label,
            }
        ]
    return lifecycle.blockers(facts_for(facility), target)


def change_status(facility, target, actor, *, confirmed_on=None):
    """Move a key facility to register status ``target`` through the register service and its gate.

    Entering "in operation" as a new project also confirms the 三同时 checkpoint "put into use"
    (dated ``confirmed_on``, today by default) in the same transaction, and a facility without
    an "in use since" date takes that date.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of the environment side, which owns the register.
        TransitionNotAllowed: the move makes no sense from the current status (planned → in operation).
        ValidationFailed: the lifecycle gate refuses; the message lists every reason, the missing
            safety demonstration first, and ``fields["reasons"]`` contains them one by one.
    """
    with transaction.atomic():
        current, profile = begin_action(facility, actor, EE)
        reasons = status_blockers(current, target)
        if reasons and (target == current.status or target not in allowed_targets(current.status)):
            raise TransitionNotAllowed(reasons[0], field="status", reasons=reasons)
        if reasons:
            raise ValidationFailed(
                _("%(field)s: %(message)s") % {"field": _("Status"), "message": join_reasons(reasons)},
                field="status", reasons=reasons,
            )
        changes = {"status": target}
        if target == lifecycle.IN_OPERATION and current.commissioned_on is None:
            changes["commissioned_on"] = confirmed_on or today()
        update_record(current, actor=actor, **changes)
        is_new = profile.origin == Origin.NEW_PROJECT
        confirmed = SimultaneityCheckpoint.objects.filter(facility=current, checkpoint=Checkpoint.IN_USE).exists()
        if target == lifecycle.IN_OPERATION and is_new and not confirmed:
            _confirm(current, actor, Checkpoint.IN_USE, confirmed_on=confirmed_on or today())
    logger.info("Key facility %s moved to %s by user %s", current.pk, target, actor.pk)
    return current



# --- Reading for the pages -------------------------------------------------------------------

STEP_LABELS = {
    "registered": gettext_lazy("Registered in the environmental facility register"),
    "env_demonstration": gettext_lazy("Environmental demonstration"),
    "safety_reminder": gettext_lazy("Enterprise reminded of the safety demonstration"),
    "safety_demonstration": gettext_lazy("Safety demonstration"),
    "design": gettext_lazy("Design by a qualified designer"),
    "construction_plan": gettext_lazy("Construction plan and safety measures"),
    "checkpoint_designed": gettext_lazy("三同时: designed together with the main works"),
    "under_construction": gettext_lazy("Construction started"),
    "checkpoint_built": gettext_lazy("三同时: built together with the main works"),
    "acceptance": gettext_lazy("Completion acceptance"),
    "in_operation": gettext_lazy("Put into operation (三同时: put into use together with the main works)"),
}


@dataclass(frozen=True)
class Step:
    """One row of the lifecycle panel: whether the step is done, its date and who recorded it."""

    code: str
    label: str
    done: bool
    on: object = None
    by: str = ""


def _name(user):
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _status_entry(facility, status):
    """Return the newest audit entry that moved the register row into ``status``, or None."""
    for entry in audit.history_for(facility).filter(action__in=[RegisterAction.CREATE, RegisterAction.UPDATE]):
        change = (entry.changes or {}).get("status")
        if isinstance(change, (list, tuple)) and len(change) == 2 and change[1] == status:
            return entry
    return None


def lifecycle_steps(facility):
    """Return the NEW_PROJECT_STEPS of one facility as ``Step`` rows, each with its date and recorder."""
    profile = KeyFacilityProfile.objects.filter(facility_id=facility.pk).select_related("safety_reminded_by").first()
    passed = Demonstration.objects.filter(facility_id=facility.pk, outcome=Outcome.PASSED).select_related("recorded_by")
    env = passed.filter(kind=DemonstrationKind.ENVIRONMENTAL).first()
    safety = passed.filter(kind=DemonstrationKind.SAFETY).first()
    design = FacilityDesign.objects.filter(facility_id=facility.pk).select_related("recorded_by").first()
    plan = ConstructionPlan.objects.filter(facility_id=facility.pk).select_related("recorded_by").first()
    acceptance = (
        Acceptance.objects.filter(facility_id=facility.pk, outcome=Outcome.PASSED).select_related("recorded_by").first()
    )
    checkpoints = {
        record.checkpoint: record
        for record in SimultaneityCheckpoint.objects.filter(facility_id=facility.pk).select_related("recorded_by")
    }
    created = audit.history_for(facility).filter(action=RegisterAction.CREATE).last()
    started = _status_entry(facility, lifecycle.UNDER_CONSTRUCTION)

    def from_record(code, record, date_field):
        if record is None:
            return Step(code, STEP_LABELS[code], False)
        return Step(code, STEP_LABELS[code], True, getattr(record, date_field), _name(record.recorded_by))

    in_use = checkpoints.get(Checkpoint.IN_USE)
    beyond_planned = facility.status != lifecycle.PLANNED
    return [
        Step("registered", STEP_LABELS["registered"], True, created.created_at if created else facility.created_at,
             created.actor_name if created else ""),
        from_record("env_demonstration", env, "held_on"),
        Step("safety_reminder", STEP_LABELS["safety_reminder"], bool(profile and profile.safety_reminded_at),
             profile.safety_reminded_at if profile else None, _name(profile.safety_reminded_by) if profile else ""),
        from_record("safety_demonstration", safety, "held_on"),
        from_record("design", design, "designed_on"),
        from_record("construction_plan", plan, "prepared_on"),
        from_record("checkpoint_designed", checkpoints.get(Checkpoint.DESIGNED), "confirmed_on"),
        Step("under_construction", STEP_LABELS["under_construction"], started is not None or beyond_planned,
             started.created_at if started else None, started.actor_name if started else ""),
        from_record("checkpoint_built", checkpoints.get(Checkpoint.BUILT), "confirmed_on"),
        from_record("acceptance", acceptance, "accepted_on"),
        from_record("in_operation", in_use, "confirmed_on"),
    ]


def actions_for(user, facility, facts=None, profile=None):
    """Return the names of the lifecycle actions the page offers ``user``; the services enforce the same rules."""
    if user.role not in ACTING_ROLES or user.agency_id is None:
        return set()
    facts = facts or facts_for(facility)
    profile = profile or KeyFacilityProfile.objects.filter(facility_id=facility.pk).first()
    is_new = profile is None or profile.origin == Origin.NEW_PROJECT
    actions = set()
    if is_new:
        actions |= {"safety-demonstration", "construction-plan"}
        if not facts.checkpoint_designed:
            actions.add("checkpoint-designed")
        elif not facts.checkpoint_built:
            actions.add("checkpoint-built")
    if user.department != EE:
        return actions
    if allowed_targets(facility.status):
        actions.add("status")
    if not is_new:
        return actions
    actions |= {"env-demonstration", "design", "acceptance"}
    if profile is not None and profile.shared_at is None:
        actions.add("share")
    if not facts.safety_demonstration:
        actions |= {"remind", "finding"}
    return actions


def key_facilities_for(user):
    """Return the key facilities in the user's scope, annotated for the list.

    Annotations of every facility: ``path`` (the profile's origin, or the one the profile would
    get), ``safety_ok`` (a passing safety demonstration is on file), ``finding_count``,
    ``order_in_force``, ``major_hazard_overdue`` (a major hazard past its rectification deadline)
    and ``shared_at``. For the existing-facility path: ``last_assessed_on`` and
    ``last_assessment_outcome`` (the latest safety assessment), ``formally_designed`` and
    ``diagnosis_ok`` (a passing design diagnosis).
    """
    in_use = Q(status__in=[lifecycle.IN_OPERATION, lifecycle.STOPPED], commissioned_on__lt=lifecycle.MECHANISM_START)
    derived = Case(When(in_use, then=Value(Origin.EXISTING)), default=Value(Origin.NEW_PROJECT))
    safety = Demonstration.objects.filter(
        facility_id=OuterRef("pk"), kind=DemonstrationKind.SAFETY, outcome=Outcome.PASSED
    )
    orders = StopUseOrder.objects.filter(facility_id=OuterRef("pk"), status=StopUseOrder.Status.IN_FORCE)
    findings = (
        DemonstrationFinding.objects.filter(facility_id=OuterRef("pk")).order_by().values("facility_id")
        .annotate(count=Count("pk")).values("count")
    )
    own = {"facility_id": OuterRef("pk")}
    latest_assessment = SafetyAssessment.objects.filter(**own).order_by("-assessed_on", "-id")
    return (
        EnvFacility.objects.visible_to(user).filter(is_key=True)
        .select_related("enterprise", "region")
        .annotate(
            path=Coalesce(F("key_profile__origin"), derived, output_field=models.CharField()),
            shared_at=F("key_profile__shared_at"),
            reminded_at=F("key_profile__safety_reminded_at"),
            env_ok=Exists(Demonstration.objects.filter(
                **own, kind=DemonstrationKind.ENVIRONMENTAL, outcome=Outcome.PASSED)),
            safety_ok=Exists(safety),
            design_ok=Exists(FacilityDesign.objects.filter(**own)),
            plan_ok=Exists(ConstructionPlan.objects.filter(**own)),
            designed_ok=Exists(SimultaneityCheckpoint.objects.filter(**own, checkpoint=Checkpoint.DESIGNED)),
            built_ok=Exists(SimultaneityCheckpoint.objects.filter(**own, checkpoint=Checkpoint.BUILT)),
            acceptance_ok=Exists(Acceptance.objects.filter(**own, outcome=Outcome.PASSED)),
            in_use_ok=Exists(SimultaneityCheckpoint.objects.filter(**own, checkpoint=Checkpoint.IN_USE)),
            order_in_force=Exists(orders),
            major_hazard_overdue=Exists(FacilityHazard.objects.filter(
                **own, grade=HazardGrade.MAJOR, rectified_on__isnull=True, deadline__lt=today())),
            finding_count=Coalesce(Subquery(findings, output_field=models.IntegerField()), Value(0)),
            last_assessed_on=Subquery(latest_assessment.values("assessed_on")[:1]),
            last_assessment_outcome=Subquery(latest_assessment.values("outcome")[:1]),
            formally_designed=F("key_profile__formally_designed"),
            diagnosis_ok=Exists(DesignDiagnosis.objects.filter(**own, outcome=Outcome.PASSED)),
        )
    )


def list_stage(facility):
    """Return the stage shown on the list for one annotated facility (see ``key_facilities_for``).

    A new project shows its last step done. An existing facility shows the order in force, the
    latest safety assessment with its date and result (or that none is on file), and a design
    diagnosis still missing.
    """
    if facility.path == Origin.EXISTING:
        return existing_stage(facility)
    done = {
        "registered": True,
        "env_demonstration": facility.env_ok,
        "safety_reminder": facility.reminded_at is not None,
        "safety_demonstration": facility.safety_ok,
        "design": facility.design_ok,
        "construction_plan": facility.plan_ok,
        "checkpoint_designed": facility.designed_ok,
        "under_construction": facility.status != lifecycle.PLANNED,
        "checkpoint_built": facility.built_ok,
        "acceptance": facility.acceptance_ok,
        "in_operation": facility.in_use_ok,
    }
    last = [step for step in lifecycle.NEW_PROJECT_STEPS if done[step]][-1]
    return str(STEP_LABELS[last])


def existing_stage(facility):
    """Return the list's stage of an annotated existing facility, its parts joined by "；"."""
    parts = []
    if facility.order_in_force:
        parts.append(_("Stop-use order in force"))
    if facility.last_assessed_on is None:
        parts.append(_("no safety assessment on file"))
    else:
        parts.append(_("last safety assessment %(date)s: %(outcome)s") % {
            "outcome": Outcome(facility.last_assessment_outcome).label, "date": facility.last_assessed_on.isoformat(),
        })
    if facility.formally_designed is False and not facility.diagnosis_ok:
        parts.append(_("design diagnosis missing"))
    return "；".join(str(part) for part in parts)


def red_flags(facility):
    """Return the list's warnings for one annotated facility (see ``key_facilities_for``).

    The facility page, the list and the enterprise file show the same flags.
    """
    flags = []
    gated = facility.status in lifecycle.GATED_STATUSES
    if facility.path == Origin.NEW_PROJECT and gated and not facility.safety_ok:
        flags.append(_("Building or operating without a safety demonstration"))
    elif facility.finding_count and not facility.safety_ok:
        flags.append(_("Found without a safety demonstration"))
    if facility.order_in_force:
        flags.append(_("Stop-use order in force"))
    if facility.major_hazard_overdue:
        flags.append(_("Major hazard overdue for rectification"))
    return flags
