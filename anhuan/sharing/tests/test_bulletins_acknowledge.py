"""Acknowledgement (签收) of bulletins, reminders of unacknowledged ones and the leaders' to-do lists."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from anhuan.core.errors import NotPermitted, TransitionNotAllowed
from anhuan.core.models import AuditEntry, Notification
from anhuan.sharing.models import Bulletin
from anhuan.sharing.services.bulletins import (
    TRANSITIONS,
    acknowledge_bulletin,
    allowed_actions,
    remind_unacknowledged,
    send_adhoc_bulletin,
)
from anhuan.sharing.todo_bulletins import TODO_ACKNOWLEDGE, TODO_SENT_UNACKNOWLEDGED, bulletin_todo
from anhuan.sharing.tests.bulletin_fixtures import NOW

Status = Bulletin.Status
DAY = dt.timedelta(hours=24)


def send_city_bulletin(personas, now=NOW):
    """City EE officer to city EM, sent at ``now``."""
    return send_adhoc_bulletin(actor=personas["city_ee_officer"], title="关于加强环保设施安全管理的通报", body="请各单位加强检查。", now=now)


@pytest.fixture
def sent(personas):
    return send_city_bulletin(personas)


def test_transitions_allow_acknowledge_once():
    assert TRANSITIONS == {Status.SENT: {"acknowledge": Status.ACKNOWLEDGED}, Status.ACKNOWLEDGED: {}}


def test_acknowledge_sets_receiver_and_time(personas, sent):
    acknowledge_bulletin(sent, actor=personas["city_em_officer"], now=NOW + DAY)
    sent.refresh_from_db()
    assert sent.status == Status.ACKNOWLEDGED
    assert sent.acknowledged_by == personas["city_em_officer"]
    assert sent.acknowledged_at == NOW + DAY


def test_acknowledge_records_audit_entry(personas, sent):
    acknowledge_bulletin(sent, actor=personas["city_em_leader"])
    entry = AuditEntry.objects.get(action="bulletin.acknowledge")
    assert entry.changes["status"] == ["sent", "acknowledged"]


def test_second_acknowledgement_is_rejected(personas, sent):
    acknowledge_bulletin(sent, actor=personas["city_em_officer"], now=NOW)
    with pytest.raises(TransitionNotAllowed) as raised:
        acknowledge_bulletin(sent, actor=personas["city_em_leader"])
    expected = _("This bulletin was already acknowledged by %(user)s at %(time)s.") % {
        "user": "city_em_officer", "time": "2026-03-11 10:00",
    }
    assert str(raised.value.message) == expected


def test_sender_cannot_acknowledge(personas, sent):
    with pytest.raises(NotPermitted) as raised:
        acknowledge_bulletin(sent, actor=personas["city_ee_leader"])
    assert str(raised.value.message) == _("The sending agency cannot acknowledge its own bulletin.")


def test_other_agency_cannot_acknowledge(personas, sent):
    with pytest.raises(NotPermitted) as raised:
        acknowledge_bulletin(sent, actor=personas["county_a_em_officer"])
    assert str(raised.value.message) == _("Only officers and leaders of the receiving agency can acknowledge this bulletin.")


def test_receiver_expert_cannot_acknowledge(personas, sent):
    with pytest.raises(NotPermitted):
        acknowledge_bulletin(sent, actor=personas["city_expert"])


def test_rejected_acknowledgement_changes_nothing(personas, sent):
    with pytest.raises(NotPermitted):
        acknowledge_bulletin(sent, actor=personas["city_ee_officer"])
    sent.refresh_from_db()
    assert sent.status == Status.SENT
    assert not AuditEntry.objects.filter(action="bulletin.acknowledge").exists()


def test_actions_offer_acknowledge_to_receiver_only(personas, sent):
    assert allowed_actions(sent, personas["city_em_officer"]) == ["acknowledge"]
    assert allowed_actions(sent, personas["city_ee_officer"]) == []


def test_actions_empty_after_acknowledgement(personas, sent):
    acknowledge_bulletin(sent, actor=personas["city_em_officer"])
    sent.refresh_from_db()
    assert allowed_actions(sent, personas["city_em_leader"]) == []


# --- Reminders ----------------------------------------------------------------------------


def reminder_recipients(bulletin):
    return set(
        Notification.objects.filter(digest_key=f"bulletin.reminder:{bulletin.pk}").values_list("recipient__username", flat=True)
    )


def test_no_reminder_before_delay(personas, sent):
    assert remind_unacknowledged(NOW + DAY - dt.timedelta(minutes=1)) == 0


def test_reminder_after_delay_notifies_receiver_staff(personas, sent):
    assert remind_unacknowledged(NOW + DAY) == 1
    assert reminder_recipients(sent) == {"city_em_officer", "city_em_leader"}


def test_reminder_bumps_remind_at(personas, sent):
    remind_unacknowledged(NOW + DAY)
    sent.refresh_from_db()
    assert sent.remind_at == NOW + 2 * DAY
    assert sent.reminders_sent == 1


def test_reminder_not_repeated_within_delay(personas, sent):
    remind_unacknowledged(NOW + DAY)
    assert remind_unacknowledged(NOW + DAY + dt.timedelta(hours=1)) == 0


def test_later_reminder_raises_digest_count(personas, sent):
    remind_unacknowledged(NOW + DAY)
    remind_unacknowledged(NOW + 2 * DAY)
    notification = Notification.objects.get(digest_key=f"bulletin.reminder:{sent.pk}", recipient=personas["city_em_officer"])
    assert notification.count == 2


def test_acknowledged_bulletin_not_reminded(personas, sent):
    acknowledge_bulletin(sent, actor=personas["city_em_officer"], now=NOW)
    assert remind_unacknowledged(NOW + DAY) == 0


def test_remind_hours_policy_sets_delay(personas):
    from anhuan.core import policy

    policy.set_value("bulletins.remind_hours", 4, actor=personas["city_ee_leader"])
    bulletin = send_city_bulletin(personas)
    assert bulletin.remind_at == NOW + dt.timedelta(hours=4)


# --- To-do lists --------------------------------------------------------------------------


def test_receiver_officer_sees_acknowledge_todo(personas, sent):
    items = bulletin_todo(personas["city_em_officer"])
    assert [(item.kind, item.due_at) for item in items] == [(TODO_ACKNOWLEDGE, NOW + DAY)]


def test_sender_leader_sees_overdue_bulletin(personas, sent):
    items = bulletin_todo(personas["city_ee_leader"])
    assert [item.kind for item in items] == [TODO_SENT_UNACKNOWLEDGED]


def test_sender_leader_not_told_before_delay(personas):
    send_city_bulletin(personas, now=timezone.now())
    assert bulletin_todo(personas["city_ee_leader"]) == []


def test_sender_officer_gets_no_todo(personas, sent):
    assert bulletin_todo(personas["city_ee_officer"]) == []


def test_acknowledged_bulletin_leaves_todo(personas, sent):
    acknowledge_bulletin(sent, actor=personas["city_em_officer"])
    assert bulletin_todo(personas["city_em_leader"]) == []
    assert bulletin_todo(personas["city_ee_leader"]) == []
