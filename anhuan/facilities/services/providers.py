"""Actions on third-party environmental service providers (第三方环保服务机构) and on who runs a key facility.

* Officers and leaders of the ecology and environment department register and change
  providers and record their evaluations. A provider is identified by its unified social
  credit code (GB 32100-2015), which is unique. Providers work across counties, so every
  staff member of both bureaus reads every provider.
* An evaluation is either a performance evaluation with a rating or a violation. A violation
  may name the enforcement record that dealt with it.
* On a key facility, staff of either department record which provider builds or runs it and
  the enterprise's own responsible person. Contracting a facility out does not hand over the
  enterprise's responsibility (以包代管 is not allowed): a facility with a provider but no
  responsible person is listed on the "unowned" page until one is named.

Every action runs in one transaction and writes an audit entry with the values it set.
"""

import datetime as dt
import logging

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit
from anhuan.core.errors import Conflict, NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.timeutil import SHANGHAI
from anhuan.enterprises.domain import credit_code as credit_codes
from anhuan.enterprises.services import validate_phone
from anhuan.facilities.models import EvaluationKind, ProviderEvaluation, ProviderRole, Rating, ServiceProvider
from anhuan.facilities.services.common import key_facility_for, profile_for
from anhuan.organizations.models import Department, Region, Role

logger = logging.getLogger(__name__)


@audit.register_actions
class ProviderAction(models.TextChoices):
    CREATE = "provider.create", gettext_lazy("Service provider registered")
    UPDATE = "provider.update", gettext_lazy("Service provider changed")
    EVALUATE = "provider.evaluate", gettext_lazy("Service provider evaluated")
    RECORD_VIOLATION = "provider.violation", gettext_lazy("Service provider violation recorded")
    ASSIGN = "facility.provider", gettext_lazy("Service provider of a key facility recorded")
    RESPONSIBLE = "facility.responsible", gettext_lazy("Responsible person of a key facility recorded")


# Fields a caller sets through create_provider and update_provider.
PROVIDER_FIELDS = ("name", "credit_code", "region", "qualification", "contact_person", "phone", "address")
EVALUATION_FIELDS = ("provider", "facility", "kind", "evaluated_on", "rating", "description", "enforcement")
_ONE_LINE_FIELDS = ("name", "qualification", "contact_person", "address")
_EDITOR_ROLES = {Role.OFFICER, Role.LEADER}


def _today():
    return dt.datetime.now(tz=SHANGHAI).date()


# --- Who may do what ---------------------------------------------------------------------------


def can_edit_providers(user):
    """True for officers and leaders of the ecology and environment department, and for the system account."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.SYSTEM:
        return True
    return user.role in _EDITOR_ROLES and user.agency_id is not None and user.department == Department.ENVIRONMENT


def can_record_operation(user):
    """True for officers and leaders of either department: both record who runs a key facility."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role == Role.SYSTEM or (user.role in _EDITOR_ROLES and user.agency_id is not None)


def _require_provider_editor(actor):
    if not can_edit_providers(actor):
        raise NotPermitted(_(
            "Only officers and leaders of the ecology and environment department register and evaluate service providers."
        ))


def provider_for(actor, provider_id, *, lock=False):
    """Return the provider ``provider_id`` if the actor may see providers.

    Raises:
        OutOfScope: no such provider, or the actor may not read providers (contacts, administrators).
    """
    queryset = ServiceProvider.objects.visible_to(actor).filter(pk=provider_id)
    if lock:
        queryset = queryset.select_for_update()
    provider = queryset.first()
    if provider is None:
        raise OutOfScope()
    return provider


# --- Providers -------------------------------------------------------------------------------------


