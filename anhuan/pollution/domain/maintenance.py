"""The escalated-approval state machine of high-risk maintenance requests, without the database.

Both county departments of the enterprise's region record one decision each. The request's
status follows from those decisions and from the city expert review (``derive_status``):

* rejected as soon as either department rejects, a verification or on-site guidance fails,
  or a confirmed expert review concludes "reject";
* in expert review while either department has referred it and the review is not yet
  confirmed by both city departments;
* verifying while a department's verification or on-site guidance has no outcome yet;
* approved when every department has approved on the documents or passed its verification,
  or when the confirmed expert review approves (with or without conditions); the review's
  conclusion then stands for a department that has not decided;
* submitted (waiting for decisions) otherwise.

Every status change must appear in ``TRANSITIONS``; the ``check_*`` functions raise
``TransitionNotAllowed`` or ``ValidationFailed`` with the message the user sees.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from anhuan.core.errors import TransitionNotAllowed, ValidationFailed
from anhuan.pollution.models.maintenance import AgencyDecision, Decision, ExpertReview, MaintenanceRequest

Status = MaintenanceRequest.Status
Outcome = AgencyDecision.Outcome
Conclusion = ExpertReview.Conclusion

# The allowed status changes. A status not listed as a key has no way out.
TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.SUBMITTED: {Status.VERIFYING, Status.EXPERT_REVIEW, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
    # A passed verification while the other department has not decided returns to submitted.
    Status.VERIFYING: {Status.SUBMITTED, Status.EXPERT_REVIEW, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
    # An approving review waits for a department's pending verification.
    Status.EXPERT_REVIEW: {Status.VERIFYING, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
}
FINAL_STATES = frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN})
# States in which the agencies act and which carry a due time.
OPEN_STATES = frozenset({Status.SUBMITTED, Status.VERIFYING, Status.EXPERT_REVIEW})
# Decisions that send staff to the enterprise and wait for an outcome.
VISIT_DECISIONS = frozenset({Decision.VERIFY_BY_STAFF, Decision.GUIDE_ONSITE})
APPROVING_CONCLUSIONS = frozenset({Conclusion.APPROVE, Conclusion.APPROVE_WITH_CONDITIONS})
# A review needs more than one view; two experts is the smallest panel that allows a dissent.
MIN_REVIEW_EXPERTS = 2


@dataclass(frozen=True)
class DepartmentDecision:
    """The part of an ``AgencyDecision`` the state machine reads."""

    decision: str
    outcome: str = Outcome.PENDING


def is_final(status):
    return status in FINAL_STATES


def check_transition(current, new):
    """Raise TransitionNotAllowed unless ``current`` may change to ``new`` (staying is allowed)."""
    if new == current or new in TRANSITIONS.get(current, set()):
        return
    raise TransitionNotAllowed(
        _("A maintenance request cannot change from %(current)s to %(new)s.")
        % {"current": Status(current).label, "new": Status(new).label}
    )


def department_cleared(entry):
    """True if one department's decision lets the work go ahead."""
    if entry is None:
        return False
    if entry.decision == Decision.APPROVE_ON_DOCUMENTS:
        return True
    return entry.decision in VISIT_DECISIONS and entry.outcome == Outcome.PASSED


def derive_status(decisions, departments, review_conclusion=None):
    """Return the status that the decisions and the confirmed review conclusion give a submitted request.

    Args:
        decisions: {department: DepartmentDecision} for the departments that have decided.
        departments: every department that must decide.
        review_conclusion: the expert review's conclusion once both city departments confirmed it,
            else None.
    """
    entries = list(decisions.values())
    if any(entry.decision == Decision.REJECT or entry.outcome == Outcome.FAILED for entry in entries):
        return Status.REJECTED
    visit_pending = any(entry.decision in VISIT_DECISIONS and entry.outcome == Outcome.PENDING for entry in entries)
    if review_conclusion:
        if review_conclusion == Conclusion.REJECT:
            return Status.REJECTED
        return Status.VERIFYING if visit_pending else Status.APPROVED
    if any(entry.decision == Decision.EXPERT_REVIEW for entry in entries):
        return Status.EXPERT_REVIEW
    if visit_pending:
        return Status.VERIFYING
    if all(department_cleared(decisions.get(department)) for department in departments):
        return Status.APPROVED
    return Status.SUBMITTED


# --- Checks of the enterprise's actions --------------------------------------------------


def check_editable(status):
    """Raise unless the enterprise may still change the request (only a draft)."""
    if status != Status.DRAFT:
        raise TransitionNotAllowed(
            _("The request is %(status)s; only a draft can be changed.") % {"status": Status(status).label}
        )


