"""The referral (问题移交) state machine and its checks, without the database.

A referral goes from the sending agency to an agency of the other department:

* sent → acknowledged: the receiver acknowledges it (签收);
* acknowledged → reported: the receiver reports back what it did;
* reported → closed: the sender accepts the report and closes the referral;
* reported → returned: the sender returns it with reasons;
* returned → reported: the receiver reports again, as often as it is returned.

``TRANSITIONS`` is the only list of allowed steps. ``next_status`` rejects every other
request with ``TransitionNotAllowed`` or ``NotPermitted`` and the message the user sees.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from anhuan.organizations.models import Level
from anhuan.sharing.models import Referral

Status = Referral.Status


class Side(models.TextChoices):
    SENDER = "sender", gettext_lazy("sending agency")
    RECEIVER = "receiver", gettext_lazy("receiving agency")


class Action(models.TextChoices):
    """The kind of a timeline step, stored in ``ReferralStep.action``."""

    SEND = "send", gettext_lazy("Sent")
    ACKNOWLEDGE = "acknowledge", gettext_lazy("Acknowledged")
    REPORT = "report", gettext_lazy("Reported back")
    RETURN = "return", gettext_lazy("Returned")
    CLOSE = "close", gettext_lazy("Closed")


# {status: {action: (side that may take it, new status)}}. A status that is not a key has no way out.
TRANSITIONS = {
    Status.SENT: {Action.ACKNOWLEDGE: (Side.RECEIVER, Status.ACKNOWLEDGED)},
    Status.ACKNOWLEDGED: {Action.REPORT: (Side.RECEIVER, Status.REPORTED)},
    Status.REPORTED: {
        Action.CLOSE: (Side.SENDER, Status.CLOSED),
        Action.RETURN: (Side.SENDER, Status.RETURNED),
    },
    Status.RETURNED: {Action.REPORT: (Side.RECEIVER, Status.REPORTED)},
}
FINAL_STATES = frozenset({Status.CLOSED})
OPEN_STATES = frozenset(set(Status.values) - FINAL_STATES)
# The side whose turn it is in each open status.
WAITING_FOR = {
    Status.SENT: Side.RECEIVER,
    Status.ACKNOWLEDGED: Side.RECEIVER,
    Status.RETURNED: Side.RECEIVER,
    Status.REPORTED: Side.SENDER,
}
# Actions that need a text. A report describes what was done, and a return gives the reasons.
TEXT_REQUIRED = frozenset({Action.REPORT, Action.RETURN})
# Actions that may carry files besides sending.
FILE_ACTIONS = frozenset({Action.REPORT})


def _wrong_status_message(status, action):
    """Return the message for an action the side may take, but not in ``status``."""
    if action == Action.ACKNOWLEDGE:
        return _("The referral has already been acknowledged.")
    if action == Action.REPORT:
        if status == Status.SENT:
            return _("Acknowledge the referral before reporting back.")
        return _("The report is already with the sending agency; wait until it closes or returns the referral.")
    if action == Action.CLOSE:
        return _("A referral can be closed only after the receiving agency has reported back.")
    return _("A referral can be returned only after the receiving agency has reported back.")


def next_status(status, action, side):
    """Return the status ``action`` by ``side`` leads to from ``status``.

    Raises:
        TransitionNotAllowed: the referral is closed, the action is unknown, or the action
            does not fit the current status (acknowledging twice, closing before a report).
        NotPermitted: the action belongs to the other side, or ``side`` is None (not a party).
    """
    if status in FINAL_STATES:
        raise TransitionNotAllowed(_("The referral is closed; no further action can be taken."))
    if action not in Action.values or action == Action.SEND:
        raise TransitionNotAllowed(_("Unknown action on a referral: %(action)s.") % {"action": action})
    owner = _owner_of(action)
    if side != owner:
        if owner == Side.RECEIVER:
            raise NotPermitted(_("Only the receiving agency can acknowledge a referral or report back on it."))
        raise NotPermitted(_("Only the sending agency can close a referral or return it."))
    allowed = TRANSITIONS.get(status, {})
    if action not in allowed:
        raise TransitionNotAllowed(_wrong_status_message(status, action))
    return allowed[action][1]


def _owner_of(action):
    for steps in TRANSITIONS.values():
        if action in steps:
            return steps[action][0]
    return None


def available_actions(status, side):
    """Return the actions ``side`` may take in ``status``, in the order the page shows them."""
    if side is None:
        return []
    return [action for action, (owner, _new) in TRANSITIONS.get(status, {}).items() if owner == side]


def validate_text(action, text):
    """Raise ValidationFailed when a report has no feedback or a return no reasons."""
    if action not in TEXT_REQUIRED or str(text or "").strip():
        return
    if action == Action.REPORT:
        raise ValidationFailed(_("Write what your agency did about the problem."), field="comment")
    raise ValidationFailed(_("Write why the referral is returned."), field="comment")


def validate_files_allowed(action, files):
    if files and action not in FILE_ACTIONS:
        raise ValidationFailed(_("Files can be attached only when sending a referral or reporting back."), field="files")


# --- Sending ---------------------------------------------------------------------------------


def check_receiver(sender, receiver):
    """Raise unless ``receiver`` is an agency of the other department that ``sender`` may refer to.

    A county agency refers to the other department of its own county. A city agency refers
    to the other department of the city or of any county. Both arguments need only
    ``department``, ``level`` and ``region_id``.
    """
    if receiver is None:
        raise ValidationFailed(_("Choose the receiving agency."), field="receiver")
    if receiver.department == sender.department:
        raise ValidationFailed(_("A referral goes to an agency of the other department."), field="receiver")
    if sender.level == Level.CITY:
        return
    if receiver.region_id != sender.region_id:
        raise ValidationFailed(
            _("A county agency can refer a problem only to the other department of its own county."), field="receiver"
        )


def check_enterprise_region(sender, receiver, enterprise_region_id):
    """Raise unless the enterprise lies in the region of every county-level agency of the referral."""
    for agency in (sender, receiver):
        if agency.level != Level.CITY and agency.region_id != enterprise_region_id:
            raise ValidationFailed(
                _("The enterprise is not in the region of %(agency)s.") % {"agency": agency.name}, field="enterprise"
            )


def validate_content(*, subject, description, has_enterprise, facility):
    if not has_enterprise and not str(facility or "").strip():
        raise ValidationFailed(_("Name the enterprise or the facility the problem concerns."), field="enterprise")
    if not str(subject or "").strip():
        raise ValidationFailed(_("Write the subject of the referral."), field="subject")
    if not str(description or "").strip():
        raise ValidationFailed(_("Describe the problem."), field="description")


def validate_deadline(deadline, now):
    if deadline is None:
        raise ValidationFailed(_("Set the deadline for the reply."), field="deadline")
    if deadline <= now:
        raise ValidationFailed(_("The deadline must be in the future."), field="deadline")


# --- Deadlines -------------------------------------------------------------------------------


def is_overdue(status, deadline, now):
    """True while the referral is not closed and its deadline has passed."""
    return status not in FINAL_STATES and deadline < now


def overdue_days(status, deadline, now):
    """Whole days past the deadline, rounded up; 0 when closed or not overdue."""
    if not is_overdue(status, deadline, now):
        return 0
    late = now - deadline
    return late.days + (1 if late - dt.timedelta(days=late.days) else 0)
