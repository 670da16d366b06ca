"""Findings of a key facility building or operating without a safety demonstration, and their referral.

The environment side records what it found (``DemonstrationFinding``) and, in the same
transaction, refers the facility to the emergency agency of the same level and region
(``sharing.services.referrals.refer_missing_safety_demonstration``). The emergency side then
supervises the rectification through the referral.
"""

import datetime as dt
import logging

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit
from anhuan.core.errors import ValidationFailed
from anhuan.facilities.domain import lifecycle
from anhuan.facilities.models import DemonstrationFinding
from anhuan.facilities.reads import facts_for
from anhuan.facilities.services.common import new_record, record_action
from anhuan.facilities.services.lifecycle import EE, begin_action, check_not_in_future

logger = logging.getLogger(__name__)

# A finding is about a facility seen being built or operated.
OBSERVED_STATUSES = (lifecycle.UNDER_CONSTRUCTION, lifecycle.IN_OPERATION)
FINDING_FIELDS = ["found_on", "observed_status", "description", "file_name"]


@audit.register_actions
class FindingAction(models.TextChoices):
    RECORD = "facility.finding", gettext_lazy("Missing safety demonstration found and referred")


def observed_status_choices():
    from anhuan.sharing.models import FacilityStatus

    return [(status, FacilityStatus(status).label) for status in OBSERVED_STATUSES]


def record_finding(facility, actor, *, found_on, observed_status, description, upload=None, now=None):
    """Record that a key facility is being built or operated without a safety demonstration, and refer it.

    The referral goes from the actor's environment agency to the emergency agency of the same
    region and level, with the facility's name, ``description`` and the uploaded file (stored
    with the finding and as a file of the referral). The finding links to it.

    Raises:
        OutOfScope: the facility is not a key facility in the actor's scope.
        NotPermitted: the actor is not an officer or leader of the environment side.
        ValidationFailed: the observed status is not "under construction" or "in operation", the
            date lies in the future, the description is missing, the facility follows the
            existing-facility path, a passing safety demonstration is already on file, or the file is refused.
    """
    from anhuan.sharing.services.referrals import refer_missing_safety_demonstration

    with transaction.atomic():
        current, _profile = begin_action(facility, actor, EE)
        if observed_status not in OBSERVED_STATUSES:
            raise ValidationFailed(
                _("Found: choose \"under construction\" or \"in operation\"."), field="observed_status"
            )
        if not isinstance(found_on, dt.date):
            raise ValidationFailed(_("Found on: enter a date."), field="found_on")
        check_not_in_future(found_on, "found_on", _("Found on"))
        text = str(description or "").strip()
        if not text:
            raise ValidationFailed(_("Description: describe what was found."), field="description")
        facts = facts_for(current)
        if facts.is_existing:
            raise ValidationFailed(
                _("This facility was in use before the mechanism took effect; it needs a safety assessment, not a "
                  "safety demonstration."),
                field="facility",
            )
        if facts.safety_demonstration:
            raise ValidationFailed(
                _("A passing safety demonstration is already on file for this facility; there is nothing to refer."),
                field="facility",
            )

        try:
            referral = refer_missing_safety_demonstration(
                actor=actor, enterprise=current.enterprise, facility_name=current.name, description=text,
                files=[upload] if upload is not None else (), now=now,
            )
        except ValidationFailed as error:
            if error.fields.get("field") != "files":
                raise
            # The referral checks the file under its own field name; the finding's form calls it "file".
            raise ValidationFailed(str(error.message), field="file") from None
        if upload is not None:
            upload.seek(0)
        finding = new_record(
            DemonstrationFinding, current, actor=actor, upload=upload, found_on=found_on,
            observed_status=observed_status, description=text, referral=referral,
        )
        record_action(actor, FindingAction.RECORD, finding, FINDING_FIELDS, facility=current.pk, referral=referral.pk)

    logger.info("Finding %s on key facility %s referred as referral %s", finding.pk, current.pk, referral.pk)
    return finding


def findings_of(facility):
    """Return the facility's findings with their referrals, newest first."""
    return DemonstrationFinding.objects.filter(facility_id=facility.pk).select_related(
        "referral", "referral__receiver", "recorded_by"
    )

