"""Overdue maintenance requests reach the leaders of the agencies that must act, one digest per agency and day."""

import datetime as dt

import pytest
from django.utils import timezone

from anhuan.core.models import Notification
from anhuan.core.notifications import mark_read, render
from anhuan.organizations.models import Department, Role
from anhuan.pollution.models import MaintenanceRequest
from anhuan.pollution.overdue import KIND_MAINTENANCE, notify_overdue
from anhuan.pollution.tests.consultation_fixtures import REGION_A, REGION_B, make_enterprise
from anhuan.pollution.tests.onsite_fixtures import english  # noqa: F401
from anhuan.pollution.tests.overdue_fixtures import decide, make_request
from conftest import make_user

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def leaders(personas):
    """The county leaders of both regions and the city leaders."""
    return {
        "a_ee": personas["county_a_ee_leader"],
        "a_em": personas["county_a_em_leader"],
        "b_em": make_user("county_b_em_leader", Department.EMERGENCY, REGION_B, Role.LEADER),
        "city_ee": personas["city_ee_leader"],
        "city_em": personas["city_em_leader"],
    }


@pytest.fixture
def steelworks(db):
    return make_enterprise("信都钢铁有限公司", REGION_A)


def digests(user):
    return list(Notification.objects.filter(recipient=user, kind=KIND_MAINTENANCE))


def test_fifty_requests_one_digest_per_leader(leaders, steelworks):
    for _ in range(50):
        make_request(steelworks)
    notify_overdue()
    assert [notification.count for notification in digests(leaders["a_ee"])] == [50]
    assert [notification.count for notification in digests(leaders["a_em"])] == [50]


def test_digest_text_counts_the_requests(leaders, steelworks):
    for _ in range(3):
        make_request(steelworks)
    notify_overdue()
    text = render(digests(leaders["a_em"])[0])
    assert text == "3 high-risk maintenance requests for 信都区应急管理局 are past their deadlines."


def test_other_county_leaders_are_not_notified(leaders, steelworks):
    make_request(steelworks)
    notify_overdue()
    assert digests(leaders["b_em"]) == []


def test_officers_are_not_notified(leaders, personas, steelworks):
    make_request(steelworks)
    notify_overdue()
    assert digests(personas["county_a_em_officer"]) == []


def test_second_run_same_day_adds_nothing(leaders, steelworks):
    for _ in range(2):
        make_request(steelworks)
    notify_overdue()
    before = list(Notification.objects.values_list("pk", "count", "updated_at", "data"))
    notify_overdue()
    assert list(Notification.objects.values_list("pk", "count", "updated_at", "data")) == before


def test_second_run_keeps_read_digest_read(leaders, steelworks):
    make_request(steelworks)
    notify_overdue()
    mark_read(leaders["a_em"], digests(leaders["a_em"])[0].pk)
    notify_overdue()
    assert digests(leaders["a_em"])[0].read_at is not None


def test_newly_overdue_request_updates_the_count(leaders, steelworks):
    make_request(steelworks)
    notify_overdue()
    make_request(steelworks)
    notify_overdue()
    assert [notification.count for notification in digests(leaders["a_em"])] == [2]


def test_next_day_starts_a_new_digest(leaders, steelworks):
    make_request(steelworks, due_in_hours=-2)
    now = timezone.now()
    notify_overdue(now)
    notify_overdue(now + dt.timedelta(days=1))
    assert len(digests(leaders["a_em"])) == 2


def test_request_not_yet_due_sends_nothing(leaders, steelworks):
    make_request(steelworks, due_in_hours=3)
    notify_overdue()
    assert Notification.objects.filter(kind=KIND_MAINTENANCE).count() == 0


def test_final_request_sends_nothing(leaders, steelworks):
    make_request(steelworks, status=MaintenanceRequest.Status.APPROVED)
    make_request(steelworks, status=MaintenanceRequest.Status.WITHDRAWN)
    notify_overdue()
    assert Notification.objects.filter(kind=KIND_MAINTENANCE).count() == 0


def test_draft_request_sends_nothing(leaders, steelworks):
    make_request(steelworks, status=MaintenanceRequest.Status.DRAFT)
    notify_overdue()
    assert Notification.objects.filter(kind=KIND_MAINTENANCE).count() == 0


def test_department_that_decided_is_not_notified(leaders, steelworks):
    request = make_request(steelworks)
    decide(request, Department.EMERGENCY)
    notify_overdue()
    assert digests(leaders["a_em"]) == []


def test_department_still_deciding_is_notified(leaders, steelworks):
    request = make_request(steelworks)
    decide(request, Department.EMERGENCY)
    notify_overdue()
    assert len(digests(leaders["a_ee"])) == 1


def test_pending_verification_outcome_is_notified(leaders, steelworks):
    request = make_request(steelworks, status=MaintenanceRequest.Status.VERIFYING)
    decide(request, Department.EMERGENCY, decision="verify_by_staff")
    decide(request, Department.ENVIRONMENT)
    notify_overdue()
    assert len(digests(leaders["a_em"])) == 1


def test_expert_review_notifies_city_leaders(leaders, steelworks):
    request = make_request(steelworks, status=MaintenanceRequest.Status.EXPERT_REVIEW)
    decide(request, Department.EMERGENCY, decision="expert_review")
    notify_overdue()
    assert len(digests(leaders["city_ee"])) == 1
    assert len(digests(leaders["city_em"])) == 1


def test_expert_review_spares_county_without_pending_step(leaders, steelworks):
    request = make_request(steelworks, status=MaintenanceRequest.Status.EXPERT_REVIEW)
    decide(request, Department.EMERGENCY, decision="expert_review")
    notify_overdue()
    assert digests(leaders["a_ee"]) == []


def test_digest_links_to_overdue_list_of_county(leaders, steelworks):
    make_request(steelworks)
    notify_overdue()
    assert digests(leaders["a_em"])[0].link == f"/pollution/maintenance/?overdue=1&region={steelworks.region_id}"
