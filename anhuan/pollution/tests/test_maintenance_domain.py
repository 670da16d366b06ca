"""The pure state machine of maintenance requests: every allowed and forbidden status change."""

import datetime as dt

import pytest

from anhuan.core.errors import TransitionNotAllowed, ValidationFailed
from anhuan.pollution.domain import maintenance as machine
from anhuan.pollution.domain.maintenance import (
    Conclusion,
    DepartmentDecision,
    Outcome,
    Status,
    derive_status,
)
from anhuan.pollution.models import Decision

BOTH = ["emergency", "environment"]
NOW = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.timezone.utc)


def decided(decision, outcome=Outcome.PENDING):
    return DepartmentDecision(decision, outcome)


ALLOWED = [(current, new) for current, targets in machine.TRANSITIONS.items() for new in targets]
FORBIDDEN = [
    (current, new)
    for current in Status.values
    for new in Status.values
    if new != current and new not in machine.TRANSITIONS.get(current, set())
]


@pytest.mark.parametrize(("current", "new"), ALLOWED)
def test_allowed_transition_passes(current, new):
    machine.check_transition(current, new)


@pytest.mark.parametrize(("current", "new"), FORBIDDEN)
def test_forbidden_transition_rejected(current, new):
    with pytest.raises(TransitionNotAllowed) as raised:
        machine.check_transition(current, new)
    assert str(Status(current).label) in str(raised.value.message)


def test_final_states_have_no_exit():
    for status in machine.FINAL_STATES:
        assert status not in machine.TRANSITIONS


def test_no_decision_stays_submitted():
    assert derive_status({}, BOTH) == Status.SUBMITTED


def test_one_approval_stays_submitted():
    assert derive_status({"emergency": decided(Decision.APPROVE_ON_DOCUMENTS)}, BOTH) == Status.SUBMITTED


def test_both_approvals_approve():
    decisions = {department: decided(Decision.APPROVE_ON_DOCUMENTS) for department in BOTH}
    assert derive_status(decisions, BOTH) == Status.APPROVED


def test_either_reject_rejects():
    decisions = {"emergency": decided(Decision.APPROVE_ON_DOCUMENTS), "environment": decided(Decision.REJECT)}
    assert derive_status(decisions, BOTH) == Status.REJECTED


def test_pending_verification_is_verifying():
    assert derive_status({"emergency": decided(Decision.VERIFY_BY_STAFF)}, BOTH) == Status.VERIFYING


def test_pending_guidance_is_verifying():
    assert derive_status({"environment": decided(Decision.GUIDE_ONSITE)}, BOTH) == Status.VERIFYING


def test_passed_verification_alone_waits():
    decisions = {"emergency": decided(Decision.VERIFY_BY_STAFF, Outcome.PASSED)}
    assert derive_status(decisions, BOTH) == Status.SUBMITTED


def test_passed_verification_and_approval_approve():
    decisions = {
        "emergency": decided(Decision.VERIFY_BY_STAFF, Outcome.PASSED),
        "environment": decided(Decision.APPROVE_ON_DOCUMENTS),
    }
    assert derive_status(decisions, BOTH) == Status.APPROVED


def test_failed_verification_rejects():
    decisions = {
        "emergency": decided(Decision.GUIDE_ONSITE, Outcome.FAILED),
        "environment": decided(Decision.APPROVE_ON_DOCUMENTS),
    }
    assert derive_status(decisions, BOTH) == Status.REJECTED


def test_referral_starts_expert_review():
    assert derive_status({"emergency": decided(Decision.EXPERT_REVIEW)}, BOTH) == Status.EXPERT_REVIEW


def test_referral_outranks_pending_verification():
    decisions = {"emergency": decided(Decision.EXPERT_REVIEW), "environment": decided(Decision.VERIFY_BY_STAFF)}
    assert derive_status(decisions, BOTH) == Status.EXPERT_REVIEW


def test_reject_outranks_referral():
    decisions = {"emergency": decided(Decision.EXPERT_REVIEW), "environment": decided(Decision.REJECT)}
    assert derive_status(decisions, BOTH) == Status.REJECTED


def test_confirmed_approving_review_approves():
    decisions = {"emergency": decided(Decision.EXPERT_REVIEW)}
    assert derive_status(decisions, BOTH, Conclusion.APPROVE_WITH_CONDITIONS) == Status.APPROVED


def test_confirmed_rejecting_review_rejects():
    decisions = {"emergency": decided(Decision.EXPERT_REVIEW)}
    assert derive_status(decisions, BOTH, Conclusion.REJECT) == Status.REJECTED


def test_approving_review_waits_for_verification():
    decisions = {"emergency": decided(Decision.EXPERT_REVIEW), "environment": decided(Decision.VERIFY_BY_STAFF)}
    assert derive_status(decisions, BOTH, Conclusion.APPROVE) == Status.VERIFYING


def test_draft_editable_only():
    machine.check_editable(Status.DRAFT)
    for status in Status.values:
        if status != Status.DRAFT:
            with pytest.raises(TransitionNotAllowed):
                machine.check_editable(status)


