"""Actions of the existing-facility path: safety assessments, design diagnoses and stop-use orders.

* Officers and leaders of either department record a safety assessment (安全评估) of a key
  facility, and a design diagnosis (设计诊断) of a key facility whose profile records that it was
  never formally designed. A diagnosis names the qualified design institute: its qualification and
  certificate number are required.
* A failed assessment or diagnosis notifies the emergency agency of the facility's region and
  puts "issue a stop-use order" on its to-do list (``anhuan.facilities.todo_existing``).
* Only emergency officers and leaders issue and lift a stop-use order (责令停止使用). Issuing
  sets the register row to stopped. Lifting needs a passing assessment dated on or after the
  day the order was issued. The environment side, which keeps the register, then records the
  return to use, and the register gate refuses "in operation" while an order is in force.

Every action runs in one transaction and writes an audit entry with the actor.
"""

import datetime as dt
import logging

from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit
from anhuan.core.context_processors import url_or_none
from anhuan.core.errors import OutOfScope, ValidationFailed
from anhuan.core.history import register_detail_labels
from anhuan.core.notifications import notify
from anhuan.core.officialdoc import validate_document_number
from anhuan.core.timeutil import SHANGHAI
from anhuan.facilities import todo_existing
from anhuan.facilities.domain import lifecycle
from anhuan.facilities.models import DesignDiagnosis, Outcome, SafetyAssessment, StopUseOrder
from anhuan.facilities.services.common import (
    attach_file,
    key_facility_for,
    new_record,
    profile_for,
    record_action,
    require_staff_actor,
)
from anhuan.organizations.models import Agency, Department, Role, User

logger = logging.getLogger(__name__)


@audit.register_actions
class ExistingAction(models.TextChoices):
    ASSESSMENT = "facility.assessment", gettext_lazy("Safety assessment recorded")
    DIAGNOSIS = "facility.diagnosis", gettext_lazy("Design diagnosis recorded")
    ORDER_ISSUE = "facility.stop_order_issue", gettext_lazy("Stop-use order issued")
    ORDER_LIFT = "facility.stop_order_lift", gettext_lazy("Stop-use order lifted")
    STATUS_STOPPED = "facility.stopped_by_order", gettext_lazy("Facility recorded as stopped by a stop-use order")
    REPORT = "facility.report_attach", gettext_lazy("Report attached")


register_detail_labels({
    "failed_record": gettext_lazy("failed record"),
    "document_number": gettext_lazy("document number"),
    "order": gettext_lazy("stop-use order"),
})

ASSESSMENT_FIELDS = ["assessed_on", "assessor", "risks", "controls", "hazards_found", "outcome", "next_due_on", "file_name"]
DIAGNOSIS_FIELDS = [
    "diagnosed_on", "institute", "qualification", "certificate_number", "conclusion", "outcome", "file_name",
]
ORDER_FIELDS = ["agency", "document_number", "issued_on", "reason", "status"]
ACTING_ROLES = (Role.OFFICER, Role.LEADER)


# --- Shared helpers ----------------------------------------------------------------------------


def today():
    """Return today's date in Beijing time, the calendar every date on file uses."""
    return dt.datetime.now(tz=SHANGHAI).date()


def facility_in_scope(actor, facility, *, lock=False):
    """Return the key facility (an EnvFacility or its pk) inside the actor's scope; raise OutOfScope otherwise."""
    return key_facility_for(actor, getattr(facility, "pk", facility), lock=lock)


def clean_text(fields):
    """Return ``fields`` with surrounding white space removed from every string value."""
    return {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}


def agency_staff(department, region_id, roles=ACTING_ROLES):
    """Return the active users with ``roles`` in the agency of ``department`` in one region."""
    return User.objects.filter(
        agency__department=department, agency__region_id=region_id, role__in=roles, is_active=True,
    ).order_by("pk")


def enterprise_contacts(enterprise_id):
    """Return the active contacts of one enterprise."""
    return User.objects.filter(
        role=Role.ENTERPRISE, enterprise_contact__enterprise_id=enterprise_id, is_active=True,
    ).order_by("pk")


def facility_link(facility_id):
    """Return the facility page's URL for a notification, or "" while that page is not configured."""
    return url_or_none("facilities:detail", facility_id) or ""


