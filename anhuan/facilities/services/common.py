"""Helpers of every facility service: finding the facility in scope, the profile, files, the audit entry."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from anhuan.core import audit
from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.timeutil import format_local
from anhuan.core.uploads import check_upload
from anhuan.facilities.domain import lifecycle
from anhuan.facilities.models import KeyFacilityProfile, Origin
from anhuan.organizations.models import Department, Role
from anhuan.sharing.models import EnvFacility

MAX_FILE_BYTES = 20 * 1024 * 1024
_ACTOR_ROLES = {Role.OFFICER, Role.LEADER}


def key_facility_for(actor, facility_id, *, lock=False):
    """Return the key EnvFacility ``facility_id`` inside the actor's scope.

    Raises:
        OutOfScope: the facility does not exist, lies outside the actor's scope, or is not a key facility.
    """
    queryset = EnvFacility.objects.visible_to(actor).filter(pk=facility_id, is_key=True).select_related("enterprise", "region")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    facility = queryset.first()
    if facility is None:
        raise OutOfScope()
    return facility


def require_staff_actor(actor, *departments):
    """Only officers and leaders act on facilities; ``departments`` narrows to one side (or both if empty).

    The system account (commands and jobs) may act for either side.
    """
    if not actor.is_authenticated or not actor.is_active:
        raise NotPermitted()
    if actor.role == Role.SYSTEM:
        return
    if actor.role not in _ACTOR_ROLES or actor.agency_id is None:
        raise NotPermitted(_("Only officers and leaders of the two bureaus record facility matters."))
    if departments and actor.department not in departments:
        names = "、".join(str(Department(department).label) for department in departments)
        raise NotPermitted(_("Only the %(department)s department records this.") % {"department": names})


def initial_origin(facility):
    """Return the path of a facility: existing if recorded in use before the mechanism took effect, else new project."""
    in_use = facility.status in (lifecycle.IN_OPERATION, lifecycle.STOPPED)
    return Origin.EXISTING if in_use and lifecycle.is_existing(facility.commissioned_on) else Origin.NEW_PROJECT


def profile_for(facility, *, actor):
    """Return the facility's KeyFacilityProfile, creating it (and deciding its path) on first use."""
    profile = KeyFacilityProfile.objects.filter(facility=facility).first()
    if profile is None:
        profile = KeyFacilityProfile.objects.create(
            facility=facility, enterprise_id=facility.enterprise_id, region_id=facility.region_id,
            origin=initial_origin(facility), updated_by=actor,
        )
    return profile


def attach_file(record, upload, *, field="file"):
    """Check an upload and store it on a FacilityRecord (not yet saved); no upload leaves the record alone."""
    if upload is None:
        return
    record.sha256 = check_upload(upload, max_bytes=MAX_FILE_BYTES, field=field)
    record.file_name = upload.name
    upload.seek(0)
    record.file.save(upload.name, ContentFile(upload.read()), save=False)


# Records an accidental second submit would copy; stop-use orders and 三同时 checkpoints refuse repeats of their own.
_NOT_COPIED = {
    "Demonstration", "FacilityDesign", "ConstructionPlan", "Acceptance", "SafetyAssessment", "DesignDiagnosis",
    "DemonstrationFinding",
}
# Fields that differ between two submits of the same record, or that the facility already pins down.
_NOT_COMPARED = {"id", "facility", "enterprise", "region", "recorded_by", "recorded_at", "file", "file_name", "sha256"}


def refuse_copy(record, sha256=""):
    """Reject a record whose every field (and file) equals one already on file for the same facility.

    Raises:
        ValidationFailed: an identical record is on file; the message names when it was recorded and who recorded it.
    """
    model = type(record)
    same = {
        field.attname: getattr(record, field.attname)
        for field in model._meta.concrete_fields if field.name not in _NOT_COMPARED
    }
    twin = (
        model.objects.filter(facility_id=record.facility_id, sha256=sha256, **same)
        .select_related("recorded_by").order_by("pk").first()
    )
    if twin is not None:
        raise ValidationFailed(
            _("The same %(record)s, with every field equal, is already on file for this facility (recorded %(at)s by "
              "%(user)s); it was not saved again.") % {
                "record": model._meta.verbose_name, "at": format_local(twin.recorded_at),
                "user": twin.recorded_by.display_name,
            },
            field="facility",
        )


def new_record(model, facility, *, actor, upload=None, **fields):
    """Build, validate and save one FacilityRecord of ``facility`` with the given fields, and audit it.

    Call inside the caller's transaction. ``fields`` are model fields; blank required ones are
    reported by ``full_clean`` with the field named. A record that copies one on file exactly
    (an accidental second submit) is refused for the kinds in ``_NOT_COPIED``.

    Raises:
        ValidationFailed: a field is missing or wrong, the file is refused, or the record copies one on file.
    """
    record = model(facility=facility, enterprise_id=facility.enterprise_id, region_id=facility.region_id,
                   recorded_by=actor, **fields)
    clean(record)
    if model.__name__ in _NOT_COPIED:
        sha256 = check_upload(upload, max_bytes=MAX_FILE_BYTES) if upload is not None else ""
        refuse_copy(record, sha256)
    attach_file(record, upload)
    record.save()
    return record


def clean(record):
    """Run the model's own checks and raise ValidationFailed naming the first wrong field."""
    try:
        record.full_clean(exclude=["facility", "enterprise", "region", "recorded_by", "file", "file_name", "sha256"])
    except ValidationError as error:
        errors = {name: " ".join(str(message) for message in messages) for name, messages in error.message_dict.items()}
        name, message = next(iter(errors.items()))
        label = capfirst(str(type(record)._meta.get_field(name).verbose_name)) if name != "__all__" else ""
        raise ValidationFailed(
            _("%(field)s: %(message)s") % {"field": label, "message": message} if label else message,
            field=name, errors=errors,
        ) from None


def record_action(actor, action, obj, fields, **data):
    """Audit the creation of ``obj`` with the non-empty values of ``fields``."""
    after = audit.snapshot(obj, fields)
    changes = audit.diff({}, {name: value for name, value in after.items() if value not in (None, "")})
    audit.record(actor, action, obj, changes=changes, **data)
