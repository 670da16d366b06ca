"""Heavy-pollution-weather warnings: issue, upgrade, downgrade and lift.

Each action records a ``WarningEvent``, updates the warning's current state,
derives the event's reduction plan, opens the joint consultation on it and
writes the audit entry, all in one transaction.

Only officers and leaders of the ecology and environment department act on
warnings (the system account acts city-wide). County staff act only for their
own region; a city-wide warning needs city-level staff.
"""

import logging

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit
from anhuan.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from anhuan.core.timeutil import format_local
from anhuan.organizations.models import Agency, Department, Level, Region, RegionKind, Role
from anhuan.organizations.scope import covers_whole_city, region_ids_of, require_department
from anhuan.pollution.models import (
    Consultation,
    EventKind,
    PollutionWarning,
    WarningEvent,
    WarningLevel,
    WarningStatus,
)
from anhuan.pollution.models.choices import LEVEL_RANK
from anhuan.pollution.services.plans import derive_plan
from anhuan.pollution.todo_onsite import notify_onsite_needed

logger = logging.getLogger(__name__)

# Passed as ``regions`` to an upgrade or downgrade to extend the area to the whole city.
WHOLE_CITY = "whole_city"

DOCUMENT_NUMBER_MAX_LENGTH = 50
ACTING_ROLES = (Role.OFFICER, Role.LEADER)
# Fields whose old and new values the audit entry stores.
_AUDITED_FIELDS = ["level", "status", "whole_city", "document_number", "announced_at", "starts_at", "ends_at"]


@audit.register_actions
class WarningAction(models.TextChoices):
    ISSUE = "warning.issue", gettext_lazy("Warning issued")
    UPGRADE = "warning.upgrade", gettext_lazy("Warning upgraded")
    DOWNGRADE = "warning.downgrade", gettext_lazy("Warning downgraded")
    LIFT = "warning.lift", gettext_lazy("Warning lifted")


# --- Who may act --------------------------------------------------------------


def can_manage_warnings(user):
    """True if ``user`` may issue warnings at all (environment officer or leader, or the system)."""
    try:
        _require_actor(user)
    except NotPermitted:
        return False
    return True


def can_change_warning(user, warning):
    """True if ``user`` may upgrade, downgrade or lift ``warning`` now."""
    if warning.status != WarningStatus.IN_FORCE or not can_manage_warnings(user):
        return False
    try:
        _require_area(user, warning.whole_city, list(warning.regions.all()))
    except NotPermitted:
        return False
    return True


def _require_actor(actor):
    if actor.role == Role.SYSTEM:
        return
    require_department(actor, Department.ENVIRONMENT)
    if actor.role not in ACTING_ROLES:
        raise NotPermitted(_("Only officers and leaders of the ecology and environment department may issue or change warnings."))


def _require_area(actor, whole_city, regions):
    if covers_whole_city(actor):
        return
    if whole_city:
        raise NotPermitted(_("Only city-level staff may act on a city-wide warning."))
    own = region_ids_of(actor)
    outside = [region.name for region in regions if region.id not in own]
    if outside:
        raise NotPermitted(
            _("County staff may act only on warnings for their own region; %(regions)s lies outside it.")
            % {"regions": "、".join(outside)}
        )


# --- Input checks -----------------------------------------------------------------


def _validate_level(level):
    if level not in WarningLevel.values:
        raise ValidationFailed(
            _("Unknown warning level %(level)s; use yellow, orange or red.") % {"level": level}, field="level"
        )


def _validate_times(announced_at, starts_at, ends_at):
    for name, value in (("announced_at", announced_at), ("starts_at", starts_at)):
        if value is None:
            raise ValidationFailed(_("This time is required."), field=name)
    for name, value in (("announced_at", announced_at), ("starts_at", starts_at), ("ends_at", ends_at)):
        if value is not None and value.tzinfo is None:
            raise ValueError(f"{name} must be timezone-aware, got {value!r}")
    if starts_at < announced_at:
        raise ValidationFailed(
            _("The start time %(starts)s is before the announcement %(announced)s.")
            % {"starts": format_local(starts_at), "announced": format_local(announced_at)},
            field="starts_at",
        )
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationFailed(
            _("The end time %(ends)s must be after the start time %(starts)s.")
            % {"ends": format_local(ends_at), "starts": format_local(starts_at)},
            field="ends_at",
        )


def _validate_document_number(document_number):
    number = (document_number or "").strip()
    if len(number) > DOCUMENT_NUMBER_MAX_LENGTH:
        raise ValidationFailed(
            _("The document number may have at most %(max)s characters.") % {"max": DOCUMENT_NUMBER_MAX_LENGTH},
            field="document_number",
        )
    return number