def test_submit_only_from_draft():
    machine.check_submittable(Status.DRAFT)
    with pytest.raises(TransitionNotAllowed):
        machine.check_submittable(Status.SUBMITTED)


def test_withdraw_rejected_after_final():
    for status in machine.FINAL_STATES:
        with pytest.raises(TransitionNotAllowed):
            machine.check_withdrawable(status)


def test_withdraw_allowed_while_open():
    for status in (Status.DRAFT, *machine.OPEN_STATES):
        machine.check_withdrawable(status)


def test_window_end_before_start_rejected():
    with pytest.raises(ValidationFailed) as raised:
        machine.validate_window(NOW + dt.timedelta(hours=5), NOW + dt.timedelta(hours=2), NOW)
    assert raised.value.fields == {"field": "planned_end"}


def test_window_start_in_past_rejected():
    with pytest.raises(ValidationFailed) as raised:
        machine.validate_window(NOW - dt.timedelta(hours=1), NOW + dt.timedelta(hours=2), NOW)
    assert raised.value.fields == {"field": "planned_start"}


def test_window_in_future_accepted():
    machine.validate_window(NOW + dt.timedelta(hours=1), NOW + dt.timedelta(hours=2), NOW)


def test_work_types_required():
    with pytest.raises(ValidationFailed):
        machine.validate_work_types([], ["hot_work"])


def test_unknown_work_type_rejected():
    with pytest.raises(ValidationFailed):
        machine.validate_work_types(["welding"], ["hot_work"])


def test_deciding_twice_rejected():
    with pytest.raises(TransitionNotAllowed):
        machine.check_decidable(Status.SUBMITTED, "emergency", {"emergency": decided(Decision.VERIFY_BY_STAFF)})


def test_deciding_after_final_rejected():
    for status in machine.FINAL_STATES:
        with pytest.raises(TransitionNotAllowed):
            machine.check_decidable(status, "emergency", {})


def test_deciding_draft_rejected():
    with pytest.raises(TransitionNotAllowed):
        machine.check_decidable(Status.DRAFT, "emergency", {})


def test_deciding_open_request_allowed():
    for status in machine.OPEN_STATES:
        machine.check_decidable(status, "environment", {"emergency": decided(Decision.EXPERT_REVIEW)})


def test_outcome_without_visit_rejected():
    with pytest.raises(TransitionNotAllowed):
        machine.check_outcome_recordable(Status.SUBMITTED, decided(Decision.APPROVE_ON_DOCUMENTS))


def test_outcome_without_decision_rejected():
    with pytest.raises(TransitionNotAllowed):
        machine.check_outcome_recordable(Status.SUBMITTED, None)


def test_outcome_twice_rejected():
    with pytest.raises(TransitionNotAllowed):
        machine.check_outcome_recordable(Status.SUBMITTED, decided(Decision.VERIFY_BY_STAFF, Outcome.PASSED))


def test_outcome_after_final_rejected():
    with pytest.raises(TransitionNotAllowed):
        machine.check_outcome_recordable(Status.REJECTED, decided(Decision.VERIFY_BY_STAFF))


def test_outcome_pending_visit_allowed():
    machine.check_outcome_recordable(Status.VERIFYING, decided(Decision.GUIDE_ONSITE))


def test_outcome_value_must_be_final():
    with pytest.raises(ValidationFailed):
        machine.check_outcome_value(Outcome.PENDING)


def test_review_without_referral_rejected():
    with pytest.raises(TransitionNotAllowed):
        machine.check_review_organisable(Status.VERIFYING, {"emergency": decided(Decision.VERIFY_BY_STAFF)}, False)


def test_second_review_rejected():
    with pytest.raises(TransitionNotAllowed):
        machine.check_review_organisable(Status.EXPERT_REVIEW, {"emergency": decided(Decision.EXPERT_REVIEW)}, True)


def test_review_after_final_rejected():
    with pytest.raises(TransitionNotAllowed):
        machine.check_review_organisable(Status.REJECTED, {"emergency": decided(Decision.EXPERT_REVIEW)}, False)


def test_review_after_referral_allowed():
    machine.check_review_organisable(Status.EXPERT_REVIEW, {"emergency": decided(Decision.EXPERT_REVIEW)}, False)


def test_one_expert_too_few():
    with pytest.raises(ValidationFailed):
        machine.check_expert_count(1)


def test_two_experts_enough():
    machine.check_expert_count(2)


def test_conclusion_needs_every_opinion():
    with pytest.raises(TransitionNotAllowed):
        machine.check_concludable([1, 2], [1])


def test_conclusion_twice_rejected():
    with pytest.raises(TransitionNotAllowed):
        machine.check_review_open(Status.EXPERT_REVIEW, True)


def test_confirm_without_conclusion_rejected():
    with pytest.raises(TransitionNotAllowed):
        machine.check_confirmable(Status.EXPERT_REVIEW, False, "emergency", set())


def test_confirm_twice_rejected():
    with pytest.raises(TransitionNotAllowed):
        machine.check_confirmable(Status.EXPERT_REVIEW, True, "emergency", {"emergency"})


def test_confirm_after_final_rejected():
    with pytest.raises(TransitionNotAllowed):
        machine.check_confirmable(Status.APPROVED, True, "emergency", set())
