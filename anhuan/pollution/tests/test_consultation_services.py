"""Consultation actions: who may record opinions, write conclusions and confirm, and what confirming does."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from anhuan.core.errors import NotPermitted, OutOfScope, TransitionNotAllowed, ValidationFailed
from anhuan.core.models import AuditEntry
from anhuan.pollution.models import Confirmation, Consultation, Opinion, ReductionPlan
from anhuan.pollution.services.consultations import (
    confirm_plan,
    record_opinion,
    update_conclusion,
)
from anhuan.pollution.tests.consultation_fixtures import (  # noqa: F401
    REGION_A,
    REGION_B,
    city_event,
    county_a_event,
    enterprise_contact,
    make_event,
    write_conclusion,
)


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English whatever the catalog holds.
    with translation.override("en"):
        yield


def confirmed_by_both(event, personas):
    consultation = write_conclusion(event.consultation)
    confirm_plan(consultation, actor=personas["city_em_leader"])
    confirm_plan(consultation, actor=personas["city_ee_leader"])
    consultation.refresh_from_db()
    return consultation


# --- record_opinion -------------------------------------------------------------------------


def test_opinion_stores_department_and_agency(city_event, personas):
    opinion = record_opinion(city_event.consultation, actor=personas["city_em_officer"], text="  停产前完成安全评估。 ")
    assert opinion.department == "emergency"
    assert opinion.agency_name == "邢台市应急管理局"
    assert opinion.text == "停产前完成安全评估。"


def test_opinion_writes_audit_entry(city_event, personas):
    opinion = record_opinion(city_event.consultation, actor=personas["city_ee_officer"], text="同意。")
    entry = AuditEntry.objects.get(action="consultation.opinion")
    assert entry.actor == personas["city_ee_officer"]
    assert entry.object_id == str(city_event.consultation.pk)
    assert entry.data["opinion_id"] == opinion.pk


def test_county_officer_opines_on_city_warning(city_event, personas):
    opinion = record_opinion(city_event.consultation, actor=personas["county_b_em_officer"], text="沙河市同意。")
    assert opinion.agency_name == "沙河市应急管理局"


def test_leader_may_record_opinion(city_event, personas):
    opinion = record_opinion(city_event.consultation, actor=personas["city_ee_leader"], text="同意。")
    assert opinion.author == personas["city_ee_leader"]


def test_county_officer_opines_on_own_region(county_a_event, personas):
    opinion = record_opinion(county_a_event.consultation, actor=personas["county_a_ee_officer"], text="同意。")
    assert opinion.agency_name == "邢台市生态环境局信都区分局"


def test_other_county_cannot_opine(county_a_event, personas):
    with pytest.raises(OutOfScope):
        record_opinion(county_a_event.consultation, actor=personas["county_b_em_officer"], text="同意。")
    assert not Opinion.objects.exists()


def test_expert_cannot_record_opinion(city_event, personas):
    with pytest.raises(NotPermitted) as caught:
        record_opinion(city_event.consultation, actor=personas["city_expert"], text="同意。")
    assert str(caught.value.message) == "Only officers and leaders may record a consultation opinion."


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_administrator_cannot_record_opinion(city_event, personas, persona):
    with pytest.raises(OutOfScope):
        record_opinion(city_event.consultation, actor=personas[persona], text="同意。")


def test_enterprise_contact_cannot_record_opinion(city_event, enterprise_contact):
    with pytest.raises(OutOfScope):
        record_opinion(city_event.consultation, actor=enterprise_contact, text="同意。")


def test_empty_opinion_is_rejected(city_event, personas):
    with pytest.raises(ValidationFailed) as caught:
        record_opinion(city_event.consultation, actor=personas["city_em_officer"], text="   ")
    assert str(caught.value.message) == "The opinion is empty; write it before saving."


def test_opinion_rejected_after_confirmation(city_event, personas):
    consultation = confirmed_by_both(city_event, personas)
    with pytest.raises(TransitionNotAllowed) as caught:
        record_opinion(consultation, actor=personas["city_em_officer"], text="补充意见。")
    assert "can no longer change" in str(caught.value.message)
    assert not Opinion.objects.exists()


# --- update_conclusion ----------------------------------------------------------------------


def test_conclusion_sets_all_fields(city_event, personas):
    held_at = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    update_conclusion(
        city_event.consultation,
        actor=personas["city_ee_officer"],
        conclusion="同意方案。",
        held_at=held_at,
        attendees="张三、李四",
        document_number="邢环〔2026〕12号",
    )
    consultation = Consultation.objects.get(pk=city_event.consultation.pk)
    assert consultation.conclusion == "同意方案。"
    assert consultation.held_at == held_at
    assert consultation.attendees == "张三、李四"
    assert consultation.document_number == "邢环〔2026〕12号"


def test_conclusion_audit_records_changes(city_event, personas):
    update_conclusion(city_event.consultation, actor=personas["city_em_officer"], conclusion="同意方案。")
    entry = AuditEntry.objects.get(action="consultation.conclusion")
    assert entry.changes["conclusion"] == ["", "同意方案。"]


def test_county_officer_concludes_city_warning(city_event, personas):
    consultation = update_conclusion(city_event.consultation, actor=personas["county_a_em_officer"], conclusion="同意。")
    assert consultation.conclusion == "同意。"


def test_other_county_cannot_conclude(county_a_event, personas):
    with pytest.raises(OutOfScope):
        update_conclusion(county_a_event.consultation, actor=personas["county_b_ee_officer"], conclusion="同意。")


def test_expert_cannot_write_conclusions(city_event, personas):
    with pytest.raises(NotPermitted) as caught:
        update_conclusion(city_event.consultation, actor=personas["city_expert"], conclusion="同意。")
    assert str(caught.value.message) == "Only officers and leaders may write the consultation's conclusions."


def test_empty_conclusion_is_rejected(city_event, personas):
    with pytest.raises(ValidationFailed) as caught:
        update_conclusion(city_event.consultation, actor=personas["city_em_officer"], conclusion=" ")
    assert str(caught.value.message) == "The conclusions are empty; write them before saving."


@pytest.mark.parametrize(
    ("number", "hint"),
    [
        ("邢环【2026】12号", "hexagonal brackets"),
        ("邢环[2026]12号", "hexagonal brackets"),
        ("邢环〔2026〕012号", "leading zeros"),
        ("邢环〔2026〕第12号", "without 第"),
        ("邢环2026-12", "not in the form"),
    ],
)
def test_malformed_minutes_number_is_rejected(city_event, personas, number, hint):
    with pytest.raises(ValidationFailed) as caught:
        update_conclusion(
            city_event.consultation, actor=personas["city_em_officer"], conclusion="同意。", document_number=number
        )
    assert hint in str(caught.value.message)
    assert Consultation.objects.get(pk=city_event.consultation.pk).conclusion == ""


def test_conclusion_rejected_after_confirmation(city_event, personas):
    consultation = confirmed_by_both(city_event, personas)
    with pytest.raises(TransitionNotAllowed):
        update_conclusion(consultation, actor=personas["city_ee_officer"], conclusion="改写结论。")
    consultation.refresh_from_db()
    assert consultation.conclusion != "改写结论。"


# --- confirm_plan ---------------------------------------------------------------------------


def test_officer_cannot_confirm(city_event, personas):
    write_conclusion(city_event.consultation)
    with pytest.raises(NotPermitted) as caught:
        confirm_plan(city_event.consultation, actor=personas["city_em_officer"])
    assert str(caught.value.message) == "Only a leader may confirm the reduction plan."


def test_county_leader_cannot_confirm_city_warning(city_event, personas):
    write_conclusion(city_event.consultation)
    with pytest.raises(NotPermitted) as caught:
        confirm_plan(city_event.consultation, actor=personas["county_a_em_leader"])
    assert str(caught.value.message) == (
        "The warning covers the whole city, so only a city-level leader may confirm its plan."
    )


def test_county_leader_confirms_own_county_warning(county_a_event, personas):
    write_conclusion(county_a_event.consultation)
    confirmation = confirm_plan(county_a_event.consultation, actor=personas["county_a_ee_leader"])
    assert confirmation.agency_name == "邢台市生态环境局信都区分局"


def test_city_leader_confirms_county_warning(county_a_event, personas):
    write_conclusion(county_a_event.consultation)
    confirmation = confirm_plan(county_a_event.consultation, actor=personas["city_em_leader"])
    assert confirmation.department == "emergency"


def test_county_leader_cannot_confirm_two_county_warning(db, personas):
    event = make_event(region_codes=[REGION_A, REGION_B])
    write_conclusion(event.consultation)
    with pytest.raises(NotPermitted) as caught:
        confirm_plan(event.consultation, actor=personas["county_a_em_leader"])
    assert "信都区、沙河市" in str(caught.value.message)


def test_confirm_requires_conclusion(city_event, personas):
    with pytest.raises(TransitionNotAllowed) as caught:
        confirm_plan(city_event.consultation, actor=personas["city_em_leader"])
    assert str(caught.value.message) == "Write the consultation's conclusions before confirming the plan."
    assert not Confirmation.objects.exists()


def test_department_confirms_only_once(city_event, personas):
    consultation = write_conclusion(city_event.consultation)
    confirm_plan(consultation, actor=personas["city_em_leader"])
    with pytest.raises(TransitionNotAllowed) as caught:
        confirm_plan(consultation, actor=personas["city_em_leader"])
    assert "邢台市应急管理局 already confirmed the plan" in str(caught.value.message)
    assert "each department confirms once" in str(caught.value.message)
    assert Confirmation.objects.count() == 1


def test_second_leader_same_department_rejected(county_a_event, personas):
    consultation = write_conclusion(county_a_event.consultation)
    confirm_plan(consultation, actor=personas["county_a_em_leader"])
    with pytest.raises(TransitionNotAllowed):
        confirm_plan(consultation, actor=personas["city_em_leader"])


def test_one_confirmation_keeps_consultation_open(city_event, personas):
    consultation = write_conclusion(city_event.consultation)
    confirm_plan(consultation, actor=personas["city_em_leader"])
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN
    assert consultation.confirmed_at is None
    assert ReductionPlan.objects.get(event=city_event).frozen is False


def test_both_confirmations_confirm_and_freeze(city_event, personas):
    before = timezone.now()
    consultation = confirmed_by_both(city_event, personas)
    assert consultation.status == Consultation.Status.CONFIRMED
    assert consultation.confirmed_at >= before
    assert ReductionPlan.objects.get(event=city_event).frozen is True


def test_confirmations_write_audit_entries(city_event, personas):
    confirmed_by_both(city_event, personas)
    entries = list(AuditEntry.objects.filter(action="consultation.confirm").order_by("id"))
    assert [entry.data["department"] for entry in entries] == ["emergency", "environment"]
    assert entries[0].changes == {}
    assert entries[1].changes["status"] == ["open", "confirmed"]
    assert entries[1].changes["plan_frozen"] == [False, True]


def test_confirm_after_completion_rejected(city_event, personas):
    consultation = confirmed_by_both(city_event, personas)
    with pytest.raises(TransitionNotAllowed):
        confirm_plan(consultation, actor=personas["city_ee_leader"])


def test_other_county_leader_out_of_scope(county_a_event, personas, django_user_model):
    from conftest import make_user

    leader_b = make_user("county_b_em_leader", "emergency", REGION_B, role="leader")
    write_conclusion(county_a_event.consultation)
    with pytest.raises(OutOfScope):
        confirm_plan(county_a_event.consultation, actor=leader_b)