def facility_data(facility):
    """Return the names a notification about ``facility`` shows."""
    return {"facility": facility.name, "enterprise": facility.enterprise.name, "facility_id": facility.pk}


def _require_not_future(value, field, label):
    if value is not None and value > today():
        raise ValidationFailed(_("%(field)s: the date cannot be in the future.") % {"field": label}, field=field)


def describe_check(record):
    """Return "<kind> <date> <assessor or institute> <outcome>" for an assessment or diagnosis, for audit entries."""
    if isinstance(record, SafetyAssessment):
        day, by = record.assessed_on, record.assessor
    else:
        day, by = record.diagnosed_on, record.institute
    return f"{record._meta.verbose_name} {day.isoformat()} {by} {record.get_outcome_display()}"


def _notify_failure(facility, record, check_label):
    """Tell the emergency agency of the facility's region that a check failed and an order is due.

    Nothing is sent while a stop-use order is in force for the facility: it is already stopped.
    """
    if StopUseOrder.objects.filter(facility_id=facility.pk, status=StopUseOrder.Status.IN_FORCE).exists():
        return
    kind = todo_existing.KIND_CHECK_FAILED
    data = {**facility_data(facility), "check_label": str(check_label)}
    notify(
        agency_staff(Department.EMERGENCY, facility.region_id),
        kind=kind,
        digest_key=f"{kind}:{type(record).__name__}:{record.pk}",
        data=data,
        link=facility_link(facility.pk),
    )


# --- Safety assessments and design diagnoses --------------------------------------------------


def record_assessment(facility, actor, *, assessed_on, assessor, risks, controls, outcome, hazards_found="",
                      next_due_on=None, upload=None):
    """Record a safety assessment of a key facility; a failed one notifies the emergency agency.

    Args:
        facility: the EnvFacility (or its pk).
        actor: an officer or leader of either department.
        assessed_on: the assessment date, not in the future.
        next_due_on: when the next assessment is due; after ``assessed_on`` when given.
        upload: the assessment report, optional.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of a bureau.
        ValidationFailed: a field is missing or wrong; ``field`` names it.
    """
    require_staff_actor(actor)
    fields = clean_text({
        "assessed_on": assessed_on, "assessor": assessor, "risks": risks, "controls": controls,
        "hazards_found": hazards_found or "", "outcome": outcome, "next_due_on": next_due_on,
    })
    with transaction.atomic():
        facility = facility_in_scope(actor, facility, lock=True)
        _require_not_future(fields["assessed_on"], "assessed_on", _("Assessment date"))
        if fields["next_due_on"] is not None and fields["assessed_on"] is not None:
            if fields["next_due_on"] <= fields["assessed_on"]:
                raise ValidationFailed(
                    _("Next assessment due: the date must be after the assessment date %(date)s.")
                    % {"date": fields["assessed_on"].isoformat()},
                    field="next_due_on",
                )
        profile_for(facility, actor=actor)
        assessment = new_record(SafetyAssessment, facility, actor=actor, upload=upload, **fields)
        record_action(actor, ExistingAction.ASSESSMENT, assessment, ASSESSMENT_FIELDS, facility=facility.pk)
        if assessment.outcome == Outcome.FAILED:
            _notify_failure(facility, assessment, SafetyAssessment._meta.verbose_name)
    logger.info("Safety assessment %s of facility %s recorded by user %s", assessment.pk, facility.pk, actor.pk)
    return assessment


