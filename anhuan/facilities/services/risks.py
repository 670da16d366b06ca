"""Safety risks and hazards of a key facility, and whether it was formally designed.

Officers and leaders of either department record them. A risk has a kind, one of the four
levels of graded risk control (major red, high orange, moderate yellow, low blue) and the
controls in place. A risk that no longer applies is retired: the row is deleted and the audit
trail keeps its last values. A hazard (隐患) is found on a day, graded ordinary or major,
and rectified by a deadline; it is overdue while unrectified after the deadline. A major
hazard notifies the leaders of both agencies of the facility's region.
"""

import logging

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit
from anhuan.core.errors import OutOfScope, ValidationFailed
from anhuan.core.notifications import notify
from anhuan.facilities import todo_existing
from anhuan.facilities.models import FacilityHazard, HazardGrade, SafetyRisk
from anhuan.facilities.services.common import clean, new_record, profile_for, record_action, require_staff_actor
from anhuan.facilities.services.existing import (
    agency_staff,
    clean_text,
    facility_data,
    facility_link,
    facility_in_scope,
    today,
)
from anhuan.organizations.models import Department, Role

logger = logging.getLogger(__name__)


@audit.register_actions
class RiskAction(models.TextChoices):
    DESIGNED = "facility.formally_designed", gettext_lazy("Formal design recorded")
    RISK_ADD = "facility.risk_add", gettext_lazy("Safety risk added")
    RISK_CHANGE = "facility.risk_change", gettext_lazy("Safety risk changed")
    RISK_RETIRE = "facility.risk_retire", gettext_lazy("Safety risk retired")
    HAZARD_ADD = "facility.hazard_add", gettext_lazy("Hazard recorded")
    HAZARD_RECTIFY = "facility.hazard_rectify", gettext_lazy("Hazard rectified")


RISK_FIELDS = ["kind", "level", "description", "controls"]
HAZARD_FIELDS = ["found_on", "description", "grade", "rectification_measures", "deadline"]


def set_formally_designed(facility, designed, actor):
    """Record whether a key facility was formally designed; one that was not needs a design diagnosis.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of a bureau.
        ValidationFailed: ``designed`` is neither True nor False.
    """
    require_staff_actor(actor)
    if designed not in (True, False):
        raise ValidationFailed(_("Formally designed: choose yes or no."), field="formally_designed")
    with transaction.atomic():
        facility = facility_in_scope(actor, facility, lock=True)
        profile = profile_for(facility, actor=actor)
        before = profile.formally_designed
        if before is designed:
            return profile
        profile.formally_designed = designed
        profile.updated_by = actor
        profile.save(update_fields=["formally_designed", "updated_by", "updated_at"])
        audit.record(actor, RiskAction.DESIGNED, profile, changes={"formally_designed": [before, designed]},
                     facility=facility.pk)
    return profile


# --- Safety risks ---------------------------------------------------------------------------


def _risk_in_scope(actor, risk):
    found = SafetyRisk.objects.visible_to(actor).filter(pk=getattr(risk, "pk", risk)).select_for_update().first()
    if found is None:
        raise OutOfScope()
    # The facility must still be a key facility in scope.
    facility_in_scope(actor, found.facility_id)
    return found


def add_risk(facility, actor, *, kind, level, description, controls):
    """Add an identified safety risk with the controls in place.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of a bureau.
        ValidationFailed: the kind or level is not a known one, or the description or controls are missing.
    """
    require_staff_actor(actor)
    fields = clean_text({"kind": kind, "level": level, "description": description, "controls": controls})
    with transaction.atomic():
        facility = facility_in_scope(actor, facility, lock=True)
        risk = new_record(SafetyRisk, facility, actor=actor, **fields)
        record_action(actor, RiskAction.RISK_ADD, risk, RISK_FIELDS, facility=facility.pk)
    return risk


def change_risk(risk, actor, *, kind, level, description, controls):
    """Change a safety risk's kind, level, description or controls; a call that changes nothing records nothing.

    Raises:
        OutOfScope: the risk lies outside the actor's scope.
        NotPermitted: the actor is not an officer or leader of a bureau.
        ValidationFailed: as for ``add_risk``.
    """
    require_staff_actor(actor)
    fields = clean_text({"kind": kind, "level": level, "description": description, "controls": controls})
    with transaction.atomic():
        risk = _risk_in_scope(actor, risk)
        before = audit.snapshot(risk, RISK_FIELDS)
        for name, value in fields.items():
            setattr(risk, name, value)
        clean(risk)
        changes = audit.diff(before, audit.snapshot(risk, RISK_FIELDS))
        if changes:
            risk.save()
            audit.record(actor, RiskAction.RISK_CHANGE, risk, changes=changes, facility=risk.facility_id)
    return risk


