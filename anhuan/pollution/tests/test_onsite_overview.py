"""The per-enterprise overview, the leaders' to-do items and the digest to county staff."""

import datetime as dt

import pytest
from django.utils import timezone

from anhuan.core import policy
from anhuan.core.models import Notification
from anhuan.core.notifications import render
from anhuan.organizations.services import get_system_user
from anhuan.pollution.models import EnterpriseDocument
from anhuan.pollution.services.onsite import ALERT_HOURS_KEY, onsite_overview, record_visit, schedule_visit
from anhuan.pollution.tests.consultation_fixtures import add_item, make_enterprise, make_event
from anhuan.pollution.tests.onsite_fixtures import english, onsite, team_a  # noqa: F401
from anhuan.pollution.todo_onsite import TODO_KIND, notify_onsite_needed, onsite_todo

pytestmark = pytest.mark.usefixtures("english")


def rows_by_name(user, onsite):
    return {row.enterprise.name: row for row in onsite_overview(user, [onsite.warning.pk])}


def add_documents(onsite, enterprise, kinds=("shutdown_plan", "response_plan")):
    for kind in kinds:
        EnterpriseDocument.objects.create(
            warning=onsite.warning, enterprise=enterprise, region=enterprise.region, kind=kind,
            file="enterprise-documents/x.pdf", file_name="x.pdf", sha256="0" * 64, uploaded_by=get_system_user(),
        )


def complete_visit(onsite, personas):
    visit = schedule_visit(
        onsite.warning, onsite.chemical, actor=personas["county_a_em_officer"],
        scheduled_at=timezone.now() - dt.timedelta(hours=1), **team_a(personas, onsite),
        now=timezone.now() - dt.timedelta(hours=2),
    )
    return record_visit(
        visit, actor=personas["county_a_em_officer"], visited_at=timezone.now() - dt.timedelta(minutes=1),
        safety_risks="无", environmental_risks="无", documents_reviewed="", findings="可行", instructions="按方案执行",
    )


# --- Overview ------------------------------------------------------------------------------------


def test_city_staff_see_both_enterprises(onsite, personas):
    assert set(rows_by_name(personas["city_em_officer"], onsite)) == {"信都化工有限公司", "沙河玻璃有限公司"}


def test_county_staff_see_own_county(onsite, personas):
    assert set(rows_by_name(personas["county_a_ee_officer"], onsite)) == {"信都化工有限公司"}


def test_row_groups_flagged_lines(onsite, personas):
    row = rows_by_name(personas["city_em_officer"], onsite)["信都化工有限公司"]
    assert [item.production_line for item in row.items] == ["合成氨装置", "尿素装置"]
    assert row.earliest_effective_at == onsite.items["chemical_1"].effective_at


def test_new_row_is_not_scheduled(onsite, personas):
    row = rows_by_name(personas["city_em_officer"], onsite)["信都化工有限公司"]
    assert row.states == ["not_scheduled", "documents_missing"]


def test_done_with_documents_state(onsite, personas):
    complete_visit(onsite, personas)
    add_documents(onsite, onsite.chemical)
    row = rows_by_name(personas["city_em_officer"], onsite)["信都化工有限公司"]
    assert row.states == ["done"]


def test_only_latest_event_counts(onsite, personas):
    upgrade = make_event(warning=onsite.warning, kind="upgrade", level="red")
    add_item(upgrade, make_enterprise("信都焦化有限公司", "130503"), flags=["onsite_guidance_required"])
    assert set(rows_by_name(personas["city_em_officer"], onsite)) == {"信都焦化有限公司"}


def test_soon_measure_is_highlighted(onsite, personas):
    rows = rows_by_name(personas["city_em_officer"], onsite)
    assert rows["信都化工有限公司"].highlighted


def test_distant_measure_is_not_highlighted(onsite, personas):
    rows = rows_by_name(personas["city_em_officer"], onsite)
    assert not rows["沙河玻璃有限公司"].highlighted


