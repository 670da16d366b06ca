"""Ad-hoc measures: an officer adds a temporary halt or limit to one production line during a warning.

Officers and leaders of either department may add one to a plan item inside their
regional scope, for the latest event of a warning in force, whether or not the plan is
frozen. At an enterprise with non-interruptible processes, nothing stricter than the
warning's listed measure may be imposed (``domain.measures.check_adhoc_measure``).
The enterprise's contacts are notified.
"""

from decimal import Decimal, InvalidOperation

from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from anhuan.core import audit
from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.notifications import notify, register_kind
from anhuan.core.timeutil import format_local
from anhuan.enterprises.models import EnterpriseContact
from anhuan.organizations.models import Role
from anhuan.organizations.scope import covers_region
from anhuan.pollution.domain.measures import HALT, LIMIT, AdhocMeasureRejected, check_adhoc_measure
from anhuan.pollution.models import AdhocMeasure, MeasureType, PlanFlag, PlanItem, WarningStatus

ACTING_ROLES = (Role.OFFICER, Role.LEADER)
ADHOC_TYPES = (HALT, LIMIT)
NOTIFICATION_KIND = "pollution.adhoc_measure"


@audit.register_actions
class AdhocAction(models.TextChoices):
    ADD = "adhoc_measure.add", gettext_lazy("Ad-hoc measure added")


def _measure_label(measure_type, limit_percent):
    if measure_type == LIMIT and limit_percent is not None:
        return _("limit %(percent)s%%") % {"percent": f"{limit_percent.normalize():f}"}
    return str(MeasureType(measure_type).label)


def _format_notification(data, count):
    if count > 1:
        return ngettext(
            "%(count)s ad-hoc measure was added to your enterprise's production lines, the latest on %(line)s.",
            "%(count)s ad-hoc measures were added to your enterprise's production lines, the latest on %(line)s.",
            count,
        ) % {"count": count, "line": data.get("line", "")}
    limit = data.get("limit_percent")
    measure = _measure_label(data.get("measure_type", HALT), Decimal(limit) if limit else None)
    return _("An ad-hoc measure (%(measure)s) was added to %(line)s, effective %(effective)s.") % {
        "measure": measure,
        "line": data.get("line", ""),
        "effective": data.get("effective", ""),
    }


register_kind(NOTIFICATION_KIND, _format_notification)


def get_plan_item_for_staff(user, plan_item_id):
    """Return a plan item inside the user's scope for adding a measure.

    Raises:
        NotPermitted: the user is not an officer or leader of an agency.
        OutOfScope: no such item, or outside the user's region.
    """
    if user.role not in ACTING_ROLES or user.agency_id is None:
        raise NotPermitted(_("Only officers and leaders of the two agencies may add ad-hoc measures."))
    item = (
        PlanItem.objects.visible_to(user)
        .select_related("plan__event__warning", "enterprise")
        .filter(pk=plan_item_id)
        .first()
    )
    if item is None:
        raise OutOfScope()
    return item


def _clean_limit(measure_type, limit_percent):
    if measure_type == HALT:
        return None
    if limit_percent in (None, ""):
        raise ValidationFailed(_("A limit needs the percentage of production to cut (1 to 100)."), limit_percent="missing")
    try:
        value = Decimal(str(limit_percent))
    except InvalidOperation as exc:
        raise ValidationFailed(_("The limit must be a number from 1 to 100."), limit_percent="invalid") from exc
    if not Decimal("1") <= value <= Decimal("100"):
        raise ValidationFailed(_("The limit must be a number from 1 to 100."), limit_percent="invalid")
    return value


def _check_event(item):
    event = item.plan.event
    if event.warning.status != WarningStatus.IN_FORCE:
        raise ValidationFailed(_("The warning has been lifted; no measure can be added."))
    if event.warning.events.filter(sequence__gt=event.sequence).exists():
        raise ValidationFailed(
            _("This plan belongs to a warning event that has been replaced; add the measure to the current plan.")
        )
    return event


def _check_non_interruptible(item, measure_type, limit_percent):
    non_interruptible = item.enterprise.non_interruptible or PlanFlag.NON_INTERRUPTIBLE in item.flags
    try:
        check_adhoc_measure(non_interruptible, item.measure_type, item.limit_percent, measure_type, limit_percent)
    except AdhocMeasureRejected as exc:
        raise ValidationFailed(
            _(
                "%(enterprise)s has non-interruptible processes: no temporary halt or limit beyond the "
                "warning's listed measure (%(listed)s) may be imposed."
            ) % {
                "enterprise": item.enterprise_name,
                "listed": _measure_label(exc.listed_type, exc.listed_limit),
            },
            measure_type="non_interruptible",
        ) from exc


def add_adhoc_measure(plan_item, *, actor, measure_type, limit_percent=None, reason, effective_at):
    """Add a temporary halt or limit to the production line of ``plan_item``; return the measure.

    Raises:
        NotPermitted: the actor is not an officer or leader of an agency.
        OutOfScope: the item lies outside the actor's region.
        ValidationFailed: the type, limit, reason or time is invalid, the warning is
            no longer in force or the event was replaced, or the enterprise has
            non-interruptible processes and the measure is stricter than the listed one.
    """
    if actor.role not in ACTING_ROLES or actor.agency_id is None:
        raise NotPermitted(_("Only officers and leaders of the two agencies may add ad-hoc measures."))
    if not covers_region(actor, plan_item.region_id):
        raise OutOfScope()
    if measure_type not in ADHOC_TYPES:
        raise ValidationFailed(_("An ad-hoc measure is either a halt or a limit."), measure_type="invalid")
    limit = _clean_limit(measure_type, limit_percent)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for the ad-hoc measure."), reason="missing")
    if effective_at is None:
        raise ValidationFailed(_("Give the time the measure takes effect."), effective_at="missing")

    with transaction.atomic():
        item = PlanItem.objects.select_related("plan__event__warning", "enterprise").get(pk=plan_item.pk)
        event = _check_event(item)
        _check_non_interruptible(item, measure_type, limit)
        measure = AdhocMeasure.objects.create(
            event=event,
            enterprise=item.enterprise,
            region_id=item.region_id,
            production_line=item.production_line,
            measure_type=measure_type,
            limit_percent=limit,
            reason=reason,
            effective_at=effective_at,
            added_by=actor,
        )
        audit.record(
            actor,
            AdhocAction.ADD,
            measure,
            plan_item=item.pk,
            event=event.pk,
            measure_type=measure_type,
            limit_percent=limit,
            effective_at=effective_at,
            reason=reason,
        )
        contacts = [contact.user for contact in EnterpriseContact.objects.filter(enterprise=item.enterprise).select_related("user")]
        notify(
            contacts,
            kind=NOTIFICATION_KIND,
            digest_key=f"adhoc:{event.pk}",
            data={
                "line": item.production_line,
                "measure_type": measure_type,
                "limit_percent": str(limit) if limit is not None else None,
                "effective": format_local(effective_at),
            },
            link=reverse("pollution:portal-home") + f"#event-{event.pk}",
        )
    return measure