def retire_risk(risk, actor):
    """Remove a risk that no longer applies; the audit trail keeps its last values.

    Raises:
        OutOfScope: the risk lies outside the actor's scope.
        NotPermitted: the actor is not an officer or leader of a bureau.
    """
    require_staff_actor(actor)
    with transaction.atomic():
        risk = _risk_in_scope(actor, risk)
        before = audit.snapshot(risk, RISK_FIELDS)
        # NOTE: SafetyRisk has no "retired" field, so retiring deletes the row; only this audit
        # entry keeps the retired risk.
        audit.record(
            actor, RiskAction.RISK_RETIRE, risk, changes={name: [value, None] for name, value in before.items()},
            facility=risk.facility_id,
        )
        facility_id = risk.facility_id
        risk.delete()
    logger.info("Safety risk of facility %s retired by user %s", facility_id, actor.pk)


# --- Hazards --------------------------------------------------------------------------------


def is_overdue(hazard, on=None):
    """True while a hazard is unrectified after its rectification deadline."""
    return hazard.rectified_on is None and hazard.deadline < (on or today())


def add_hazard(facility, actor, *, found_on, description, grade, deadline, rectification_measures=""):
    """Record a hazard found at a key facility; a major hazard notifies both agencies' leaders of the region.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of a bureau.
        ValidationFailed: the date found is in the future, the deadline is before it, or a field is missing.
    """
    require_staff_actor(actor)
    fields = clean_text({
        "found_on": found_on, "description": description, "grade": grade, "deadline": deadline,
        "rectification_measures": rectification_measures or "",
    })
    with transaction.atomic():
        facility = facility_in_scope(actor, facility, lock=True)
        if fields["found_on"] is not None and fields["found_on"] > today():
            raise ValidationFailed(_("Found on: the date cannot be in the future."), field="found_on")
        if fields["found_on"] is not None and fields["deadline"] is not None and fields["deadline"] < fields["found_on"]:
            raise ValidationFailed(_("Rectification deadline: the deadline cannot be before the day the hazard was found."),
                                   field="deadline")
        hazard = new_record(FacilityHazard, facility, actor=actor, **fields)
        record_action(actor, RiskAction.HAZARD_ADD, hazard, HAZARD_FIELDS, facility=facility.pk)
        if hazard.grade == HazardGrade.MAJOR:
            _notify_major_hazard(facility, hazard)
    return hazard


def _notify_major_hazard(facility, hazard):
    kind = todo_existing.KIND_MAJOR_HAZARD
    leaders = [
        *agency_staff(Department.EMERGENCY, facility.region_id, roles=(Role.LEADER,)),
        *agency_staff(Department.ENVIRONMENT, facility.region_id, roles=(Role.LEADER,)),
    ]
    notify(
        leaders, kind=kind, digest_key=f"{kind}:{hazard.pk}",
        data={**facility_data(facility), "description": hazard.description[:200]},
        link=facility_link(facility.pk),
    )


def hazard_in_scope(actor, hazard, *, lock=False):
    """Return the FacilityHazard (an instance or pk) inside the actor's scope, or raise OutOfScope."""
    queryset = FacilityHazard.objects.visible_to(actor).filter(pk=getattr(hazard, "pk", hazard))
    if lock:
        queryset = queryset.select_for_update()
    found = queryset.select_related("facility", "enterprise").first()
    if found is None:
        raise OutOfScope()
    return found


def rectify_hazard(hazard, actor, *, rectified_on, result):
    """Record the rectification of a hazard: the date (not before it was found, not in the future) and the result.

    Raises:
        OutOfScope: the hazard lies outside the actor's scope.
        NotPermitted: the actor is not an officer or leader of a bureau.
        ValidationFailed: the hazard is already rectified, the date is wrong or the result is missing.
    """
    require_staff_actor(actor)
    result = str(result or "").strip()
    with transaction.atomic():
        hazard = hazard_in_scope(actor, hazard, lock=True)
        facility_in_scope(actor, hazard.facility_id)
        if hazard.rectified_on is not None:
            raise ValidationFailed(_("This hazard was already rectified on %(date)s.")
                                   % {"date": hazard.rectified_on.isoformat()}, field="rectified_on")
        if rectified_on is None:
            raise ValidationFailed(_("Rectified on: enter the date of rectification."), field="rectified_on")
        if rectified_on < hazard.found_on:
            raise ValidationFailed(
                _("Rectified on: the date cannot be before the day the hazard was found, %(date)s.")
                % {"date": hazard.found_on.isoformat()},
                field="rectified_on",
            )
        if rectified_on > today():
            raise ValidationFailed(_("Rectified on: the date cannot be in the future."), field="rectified_on")
        if not result:
            raise ValidationFailed(_("Rectification result: describe what was done and how it was checked."),
                                   field="rectification_result")
        hazard.rectified_on = rectified_on
        hazard.rectification_result = result
        hazard.save(update_fields=["rectified_on", "rectification_result"])
        audit.record(actor, RiskAction.HAZARD_RECTIFY, hazard, changes={
            "rectified_on": [None, rectified_on.isoformat()], "rectification_result": ["", result],
        }, facility=hazard.facility_id)
    return hazard
