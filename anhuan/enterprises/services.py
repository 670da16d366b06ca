"""Actions on the enterprise registry: register an enterprise and change its data.

Both actions validate and normalise the fields, keep the enterprise inside the
actor's regional scope before and after the change, and record the old and new
values in the audit trail within the same transaction.
"""

import logging
import re
import unicodedata

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit
from anhuan.core.errors import Conflict, NotPermitted, OutOfScope, ValidationFailed
from anhuan.enterprises.domain import credit_code as credit_codes
from anhuan.enterprises.models import AUDITED_FIELDS, Enterprise, EnterpriseCategory, PerformanceGrade
from anhuan.organizations.models import Region, RegionKind, Role
from anhuan.organizations.scope import covers_region, region_ids_of

logger = logging.getLogger(__name__)


class EnterpriseAction(models.TextChoices):
    CREATE = "enterprise.create", gettext_lazy("Enterprise registered")
    UPDATE = "enterprise.update", gettext_lazy("Enterprise data changed")


audit.register_actions(EnterpriseAction)

# Fields an editor sets through create_enterprise and update_enterprise.
EDITABLE_FIELDS = (
    "credit_code", "name", "region", "address", "industry_code", "industry_name", "category", "key_industry",
    "performance_grade", "whitelisted", "non_interruptible", "guaranteed", "contact_name", "contact_phone",
)
# The credit code is part of the history too: a corrected code must stay traceable.
AUDIT_FIELDS = ["credit_code", *AUDITED_FIELDS]

_TEXT_FIELDS = ("name", "address", "industry_name", "contact_name")
_FLAG_FIELDS = ("key_industry", "whitelisted", "non_interruptible", "guaranteed")
_EDITOR_ROLES = {Role.OFFICER, Role.LEADER}
# GB/T 4754-2017: a section letter, optionally followed by a 2-digit division,
# 3-digit group or 4-digit class code.
_INDUSTRY_CODE_RE = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})?$")
# Digits with the separators people type in phone numbers, e.g. 0319-2222222转8001, 138…/139….
_PHONE_RE = re.compile(r"^[0-9+\-() /、,;转]{3,30}$")


# --- Who may do what ----------------------------------------------------------


def can_view_registry(user):
    """True for users who read enterprises by region: staff, experts and the system account."""
    return region_ids_of(user) != set()


def can_edit_enterprises(user):
    """True for officers and leaders of either department, and for the system account."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.SYSTEM:
        return True
    return user.role in _EDITOR_ROLES and user.agency_id is not None


def require_editor(user):
    """Raise NotPermitted unless the user may register or change enterprises."""
    if not can_edit_enterprises(user):
        raise NotPermitted(_("Only officers and leaders of the emergency or environment departments may change enterprises."))


def editable_regions(user):
    """Return the county-level regions in which the user may register enterprises."""
    regions = Region.objects.exclude(kind=RegionKind.CITY)
    scope = region_ids_of(user)
    if scope is None:
        return regions
    return regions.filter(pk__in=scope)


# --- Validation -----------------------------------------------------------------


def validate_credit_code(raw):
    """Return the normalised credit code, or raise ValidationFailed naming the field and the fault."""
    try:
        return credit_codes.validate(raw)
    except credit_codes.CreditCodeError as error:
        raise ValidationFailed(_credit_code_message(error), field="credit_code", value=error.code) from error


def _credit_code_message(error):
    if error.reason == "length":
        return _(
            "Unified social credit code: the code must have 18 characters, but %(code)s has %(count)s."
        ) % {"code": error.code or "—", "count": len(error.code)}
    if error.reason == "character":
        return _(
            "Unified social credit code: %(code)s contains a character that codes never use. "
            "Use digits and capital letters other than I, O, S, V and Z."
        ) % {"code": error.code}
    if error.reason == "region":
        return _(
            "Unified social credit code: characters 3 to 8 of %(code)s must be the 6-digit division code."
        ) % {"code": error.code}
    return _(
        "Unified social credit code: the check character of %(code)s is wrong. Check the code against the business licence."
    ) % {"code": error.code}


def _clean_fields(fields):
    """Validate and normalise the given editable fields; return a new dict."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not an editable enterprise field: {', '.join(sorted(unknown))}")

    cleaned = {}
    for name, value in fields.items():
        if name in _TEXT_FIELDS:
            value = " ".join(str(value or "").split())
        elif name in _FLAG_FIELDS:
            value = bool(value)
        cleaned[name] = value

    if "credit_code" in cleaned:
        cleaned["credit_code"] = validate_credit_code(cleaned["credit_code"])
    if "name" in cleaned and not cleaned["name"]:
        raise ValidationFailed(_("Enterprise name: enter the name on the business licence."), field="name")
    if "region" in cleaned:
        _check_region(cleaned["region"])
    if "industry_code" in cleaned:
        cleaned["industry_code"] = validate_industry_code(cleaned["industry_code"])
    if "contact_phone" in cleaned:
        cleaned["contact_phone"] = validate_phone(cleaned["contact_phone"])
    if "category" in cleaned and cleaned["category"] not in EnterpriseCategory.values:
        raise ValidationFailed(
            _("Control category: %(value)s is not a known category.") % {"value": cleaned["category"]}, field="category"
        )
    if "performance_grade" in cleaned and cleaned["performance_grade"] not in PerformanceGrade.values:
        raise ValidationFailed(
            _("Performance grade: %(value)s is not a known grade.") % {"value": cleaned["performance_grade"]},
            field="performance_grade",
        )
    return cleaned