def _resolve_area(regions):
    """Return (whole_city, county-level regions) for a ``regions`` argument.

    None, ``WHOLE_CITY`` or a list naming the city itself mean the whole city.
    """
    if regions is None or regions == WHOLE_CITY:
        return True, []
    regions = list(regions)
    if not regions:
        raise ValidationFailed(_("Choose at least one region, or the whole city."), field="regions")
    for region in regions:
        if not isinstance(region, Region):
            raise TypeError(f"regions must hold Region objects, got {region!r}")
    if any(region.kind == RegionKind.CITY for region in regions):
        return True, []
    unique = {region.id: region for region in regions}
    return False, sorted(unique.values(), key=lambda region: (region.sort_order, region.id))


def _issuer_of(actor):
    """Return the issuing agency: the actor's, or the city environment bureau for the system account."""
    if actor.agency_id is not None:
        return actor.agency
    return Agency.objects.get(department=Department.ENVIRONMENT, level=Level.CITY)


# --- Actions ------------------------------------------------------------------------


def issue_warning(*, actor, level, announced_at, starts_at, ends_at=None, regions=None, document_number=""):
    """Issue a warning: record its first event, derive the plan and open the consultation.

    Args:
        regions: Region objects of the area; None means the whole city.

    Raises:
        NotPermitted: the actor is not environment staff, or acts outside their region.
        ValidationFailed: a level, time, area or document number is invalid.

    Records ``warning.issue``.
    """
    _require_actor(actor)
    _validate_level(level)
    _validate_times(announced_at, starts_at, ends_at)
    number = _validate_document_number(document_number)
    whole_city, area = _resolve_area(regions)
    _require_area(actor, whole_city, area)

    with transaction.atomic():
        _require_no_overlap(whole_city, area)
        warning = PollutionWarning.objects.create(
            level=level,
            status=WarningStatus.IN_FORCE,
            whole_city=whole_city,
            issuer=_issuer_of(actor),
            document_number=number,
            announced_at=announced_at,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        warning.regions.set(area)
        event = _record_event(
            warning, actor=actor, kind=EventKind.ISSUE, level=level, whole_city=whole_city, area=area,
            announced_at=announced_at, starts_at=starts_at, ends_at=ends_at, document_number=number,
        )
        after = audit.snapshot(warning, _AUDITED_FIELDS)
        _record_audit(actor, WarningAction.ISSUE, warning, event, {}, after, area)
    logger.info("Warning %s issued (%s) by %s", warning.id, level, actor.username)
    return warning


def upgrade_warning(warning, *, actor, level, announced_at, starts_at, ends_at=None, document_number="", regions=None):
    """Raise the level of a warning in force; see ``_change_level`` for the rules."""
    return _change_level(
        warning, EventKind.UPGRADE, actor=actor, level=level, announced_at=announced_at, starts_at=starts_at,
        ends_at=ends_at, document_number=document_number, regions=regions,
    )


def downgrade_warning(warning, *, actor, level, announced_at, starts_at, ends_at=None, document_number="", regions=None):
    """Lower the level of a warning in force; see ``_change_level`` for the rules."""
    return _change_level(
        warning, EventKind.DOWNGRADE, actor=actor, level=level, announced_at=announced_at, starts_at=starts_at,
        ends_at=ends_at, document_number=document_number, regions=regions,
    )


def lift_warning(warning, *, actor, announced_at, starts_at=None, document_number=""):
    """Lift a warning in force: every plan item ends when the lifting takes effect.

    Args:
        starts_at: when the lifting takes effect; defaults to ``announced_at``.

    Raises:
        NotPermitted, ValidationFailed, TransitionNotAllowed (the warning is already lifted).

    Records ``warning.lift``.
    """
    starts_at = starts_at or announced_at
    _require_actor(actor)
    _validate_times(announced_at, starts_at, None)
    number = _validate_document_number(document_number)

    with transaction.atomic():
        warning = _lock(warning)
        area = list(warning.regions.all())
        _require_area(actor, warning.whole_city, area)
        _require_in_force(warning)
        _require_after_previous(warning, announced_at)
        before = audit.snapshot(warning, _AUDITED_FIELDS)

        warning.status = WarningStatus.LIFTED
        warning.ends_at = starts_at
        warning.save(update_fields=["status", "ends_at", "updated_at"])
        event = _record_event(
            warning, actor=actor, kind=EventKind.LIFT, level=warning.level, whole_city=warning.whole_city, area=area,
            announced_at=announced_at, starts_at=starts_at, ends_at=None, document_number=number,
        )
        _record_audit(actor, WarningAction.LIFT, warning, event, before, audit.snapshot(warning, _AUDITED_FIELDS), area)
    logger.info("Warning %s lifted by %s", warning.id, actor.username)
    return warning


def _change_level(warning, kind, *, actor, level, announced_at, starts_at, ends_at, document_number, regions):
    """Upgrade or downgrade a warning in force.

    An upgrade must raise the level and a downgrade lower it. ``regions`` None
    keeps the current area; ``WHOLE_CITY`` or a list of regions replaces it.
    The event's end time (None: until further notice) becomes the warning's.

    Raises:
        NotPermitted, ValidationFailed, TransitionNotAllowed (lifted warning, or
        a level that does not move in the event's direction).

    Records ``warning.upgrade`` or ``warning.downgrade``.
    """
    _require_actor(actor)
    _validate_level(level)
    _validate_times(announced_at, starts_at, ends_at)
    number = _validate_document_number(document_number)

    with transaction.atomic():
        warning = _lock(warning)
        current_area = list(warning.regions.all())
        _require_area(actor, warning.whole_city, current_area)
        _require_in_force(warning)
        _require_level_move(warning, kind, level)
        _require_after_previous(warning, announced_at)
        if regions is None:
            whole_city, area = warning.whole_city, current_area
        else:
            whole_city, area = _resolve_area(regions)
            _require_area(actor, whole_city, area)
        before = audit.snapshot(warning, _AUDITED_FIELDS)

        warning.level = level
        warning.whole_city = whole_city
        warning.ends_at = ends_at
        warning.save(update_fields=["level", "whole_city", "ends_at", "updated_at"])
        warning.regions.set(area)
        event = _record_event(
            warning, actor=actor, kind=kind, level=level, whole_city=whole_city, area=area,
            announced_at=announced_at, starts_at=starts_at, ends_at=ends_at, document_number=number,
        )
        action = WarningAction.UPGRADE if kind == EventKind.UPGRADE else WarningAction.DOWNGRADE
        _record_audit(actor, action, warning, event, before, audit.snapshot(warning, _AUDITED_FIELDS), area)
    logger.info("Warning %s %sd to %s by %s", warning.id, kind, level, actor.username)
    return warning


def _lock(warning):
    # Two officers may change the same warning at once. The row lock orders
    # them, so the second one reads the first one's level and sequence.
    return PollutionWarning.objects.select_for_update().get(pk=warning.pk)


def _require_in_force(warning):
    if warning.status != WarningStatus.IN_FORCE:
        raise TransitionNotAllowed(
            _("The warning has been lifted; a lifted warning cannot change. Issue a new warning instead."),
            current=warning.status,
        )


def _require_level_move(warning, kind, level):
    current, requested = LEVEL_RANK[warning.level], LEVEL_RANK[level]
    labels = {"current": WarningLevel(warning.level).label, "requested": WarningLevel(level).label}
    if kind == EventKind.UPGRADE and requested <= current:
        raise TransitionNotAllowed(
            _("An upgrade must raise the level: the warning is %(current)s, and %(requested)s is not higher.") % labels,
            current=warning.level, requested=level, field="level",
        )
    if kind == EventKind.DOWNGRADE and requested >= current:
        raise TransitionNotAllowed(
            _("A downgrade must lower the level: the warning is %(current)s, and %(requested)s is not lower.") % labels,
            current=warning.level, requested=level, field="level",
        )


def _require_after_previous(warning, announced_at):
    previous = warning.latest_event()
    if previous is not None and announced_at < previous.announced_at:
        raise ValidationFailed(
            _("The announcement %(announced)s is before the warning's previous announcement %(previous)s.")
            % {"announced": format_local(announced_at), "previous": format_local(previous.announced_at)},
            field="announced_at",
        )


def _require_no_overlap(whole_city, area):
    """Reject a new warning over an area where another warning is still in force.

    A change of level is an upgrade or downgrade of the warning in force; two
    warnings over the same enterprises would give them two plans at once.
    """
    in_force = PollutionWarning.objects.in_force()
    if not whole_city:
        in_force = in_force.filter(models.Q(whole_city=True) | models.Q(regions__in=area)).distinct()
    clash = in_force.order_by("announced_at").first()
    if clash is not None:
        raise TransitionNotAllowed(
            _(
                "Warning %(warning)s (%(level)s, announced %(announced)s) is still in force over this area. "
                "Upgrade, downgrade or lift it instead of issuing another warning."
            )
            % {"warning": clash.pk, "level": clash.get_level_display(), "announced": format_local(clash.announced_at)}
        )


def _record_event(warning, *, actor, kind, level, whole_city, area, announced_at, starts_at, ends_at, document_number):
    """Create the event, derive its plan and open its consultation."""
    last = warning.events.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    event = WarningEvent.objects.create(
        warning=warning,
        sequence=last + 1,
        kind=kind,
        level=level,
        whole_city=whole_city,
        announced_at=announced_at,
        starts_at=starts_at,
        ends_at=ends_at,
        document_number=document_number,
        actor=actor,
    )
    event.regions.set(area)
    derive_plan(event)
    Consultation.objects.create(event=event)
    if kind != EventKind.LIFT:
        # The county agencies learn at once which enterprises need a joint visit.
        notify_onsite_needed(warning)
    return event


def _record_audit(actor, action, warning, event, before, after, area):
    plan = event.plan
    audit.record(
        actor,
        action,
        warning,
        changes=audit.diff(before, after),
        event_id=event.id,
        sequence=event.sequence,
        region_codes=[region.code or region.name for region in area],
        document_number=event.document_number,
        plan_id=plan.id,
        plan_items=plan.items.count(),
    )
