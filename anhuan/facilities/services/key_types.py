"""Key facility types: the five types the mechanism names, and the types system administrators add.

A register row of the environmental facility register is a key facility (``EnvFacility.is_key``)
when its type is a key type. Adding or removing a type recomputes ``is_key`` of every row of
that type in the same transaction, with one bulk update that also moves ``updated_at`` forward,
so systems syncing through the API pick the rows up. One audit entry records the change and the
number of rows it touched.

A type may be removed only while none of its key facilities has lifecycle records on file, because
those records would otherwise hang on an ordinary facility. Lifecycle records are demonstrations,
design, checkpoints, assessments, orders, risks, hazards, findings, provider evaluations, and a
profile that was shared, reminded, contracted out or given a responsible person.
"""

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit
from anhuan.core.errors import NotPermitted, ValidationFailed
from anhuan.core.history import register_detail_labels
from anhuan.facilities import models as facility_models
from anhuan.organizations.models import Role
from anhuan.sharing.models import KEY_FACILITY_TYPES, EnvFacility, EnvFacilityType, KeyTypeDesignation


@audit.register_actions
class KeyTypeAction(models.TextChoices):
    ADD = "facilities.key_type_add", gettext_lazy("Key facility type added")
    REMOVE = "facilities.key_type_remove", gettext_lazy("Key facility type removed")


register_detail_labels({"facilities_changed": gettext_lazy("register rows changed")})

# Lifecycle records that tie a register row to the key-facility work.
_RECORD_MODELS = (
    facility_models.Demonstration,
    facility_models.FacilityDesign,
    facility_models.ConstructionPlan,
    facility_models.SimultaneityCheckpoint,
    facility_models.Acceptance,
    facility_models.SafetyAssessment,
    facility_models.DesignDiagnosis,
    facility_models.StopUseOrder,
    facility_models.SafetyRisk,
    facility_models.FacilityHazard,
    facility_models.DemonstrationFinding,
)
# "Other" is the catch-all of the register, not a kind of facility one can designate.
_NOT_DESIGNABLE = frozenset({EnvFacilityType.OTHER})


def can_manage(user):
    """True for the system administrator, who alone designates key facility types on the page."""
    return user.is_authenticated and user.is_active and user.role == Role.SYSTEM_ADMIN


def _require_manager(actor):
    # The system account may act for commands and jobs.
    if actor.is_authenticated and actor.is_active and actor.role == Role.SYSTEM:
        return
    if not can_manage(actor):
        raise NotPermitted(_("Only the system administrator may change the key facility types."))


def _label(facility_type):
    return str(EnvFacilityType(facility_type).label)


def _check_type(facility_type):
    if facility_type not in EnvFacilityType.values:
        raise ValidationFailed(
            _("Facility type: “%(value)s” is not a type of the environmental facility register.") % {"value": facility_type},
            field="facility_type",
        )
    if facility_type in KEY_FACILITY_TYPES:
        raise ValidationFailed(
            _("Facility type: %(type)s is one of the five key types the mechanism names, so it cannot be added or removed.")
            % {"type": _label(facility_type)},
            field="facility_type",
        )
    if facility_type in _NOT_DESIGNABLE:
        raise ValidationFailed(
            _("Facility type: “other” collects unclassified facilities and cannot be a key type. "
              "Register the facility under its own type first."),
            field="facility_type",
        )


def type_rows():
    """Return every register type as a dict: value, label, fixed (named by the mechanism), designation or None.

    The designation carries who added the type and when. Two queries whatever the number of types.
    """
    designations = {row.facility_type: row for row in KeyTypeDesignation.objects.select_related("added_by")}
    return [
        {
            "value": value,
            "label": label,
            "fixed": value in KEY_FACILITY_TYPES,
            "designation": designations.get(value),
            "designable": value not in KEY_FACILITY_TYPES and value not in _NOT_DESIGNABLE,
        }
        for value, label in EnvFacilityType.choices
    ]