def _check_region(region):
    if not isinstance(region, Region):
        raise ValidationFailed(_("Region: choose the county-level region the enterprise is located in."), field="region")
    if region.kind == RegionKind.CITY:
        raise ValidationFailed(
            _("Region: choose a county, district or development zone, not the whole city."), field="region"
        )


def validate_industry_code(raw):
    """Return the industry code folded to upper-case half-width, or raise ValidationFailed."""
    code = unicodedata.normalize("NFKC", str(raw or "")).strip().upper()
    if code and not _INDUSTRY_CODE_RE.match(code):
        raise ValidationFailed(
            _("Industry code: %(value)s is not a GB/T 4754-2017 code. Enter a code such as C3041.") % {"value": code},
            field="industry_code",
        )
    return code


def validate_phone(raw):
    """Return the phone number with half-width digits and single spaces, or raise ValidationFailed."""
    phone = " ".join(unicodedata.normalize("NFKC", str(raw or "")).split())
    if phone and not (_PHONE_RE.match(phone) and any(char.isdigit() for char in phone)):
        raise ValidationFailed(
            _("Contact phone: %(value)s is not a phone number. Enter digits, for example 0319-2222222.") % {"value": phone},
            field="contact_phone",
        )
    return phone


# --- Scope ----------------------------------------------------------------------------


def _require_region_in_scope(actor, region):
    if not covers_region(actor, region.pk):
        raise NotPermitted(
            _("Region: you may only keep enterprises in your own region, not in %(region)s.") % {"region": region.name},
            field="region",
        )


def _require_still_visible(actor, enterprise):
    # Checked after the write as well, so no field combination moves an enterprise out of reach.
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise NotPermitted(
            _("Region: the change would move the enterprise out of your region."), field="region"
        )


def _require_unique_code(code, exclude_pk=None):
    others = Enterprise.objects.filter(credit_code=code)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise Conflict(
            _("Unified social credit code: an enterprise with the code %(code)s is already registered.") % {"code": code},
            field="credit_code",
        )


# --- Actions ------------------------------------------------------------------------------


def create_enterprise(*, actor, **fields):
    """Register an enterprise and record ``enterprise.create`` with every value set.

    Args:
        actor: the officer, leader or system account registering it.
        **fields: editable fields (EDITABLE_FIELDS); ``credit_code``, ``name`` and ``region`` are required.

    Raises:
        NotPermitted: the actor may not edit enterprises, or the region lies outside their scope.
        ValidationFailed: a field is invalid; ``fields["field"]`` names it.
        Conflict: another enterprise already has the credit code.
    """
    require_editor(actor)
    for required in ("credit_code", "name", "region"):
        fields.setdefault(required, None if required == "region" else "")
    cleaned = _clean_fields(fields)

    with transaction.atomic():
        _require_region_in_scope(actor, cleaned["region"])
        _require_unique_code(cleaned["credit_code"])
        enterprise = Enterprise.objects.create(**cleaned)
        _require_still_visible(actor, enterprise)
        after = audit.snapshot(enterprise, AUDIT_FIELDS)
        changes = audit.diff({}, {name: value for name, value in after.items() if value not in (None, "")})
        audit.record(actor, EnterpriseAction.CREATE, enterprise, changes=changes)

    logger.info("Enterprise %s registered by user %s", enterprise.pk, actor.pk)
    return enterprise


def update_enterprise(enterprise, *, actor, **fields):
    """Change an enterprise's data and record ``enterprise.update`` with the old and new values.

    Fields whose value does not change are left alone; a call that changes
    nothing writes nothing and records nothing. ``enterprise`` is refreshed.

    Raises:
        OutOfScope: the enterprise lies outside the actor's scope.
        NotPermitted: the actor may not edit enterprises, or the new region lies outside their scope.
        ValidationFailed: a field is invalid; ``fields["field"]`` names it.
        Conflict: another enterprise already has the new credit code.
    """
    require_editor(actor)
    cleaned = _clean_fields(fields)

    with transaction.atomic():
        # Lock the row so two editors cannot interleave their snapshots.
        current = Enterprise.objects.visible_to(actor).select_for_update().filter(pk=enterprise.pk).first()
        if current is None:
            raise OutOfScope()
        before = audit.snapshot(current, AUDIT_FIELDS)
        changed = [name for name, value in cleaned.items() if getattr(current, name) != value]
        if not changed:
            return enterprise

        if "region" in changed:
            _require_region_in_scope(actor, cleaned["region"])
        if "credit_code" in changed:
            _require_unique_code(cleaned["credit_code"], exclude_pk=current.pk)
        for name in changed:
            setattr(current, name, cleaned[name])
        current.save(update_fields=[*changed, "updated_at"])
        _require_still_visible(actor, current)
        changes = audit.diff(before, audit.snapshot(current, AUDIT_FIELDS))
        audit.record(actor, EnterpriseAction.UPDATE, current, changes=changes)

    logger.info("Enterprise %s changed by user %s: %s", current.pk, actor.pk, ", ".join(changed))
    enterprise.refresh_from_db()
    return enterprise
