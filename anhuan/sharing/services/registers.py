"""Actions on the four shared registers: add, change and delete a row.

Each register is owned by one department. Safety facilities belong to emergency management,
environmental facilities to ecology and environment, an approval to the department of its
kind (``APPROVAL_OWNERS``), and an enforcement record to the department of the agency that
inspected. Only officers and leaders of the owning department change a row, and only inside
their regional scope; staff of both departments and experts read every row in scope.

Each action runs in one transaction and records the old and new values in the audit trail.
A deletion also leaves a ``DeletedRecord`` so that other systems syncing through the API
learn about it.
"""

import datetime as dt
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit
from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.timeutil import SHANGHAI
from anhuan.enterprises.models import Enterprise
from anhuan.organizations.models import Agency, Department, Role
from anhuan.organizations.scope import covers_region, region_ids_of
from anhuan.sharing.models import (
    APPROVAL_OWNERS,
    SOFT_MEASURES,
    DeletedRecord,
    EnforcementMeasure,
    EnforcementRecord,
    EnvFacility,
    ProjectApproval,
    SafetyFacility,
    key_facility_types,
)

logger = logging.getLogger(__name__)

REGISTERS = {
    "approvals": ProjectApproval,
    "safety-facilities": SafetyFacility,
    "env-facilities": EnvFacility,
    "enforcement": EnforcementRecord,
}
_NAMES = {model: name for name, model in REGISTERS.items()}


class RegisterAction(models.TextChoices):
    CREATE = "register.create", gettext_lazy("Register record added")
    UPDATE = "register.update", gettext_lazy("Register record changed")
    DELETE = "register.delete", gettext_lazy("Register record deleted")


audit.register_actions(RegisterAction)

# Fields a caller sets through create_record and update_record.
EDITABLE_FIELDS = {
    ProjectApproval: ("enterprise", "project_name", "kind", "approval_number", "approval_date", "authority", "remark"),
    SafetyFacility: ("enterprise", "name", "facility_type", "location", "commissioned_on", "status", "remark"),
    EnvFacility: (
        "enterprise", "name", "facility_type", "capacity", "commissioned_on", "status", "operator_name",
        "upgraded_on", "remark",
    ),
    EnforcementRecord: (
        "enterprise", "inspected_on", "inspectors", "findings", "violation", "measure", "harder_measure_reason",
        "amount", "rectification_deadline", "rectification_result", "rectified_on", "facility", "remark",
    ),
}
# Fields the service derives, recorded in the audit trail alongside the editable ones.
_DERIVED_FIELDS = {EnvFacility: ("is_key",), EnforcementRecord: ("agency", "department")}
# Set by the service, never by full_clean's caller.
_SERVICE_FIELDS = ["enterprise", "region", "updated_by", "agency", "department"]

# Order to rectify, warning (penalty), fine and suspension: everything but the soft measures and "no measure".
HARDER_MEASURES = frozenset(EnforcementMeasure) - SOFT_MEASURES - {EnforcementMeasure.NONE}
# The penalty measures: each one, like any recorded violation, must be followed by a rectification.
MEASURES_WITH_DEADLINE = HARDER_MEASURES
_EDITOR_ROLES = {Role.OFFICER, Role.LEADER}


def register_name(model_or_instance):
    """Return the register's name in REGISTERS ("approvals", "enforcement", …)."""
    model = model_or_instance if isinstance(model_or_instance, type) else type(model_or_instance)
    return _NAMES[model]


def audit_fields(model):
    return [*EDITABLE_FIELDS[model], *_DERIVED_FIELDS.get(model, ())]


# --- Who may do what ----------------------------------------------------------------


def owner_of(record):
    """Return the department that owns one row."""
    if isinstance(record, ProjectApproval):
        return APPROVAL_OWNERS[record.kind]
    if isinstance(record, EnforcementRecord):
        return record.department
    return type(record).owner_department


def can_read(user):
    """True for staff and experts of either department; contacts and administrators read no register."""
    return region_ids_of(user) != set() and user.role != Role.SYSTEM