def record_diagnosis(facility, actor, *, diagnosed_on, institute, qualification, certificate_number, conclusion,
                     outcome, upload=None):
    """Record a design diagnosis by a qualified design institute; a failed one notifies the emergency agency.

    Only a facility whose profile records that it was never formally designed takes a diagnosis.
    While that is not yet recorded, the refusal requests it first.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of a bureau.
        ValidationFailed: the facility was formally designed or that is not yet known, or a field
            (institute, qualification, certificate number, conclusion, outcome, date) is missing or wrong.
    """
    require_staff_actor(actor)
    fields = clean_text({
        "diagnosed_on": diagnosed_on, "institute": institute, "qualification": qualification,
        "certificate_number": certificate_number, "conclusion": conclusion, "outcome": outcome,
    })
    with transaction.atomic():
        facility = facility_in_scope(actor, facility, lock=True)
        profile = profile_for(facility, actor=actor)
        if profile.formally_designed is None:
            raise ValidationFailed(_(
                "Formally designed: record first whether this facility was formally designed; only a facility that "
                "was not needs a design diagnosis."
            ), field="formally_designed")
        if profile.formally_designed:
            raise ValidationFailed(_(
                "Formally designed: this facility is recorded as formally designed, so it takes no design diagnosis."
            ), field="formally_designed")
        _require_not_future(fields["diagnosed_on"], "diagnosed_on", _("Report date"))
        diagnosis = new_record(DesignDiagnosis, facility, actor=actor, upload=upload, **fields)
        record_action(actor, ExistingAction.DIAGNOSIS, diagnosis, DIAGNOSIS_FIELDS, facility=facility.pk)
        if diagnosis.outcome == Outcome.FAILED:
            _notify_failure(facility, diagnosis, DesignDiagnosis._meta.verbose_name)
    logger.info("Design diagnosis %s of facility %s recorded by user %s", diagnosis.pk, facility.pk, actor.pk)
    return diagnosis


def attach_report(model, pk, actor, upload):
    """Attach the report to an assessment or diagnosis recorded without one, for example from an Excel import.

    Args:
        model: SafetyAssessment or DesignDiagnosis.
        pk: the record's primary key.
        actor: an officer or leader of either department.
        upload: the report file.

    Raises:
        OutOfScope: the record lies outside the actor's scope.
        NotPermitted: the actor is not an officer or leader of a bureau.
        ValidationFailed: no file was given, a report is already on file, or the file is refused.
    """
    require_staff_actor(actor)
    with transaction.atomic():
        record = model.objects.visible_to(actor).select_for_update().filter(pk=pk).first()
        if record is None:
            raise OutOfScope()
        facility_in_scope(actor, record.facility_id)
        if record.file:
            raise ValidationFailed(
                _("Report: %(name)s is already on file for this record; a report on file is not replaced.")
                % {"name": record.file_name},
                field="upload",
            )
        if upload is None:
            raise ValidationFailed(_("Report: choose the report file."), field="upload")
        attach_file(record, upload, field="upload")
        record.save(update_fields=["file", "file_name", "sha256"])
        audit.record(actor, ExistingAction.REPORT, record, changes={"file_name": ["", record.file_name]},
                     facility=record.facility_id)
    return record


# --- Stop-use orders -----------------------------------------------------------------------------