def check_submittable(status):
    if status != Status.DRAFT:
        raise TransitionNotAllowed(
            _("The request is %(status)s; only a draft can be submitted.") % {"status": Status(status).label}
        )


def check_withdrawable(status):
    if is_final(status):
        raise TransitionNotAllowed(
            _("The request is already %(status)s and can no longer be withdrawn.") % {"status": Status(status).label}
        )


def validate_window(planned_start, planned_end, now):
    """Raise ValidationFailed unless the work window starts in the future and ends after it starts."""
    if planned_end <= planned_start:
        raise ValidationFailed(_("The planned end must be later than the planned start."), field="planned_end")
    if planned_start <= now:
        raise ValidationFailed(_("The planned start must be in the future when the request is submitted."),
                               field="planned_start")


def validate_work_types(work_types, allowed):
    if not work_types:
        raise ValidationFailed(_("Choose at least one work type."), field="work_types")
    unknown = [value for value in work_types if value not in allowed]
    if unknown:
        raise ValidationFailed(_("Unknown work type: %(value)s.") % {"value": "、".join(unknown)}, field="work_types")


# --- Checks of the agencies' actions -----------------------------------------------------


def check_decidable(status, department, decisions):
    """Raise unless ``department`` may still record its one decision."""
    if status == Status.DRAFT:
        raise TransitionNotAllowed(_("The request has not been submitted yet."))
    if is_final(status):
        raise TransitionNotAllowed(
            _("The request is already %(status)s; no further decision can be recorded.") % {"status": Status(status).label}
        )
    if department in decisions:
        raise TransitionNotAllowed(_("Your department has already decided on this request."))


def check_outcome_recordable(status, entry):
    """Raise unless a verification or on-site guidance outcome may be recorded for ``entry``."""
    if is_final(status):
        raise TransitionNotAllowed(
            _("The request is already %(status)s; no outcome can be recorded.") % {"status": Status(status).label}
        )
    if entry is None or entry.decision not in VISIT_DECISIONS:
        raise TransitionNotAllowed(
            _("Your department did not decide to verify or guide on site, so there is no outcome to record.")
        )
    if entry.outcome != Outcome.PENDING:
        raise TransitionNotAllowed(_("The outcome of your department's verification is already recorded."))


def check_outcome_value(outcome):
    if outcome not in (Outcome.PASSED, Outcome.FAILED):
        raise ValidationFailed(_("The outcome must be passed or failed."), field="outcome")


def check_review_organisable(status, decisions, review_exists):
    """Raise unless a city expert review may be organised now."""
    if not any(entry.decision == Decision.EXPERT_REVIEW for entry in decisions.values()):
        raise TransitionNotAllowed(_("No department has referred this request to a city expert review."))
    if status != Status.EXPERT_REVIEW:
        raise TransitionNotAllowed(
            _("The request is %(status)s; an expert review can only be organised during the expert review step.")
            % {"status": Status(status).label}
        )
    if review_exists:
        raise TransitionNotAllowed(_("An expert review has already been organised for this request."))


def check_expert_count(count):
    if count < MIN_REVIEW_EXPERTS:
        raise ValidationFailed(
            _("Choose at least %(minimum)s experts for the review.") % {"minimum": MIN_REVIEW_EXPERTS}, field="experts"
        )


def check_review_open(status, concluded):
    """Raise unless opinions and the conclusion of the review may still be recorded."""
    if status != Status.EXPERT_REVIEW:
        raise TransitionNotAllowed(
            _("The request is %(status)s; the expert review is closed.") % {"status": Status(status).label}
        )
    if concluded:
        raise TransitionNotAllowed(_("The conclusion of the expert review is already recorded."))


def check_concludable(expert_ids, opinion_expert_ids):
    missing = set(expert_ids) - set(opinion_expert_ids)
    if missing:
        raise TransitionNotAllowed(
            _("Record the opinion of every expert before the conclusion; %(count)s opinions are missing.")
            % {"count": len(missing)}
        )


def check_confirmable(status, concluded, department, confirmed_departments):
    """Raise unless ``department``'s city agency may confirm the review conclusion."""
    if status != Status.EXPERT_REVIEW:
        raise TransitionNotAllowed(
            _("The request is %(status)s; the expert review is closed.") % {"status": Status(status).label}
        )
    if not concluded:
        raise TransitionNotAllowed(_("The expert review has no conclusion to confirm yet."))
    if department in confirmed_departments:
        raise TransitionNotAllowed(_("Your department has already confirmed the conclusion."))