def add_key_type(*, actor, facility_type):
    """Make ``facility_type`` a key type and mark every register row of that type as a key facility.

    Returns the number of register rows that became key facilities.

    Raises:
        NotPermitted: the actor is not the system administrator.
        ValidationFailed: the type is unknown, already key, one of the five fixed types, or "other".
    """
    _require_manager(actor)
    _check_type(facility_type)

    with transaction.atomic():
        try:
            # The savepoint keeps the outer transaction usable if another administrator added it first.
            with transaction.atomic():
                designation = KeyTypeDesignation.objects.create(facility_type=facility_type, added_by=actor)
        except IntegrityError:
            raise ValidationFailed(
                _("Facility type: %(type)s is already a key type.") % {"type": _label(facility_type)},
                field="facility_type",
            ) from None
        changed = EnvFacility.objects.filter(facility_type=facility_type, is_key=False).update(
            is_key=True, updated_at=timezone.now()
        )
        audit.record(
            actor, KeyTypeAction.ADD, designation,
            changes=audit.diff({}, {"facility_type": facility_type}), facilities_changed=changed,
        )
    return changed


def blocking_record_count(facility_type):
    """Return how many key facilities of ``facility_type`` have lifecycle records on file."""
    facility_ids = set(
        EnvFacility.objects.filter(facility_type=facility_type, is_key=True).values_list("pk", flat=True)
    )
    if not facility_ids:
        return 0
    with_records = set()
    for model in _RECORD_MODELS:
        with_records |= set(model.objects.filter(facility_id__in=facility_ids).values_list("facility_id", flat=True))
    profiles = facility_models.KeyFacilityProfile.objects.filter(facility_id__in=facility_ids).filter(
        models.Q(shared_at__isnull=False) | models.Q(safety_reminded_at__isnull=False)
        | models.Q(provider__isnull=False) | ~models.Q(responsible_person="")
    )
    with_records |= set(profiles.values_list("facility_id", flat=True))
    with_records |= set(
        facility_models.ProviderEvaluation.objects.filter(facility_id__in=facility_ids).values_list("facility_id", flat=True)
    )
    return len(with_records)


def remove_key_type(*, actor, facility_type):
    """Remove an added key type and mark every register row of that type as an ordinary facility.

    Returns the number of register rows that stopped being key facilities.

    Raises:
        NotPermitted: the actor is not the system administrator.
        ValidationFailed: the type is unknown, one of the five fixed types, not an added key type,
            or some of its key facilities have lifecycle records on file.
    """
    _require_manager(actor)
    _check_type(facility_type)

    with transaction.atomic():
        designation = KeyTypeDesignation.objects.select_for_update().filter(facility_type=facility_type).first()
        if designation is None:
            raise ValidationFailed(
                _("Facility type: %(type)s is not an added key type.") % {"type": _label(facility_type)},
                field="facility_type",
            )
        # Lifecycle services lock the facility row before writing, so no record can appear
        # between the check below and the update.
        list(EnvFacility.objects.select_for_update().filter(facility_type=facility_type, is_key=True).values_list("pk"))
        blocking = blocking_record_count(facility_type)
        if blocking:
            raise ValidationFailed(
                _("Facility type: %(count)s key facilities of type %(type)s have lifecycle records on file "
                  "(demonstrations, assessments, orders or other records), so the type stays a key type.")
                % {"count": blocking, "type": _label(facility_type)},
                field="facility_type",
            )
        changed = EnvFacility.objects.filter(facility_type=facility_type, is_key=True).update(
            is_key=False, updated_at=timezone.now()
        )
        audit.record(
            actor, KeyTypeAction.REMOVE, designation,
            changes=audit.diff({"facility_type": facility_type}, {"facility_type": None}), facilities_changed=changed,
        )
        designation.delete()
    return changed