def _is_editor(user):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.SYSTEM:
        return True
    return user.role in _EDITOR_ROLES and user.agency_id is not None


def editable_approval_kinds(user):
    """Return the approval kinds whose records the user's department keeps."""
    if user.role == Role.SYSTEM:
        return list(APPROVAL_OWNERS)
    return [kind for kind, owner in APPROVAL_OWNERS.items() if owner == user.department]


def can_edit(user, model_or_instance):
    """True if ``user`` may change the given row, or add rows to the given register.

    For a model class the result concerns adding rows: any officer or leader adds approvals of
    their department's kinds and enforcement records of their own agency.
    """
    if not _is_editor(user):
        return False
    if user.role == Role.SYSTEM:
        return True
    if isinstance(model_or_instance, type):
        if model_or_instance is ProjectApproval:
            return bool(editable_approval_kinds(user))
        if model_or_instance is EnforcementRecord:
            return True
        return model_or_instance.owner_department == user.department
    return owner_of(model_or_instance) == user.department and covers_region(user, model_or_instance.region_id)


def _require_editor(user, model):
    if not can_edit(user, model):
        raise NotPermitted(owner_message(model))


def owner_message(model):
    if model is ProjectApproval:
        return _("EIA approvals are kept by the ecology and environment department; safety approvals by the emergency management department.")
    if model is EnforcementRecord:
        return _("Only officers and leaders of the inspecting agency's department may change an enforcement record.")
    return _("Only officers and leaders of the %(department)s department may change this register.") % {
        "department": Department(model.owner_department).label
    }


def _require_owner(actor, record):
    if actor.role == Role.SYSTEM:
        return
    if owner_of(record) != actor.department:
        if isinstance(record, ProjectApproval):
            raise NotPermitted(
                _("Approval: %(kind)s records are kept by the %(department)s department.") % {
                    "kind": record.get_kind_display(), "department": Department(owner_of(record)).label,
                },
                field="kind",
            )
        raise NotPermitted(owner_message(type(record)))


# --- Validation ----------------------------------------------------------------------------


def _label(model, name):
    return capfirst(str(model._meta.get_field(name).verbose_name))


def needs_rectification(violation, measure):
    """True if an enforcement record must carry a rectification deadline and be followed until rectified.

    A recorded violation or a penalty measure (order to rectify, warning, fine, suspension)
    is never the end of the matter: the enterprise rectifies, and someone checks it did.
    """
    return bool((violation or "").strip()) or measure in MEASURES_WITH_DEADLINE


def enforcement_rule_errors(values, today=None):
    """Return (field, message) pairs for the rules of an enforcement record.

    Soft measures come first: a harder measure (order to rectify, warning, fine, suspension)
    needs a stated reason. A fine needs its amount. A record with a violation or a penalty
    measure needs a rectification deadline on or after the inspection date, so no penalty goes
    without follow-up. The facility concerned, if any, must belong to the record's enterprise.
    """
    errors = []
    measure = values.get("measure")
    inspected_on = values.get("inspected_on")
    amount = values.get("amount")
    deadline = values.get("rectification_deadline")
    rectified_on = values.get("rectified_on")
    facility = values.get("facility")
    enterprise = values.get("enterprise")
    today = today or dt.datetime.now(tz=SHANGHAI).date()

    if measure in HARDER_MEASURES and not (values.get("harder_measure_reason") or "").strip():
        errors.append(("harder_measure_reason", _(
            'The measure "%(measure)s" goes beyond the soft measures; state why education, persuasion, admonition, '
            "an administrative notice, guidance or an interview would not do."
        ) % {"measure": EnforcementMeasure(measure).label}))
    if measure == EnforcementMeasure.FINE and amount is None:
        errors.append(("amount", _("A fine needs its amount in yuan.")))
    if amount is not None and amount <= Decimal(0):
        errors.append(("amount", _("Enter an amount greater than 0.")))
    if deadline is None and measure in MEASURES_WITH_DEADLINE:
        errors.append(("rectification_deadline", _('The measure "%(measure)s" needs a rectification deadline.') % {
            "measure": EnforcementMeasure(measure).label
        }))
    elif deadline is None and (values.get("violation") or "").strip():
        errors.append(("rectification_deadline", _(
            "A record with a violation needs a rectification deadline, so that the rectification can be followed up."
        )))
    if facility is not None and enterprise is not None and facility.enterprise_id != enterprise.pk:
        errors.append(("facility", _("%(facility)s is a facility of another enterprise, not of %(enterprise)s.") % {
            "facility": facility.name, "enterprise": enterprise.name,
        }))
    if inspected_on is not None:
        if inspected_on > today:
            errors.append(("inspected_on", _("The inspection date cannot be in the future.")))
        if deadline is not None and deadline < inspected_on:
            errors.append(("rectification_deadline", _("The deadline cannot be before the inspection date.")))
        if rectified_on is not None and rectified_on < inspected_on:
            errors.append(("rectified_on", _("The rectification date cannot be before the inspection date.")))
    return errors


