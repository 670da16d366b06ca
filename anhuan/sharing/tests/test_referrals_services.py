"""Sending referrals and every step on them through the services, with scope, audit and inbox."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from anhuan.core.errors import NotPermitted, OutOfScope, TransitionNotAllowed, ValidationFailed
from anhuan.core.models import AuditEntry, Notification
from anhuan.organizations.models import Department, Level
from anhuan.sharing.domain.referrals import Action
from anhuan.sharing.models import Referral, ReferralFile, ReferralStep
from anhuan.sharing.services import referrals as services
from anhuan.sharing.tests.test_referrals_support import *  # noqa: F401,F403
from anhuan.sharing.tests.test_referrals_support import REGION_A, REGION_B, agency, city_agency, make_referral, pdf

Status = Referral.Status
pytestmark = pytest.mark.django_db


def actions_of(referral):
    return list(referral.steps.values_list("action", flat=True))


def audit_actions(referral):
    return list(AuditEntry.objects.filter(object_id=str(referral.pk), action__startswith="referral.")
                .order_by("created_at", "id").values_list("action", flat=True))


def walk_to(referral, personas, status):
    """Move a referral from sent to ``status`` along the normal path."""
    ee, em = personas["county_a_ee_officer"], personas["county_a_em_officer"]
    path = {
        Status.ACKNOWLEDGED: [(em, Action.ACKNOWLEDGE, "")],
        Status.REPORTED: [(em, Action.ACKNOWLEDGE, ""), (em, Action.REPORT, "已责令停止作业。")],
        Status.RETURNED: [(em, Action.ACKNOWLEDGE, ""), (em, Action.REPORT, "已责令停止作业。"),
                          (ee, Action.RETURN, "未附整改照片。")],
        Status.CLOSED: [(em, Action.ACKNOWLEDGE, ""), (em, Action.REPORT, "已责令停止作业。"), (ee, Action.CLOSE, "")],
    }[status]
    for actor, action, comment in path:
        referral = services.act_on_referral(referral, actor=actor, action=action, comment=comment)
    return referral


# --- Sending -----------------------------------------------------------------------------------------


def test_send_sets_sender_from_actor(sent, personas):
    assert sent.sender == personas["county_a_ee_officer"].agency


def test_send_starts_in_sent_status(sent):
    assert sent.status == Status.SENT


def test_send_records_first_step(sent):
    assert actions_of(sent) == [Action.SEND]


def test_send_writes_audit_entry(sent):
    assert audit_actions(sent) == ["referral.send"]


def test_send_stores_file_with_digest(sent):
    stored = ReferralFile.objects.get(referral=sent)
    assert len(stored.sha256) == 64


def test_send_notifies_receiving_staff(sent, personas):
    recipients = set(Notification.objects.filter(kind="referral.received").values_list("recipient__username", flat=True))
    assert recipients == {"county_a_em_officer", "county_a_em_leader"}


def test_sends_of_one_day_form_digest(sent, personas, plant):
    make_referral(personas["county_a_ee_officer"], enterprise=plant, subject="第二件")
    notification = Notification.objects.get(kind="referral.received", recipient=personas["county_a_em_officer"])
    assert notification.count == 2


def test_city_may_refer_to_county(personas, plant, media_root):
    referral = make_referral(personas["city_ee_officer"], agency(Department.EMERGENCY, REGION_A), enterprise=plant)
    assert referral.receiver.level == Level.COUNTY


def test_city_may_refer_to_city(personas, plant, media_root):
    referral = make_referral(personas["city_ee_officer"], enterprise=plant)
    assert referral.receiver == city_agency(Department.EMERGENCY)


def test_receiver_choices_of_city_staff(personas):
    departments = set(services.receiver_choices(personas["city_ee_officer"]).values_list("department", flat=True))
    assert departments == {Department.EMERGENCY}


def test_receiver_choices_of_city_staff_include_counties(personas):
    levels = set(services.receiver_choices(personas["city_ee_officer"]).values_list("level", flat=True))
    assert levels == {Level.CITY, Level.COUNTY}


def test_receiver_choices_of_county_staff(personas):
    choices = list(services.receiver_choices(personas["county_a_ee_officer"]))
    assert choices == [agency(Department.EMERGENCY, REGION_A)]


def test_send_to_same_department_rejected(personas, media_root):
    with pytest.raises(ValidationFailed):
        make_referral(personas["county_a_ee_officer"], agency(Department.ENVIRONMENT, REGION_B))


def test_send_to_other_county_rejected(personas, media_root):
    with pytest.raises(ValidationFailed):
        make_referral(personas["county_a_ee_officer"], agency(Department.EMERGENCY, REGION_B))


def test_send_with_past_deadline_rejected(personas, media_root):
    with pytest.raises(ValidationFailed):
        make_referral(personas["county_a_ee_officer"], days=-1)


def test_send_about_other_county_enterprise_rejected(personas, plant_b, media_root):
    with pytest.raises(OutOfScope):
        make_referral(personas["county_a_ee_officer"], enterprise=plant_b)


def test_city_send_outside_receiver_county_rejected(personas, plant_b, media_root):
    with pytest.raises(ValidationFailed):
        make_referral(personas["city_ee_officer"], agency(Department.EMERGENCY, REGION_A), enterprise=plant_b)


def test_send_without_enterprise_or_facility_rejected(personas, media_root):
    with pytest.raises(ValidationFailed):
        make_referral(personas["county_a_ee_officer"], facility="")


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin", "city_expert"])
def test_send_by_non_actor_rejected(personas, persona, media_root):
    actor = personas[persona]
    with pytest.raises(NotPermitted):
        services.create_referral(
            actor=actor, receiver=city_agency(Department.ENVIRONMENT), subject="s", description="d", facility="f",
            deadline=timezone.now() + dt.timedelta(days=1),
        )


def test_send_by_contact_rejected(personas, plant, media_root):
    from conftest import make_user

    contact = make_user("plant_contact", enterprise=plant)
    with pytest.raises(NotPermitted):
        services.create_referral(
            actor=contact, receiver=agency(Department.EMERGENCY, REGION_A), subject="s", description="d",
            facility="f", deadline=timezone.now() + dt.timedelta(days=1),
        )


def test_send_with_fake_pdf_writes_nothing(personas, media_root):
    fake = SimpleUploadedFile("证据.pdf", b"MZ not a pdf")
    with pytest.raises(ValidationFailed):
        make_referral(personas["county_a_ee_officer"], files=[fake])
    assert Referral.objects.count() == 0


# --- Allowed steps -----------------------------------------------------------------------------------


def test_acknowledge_moves_to_acknowledged(sent, personas):
    referral = services.acknowledge_referral(sent, actor=personas["county_a_em_officer"])
    assert referral.status == Status.ACKNOWLEDGED


def test_leader_of_receiver_may_acknowledge(sent, personas):
    referral = services.acknowledge_referral(sent, actor=personas["county_a_em_leader"])
    assert referral.status == Status.ACKNOWLEDGED


def test_report_stores_feedback(sent, personas):
    referral = walk_to(sent, personas, Status.ACKNOWLEDGED)
    referral = services.report_referral(referral, actor=personas["county_a_em_officer"], feedback="已现场检查。")
    assert referral.feedback == "已现场检查。"


def test_report_stores_files(sent, personas):
    referral = walk_to(sent, personas, Status.ACKNOWLEDGED)
    services.report_referral(referral, actor=personas["county_a_em_officer"], feedback="已整改。",
                             files=[pdf("整改报告.pdf")])
    assert set(referral.files.values_list("file_name", flat=True)) == {"证据.pdf", "整改报告.pdf"}


def test_report_notifies_sending_staff(sent, personas):
    walk_to(sent, personas, Status.REPORTED)
    recipients = set(Notification.objects.filter(kind="referral.reported").values_list("recipient__username", flat=True))
    assert recipients == {"county_a_ee_officer", "county_a_ee_leader"}


def test_return_notifies_receiving_staff(sent, personas):
    walk_to(sent, personas, Status.RETURNED)
    recipients = set(Notification.objects.filter(kind="referral.returned").values_list("recipient__username", flat=True))
    assert recipients == {"county_a_em_officer", "county_a_em_leader"}


def test_returned_referral_reported_again(sent, personas):
    referral = walk_to(sent, personas, Status.RETURNED)
    referral = services.report_referral(referral, actor=personas["county_a_em_officer"], feedback="已补充照片。")
    assert referral.status == Status.REPORTED


def test_close_sets_closed_at(sent, personas):
    referral = walk_to(sent, personas, Status.CLOSED)
    assert referral.closed_at is not None


def test_full_loop_records_every_step(sent, personas):
    referral = walk_to(sent, personas, Status.RETURNED)
    em, ee = personas["county_a_em_officer"], personas["county_a_ee_officer"]
    services.report_referral(referral, actor=em, feedback="已补充照片。")
    services.close_referral(referral, actor=ee, comment="同意办结。")
    assert actions_of(referral) == ["send", "acknowledge", "report", "return", "report", "close"]


def test_full_loop_audits_every_step(sent, personas):
    referral = walk_to(sent, personas, Status.CLOSED)
    assert audit_actions(referral) == ["referral.send", "referral.acknowledge", "referral.report", "referral.close"]


def test_return_reasons_kept_in_step(sent, personas):
    referral = walk_to(sent, personas, Status.RETURNED)
    assert referral.steps.get(action=Action.RETURN).comment == "未附整改照片。"


# --- Forbidden steps ---------------------------------------------------------------------------------


def assert_unchanged(referral, status, steps):
    referral.refresh_from_db()
    assert referral.status == status
    assert ReferralStep.objects.filter(referral=referral).count() == steps


def test_sender_cannot_acknowledge(sent, personas):
    with pytest.raises(NotPermitted):
        services.acknowledge_referral(sent, actor=personas["county_a_ee_officer"])
    assert_unchanged(sent, Status.SENT, 1)


def test_receiver_cannot_close(sent, personas):
    referral = walk_to(sent, personas, Status.REPORTED)
    with pytest.raises(NotPermitted):
        services.close_referral(referral, actor=personas["county_a_em_officer"])
    assert_unchanged(referral, Status.REPORTED, 3)


def test_receiver_cannot_return(sent, personas):
    referral = walk_to(sent, personas, Status.REPORTED)
    with pytest.raises(NotPermitted):
        services.return_referral(referral, actor=personas["county_a_em_officer"], reasons="x")
    assert_unchanged(referral, Status.REPORTED, 3)


def test_sender_cannot_report(sent, personas):
    referral = walk_to(sent, personas, Status.ACKNOWLEDGED)
    with pytest.raises(NotPermitted):
        services.report_referral(referral, actor=personas["county_a_ee_officer"], feedback="x")
    assert_unchanged(referral, Status.ACKNOWLEDGED, 2)


def test_acknowledging_twice_rejected(sent, personas):
    referral = walk_to(sent, personas, Status.ACKNOWLEDGED)
    with pytest.raises(TransitionNotAllowed):
        services.acknowledge_referral(referral, actor=personas["county_a_em_leader"])
    assert_unchanged(referral, Status.ACKNOWLEDGED, 2)


def test_closing_before_report_rejected(sent, personas):
    referral = walk_to(sent, personas, Status.ACKNOWLEDGED)
    with pytest.raises(TransitionNotAllowed):
        services.close_referral(referral, actor=personas["county_a_ee_officer"])
    assert_unchanged(referral, Status.ACKNOWLEDGED, 2)


def test_acting_on_closed_rejected(sent, personas):
    referral = walk_to(sent, personas, Status.CLOSED)
    with pytest.raises(TransitionNotAllowed):
        services.return_referral(referral, actor=personas["county_a_ee_officer"], reasons="再看看")
    assert_unchanged(referral, Status.CLOSED, 4)


def test_other_county_cannot_act(sent, personas):
    with pytest.raises(OutOfScope):
        services.acknowledge_referral(sent, actor=personas["county_b_em_officer"])
    assert_unchanged(sent, Status.SENT, 1)


def test_city_staff_not_party_cannot_act(sent, personas):
    with pytest.raises(NotPermitted):
        services.acknowledge_referral(sent, actor=personas["city_em_officer"])
    assert_unchanged(sent, Status.SENT, 1)


def test_expert_cannot_act(sent, personas):
    with pytest.raises(NotPermitted):
        services.acknowledge_referral(sent, actor=personas["city_expert"])
    assert_unchanged(sent, Status.SENT, 1)


def test_report_without_feedback_rejected(sent, personas):
    referral = walk_to(sent, personas, Status.ACKNOWLEDGED)
    with pytest.raises(ValidationFailed):
        services.report_referral(referral, actor=personas["county_a_em_officer"], feedback=" ")
    assert_unchanged(referral, Status.ACKNOWLEDGED, 2)


def test_return_without_reasons_rejected(sent, personas):
    referral = walk_to(sent, personas, Status.REPORTED)
    with pytest.raises(ValidationFailed):
        services.return_referral(referral, actor=personas["county_a_ee_officer"], reasons="")
    assert_unchanged(referral, Status.REPORTED, 3)


def test_files_with_acknowledge_rejected(sent, personas):
    with pytest.raises(ValidationFailed):
        services.act_on_referral(sent, actor=personas["county_a_em_officer"], action=Action.ACKNOWLEDGE, files=[pdf()])
    assert_unchanged(sent, Status.SENT, 1)


# --- Actions offered ---------------------------------------------------------------------------------


def test_receiver_offered_acknowledge(sent, personas):
    assert services.actions_for(personas["county_a_em_officer"], sent) == [Action.ACKNOWLEDGE]


def test_sender_offered_nothing_while_sent(sent, personas):
    assert services.actions_for(personas["county_a_ee_officer"], sent) == []


def test_sender_offered_close_and_return(sent, personas):
    referral = walk_to(sent, personas, Status.REPORTED)
    assert services.actions_for(personas["county_a_ee_officer"], referral) == [Action.CLOSE, Action.RETURN]


# --- Missing safety demonstration --------------------------------------------------------------------


def refer_missing(actor, plant, facility_name="RTO焚烧炉"):
    return services.refer_missing_safety_demonstration(
        actor=actor, enterprise=plant, facility_name=facility_name, description="RTO焚烧炉未开展安全论证即投入运行。",
    )


def test_missing_demonstration_goes_to_county_emergency(personas, plant, media_root):
    referral = refer_missing(personas["county_a_ee_officer"], plant)
    assert referral.receiver == agency(Department.EMERGENCY, REGION_A)


def test_missing_demonstration_from_city_goes_to_city(personas, plant, media_root):
    referral = refer_missing(personas["city_ee_officer"], plant)
    assert referral.receiver == city_agency(Department.EMERGENCY)


def test_missing_demonstration_has_fixed_subject(personas, plant, media_root):
    referral = refer_missing(personas["county_a_ee_officer"], plant)
    with translation.override(settings.LANGUAGE_CODE):
        expected = translation.gettext("Key environmental facility without a safety demonstration")
    assert referral.subject == expected


def test_missing_demonstration_keeps_facility(personas, plant, media_root):
    referral = refer_missing(personas["county_a_ee_officer"], plant)
    assert referral.facility == "RTO焚烧炉"


def test_missing_demonstration_gets_default_deadline(personas, plant, media_root):
    referral = refer_missing(personas["county_a_ee_officer"], plant)
    assert dt.timedelta(days=14) < referral.deadline - timezone.now() <= dt.timedelta(days=15)


def test_missing_demonstration_by_emergency_rejected(personas, plant, media_root):
    with pytest.raises(NotPermitted):
        refer_missing(personas["county_a_em_officer"], plant)


def test_missing_demonstration_needs_facility(personas, plant, media_root):
    with pytest.raises(ValidationFailed):
        refer_missing(personas["county_a_ee_officer"], plant, facility_name=" ")
