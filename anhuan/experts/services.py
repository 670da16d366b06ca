"""The expert pool (专家库): who may manage experts, the audited changes, and the independence rule.

* Officers and leaders manage the experts of their own department only.
* County staff manage the experts of their own county; city staff manage every region's experts.
* An expert never takes part in a visit or review of their own employer
  (``check_expert_independence``).
"""

import re

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit
from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.enterprises.services import validate_phone
from anhuan.experts.models import Expert, Specialty
from anhuan.organizations.models import Department, Region, Role
from anhuan.organizations.scope import covers_region, region_ids_of


@audit.register_actions
class ExpertAction(models.TextChoices):
    CREATE = "expert.create", gettext_lazy("Expert added to the pool")
    UPDATE = "expert.update", gettext_lazy("Expert updated")
    DEACTIVATE = "expert.deactivate", gettext_lazy("Expert deactivated")


# Roles that manage the pool; experts themselves and administrators do not.
MANAGING_ROLES = {Role.OFFICER, Role.LEADER}
AUDIT_FIELDS = [
    "name", "department", "region", "specialties", "title", "employer_name", "employer", "phone", "active",
]
_WHITESPACE = re.compile(r"\s+")


class ExpertNotIndependent(ValidationFailed):
    code = "expert_not_independent"


# --- Who may do what --------------------------------------------------------------------


def can_view_experts(user):
    """True for agency staff, who read the pool through ``Expert.objects.visible_to``."""
    return region_ids_of(user) != set() and user.role != Role.SYSTEM


def can_manage_experts(user):
    return can_view_experts(user) and user.role in MANAGING_ROLES


def manageable_regions(user):
    """Return the regions in which the user may add or edit experts."""
    if not can_manage_experts(user):
        return Region.objects.none()
    regions = region_ids_of(user)
    if regions is None:
        return Region.objects.all()
    return Region.objects.filter(id__in=regions)


def check_can_manage(actor, department, region):
    """Raise NotPermitted unless ``actor`` may manage an expert of ``department`` in ``region``."""
    if not can_manage_experts(actor):
        raise NotPermitted(_("Only officers and leaders of the agencies may manage the expert pool."))
    if actor.department != department:
        raise NotPermitted(_("Only staff of the %(department)s department may manage this expert.") % {
            "department": Department(department).label
        })
    if not covers_region(actor, region.id):
        raise NotPermitted(_("County staff may manage only the experts of their own county."))


def can_edit_expert(user, expert):
    try:
        check_can_manage(user, expert.department, expert.region)
    except NotPermitted:
        return False
    return True


# --- The independence rule -----------------------------------------------------------------


def normalise_name(text):
    """Return ``text`` without any whitespace (ASCII or full-width), for comparing names."""
    return _WHITESPACE.sub("", text or "")


def check_expert_independence(expert, enterprise):
    """Raise ExpertNotIndependent if ``expert`` works for ``enterprise``.

    The expert works there when their employer link is the enterprise, or when their employer
    name equals the enterprise name once whitespace is removed.
    """
    same_link = expert.employer_id is not None and expert.employer_id == enterprise.pk
    employer_name = normalise_name(expert.employer_name)
    same_name = bool(employer_name) and employer_name == normalise_name(enterprise.name)
    if same_link or same_name:
        raise ExpertNotIndependent(
            _("Expert %(expert)s works for %(enterprise)s and cannot take part in a visit or review of their own employer.")
            % {"expert": expert.name, "enterprise": enterprise.name},
            experts=[expert.pk],
        )


# --- Changes ----------------------------------------------------------------------------------


