"""Referral to-do items for both agencies, overdue escalation to leaders, and the overdue digest."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from anhuan.core.models import Notification
from anhuan.core.notifications import render
from anhuan.core.todo import todo_for
from anhuan.sharing import todo_referrals
from anhuan.sharing.models import Referral
from anhuan.sharing.services import referrals as services
from anhuan.sharing.tests.test_referrals_support import *  # noqa: F401,F403
from anhuan.sharing.tests.test_referrals_support import make_referral

Status = Referral.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def referral_titles(user):
    return [item.title for item in todo_for(user) if item.kind == "referral"]


def make_overdue(referral, days=2):
    Referral.objects.filter(pk=referral.pk).update(deadline=timezone.now() - dt.timedelta(days=days, hours=1))
    referral.refresh_from_db()
    return referral


def test_receiver_officer_asked_to_acknowledge(sent, personas):
    assert referral_titles(personas["county_a_em_officer"]) == [f"Acknowledge the referral \u201c{sent.subject}\u201d"]


def test_sender_officer_waits_while_sent(sent, personas):
    assert referral_titles(personas["county_a_ee_officer"]) == []


def test_receiver_asked_to_report_after_acknowledging(sent, personas):
    services.acknowledge_referral(sent, actor=personas["county_a_em_officer"])
    assert referral_titles(personas["county_a_em_officer"]) == [f"Report back on the referral \u201c{sent.subject}\u201d"]


def test_sender_asked_to_close_after_report(sent, personas):
    services.acknowledge_referral(sent, actor=personas["county_a_em_officer"])
    services.report_referral(sent, actor=personas["county_a_em_officer"], feedback="已处理。")
    assert referral_titles(personas["county_a_ee_officer"]) == [f"Close or return the referral \u201c{sent.subject}\u201d"]


def test_item_due_at_deadline(sent, personas):
    item = next(item for item in todo_for(personas["county_a_em_officer"]) if item.kind == "referral")
    assert item.due_at == sent.deadline


def test_sender_leader_sees_overdue_referral(sent, personas):
    make_overdue(sent)
    titles = referral_titles(personas["county_a_ee_leader"])
    assert titles == [f"Overdue referral \u201c{sent.subject}\u201d, waiting for {sent.receiver.name}"]


def test_sender_officer_not_escalated(sent, personas):
    make_overdue(sent)
    assert referral_titles(personas["county_a_ee_officer"]) == []


def test_receiver_leader_sees_overdue_once(sent, personas):
    make_overdue(sent)
    assert len(referral_titles(personas["county_a_em_leader"])) == 1


def test_overdue_item_sorts_first(sent, personas, plant):
    make_referral(personas["county_a_ee_officer"], enterprise=plant, subject="未超期")
    make_overdue(sent)
    first = todo_for(personas["county_a_em_officer"])[0]
    assert first.title == f"Acknowledge the referral \u201c{sent.subject}\u201d"


def test_closed_referral_leaves_todo(sent, personas):
    em, ee = personas["county_a_em_officer"], personas["county_a_ee_officer"]
    services.acknowledge_referral(sent, actor=em)
    services.report_referral(sent, actor=em, feedback="已处理。")
    services.close_referral(sent, actor=ee)
    make_overdue(sent)
    assert referral_titles(personas["county_a_ee_leader"]) == []


def test_other_county_leader_sees_nothing(sent, personas):
    make_overdue(sent)
    assert referral_titles(personas["county_b_em_officer"]) == []


def test_expert_gets_no_items(sent, personas):
    assert referral_titles(personas["city_expert"]) == []


# --- Overdue digest ----------------------------------------------------------------------------------


def digest_recipients():
    return set(Notification.objects.filter(kind=todo_referrals.KIND_OVERDUE).values_list("recipient__username", flat=True))


def test_digest_reaches_leaders_of_both(sent, personas):
    make_overdue(sent)
    todo_referrals.notify_overdue_referrals()
    assert digest_recipients() == {"county_a_ee_leader", "county_a_em_leader"}


def test_digest_returns_agencies_notified(sent, personas):
    make_overdue(sent)
    assert todo_referrals.notify_overdue_referrals() == 2


def test_digest_rerun_adds_nothing(sent, personas):
    make_overdue(sent)
    todo_referrals.notify_overdue_referrals()
    assert todo_referrals.notify_overdue_referrals() == 0


def test_digest_counts_referrals(sent, personas, plant):
    make_overdue(sent)
    todo_referrals.notify_overdue_referrals()
    make_overdue(make_referral(personas["county_a_ee_officer"], enterprise=plant, subject="第二件"))
    todo_referrals.notify_overdue_referrals()
    notification = Notification.objects.get(kind=todo_referrals.KIND_OVERDUE, recipient=personas["county_a_em_leader"])
    assert notification.count == 2


def test_digest_text_names_agency(sent, personas):
    make_overdue(sent)
    todo_referrals.notify_overdue_referrals()
    notification = Notification.objects.get(kind=todo_referrals.KIND_OVERDUE, recipient=personas["county_a_em_leader"])
    assert render(notification) == f"1 referral of {sent.receiver.name} is past its deadline and not closed."


def test_no_digest_before_deadline(sent, personas):
    assert todo_referrals.notify_overdue_referrals() == 0


def test_received_notification_text(sent, personas):
    notification = Notification.objects.get(kind=todo_referrals.KIND_RECEIVED, recipient=personas["county_a_em_officer"])
    assert render(notification) == (
        f"1 referral awaits your agency; the latest is \u201c{sent.subject}\u201d from {sent.sender.name}."
    )
