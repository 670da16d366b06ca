"""consultation_todo_for: which consultations wait for a user's opinion or confirmation."""

import datetime as dt

import pytest
from django.utils import timezone

from anhuan.pollution.services.consultations import TodoItem, confirm_plan, consultation_todo_for, record_opinion
from anhuan.pollution.tests.consultation_fixtures import (  # noqa: F401
    REGION_A,
    REGION_B,
    enterprise_contact,
    make_event,
    write_conclusion,
)


@pytest.fixture
def soon_event(db):
    """A city-wide warning starting in ten hours."""
    now = timezone.now()
    return make_event(announced_at=now, starts_at=now + dt.timedelta(hours=10))


@pytest.fixture
def late_event(db):
    """A city-wide warning that started two hours ago, so its to-do items are overdue."""
    now = timezone.now()
    return make_event(level="red", announced_at=now - dt.timedelta(hours=5), starts_at=now - dt.timedelta(hours=2))


def event_ids(items):
    return [item.consultation.event_id for item in items]


def test_officer_gets_opinion_items(soon_event, personas):
    items = consultation_todo_for(personas["city_em_officer"])
    assert event_ids(items) == [soon_event.id]
    assert items[0].kind == TodoItem.OPINION
    assert items[0].due_at == soon_event.starts_at


def test_opinion_clears_item_for_department(soon_event, personas):
    record_opinion(soon_event.consultation, actor=personas["county_a_em_officer"], text="同意。")
    assert consultation_todo_for(personas["city_em_officer"]) == []
    assert event_ids(consultation_todo_for(personas["city_ee_officer"])) == [soon_event.id]


def test_leader_gets_confirm_items(soon_event, personas):
    items = consultation_todo_for(personas["city_ee_leader"])
    assert event_ids(items) == [soon_event.id]
    assert items[0].kind == TodoItem.CONFIRM


def test_confirmation_clears_leader_item(soon_event, personas):
    write_conclusion(soon_event.consultation)
    confirm_plan(soon_event.consultation, actor=personas["city_em_leader"])
    assert consultation_todo_for(personas["city_em_leader"]) == []
    assert event_ids(consultation_todo_for(personas["city_ee_leader"])) == [soon_event.id]


def test_county_leader_skips_city_warning(soon_event, personas):
    assert consultation_todo_for(personas["county_a_em_leader"]) == []


def test_county_leader_gets_own_county_warning(db, personas):
    event = make_event(region_codes=[REGION_A])
    assert event_ids(consultation_todo_for(personas["county_a_em_leader"])) == [event.id]


def test_other_county_sees_no_item(db, personas):
    make_event(region_codes=[REGION_A])
    assert consultation_todo_for(personas["county_b_em_officer"]) == []


def test_lifted_warning_gives_no_item(db, personas):
    make_event(warning_status="lifted")
    assert consultation_todo_for(personas["city_em_officer"]) == []


def test_only_latest_event_counts(db, personas):
    first = make_event(level="yellow")
    upgrade = make_event(level="orange", kind="upgrade", warning=first.warning)
    assert event_ids(consultation_todo_for(personas["city_em_officer"])) == [upgrade.id]


def test_overdue_items_come_first(soon_event, late_event, personas):
    items = consultation_todo_for(personas["city_em_officer"])
    assert event_ids(items) == [late_event.id, soon_event.id]
    assert items[0].overdue is True
    assert items[1].overdue is False


@pytest.mark.parametrize("persona", ["city_expert", "system_admin", "audit_admin"])
def test_non_acting_roles_get_nothing(soon_event, personas, persona):
    assert consultation_todo_for(personas[persona]) == []


def test_contact_gets_nothing(soon_event, enterprise_contact):
    assert consultation_todo_for(enterprise_contact) == []


def test_todo_query_count_is_bounded(db, personas, django_assert_num_queries):
    for _index in range(5):
        make_event(region_codes=[REGION_A, REGION_B])
    leader = personas["city_em_leader"]
    leader.refresh_from_db()
    leader.agency  # noqa: B018 - load the agency before counting
    with django_assert_num_queries(2):
        items = consultation_todo_for(leader)
    assert len(items) == 5