def clean_provider_fields(fields):
    """Validate and normalise provider fields; return a new dict.

    Raises:
        ValidationFailed: a field is missing or wrong; ``field`` names it.
    """
    unknown = set(fields) - set(PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"Not an editable provider field: {', '.join(sorted(unknown))}")
    cleaned = {}
    for name, value in fields.items():
        if name in _ONE_LINE_FIELDS:
            value = " ".join(str(value or "").split())
        cleaned[name] = value

    if "name" in cleaned and not cleaned["name"]:
        raise ValidationFailed(_("Provider name: enter the name on the business licence."), field="name")
    if "credit_code" in cleaned:
        cleaned["credit_code"] = _valid_credit_code(cleaned["credit_code"])
    if "region" in cleaned and not isinstance(cleaned["region"], Region):
        raise ValidationFailed(_("Registered in: choose the region where the provider is registered."), field="region")
    if "phone" in cleaned:
        try:
            cleaned["phone"] = validate_phone(cleaned["phone"])
        except ValidationFailed:
            raise ValidationFailed(
                _("Phone: %(value)s is not a phone number. Enter digits, for example 0319-2222222.") % {
                    "value": cleaned["phone"]},
                field="phone",
            ) from None
    for name in ("name", "qualification", "contact_person", "address"):
        limit = ServiceProvider._meta.get_field(name).max_length
        if name in cleaned and len(cleaned[name]) > limit:
            label = ServiceProvider._meta.get_field(name).verbose_name
            raise ValidationFailed(
                _("%(field)s: at most %(count)s characters.") % {"field": str(label).capitalize(), "count": limit},
                field=name,
            )
    return cleaned


def _valid_credit_code(raw):
    try:
        return credit_codes.validate(raw)
    except credit_codes.CreditCodeError as error:
        reasons = {
            "length": _("the code must have 18 characters, but %(code)s has %(count)s."),
            "character": _("%(code)s contains a character that codes never use (I, O, S, V, Z or a symbol)."),
            "region": _("characters 3 to 8 of %(code)s must be the 6-digit division code."),
            "check": _("the check character of %(code)s is wrong; compare it with the business licence."),
        }
        reason = reasons[error.reason] % {"code": error.code or "—", "count": len(error.code)}
        raise ValidationFailed(
            _("Unified social credit code: %(reason)s") % {"reason": reason}, field="credit_code", value=error.code
        ) from error


def _require_unique_code(code, exclude_pk=None):
    others = ServiceProvider.objects.filter(credit_code=code)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    other = others.first()
    if other is not None:
        raise Conflict(
            _("Unified social credit code: %(name)s is already registered with the code %(code)s.") % {
                "name": other.name, "code": code},
            field="credit_code",
        )


def create_provider(*, actor, **fields):
    """Register a service provider and record ``provider.create`` with every value set.

    Args:
        actor: an officer or leader of the ecology and environment department.
        **fields: PROVIDER_FIELDS; ``name``, ``credit_code`` and ``region`` are required.

    Raises:
        NotPermitted: the actor is not an environment-side officer or leader.
        ValidationFailed: a field is missing or wrong; ``fields["field"]`` names it.
        Conflict: a provider with the credit code is already registered.
    """
    _require_provider_editor(actor)
    for required in ("name", "credit_code"):
        fields.setdefault(required, "")
    fields.setdefault("region", None)
    cleaned = clean_provider_fields(fields)

    with transaction.atomic():
        _require_unique_code(cleaned["credit_code"])
        provider = ServiceProvider.objects.create(created_by=actor, **cleaned)
        after = audit.snapshot(provider, PROVIDER_FIELDS)
        changes = audit.diff({}, {name: value for name, value in after.items() if value not in (None, "")})
        audit.record(actor, ProviderAction.CREATE, provider, changes=changes)

    logger.info("Service provider %s registered by user %s", provider.pk, actor.pk)
    return provider


