"""Maintenance notifications (one digest per agency per day) and the to-do provider."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anhuan.core.models import Notification
from anhuan.core.notifications import render
from anhuan.core.todo import todo_for
from anhuan.pollution.services import maintenance as services
from anhuan.pollution.tests.test_maintenance_support import *  # noqa: F401,F403
from anhuan.pollution.tests.test_maintenance_support import request_fields
from anhuan.pollution.todo_maintenance import maintenance_todo

pytestmark = pytest.mark.django_db


def submit_another(contact):
    request = services.create_draft(actor=contact, **request_fields(unit="3号反应釜"))
    return services.submit_request(request, actor=contact)


def test_submit_notifies_both_county_agencies(personas, submitted):
    recipients = set(Notification.objects.filter(kind="maintenance.submitted").values_list("recipient__username", flat=True))
    assert recipients == {"county_a_em_officer", "county_a_em_leader", "county_a_ee_officer", "county_a_ee_leader"}


def test_submit_skips_other_county(personas, submitted):
    assert not Notification.objects.filter(recipient=personas["county_b_em_officer"]).exists()


def test_notification_links_to_detail(personas, submitted):
    notification = Notification.objects.get(recipient=personas["county_a_em_officer"])
    assert notification.link == reverse("pollution:maintenance-detail", args=[submitted.pk])


def test_same_day_requests_share_digest(personas, submitted, contact):
    submit_another(contact)
    notification = Notification.objects.get(recipient=personas["county_a_ee_leader"])
    assert notification.count == 2


def test_digest_text_names_enterprise(personas, submitted):
    text = render(Notification.objects.get(recipient=personas["county_a_ee_leader"]))
    assert "信都化工有限公司" in text


def test_referral_notifies_city_agencies(personas, submitted):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="expert_review", opinion="提请论证")
    recipients = set(Notification.objects.filter(kind="maintenance.referred").values_list("recipient__username", flat=True))
    assert recipients == {"city_em_officer", "city_em_leader", "city_ee_officer", "city_ee_leader"}


def test_final_decision_notifies_contact(personas, submitted, contact):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="reject", opinion="不同意")
    notification = Notification.objects.get(recipient=contact, kind="maintenance.decided")
    assert notification.link == reverse("pollution:portal-maintenance-detail", args=[submitted.pk])


def test_todo_lists_pending_decision(personas, submitted):
    items = maintenance_todo(personas["county_a_ee_leader"])
    assert [item.link for item in items] == [reverse("pollution:maintenance-detail", args=[submitted.pk])]


def test_todo_drops_decided_department(personas, submitted):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="approve_on_documents", opinion="同意")
    assert maintenance_todo(personas["county_a_em_leader"]) == []
    assert len(maintenance_todo(personas["county_a_ee_leader"])) == 1


def test_todo_keeps_pending_verification(personas, submitted):
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="verify_by_staff", opinion="核查")
    assert len(maintenance_todo(personas["county_a_em_leader"])) == 1


def test_todo_empty_for_other_county(personas, submitted):
    assert maintenance_todo(personas["county_b_em_officer"]) == []


def test_todo_empty_for_contact(contact, submitted):
    assert maintenance_todo(contact) == []


def test_city_todo_lists_expert_review(personas, submitted):
    assert maintenance_todo(personas["city_em_leader"]) == []
    services.record_decision(submitted, actor=personas["county_a_em_officer"], decision="expert_review", opinion="提请论证")
    assert len(maintenance_todo(personas["city_em_leader"])) == 1


def test_overdue_step_first_on_leader_todo(personas, submitted):
    later = timezone.now() + dt.timedelta(days=3)
    items = [item for item in todo_for(personas["county_a_em_leader"], now=later) if item.kind == "maintenance"]
    assert items[0].is_overdue(later)
    assert items[0].overdue_days(later) == 2


def test_decided_notification_shows_status_label():
    from django.utils import translation

    from anhuan.pollution.todo_maintenance import _format_decided

    with translation.override("en"):
        text = _format_decided({"unit": "1号高炉", "status": "approved"}, 1)
    assert "approved" in text
    assert '"approved"' not in text
    with translation.override("zh-hans"):
        assert "approved" not in _format_decided({"unit": "1号高炉", "status": "approved"}, 1)