def can_order(user):
    """True for the users who issue and lift stop-use orders: emergency officers and leaders, and the system account."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.SYSTEM:
        return True
    return user.role in ACTING_ROLES and user.agency_id is not None and user.department == Department.EMERGENCY


def _require_emergency(actor):
    require_staff_actor(actor, Department.EMERGENCY)


def order_grounds(facility):
    """Return the failed assessments and diagnoses an order of ``facility`` may follow.

    A failed record counts while it is the latest of its kind (a later assessment or diagnosis
    supersedes it) and no order has cited it yet.
    """
    grounds = []
    for model, date_field, link in ((SafetyAssessment, "assessed_on", "assessment"), (DesignDiagnosis, "diagnosed_on", "diagnosis")):
        latest = model.objects.filter(facility_id=getattr(facility, "pk", facility)).order_by(f"-{date_field}", "-id").first()
        if latest is None or latest.outcome != Outcome.FAILED:
            continue
        if StopUseOrder.objects.filter(**{link: latest}).exists():
            continue
        grounds.append(latest)
    return grounds


def _failed_record(model, record, facility, field):
    """Return the failed ``model`` row ``record`` (an instance or pk) of ``facility``, or raise ValidationFailed."""
    pk = getattr(record, "pk", record)
    found = model.objects.filter(pk=pk, facility_id=facility.pk).first()
    if found is None:
        raise ValidationFailed(
            _("%(field)s: choose a record of this facility.") % {"field": model._meta.verbose_name}, field=field
        )
    if found.outcome != Outcome.FAILED:
        raise ValidationFailed(
            _("%(field)s: the chosen record passed; an order follows only a failed assessment or diagnosis.")
            % {"field": model._meta.verbose_name},
            field=field,
        )
    if found not in order_grounds(facility):
        raise ValidationFailed(
            _("%(field)s: a later record supersedes the chosen one, or an order already followed it.")
            % {"field": model._meta.verbose_name},
            field=field,
        )
    return found


def _issuing_agency(actor, facility):
    if actor.role == Role.SYSTEM:
        return Agency.objects.get(department=Department.EMERGENCY, region_id=facility.region_id)
    return actor.agency


def _set_stopped(facility, actor, order):
    """Record the register row as stopped, with who and when, since the emergency side does not own the register."""
    old_status = facility.status
    if old_status == lifecycle.STOPPED:
        return
    facility.status = lifecycle.STOPPED
    facility.updated_by = actor
    # updated_at (auto_now) moves too, so systems syncing the register through the API see the change.
    facility.save(update_fields=["status", "updated_by", "updated_at"])
    audit.record(
        actor, ExistingAction.STATUS_STOPPED, facility, changes={"status": [old_status, lifecycle.STOPPED]},
        register="env-facilities", order=order.pk, document_number=order.document_number,
    )


def issue_stop_use_order(facility, actor, *, document_number, issued_on, reason, assessment=None, diagnosis=None):
    """Order the enterprise to stop using a facility that failed its assessment or diagnosis.

    The order links exactly one failed record of the facility. The register row becomes
    stopped, and the environment agency of the region and the enterprise's contacts are notified.

    Args:
        facility: the EnvFacility (or its pk).
        actor: an emergency officer or leader whose scope covers the facility.
        document_number: the order's document number, e.g. 信都应急〔2025〕12号.
        issued_on: the date of the order, not in the future and not before the failed record.
        assessment, diagnosis: the failed record the order follows (one of them).

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an emergency officer or leader.
        ValidationFailed: an order is already in force, the facility is planned or decommissioned,
            no failed record is named, or a field is missing or wrong.
    """
    _require_emergency(actor)
    reason = str(reason or "").strip()
    with transaction.atomic():
        facility = facility_in_scope(actor, facility, lock=True)
        if StopUseOrder.objects.filter(facility_id=facility.pk, status=StopUseOrder.Status.IN_FORCE).exists():
            raise ValidationFailed(
                _("A stop-use order is already in force for this facility; lift it before issuing another."),
                field="document_number",
            )
        if facility.status in (lifecycle.PLANNED, lifecycle.DECOMMISSIONED):
            raise ValidationFailed(_("Status: the facility is %(status)s, so it is not in use and takes no stop-use order.")
                                   % {"status": facility.get_status_display()}, field="status")
        if (assessment is None) == (diagnosis is None):
            raise ValidationFailed(
                _("Failed record: choose the one failed safety assessment or design diagnosis the order follows."),
                field="record",
            )
        if assessment is not None:
            assessment = _failed_record(SafetyAssessment, assessment, facility, "assessment")
            failed_on = assessment.assessed_on
        else:
            diagnosis = _failed_record(DesignDiagnosis, diagnosis, facility, "diagnosis")
            failed_on = diagnosis.diagnosed_on
        try:
            document_number = validate_document_number(document_number)
        except ValidationFailed as error:
            raise ValidationFailed(error.message, field="document_number") from None
        if StopUseOrder.objects.filter(document_number=document_number).exists():
            raise ValidationFailed(
                _("Document number: %(number)s is already the number of another stop-use order.")
                % {"number": document_number},
                field="document_number",
            )
        _require_not_future(issued_on, "issued_on", _("Issued on"))
        if issued_on is not None and issued_on < failed_on:
            raise ValidationFailed(
                _("Issued on: the order cannot be dated before the failed record of %(date)s.")
                % {"date": failed_on.isoformat()},
                field="issued_on",
            )
        order = new_record(
            StopUseOrder, facility, actor=actor, agency=_issuing_agency(actor, facility),
            document_number=document_number, issued_on=issued_on, reason=reason,
            assessment=assessment, diagnosis=diagnosis,
        )
        record_action(
            actor, ExistingAction.ORDER_ISSUE, order, ORDER_FIELDS, facility=facility.pk,
            failed_record=describe_check(assessment or diagnosis),
        )
        _set_stopped(facility, actor, order)
        _notify_order(order, facility, todo_existing.KIND_ORDER_ISSUED)
    logger.info("Stop-use order %s for facility %s issued by user %s", order.pk, facility.pk, actor.pk)
    return order


def _notify_order(order, facility, kind):
    data = {**facility_data(facility), "agency": order.agency.name, "number": order.document_number, "order": order.pk}
    recipients = [*agency_staff(Department.ENVIRONMENT, facility.region_id), *enterprise_contacts(facility.enterprise_id)]
    notify(
        recipients, kind=kind, digest_key=f"{kind}:{order.pk}", data=data,
        link=reverse("facilities:order-detail", args=[order.pk]),
    )


def order_in_scope(actor, order, *, lock=False):
    """Return the StopUseOrder (an instance or pk) inside the actor's scope, or raise OutOfScope."""
    queryset = StopUseOrder.objects.visible_to(actor).filter(pk=getattr(order, "pk", order))
    if lock:
        queryset = queryset.select_for_update()
    found = queryset.select_related("facility", "enterprise", "agency").first()
    if found is None:
        raise OutOfScope()
    return found


