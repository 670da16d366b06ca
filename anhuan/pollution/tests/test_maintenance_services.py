"""Maintenance request actions: drafting, submitting, decisions, verification, expert review, audit."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from anhuan.core import policy
from anhuan.core.errors import NotPermitted, OutOfScope, TransitionNotAllowed, ValidationFailed
from anhuan.core.models import AuditEntry
from anhuan.experts.services import ExpertNotIndependent
from anhuan.pollution.models import MaintenanceRequest, PollutionWarning
from anhuan.pollution.services import maintenance as services
from anhuan.pollution.tests.test_maintenance_support import *  # noqa: F401,F403
from anhuan.pollution.tests.test_maintenance_support import request_fields
from anhuan.pollution.todo_maintenance import DECISION_HOURS, EXPERT_REVIEW_HOURS, VERIFICATION_HOURS

Status = MaintenanceRequest.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def refer(request, personas):
    services.record_decision(request, actor=personas["county_a_em_officer"], decision="expert_review", opinion="情况复杂，提请市级论证。")
    return request


def organise(request, personas, experts):
    return services.organise_review(request, actor=personas["city_em_officer"], experts=[experts["wang"], experts["li"]])


def conclude(request, personas, experts, conclusion="approve_with_conditions"):
    for expert in (experts["wang"], experts["li"]):
        services.record_expert_opinion(request, actor=personas["city_ee_officer"], expert=expert,
                                       recommendation=conclusion, opinion="措施基本可行。")
    services.record_conclusion(request, actor=personas["city_em_officer"], conclusion=conclusion, text="同意，须全程监护。")


def test_draft_records_enterprise_and_warning(draft, plant):
    assert draft.enterprise == plant
    assert draft.warning == plant.warning
    assert draft.status == Status.DRAFT


def test_draft_is_audited(draft):
    assert AuditEntry.objects.filter(action="maintenance.create", object_id=str(draft.pk)).exists()


def test_draft_without_reduction_measure_rejected(contact, plant):
    PollutionWarning.objects.filter(pk=plant.warning.pk).update(status="lifted")
    with pytest.raises(ValidationFailed) as raised:
        services.create_draft(actor=contact, **request_fields())
    assert raised.value.fields == {}


def test_draft_by_staff_rejected(personas, plant):
    with pytest.raises(NotPermitted):
        services.create_draft(actor=personas["county_a_em_officer"], **request_fields())


def test_draft_window_end_before_start(contact):
    start = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed):
        services.create_draft(actor=contact, **request_fields(planned_start=start, planned_end=start - dt.timedelta(hours=1)))


def test_draft_blank_risk_analysis_rejected(contact):
    with pytest.raises(ValidationFailed) as raised:
        services.create_draft(actor=contact, **request_fields(risk_analysis="  "))
    assert raised.value.fields == {"field": "risk_analysis"}


def test_attachment_wrong_type_rejected(contact):
    upload = SimpleUploadedFile("run.exe", b"MZ")
    with pytest.raises(ValidationFailed):
        services.create_draft(actor=contact, attachments=[upload], **request_fields())
    assert not MaintenanceRequest.objects.exists()


def test_attachment_too_large_rejected(contact):
    upload = SimpleUploadedFile("plan.pdf", b"0" * (services.MAX_ATTACHMENT_BYTES + 1))
    with pytest.raises(ValidationFailed):
        services.create_draft(actor=contact, attachments=[upload], **request_fields())


def test_attachment_saved_with_draft(contact):
    request = services.create_draft(actor=contact, attachments=[SimpleUploadedFile("方案.pdf", b"%PDF-1.4")], **request_fields())
    assert request.attachments.get().file_name == "方案.pdf"


def test_update_draft_changes_fields(draft, contact):
    services.update_draft(draft, actor=contact, unit="3号反应釜")
    draft.refresh_from_db()
    assert draft.unit == "3号反应釜"


def test_edit_after_submission_rejected(submitted, contact):
    with pytest.raises(TransitionNotAllowed) as raised:
        services.update_draft(submitted, actor=contact, unit="3号反应釜")
    assert raised.value.message == _("The request is %(status)s; only a draft can be changed.") % {"status": Status.SUBMITTED.label}


def test_other_contact_cannot_edit(draft, other_contact):
    with pytest.raises(OutOfScope):
        services.update_draft(draft, actor=other_contact, unit="3号反应釜")


def test_submit_sets_deadline(draft, contact):
    now = timezone.now()
    services.submit_request(draft, actor=contact, now=now)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.due_at == now + dt.timedelta(hours=24)


def test_submit_deadline_follows_policy(draft, contact):
    policy.set_value(DECISION_HOURS, 6, actor=contact)
    now = timezone.now()
    services.submit_request(draft, actor=contact, now=now)
    draft.refresh_from_db()
    assert draft.due_at == now + dt.timedelta(hours=6)


def test_submit_past_start_rejected(contact):
    past = timezone.now() - dt.timedelta(hours=1)
    request = services.create_draft(actor=contact, **request_fields(planned_start=past, planned_end=past + dt.timedelta(hours=4)))
    with pytest.raises(ValidationFailed) as raised:
        services.submit_request(request, actor=contact)
    assert raised.value.fields == {"field": "planned_start"}


def test_submit_after_warning_lifted_rejected(draft, contact, plant):
    PollutionWarning.objects.filter(pk=plant.warning.pk).update(status="lifted")
    with pytest.raises(ValidationFailed):
        services.submit_request(draft, actor=contact)


def test_submit_twice_rejected(submitted, contact):
    with pytest.raises(TransitionNotAllowed):
        services.submit_request(submitted, actor=contact)


def test_withdraw_before_decision(submitted, contact):
    services.withdraw_request(submitted, actor=contact)
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN
    assert submitted.due_at is None


def test_withdraw_after_approval_rejected(submitted, contact, personas):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="approve_on_documents", opinion="同意")
    services.record_decision(submitted, actor=personas["county_a_ee_officer"], decision="approve_on_documents", opinion="同意")
    with pytest.raises(TransitionNotAllowed):
        services.withdraw_request(submitted, actor=contact)


def test_both_approvals_approve_request(submitted, personas):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="approve_on_documents", opinion="同意")
    services.record_decision(submitted, actor=personas["county_a_ee_leader"], decision="approve_on_documents", opinion="同意")
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert submitted.decided_at is not None
    assert submitted.due_at is None


def test_one_reject_rejects_request(submitted, personas):
    services.record_decision(submitted, actor=personas["county_a_ee_officer"], decision="reject", opinion="措施不足")
    submitted.refresh_from_db()
    assert submitted.status == Status.REJECTED


def test_city_staff_may_decide(submitted, personas):
    services.record_decision(submitted, actor=personas["city_ee_officer"], decision="approve_on_documents", opinion="同意")
    assert submitted.decisions.get().agency == personas["city_ee_officer"].agency


def test_wrong_county_rejected(submitted, personas):
    with pytest.raises(NotPermitted) as raised:
        services.record_decision(submitted, actor=personas["county_b_em_officer"], decision="approve_on_documents", opinion="同意")
    assert "信都区" in str(raised.value.message)


def test_expert_role_cannot_decide(submitted, personas):
    with pytest.raises(NotPermitted):
        services.record_decision(submitted, actor=personas["city_expert"], decision="approve_on_documents", opinion="同意")


def test_deciding_twice_rejected(submitted, personas):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="verify_by_staff", opinion="核查")
    with pytest.raises(TransitionNotAllowed) as raised:
        services.record_decision(submitted, actor=personas["county_a_em_leader"], decision="approve_on_documents", opinion="同意")
    assert raised.value.message == _("Your department has already decided on this request.")


def test_deciding_draft_rejected(draft, personas):
    with pytest.raises(TransitionNotAllowed):
        services.record_decision(draft, actor=personas["county_a_em_officer"], decision="approve_on_documents", opinion="同意")


def test_deciding_after_final_rejected(submitted, personas):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="reject", opinion="不同意")
    with pytest.raises(TransitionNotAllowed):
        services.record_decision(submitted, actor=personas["county_a_ee_officer"], decision="approve_on_documents", opinion="同意")


def test_decision_needs_opinion(submitted, personas):
    with pytest.raises(ValidationFailed):
        services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="approve_on_documents", opinion=" ")


def test_verification_sets_verifying_deadline(submitted, personas):
    now = timezone.now()
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="verify_by_staff", opinion="核查", now=now)
    submitted.refresh_from_db()
    assert submitted.status == Status.VERIFYING
    assert submitted.due_at == now + dt.timedelta(hours=policy.get(VERIFICATION_HOURS))


def test_passed_verification_and_approval(submitted, personas):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="guide_onsite", opinion="现场指导")
    services.record_decision(submitted, actor=personas["county_a_ee_officer"], decision="approve_on_documents", opinion="同意")
    services.record_outcome(submitted, actor=personas["county_a_em_leader"], outcome="passed", note="措施落实")
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED


def test_failed_verification_rejects(submitted, personas):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="verify_by_staff", opinion="核查")
    services.record_outcome(submitted, actor=personas["county_a_em_officer"], outcome="failed", note="未置换")
    submitted.refresh_from_db()
    assert submitted.status == Status.REJECTED


def test_outcome_without_verification_rejected(submitted, personas):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="approve_on_documents", opinion="同意")
    with pytest.raises(TransitionNotAllowed):
        services.record_outcome(submitted, actor=personas["county_a_em_officer"], outcome="passed")


def test_outcome_of_other_department_rejected(submitted, personas):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="verify_by_staff", opinion="核查")
    with pytest.raises(TransitionNotAllowed):
        services.record_outcome(submitted, actor=personas["county_a_ee_officer"], outcome="passed")


def test_referral_starts_review_step(submitted, personas):
    now = timezone.now()
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="expert_review", opinion="提请论证", now=now)
    submitted.refresh_from_db()
    assert submitted.status == Status.EXPERT_REVIEW
    assert submitted.due_at == now + dt.timedelta(hours=policy.get(EXPERT_REVIEW_HOURS))


def test_review_without_referral_rejected(submitted, personas, experts):
    with pytest.raises(TransitionNotAllowed) as raised:
        organise(submitted, personas, experts)
    assert raised.value.message == _("No department has referred this request to a city expert review.")


def test_review_by_county_staff_rejected(submitted, personas, experts):
    refer(submitted, personas)
    with pytest.raises(NotPermitted):
        services.organise_review(submitted, actor=personas["county_a_ee_officer"], experts=[experts["wang"], experts["li"]])


def test_review_one_expert_rejected(submitted, personas, experts):
    refer(submitted, personas)
    with pytest.raises(ValidationFailed):
        services.organise_review(submitted, actor=personas["city_em_officer"], experts=[experts["wang"]])


def test_review_insider_expert_rejected(submitted, personas, experts):
    refer(submitted, personas)
    with pytest.raises(ExpertNotIndependent) as raised:
        services.organise_review(submitted, actor=personas["city_em_officer"], experts=[experts["wang"], experts["insider"]])
    assert "钱工" in str(raised.value.message)


def test_review_twice_rejected(submitted, personas, experts):
    refer(submitted, personas)
    organise(submitted, personas, experts)
    with pytest.raises(TransitionNotAllowed):
        organise(submitted, personas, experts)


def test_opinion_of_outsider_rejected(submitted, personas, experts):
    refer(submitted, personas)
    organise(submitted, personas, experts)
    with pytest.raises(ValidationFailed):
        services.record_expert_opinion(submitted, actor=personas["city_em_officer"], expert=experts["zhao"],
                                       recommendation="approve", opinion="可行")


def test_opinion_twice_rejected(submitted, personas, experts):
    refer(submitted, personas)
    organise(submitted, personas, experts)
    services.record_expert_opinion(submitted, actor=personas["city_em_officer"], expert=experts["wang"],
                                   recommendation="approve", opinion="可行")
    with pytest.raises(ValidationFailed):
        services.record_expert_opinion(submitted, actor=personas["city_em_officer"], expert=experts["wang"],
                                       recommendation="reject", opinion="不可行")


def test_conclusion_before_opinions_rejected(submitted, personas, experts):
    refer(submitted, personas)
    organise(submitted, personas, experts)
    with pytest.raises(TransitionNotAllowed):
        services.record_conclusion(submitted, actor=personas["city_em_officer"], conclusion="approve", text="同意")


def test_one_confirmation_keeps_review(submitted, personas, experts):
    refer(submitted, personas)
    organise(submitted, personas, experts)
    conclude(submitted, personas, experts)
    services.confirm_conclusion(submitted, actor=personas["city_em_leader"])
    submitted.refresh_from_db()
    assert submitted.status == Status.EXPERT_REVIEW


def test_both_confirmations_approve(submitted, personas, experts):
    refer(submitted, personas)
    organise(submitted, personas, experts)
    conclude(submitted, personas, experts)
    services.confirm_conclusion(submitted, actor=personas["city_em_leader"])
    services.confirm_conclusion(submitted, actor=personas["city_ee_leader"])
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED


def test_confirmed_reject_conclusion_rejects(submitted, personas, experts):
    refer(submitted, personas)
    organise(submitted, personas, experts)
    conclude(submitted, personas, experts, conclusion="reject")
    services.confirm_conclusion(submitted, actor=personas["city_em_leader"])
    services.confirm_conclusion(submitted, actor=personas["city_ee_leader"])
    submitted.refresh_from_db()
    assert submitted.status == Status.REJECTED


def test_confirm_twice_rejected(submitted, personas, experts):
    refer(submitted, personas)
    organise(submitted, personas, experts)
    conclude(submitted, personas, experts)
    services.confirm_conclusion(submitted, actor=personas["city_em_leader"])
    with pytest.raises(TransitionNotAllowed):
        services.confirm_conclusion(submitted, actor=personas["city_em_leader"])


def test_confirm_by_officer_rejected(submitted, personas, experts):
    refer(submitted, personas)
    organise(submitted, personas, experts)
    conclude(submitted, personas, experts)
    with pytest.raises(NotPermitted):
        services.confirm_conclusion(submitted, actor=personas["city_em_officer"])


def test_confirmations_are_audited(submitted, personas, experts):
    refer(submitted, personas)
    organise(submitted, personas, experts)
    conclude(submitted, personas, experts)
    services.confirm_conclusion(submitted, actor=personas["city_ee_leader"])
    review = services.review_of(submitted)
    assert set(services.confirmations_of(review)) == {"environment"}


def test_other_department_reject_during_review(submitted, personas, experts):
    refer(submitted, personas)
    services.record_decision(submitted, actor=personas["county_a_ee_officer"], decision="reject", opinion="不同意")
    submitted.refresh_from_db()
    assert submitted.status == Status.REJECTED


def test_status_change_is_audited(submitted, personas):
    services.record_decision(submitted, actor=personas["county_a_ee_officer"], decision="reject", opinion="不同意")
    entry = AuditEntry.objects.get(action="maintenance.status", object_id=str(submitted.pk))
    assert entry.changes == {"status": ["submitted", "rejected"]}


def test_overdue_days_round_up(submitted):
    now = submitted.due_at + dt.timedelta(days=1, hours=2)
    assert services.overdue_days(submitted, now) == 2


def test_not_overdue_before_due(submitted):
    assert services.overdue_days(submitted, submitted.due_at - dt.timedelta(minutes=1)) == 0


def test_renamed_program_rejected_as_attachment():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anhuan.core.errors import ValidationFailed
    from anhuan.pollution.services.maintenance import validate_attachment

    program = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationFailed):
        validate_attachment(program)


def test_deadline_never_after_planned_start(contact):
    now = timezone.now()
    start = now + dt.timedelta(hours=10)
    draft = services.create_draft(actor=contact, **request_fields(planned_start=start, planned_end=start + dt.timedelta(hours=4)))
    services.submit_request(draft, actor=contact, now=now)
    draft.refresh_from_db()
    # 24 decision hours would end after the work starts: the deadline is the start itself.
    assert draft.due_at == start