def _clean(fields):
    """Return the validated field values; raise ValidationFailed naming the first bad field."""
    cleaned = dict(fields)
    name = (cleaned.get("name") or "").strip()
    if not name:
        raise ValidationFailed(_("Enter the expert's name."), field="name")
    cleaned["name"] = name
    if cleaned.get("department") not in Department.values:
        raise ValidationFailed(_("Choose the expert's department."), field="department")
    if not isinstance(cleaned.get("region"), Region):
        raise ValidationFailed(_("Choose the expert's region."), field="region")
    specialties = list(dict.fromkeys(cleaned.get("specialties") or []))
    if not specialties:
        raise ValidationFailed(_("Choose at least one specialty."), field="specialties")
    unknown = [value for value in specialties if value not in Specialty.values]
    if unknown:
        raise ValidationFailed(
            _("Unknown specialty: %(value)s.") % {"value": "、".join(unknown)}, field="specialties"
        )
    cleaned["specialties"] = specialties
    for text_field in ("title", "employer_name", "phone"):
        cleaned[text_field] = (cleaned.get(text_field) or "").strip()
    # The same phone rule as the enterprise registry, reported on this form's field.
    try:
        cleaned["phone"] = validate_phone(cleaned["phone"])
    except ValidationFailed as exc:
        raise ValidationFailed(
            _("Phone: %(value)s is not a phone number. Enter digits, for example 0319-2222222.")
            % {"value": cleaned["phone"]},
            field="phone",
        ) from exc
    return cleaned


def create_expert(*, actor, **fields):
    """Add an expert to the pool and record it in the audit trail."""
    cleaned = _clean(fields)
    check_can_manage(actor, cleaned["department"], cleaned["region"])
    with transaction.atomic():
        expert = Expert.objects.create(**cleaned)
        after = audit.snapshot(expert, AUDIT_FIELDS)
        audit.record(actor, ExpertAction.CREATE, expert, changes=audit.diff({}, after))
    return expert


def _get_visible(actor, expert):
    current = Expert.objects.visible_to(actor).select_for_update().filter(pk=expert.pk).first()
    if current is None:
        raise OutOfScope()
    return current


def update_expert(expert, *, actor, **fields):
    """Change an expert's data; the actor must manage both the old and the new department and region."""
    with transaction.atomic():
        current = _get_visible(actor, expert)
        check_can_manage(actor, current.department, current.region)
        merged = {name: getattr(current, name) for name in AUDIT_FIELDS}
        merged.update(fields)
        cleaned = _clean(merged)
        check_can_manage(actor, cleaned["department"], cleaned["region"])
        before = audit.snapshot(current, AUDIT_FIELDS)
        for name, value in cleaned.items():
            setattr(current, name, value)
        current.save()
        changes = audit.diff(before, audit.snapshot(current, AUDIT_FIELDS))
        audit.record(actor, ExpertAction.UPDATE, current, changes=changes)
    return current


def deactivate_expert(expert, *, actor):
    """Take an expert out of new assignments; their past visits and reviews keep them."""
    with transaction.atomic():
        current = _get_visible(actor, expert)
        check_can_manage(actor, current.department, current.region)
        if not current.active:
            raise ValidationFailed(_("Expert %(expert)s is already inactive.") % {"expert": current.name})
        current.active = False
        current.save(update_fields=["active", "updated_at"])
        audit.record(actor, ExpertAction.DEACTIVATE, current, changes={"active": [True, False]})
    return current


# --- Reading ------------------------------------------------------------------------------------


def list_experts(user, *, department="", region=None, specialty="", keyword="", active=None):
    """Return the experts the user may see, narrowed by the given filters."""
    experts = Expert.objects.visible_to(user).select_related("region", "employer")
    if department:
        experts = experts.filter(department=department)
    if region is not None:
        experts = experts.filter(region=region)
    if specialty:
        experts = experts.with_specialty(specialty)
    keyword = (keyword or "").strip()
    if keyword:
        experts = experts.filter(
            Q(name__icontains=keyword) | Q(employer_name__icontains=keyword) | Q(title__icontains=keyword)
            | Q(phone__icontains=keyword)
        )
    if active is not None:
        experts = experts.filter(active=active)
    return experts


def specialty_labels(expert):
    labels = dict(Specialty.choices)
    return [str(labels.get(value, value)) for value in expert.specialties]