def update_provider(provider, *, actor, **fields):
    """Change a provider's data and record ``provider.update`` with the old and new values.

    A call that changes nothing writes nothing and records nothing. Returns the provider, refreshed.

    Raises:
        NotPermitted: the actor is not an environment-side officer or leader.
        OutOfScope: the provider no longer exists.
        ValidationFailed: a field is wrong.
        Conflict: another provider already has the new credit code.
    """
    _require_provider_editor(actor)
    cleaned = clean_provider_fields(fields)

    with transaction.atomic():
        current = provider_for(actor, provider.pk, lock=True)
        if "credit_code" in cleaned:
            _require_unique_code(cleaned["credit_code"], exclude_pk=current.pk)
        before = audit.snapshot(current, PROVIDER_FIELDS)
        for name, value in cleaned.items():
            setattr(current, name, value)
        changes = audit.diff(before, audit.snapshot(current, PROVIDER_FIELDS))
        if changes:
            current.save()
            audit.record(actor, ProviderAction.UPDATE, current, changes=changes)
            logger.info("Service provider %s changed by user %s", current.pk, actor.pk)

    provider.refresh_from_db()
    return provider


# --- Evaluations -----------------------------------------------------------------------------------


def record_evaluation(provider, *, actor, kind, evaluated_on, description, rating="", facility=None, enforcement=None):
    """Record a performance evaluation or a violation of ``provider``.

    Args:
        kind: an EvaluationKind value. A performance evaluation needs a ``rating``; a violation
            takes none and may name the enforcement record that dealt with it.
        evaluated_on: the date of the evaluation or of the violation; not in the future.
        facility: an EnvFacility in the actor's scope the evaluation concerns, or None.
        enforcement: an EnforcementRecord in the actor's scope (violations only), or None. With a
            facility, it must concern the same enterprise.

    Raises:
        NotPermitted: the actor is not an environment-side officer or leader.
        OutOfScope: the provider does not exist, or the facility or enforcement record lies
            outside the actor's scope.
        ValidationFailed: a field is missing or wrong; ``fields["field"]`` names it.
    """
    from anhuan.sharing.models import EnforcementRecord, EnvFacility

    _require_provider_editor(actor)
    description = (description or "").strip()
    rating = rating or ""
    if kind not in EvaluationKind.values:
        raise ValidationFailed(_("Kind: choose a performance evaluation or a violation."), field="kind")
    if not isinstance(evaluated_on, dt.date):
        raise ValidationFailed(_("Date: enter the date, for example 2025-12-01."), field="evaluated_on")
    if evaluated_on > _today():
        raise ValidationFailed(_("Date: the date cannot be in the future."), field="evaluated_on")
    if not description:
        raise ValidationFailed(_("Description: describe the performance or the violation."), field="description")
    if kind == EvaluationKind.PERFORMANCE:
        if rating not in Rating.values:
            raise ValidationFailed(_("Rating: a performance evaluation needs a rating (good, fair or poor)."), field="rating")
        if enforcement is not None:
            raise ValidationFailed(
                _("Enforcement record: only a violation is linked to an enforcement record."), field="enforcement"
            )
    elif rating:
        raise ValidationFailed(_("Rating: a violation takes no rating; leave it empty."), field="rating")

    with transaction.atomic():
        provider = provider_for(actor, provider.pk)
        if facility is not None and not EnvFacility.objects.visible_to(actor).filter(pk=facility.pk).exists():
            raise OutOfScope()
        if enforcement is not None and not EnforcementRecord.objects.visible_to(actor).filter(pk=enforcement.pk).exists():
            raise OutOfScope()
        if facility is not None and enforcement is not None and facility.enterprise_id != enforcement.enterprise_id:
            raise ValidationFailed(
                _("Enforcement record: it concerns %(other)s, not the enterprise of %(facility)s.") % {
                    "other": enforcement.enterprise.name, "facility": facility.name},
                field="enforcement",
            )
        region_id = _evaluation_region(actor, facility, enforcement)
        evaluation = ProviderEvaluation.objects.create(
            provider=provider, facility=facility, region_id=region_id, kind=kind, evaluated_on=evaluated_on,
            rating=rating, description=description, enforcement=enforcement, recorded_by=actor,
        )
        action = ProviderAction.RECORD_VIOLATION if kind == EvaluationKind.VIOLATION else ProviderAction.EVALUATE
        after = audit.snapshot(evaluation, EVALUATION_FIELDS)
        changes = audit.diff({}, {name: value for name, value in after.items() if value not in (None, "")})
        audit.record(actor, action, provider, changes=changes, evaluation=evaluation.pk)

    logger.info("Service provider %s: %s evaluation %s recorded by user %s", provider.pk, kind, evaluation.pk, actor.pk)
    return evaluation


