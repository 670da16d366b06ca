"""The state of joint on-site guidance for one enterprise, computed from plain values.

A visit moves ``scheduled`` → ``done`` or ``scheduled`` → ``cancelled``; a cancelled visit may be
scheduled again. ``done`` is final. The enterprise's state shown on lists combines the visit with
the two documents it must upload for the warning (shutdown/limit plan and emergency response plan).
"""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.errors import TransitionNotAllowed

SCHEDULED = "scheduled"
DONE = "done"
CANCELLED = "cancelled"

# Allowed visit transitions; ``None`` is a visit that does not exist yet.
TRANSITIONS = {
    None: {SCHEDULED},
    SCHEDULED: {DONE, CANCELLED},
    CANCELLED: {SCHEDULED},
    DONE: set(),
}

NOT_SCHEDULED = "not_scheduled"
DOCUMENTS_MISSING = "documents_missing"
STATE_LABELS = {
    NOT_SCHEDULED: gettext_lazy("not scheduled"),
    SCHEDULED: gettext_lazy("scheduled"),
    DONE: gettext_lazy("done"),
    DOCUMENTS_MISSING: gettext_lazy("documents missing"),
    CANCELLED: gettext_lazy("cancelled"),
}
STATE_TAGS = {
    NOT_SCHEDULED: "tag-grey",
    SCHEDULED: "tag-yellow",
    DONE: "tag-green",
    DOCUMENTS_MISSING: "tag-red",
}

SHUTDOWN_PLAN = "shutdown_plan"
RESPONSE_PLAN = "response_plan"
REQUIRED_DOCUMENT_KINDS = (SHUTDOWN_PLAN, RESPONSE_PLAN)


def check_transition(current, target):
    """Raise TransitionNotAllowed unless a visit in ``current`` status may move to ``target``."""
    if target in TRANSITIONS.get(current, set()):
        return
    if current is None:
        message = _("A visit that has not been scheduled cannot become %(target)s.") % {
            "target": STATE_LABELS[target]
        }
    else:
        message = _("A visit that is %(current)s cannot become %(target)s.") % {
            "current": STATE_LABELS[current], "target": STATE_LABELS[target]
        }
    raise TransitionNotAllowed(message, current=current, target=target)


def visit_state(visit_status):
    """Return the visit part of the state: not scheduled (no visit or a cancelled one), scheduled or done."""
    if visit_status in (SCHEDULED, DONE):
        return visit_status
    return NOT_SCHEDULED


def missing_documents(document_kinds):
    """Return the required document kinds absent from ``document_kinds``, in the required order."""
    present = set(document_kinds)
    return [kind for kind in REQUIRED_DOCUMENT_KINDS if kind not in present]


def onsite_states(visit_status, document_kinds):
    """Return the state codes of one enterprise: its visit state, then ``documents_missing`` if it applies."""
    states = [visit_state(visit_status)]
    if missing_documents(document_kinds):
        states.append(DOCUMENTS_MISSING)
    return states


def is_complete(visit_status, document_kinds):
    """True when the visit is done and both documents are uploaded."""
    return visit_status == DONE and not missing_documents(document_kinds)


def needs_alert(*, effective_at, now, alert_hours, visit_status, document_kinds):
    """True when the measure starts within ``alert_hours`` of ``now`` (or has started) and the work is incomplete.

    A measure without an effective time never raises the alert.
    """
    if effective_at is None:
        return False
    if is_complete(visit_status, document_kinds):
        return False
    return effective_at <= now + dt.timedelta(hours=alert_hours)