def test_alert_hours_setting_widens_highlight(onsite, personas):
    policy.set_value(ALERT_HOURS_KEY, 72, actor=get_system_user())
    rows = rows_by_name(personas["city_em_officer"], onsite)
    assert rows["沙河玻璃有限公司"].highlighted


def test_overview_queries_are_bounded(onsite, personas, django_assert_max_num_queries):
    for number in range(15):
        enterprise = make_enterprise(f"信都批量企业{number:02d}有限公司", "130503")
        add_item(onsite.event, enterprise, flags=["onsite_guidance_required"])
    with django_assert_max_num_queries(6):
        rows = onsite_overview(personas["city_em_officer"], [onsite.warning.pk])
    assert len(rows) == 17


# --- To-do items ----------------------------------------------------------------------------------


def test_county_leaders_get_item(onsite, personas):
    for name in ("county_a_em_leader", "county_a_ee_leader"):
        items = onsite_todo(personas[name])
        assert [item.kind for item in items] == [TODO_KIND]


def test_todo_item_counts_enterprises(onsite, personas):
    item = onsite_todo(personas["county_a_em_leader"])[0]
    assert item.title == "1 enterprise still needs its on-site visit or documents before its measure starts"
    assert item.detail == "信都化工有限公司"
    assert item.due_at == onsite.items["chemical_1"].effective_at


def test_todo_item_links_to_list(onsite, personas):
    item = onsite_todo(personas["city_ee_leader"])[0]
    assert item.link == f"/pollution/onsite/?warning={onsite.warning.pk}&alert=1"


def test_officers_get_no_item(onsite, personas):
    assert onsite_todo(personas["county_a_em_officer"]) == []


def test_other_county_leader_gets_no_item(onsite, personas):
    from conftest import make_user

    leader_b = make_user("county_b_em_leader", "emergency", "130582", role="leader")
    assert onsite_todo(leader_b) == []


def test_complete_work_clears_item(onsite, personas):
    complete_visit(onsite, personas)
    add_documents(onsite, onsite.chemical)
    assert onsite_todo(personas["county_a_em_leader"]) == []


def test_lifted_warning_gives_no_item(onsite, personas):
    onsite.warning.status = "lifted"
    onsite.warning.save()
    assert onsite_todo(personas["city_em_leader"]) == []


def test_todo_queries_are_bounded(onsite, personas, django_assert_max_num_queries):
    for number in range(3):
        event = make_event(announced_at=timezone.now(), starts_at=timezone.now())
        for line in range(5):
            enterprise = make_enterprise(f"批量{number}{line}有限公司", "130503")
            add_item(event, enterprise, flags=["onsite_guidance_required"])
    with django_assert_max_num_queries(7):
        items = onsite_todo(personas["city_em_leader"])
    assert len(items) == 4


# --- Digest notification --------------------------------------------------------------------------


def test_notify_reaches_both_county_agencies(onsite, personas):
    notify_onsite_needed(onsite.warning)
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {
        "county_a_em_officer", "county_a_ee_officer", "county_a_em_leader", "county_a_ee_leader",
        "county_b_em_officer", "county_b_ee_officer",
    }


def test_notify_twice_keeps_one_digest(onsite, personas):
    notify_onsite_needed(onsite.warning)
    notify_onsite_needed(onsite.warning)
    notifications = Notification.objects.filter(recipient=personas["county_a_em_officer"])
    assert notifications.count() == 1
    assert notifications.get().count == 2


def test_notify_text_names_region(onsite, personas):
    notify_onsite_needed(onsite.warning)
    notification = Notification.objects.get(recipient=personas["county_b_ee_officer"])
    assert render(notification).startswith("1 enterprise in 沙河市 needs joint on-site guidance")


def test_notify_skips_city_staff(onsite, personas):
    notify_onsite_needed(onsite.warning)
    assert not Notification.objects.filter(recipient=personas["city_em_officer"]).exists()


def test_notify_without_flags_sends_nothing(db, personas):
    event = make_event()
    add_item(event, make_enterprise("信都无标记有限公司", "130503"))
    assert notify_onsite_needed(event.warning) == 0
