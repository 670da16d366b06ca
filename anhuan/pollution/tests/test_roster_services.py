"""Roster services: saving and submitting, confirming, returning, spot checks, audit and notifications."""

import datetime as dt

import pytest
from django.utils import timezone

from anhuan.core.errors import NotPermitted, OutOfScope, TransitionNotAllowed, ValidationFailed
from anhuan.core.models import AuditEntry, Notification
from anhuan.pollution.models import DutyRoster, DutyShift, SpotCheck
from anhuan.pollution.services import rosters as service
from anhuan.pollution.tests.test_roster_fixtures import day_shifts, world  # noqa: F401


def submitted(world):
    return service.save_roster(world.warning.pk, world.shifts, actor=world.chemical_contact, submit=True)


def test_contact_submits_valid_roster(world):
    roster = submitted(world)
    assert roster.status == DutyRoster.Status.SUBMITTED
    assert roster.shifts.count() == 3
    assert roster.submitted_by == world.chemical_contact


def test_draft_keeps_incomplete_rows(world):
    shifts = day_shifts(world.warning.starts_at, hours=(4,), leader_name="", person_phone="12")
    roster = service.save_roster(world.warning.pk, shifts, actor=world.chemical_contact)
    assert roster.status == DutyRoster.Status.DRAFT
    assert roster.shifts.get().leader_name == ""


def test_draft_needs_shift_times(world):
    shifts = [world.shifts[0].__class__(None, world.shifts[0].ends_at)]
    with pytest.raises(ValidationFailed):
        service.save_roster(world.warning.pk, shifts, actor=world.chemical_contact)
    assert not DutyRoster.objects.exists()


def test_invalid_submission_writes_nothing(world):
    service.save_roster(world.warning.pk, world.shifts[:1], actor=world.chemical_contact)
    with pytest.raises(ValidationFailed) as caught:
        service.save_roster(world.warning.pk, world.shifts[:2], actor=world.chemical_contact, submit=True)
    assert [error.code for error in caught.value.fields["errors"]] == ["coverage"]
    roster = DutyRoster.objects.get()
    assert roster.status == DutyRoster.Status.DRAFT
    assert roster.shifts.count() == 1


def test_submitted_roster_cannot_be_edited(world):
    submitted(world)
    with pytest.raises(TransitionNotAllowed):
        service.save_roster(world.warning.pk, world.shifts, actor=world.chemical_contact)


def test_staff_cannot_fill_roster(world, personas):
    with pytest.raises(NotPermitted):
        service.save_roster(world.warning.pk, world.shifts, actor=personas["county_a_em_officer"])


def test_contact_without_plan_item_rejected(world):
    with pytest.raises(OutOfScope):
        service.save_roster(world.warning.pk, world.shifts, actor=world.outsider_contact)


def test_lifted_warning_rejects_changes(world):
    world.warning.status = "lifted"
    world.warning.save()
    with pytest.raises(TransitionNotAllowed):
        submitted(world)


def test_officer_confirms_submitted_roster(world, personas):
    roster = service.confirm_roster(submitted(world), actor=personas["county_a_ee_officer"])
    assert roster.status == DutyRoster.Status.CONFIRMED
    assert roster.confirmed_by == personas["county_a_ee_officer"]


def test_city_leader_confirms_roster(world, personas):
    roster = service.confirm_roster(submitted(world), actor=personas["city_em_leader"])
    assert roster.status == DutyRoster.Status.CONFIRMED


def test_confirming_draft_rejected(world, personas):
    roster = service.save_roster(world.warning.pk, world.shifts, actor=world.chemical_contact)
    with pytest.raises(TransitionNotAllowed):
        service.confirm_roster(roster, actor=personas["county_a_em_officer"])


def test_confirmed_roster_is_final(world, personas):
    roster = service.confirm_roster(submitted(world), actor=personas["county_a_em_officer"])
    with pytest.raises(TransitionNotAllowed):
        service.return_roster(roster, "重新填写", actor=personas["county_a_em_officer"])
    with pytest.raises(TransitionNotAllowed):
        service.save_roster(world.warning.pk, world.shifts, actor=world.chemical_contact, submit=True)


def test_other_county_cannot_confirm(world, personas):
    with pytest.raises(OutOfScope):
        service.confirm_roster(submitted(world), actor=personas["county_b_em_officer"])