# Checks other apps add to every row of a register before it is saved, as (model, check) pairs;
# ``check(record)`` returns (field, message) pairs. The facility lifecycle adds its gates here,
# so forms, imports, the API and commands all refuse the same rows.
_RECORD_CHECKS = []


def add_record_check(model, check):
    """Run ``check(record)`` on every unsaved row of ``model`` (see ``record_errors``)."""
    if (model, check) not in _RECORD_CHECKS:
        _RECORD_CHECKS.append((model, check))


def record_errors(record):
    """Return every (field, message) pair wrong with an unsaved row: model checks, register rules, added checks."""
    errors = []
    try:
        record.full_clean(exclude=_SERVICE_FIELDS, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.extend((name, message) for message in messages)
    if isinstance(record, EnforcementRecord):
        taken = {name for name, _message in errors}
        values = {name: getattr(record, name) for name in EDITABLE_FIELDS[EnforcementRecord] if name not in taken}
        errors.extend(enforcement_rule_errors(values))
    if isinstance(record, ProjectApproval) and isinstance(record.approval_date, dt.date):
        if record.approval_date > dt.datetime.now(tz=SHANGHAI).date():
            errors.append(("approval_date", _("The approval date cannot be in the future.")))
    if not errors:
        for model, check in _RECORD_CHECKS:
            if isinstance(record, model):
                errors.extend(check(record))
    return errors


def _validate(record):
    errors = record_errors(record)
    if errors:
        name, message = errors[0]
        raise ValidationFailed(
            _("%(field)s: %(message)s") % {"field": _label(type(record), name), "message": message},
            field=name,
            errors={field: message for field, message in reversed(errors)},
        )


def _normalise(model, fields, *, allow_agency):
    unknown = set(fields) - set(EDITABLE_FIELDS[model]) - ({"agency"} if allow_agency else set())
    if unknown:
        raise TypeError(f"Not an editable field of {model.__name__}: {', '.join(sorted(unknown))}")
    cleaned = {}
    for name, value in fields.items():
        if isinstance(value, str):
            field = model._meta.get_field(name)
            # Free text keeps its line breaks; one-line fields lose stray white space.
            value = value.strip() if isinstance(field, models.TextField) else " ".join(value.split())
        cleaned[name] = value
    return cleaned


def _visible_enterprise(actor, enterprise):
    if not isinstance(enterprise, Enterprise):
        raise ValidationFailed(_("Enterprise: choose a registered enterprise."), field="enterprise")
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise ValidationFailed(
            _("Enterprise: %(name)s is outside your region.") % {"name": enterprise.name}, field="enterprise"
        )
    return enterprise


def _derive(record):
    record.region_id = record.enterprise.region_id
    if isinstance(record, EnvFacility):
        record.is_key = record.facility_type in key_facility_types()


# --- Actions --------------------------------------------------------------------------------


def create_record(model, *, actor, **fields):
    """Add a row to a register and record ``register.create`` with every value set.

    Args:
        model: one of the REGISTERS models.
        actor: an officer or leader of the owning department, or the system account.
        **fields: EDITABLE_FIELDS of the model; ``enterprise`` is an Enterprise. An enforcement
            record takes the actor's agency; only the system account passes ``agency``.

    Raises:
        NotPermitted: the actor's department does not own such rows.
        ValidationFailed: a field is invalid or the enterprise lies outside the actor's scope;
            ``fields["field"]`` names the first wrong field, ``fields["errors"]`` all of them.
    """
    _require_editor(actor, model)
    allow_agency = model is EnforcementRecord and actor.role == Role.SYSTEM
    cleaned = _normalise(model, fields, allow_agency=allow_agency)

    with transaction.atomic():
        enterprise = _visible_enterprise(actor, cleaned.pop("enterprise", None))
        record = model(enterprise=enterprise, updated_by=actor, **cleaned)
        if model is EnforcementRecord:
            agency = cleaned.get("agency") if allow_agency else actor.agency
            if not isinstance(agency, Agency):
                raise ValidationFailed(_("Agency: choose the agency that inspected."), field="agency")
            record.agency = agency
            record.department = agency.department
        _derive(record)
        _require_owner(actor, record)
        _validate(record)
        record.save()
        after = audit.snapshot(record, audit_fields(model))
        changes = audit.diff({}, {name: value for name, value in after.items() if value not in (None, "")})
        audit.record(actor, RegisterAction.CREATE, record, changes=changes, register=register_name(model))

    logger.info("Register %s row %s added by user %s", register_name(model), record.pk, actor.pk)
    return record


def _locked_current(instance, actor):
    model = type(instance)
    current = (
        model.objects.visible_to(actor).select_for_update().select_related("enterprise").filter(pk=instance.pk).first()
    )
    if current is None:
        raise OutOfScope()
    if not can_edit(actor, current):
        raise NotPermitted(owner_message(model) if owner_of(current) != actor.department else
                           _("This record lies outside your region."))
    return current


def update_record(instance, *, actor, **fields):
    """Change a register row and record ``register.update`` with the old and new values.

    A call that changes nothing writes nothing and records nothing. ``instance`` is
    refreshed from the database and returned.

    Raises:
        OutOfScope: the row lies outside the actor's scope (or no longer exists).
        NotPermitted: the actor's department does not own the row, before or after the change.
        ValidationFailed: as for create_record.
    """
    model = type(instance)
    _require_editor(actor, model)
    cleaned = _normalise(model, fields, allow_agency=False)

    with transaction.atomic():
        current = _locked_current(instance, actor)
        before = audit.snapshot(current, audit_fields(model))
        if "enterprise" in cleaned:
            current.enterprise = _visible_enterprise(actor, cleaned.pop("enterprise"))
        for name, value in cleaned.items():
            setattr(current, name, value)
        _derive(current)
        # An approval's new kind must belong to the actor's department too.
        _require_owner(actor, current)
        _validate(current)
        changes = audit.diff(before, audit.snapshot(current, audit_fields(model)))
        if changes:
            current.updated_by = actor
            current.save()
            audit.record(actor, RegisterAction.UPDATE, current, changes=changes, register=register_name(model))
            logger.info("Register %s row %s changed by user %s", register_name(model), current.pk, actor.pk)

    instance.refresh_from_db()
    return instance


def delete_record(instance, *, actor):
    """Delete a register row, record ``register.delete`` with its last values, and add a DeletedRecord.

    Raises:
        OutOfScope: the row lies outside the actor's scope (or no longer exists).
        NotPermitted: the actor's department does not own the row.
    """
    model = type(instance)
    _require_editor(actor, model)

    with transaction.atomic():
        current = _locked_current(instance, actor)
        before = audit.snapshot(current, audit_fields(model))
        changes = {name: [value, None] for name, value in before.items() if value not in (None, "")}
        audit.record(actor, RegisterAction.DELETE, current, changes=changes, register=register_name(model))
        DeletedRecord.objects.create(
            register=register_name(model), object_id=current.pk, region_id=current.region_id, deleted_by=actor
        )
        pk = current.pk
        current.delete()

    logger.info("Register %s row %s deleted by user %s", register_name(model), pk, actor.pk)