def _evaluation_region(actor, facility, enforcement):
    # The facility's or the record's region, so county staff find the evaluation in their scope.
    # Without either, the evaluating officer's own region (the city for city staff).
    if facility is not None:
        return facility.region_id
    if enforcement is not None:
        return enforcement.region_id
    if actor.agency_id is not None:
        return actor.agency.region_id
    return Region.objects.get(kind="city").pk


# --- Who runs a key facility ---------------------------------------------------------------------


def _require_operation_actor(actor):
    if not can_record_operation(actor):
        raise NotPermitted(_("Only officers and leaders of the two bureaus record who runs a key facility."))


def assign_provider(facility_id, *, actor, provider, provider_role):
    """Record which provider builds or runs a key facility, and in which role; ``provider=None`` clears it.

    Recording a provider does not require the enterprise's responsible person. A facility with a
    provider and no responsible person shows on the "unowned" list until one is recorded.

    Raises:
        NotPermitted: the actor is not an officer or leader of either bureau.
        OutOfScope: the facility is not a key facility in the actor's scope, or the provider does not exist.
        ValidationFailed: a provider is given without its role, or a role without a provider.
    """
    _require_operation_actor(actor)
    provider_role = provider_role or ""
    if provider is not None and provider_role not in ProviderRole.values:
        raise ValidationFailed(
            _("Provider's role: say whether the provider builds, operates, or builds and operates the facility."),
            field="provider_role",
        )
    if provider is None and provider_role:
        raise ValidationFailed(_("Provider: choose the provider that has this role."), field="provider")
    return _change_profile(
        facility_id, actor, ProviderAction.ASSIGN,
        provider=provider_for(actor, provider.pk) if provider is not None else None,
        provider_role=provider_role,
    )


def record_responsible_person(facility_id, *, actor, responsible_person, responsible_phone):
    """Record the enterprise's own person responsible for a key facility, and their phone.

    Both are given together, or both left empty to clear them.

    Raises:
        NotPermitted: the actor is not an officer or leader of either bureau.
        OutOfScope: the facility is not a key facility in the actor's scope.
        ValidationFailed: the name or the phone is missing or wrong.
    """
    _require_operation_actor(actor)
    person = " ".join(str(responsible_person or "").split())
    phone = " ".join(str(responsible_phone or "").split())
    if phone:
        try:
            phone = validate_phone(phone)
        except ValidationFailed:
            raise ValidationFailed(
                _("Responsible person's phone: %(value)s is not a phone number. Enter digits, for example 0319-2222222.")
                % {"value": phone},
                field="responsible_phone",
            ) from None
    if phone and not person:
        raise ValidationFailed(
            _("Enterprise's responsible person: enter the name of the person the phone belongs to."),
            field="responsible_person",
        )
    if person and not phone:
        raise ValidationFailed(
            _("Responsible person's phone: enter a phone number at which the person can be reached."),
            field="responsible_phone",
        )
    if len(person) > 50:
        raise ValidationFailed(
            _("Enterprise's responsible person: at most 50 characters."), field="responsible_person"
        )
    return _change_profile(
        facility_id, actor, ProviderAction.RESPONSIBLE, responsible_person=person, responsible_phone=phone,
    )


def _change_profile(facility_id, actor, action, **values):
    """Set ``values`` on the key facility's profile and audit the change; return the profile."""
    fields = list(values)
    with transaction.atomic():
        facility = key_facility_for(actor, facility_id, lock=True)
        profile = profile_for(facility, actor=actor)
        before = audit.snapshot(profile, fields)
        for name, value in values.items():
            setattr(profile, name, value)
        changes = audit.diff(before, audit.snapshot(profile, fields))
        if changes:
            profile.updated_by = actor
            profile.save()
            audit.record(actor, action, facility, changes=changes)
            logger.info("Key facility %s: %s by user %s", facility.pk, action, actor.pk)
    return profile