def test_expert_cannot_confirm(world, personas):
    with pytest.raises(NotPermitted):
        service.confirm_roster(submitted(world), actor=personas["city_expert"])


def test_return_then_resubmit(world, personas):
    roster = service.return_roster(submitted(world), "缺少夜班领导", actor=personas["county_a_em_officer"])
    assert roster.status == DutyRoster.Status.RETURNED
    assert roster.return_reason == "缺少夜班领导"
    roster = service.save_roster(world.warning.pk, world.shifts, actor=world.chemical_contact, submit=True)
    assert roster.status == DutyRoster.Status.SUBMITTED
    assert roster.return_reason == ""


def test_return_needs_reason(world, personas):
    with pytest.raises(ValidationFailed):
        service.return_roster(submitted(world), "  ", actor=personas["county_a_em_officer"])


def test_returning_returned_roster_rejected(world, personas):
    roster = service.return_roster(submitted(world), "缺少电话", actor=personas["county_a_em_officer"])
    with pytest.raises(TransitionNotAllowed):
        service.return_roster(roster, "再次退回", actor=personas["county_a_em_officer"])


def test_every_change_is_audited(world, personas):
    roster = service.save_roster(world.warning.pk, world.shifts, actor=world.chemical_contact)
    roster = service.save_roster(world.warning.pk, world.shifts, actor=world.chemical_contact, submit=True)
    roster = service.return_roster(roster, "缺少电话", actor=personas["county_a_em_officer"])
    roster = service.save_roster(world.warning.pk, world.shifts, actor=world.chemical_contact, submit=True)
    roster = service.confirm_roster(roster, actor=personas["county_a_ee_officer"])
    service.record_spot_check(roster, actor=personas["county_a_ee_officer"], phone="13800138000", answered=True)
    actions = list(AuditEntry.objects.filter(object_id=str(roster.pk)).order_by("id").values_list("action", flat=True))
    assert actions == ["roster.save", "roster.submit", "roster.return", "roster.submit", "roster.confirm",
                       "roster.spot_check"]


def test_draft_audit_records_shifts(world):
    service.save_roster(world.warning.pk, world.shifts, actor=world.chemical_contact)
    entry = AuditEntry.objects.get(action="roster.save")
    assert len(entry.changes["shifts"][1]) == 3


def test_spot_check_on_draft_rejected(world, personas):
    roster = service.save_roster(world.warning.pk, world.shifts, actor=world.chemical_contact)
    with pytest.raises(TransitionNotAllowed):
        service.record_spot_check(roster, actor=personas["county_a_em_officer"], phone="13800138000", answered=True)


def test_spot_check_bad_number_rejected(world, personas):
    with pytest.raises(ValidationFailed):
        service.record_spot_check(submitted(world), actor=personas["county_a_em_officer"], phone="123", answered=True)
    assert not SpotCheck.objects.exists()


def test_spot_check_in_future_rejected(world, personas):
    with pytest.raises(ValidationFailed):
        service.record_spot_check(
            submitted(world), actor=personas["county_a_em_officer"], phone="13800138000", answered=True,
            checked_at=timezone.now() + dt.timedelta(hours=1),
        )


def test_unanswered_check_notifies_county_leaders(world, personas):
    roster = submitted(world)
    service.record_spot_check(roster, actor=personas["county_a_em_officer"], phone="13800138000", answered=False)
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"county_a_ee_leader", "county_a_em_leader"}


def test_unanswered_checks_share_digest(world, personas):
    roster = submitted(world)
    for _attempt in range(2):
        service.record_spot_check(roster, actor=personas["county_a_em_officer"], phone="13800138000", answered=False)
    notification = Notification.objects.get(recipient=personas["county_a_em_leader"])
    assert notification.count == 2


def test_answered_check_notifies_nobody(world, personas):
    service.record_spot_check(
        submitted(world), actor=personas["county_a_em_officer"], phone="13800138000", answered=True, answered_by="张值班",
    )
    assert not Notification.objects.exists()


def test_resubmission_replaces_shifts(world, personas):
    roster = service.return_roster(submitted(world), "调整班次", actor=personas["county_a_em_officer"])
    shifts = day_shifts(world.warning.starts_at, hours=(12, 12))
    service.save_roster(world.warning.pk, shifts, actor=world.chemical_contact, submit=True)
    assert DutyShift.objects.filter(roster=roster).count() == 2