def lifting_candidates(order):
    """Return the passing assessments of the order's facility dated on or after the order, newest first."""
    return SafetyAssessment.objects.filter(
        facility_id=order.facility_id, outcome=Outcome.PASSED, assessed_on__gte=order.issued_on,
    ).order_by("-assessed_on", "-id")


def lift_stop_use_order(order, actor, *, lifted_on, assessment=None):
    """Lift a stop-use order after a new safety assessment passed.

    The facility stays stopped in the register; the environment side records its return to use,
    which the gate now allows. The environment agency and the enterprise's contacts are notified.

    Args:
        order: the StopUseOrder (or its pk).
        actor: an emergency officer or leader whose scope covers the facility.
        lifted_on: the date of lifting, not in the future and not before the passing assessment.
        assessment: the passing assessment; by default the newest one on or after the order's date.

    Raises:
        OutOfScope: the order lies outside the actor's scope.
        NotPermitted: the actor is not an emergency officer or leader.
        ValidationFailed: the order was already lifted, no passing assessment dated on or after
            the order is on file, or the date is wrong.
    """
    _require_emergency(actor)
    with transaction.atomic():
        order = order_in_scope(actor, order, lock=True)
        facility_in_scope(actor, order.facility_id, lock=True)
        if order.status != StopUseOrder.Status.IN_FORCE:
            raise ValidationFailed(_("This stop-use order was already lifted."), field="status")
        candidates = lifting_candidates(order)
        if assessment is None:
            chosen = candidates.first()
        else:
            chosen = candidates.filter(pk=getattr(assessment, "pk", assessment)).first()
        if chosen is None:
            raise ValidationFailed(_(
                "Passing assessment: no passing safety assessment of this facility dated on or after the order's "
                "date %(date)s is on file; record the new assessment first."
            ) % {"date": order.issued_on.isoformat()}, field="assessment")
        _require_not_future(lifted_on, "lifted_on", _("Lifted on"))
        if lifted_on is None:
            raise ValidationFailed(_("Lifted on: enter the date of lifting."), field="lifted_on")
        if lifted_on < chosen.assessed_on:
            raise ValidationFailed(
                _("Lifted on: the date cannot be before the passing assessment of %(date)s.")
                % {"date": chosen.assessed_on.isoformat()},
                field="lifted_on",
            )
        order.status = StopUseOrder.Status.LIFTED
        order.lifted_on = lifted_on
        order.lifted_by = actor
        order.lifting_assessment = chosen
        order.save(update_fields=["status", "lifted_on", "lifted_by", "lifting_assessment"])
        audit.record(actor, ExistingAction.ORDER_LIFT, order, changes={
            "status": [StopUseOrder.Status.IN_FORCE.value, StopUseOrder.Status.LIFTED.value],
            "lifted_on": [None, lifted_on.isoformat()],
            "lifting_assessment": [None, describe_check(chosen)],
        }, facility=order.facility_id)
        _notify_order(order, order.facility, todo_existing.KIND_ORDER_LIFTED)
    logger.info("Stop-use order %s lifted by user %s", order.pk, actor.pk)
    return order

