"""Highlighted on-site guidance and late duty rosters reach the county leaders; the job and command send them."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from anhuan.core.models import Notification
from anhuan.core.notifications import render
from anhuan.organizations.models import Department, Role
from anhuan.organizations.services import get_system_user
from anhuan.pollution.models import DutyRoster, EnterpriseDocument, OnsiteGuidance, WarningStatus
from anhuan.pollution.overdue import KIND_ONSITE, KIND_ROSTER, notify_overdue
from anhuan.pollution.tasks_overdue import notify_overdue_task
from anhuan.pollution.tests.consultation_fixtures import REGION_B
from anhuan.pollution.tests.onsite_fixtures import english, onsite  # noqa: F401
from anhuan.pollution.tests.overdue_fixtures import make_request, make_roster
from conftest import make_user

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def county_b_leader(personas):
    return make_user("county_b_em_leader", Department.EMERGENCY, REGION_B, Role.LEADER)


def digests(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def complete(onsite, enterprise):
    """Record a done visit and both documents of ``enterprise`` straight through the ORM."""
    system = get_system_user()
    OnsiteGuidance.objects.create(
        warning=onsite.warning, enterprise=enterprise, region=enterprise.region, status=OnsiteGuidance.Status.DONE,
        scheduled_at=timezone.now(), visited_at=timezone.now(), created_by=system,
    )
    for kind in ("shutdown_plan", "response_plan"):
        EnterpriseDocument.objects.create(
            warning=onsite.warning, enterprise=enterprise, region=enterprise.region, kind=kind,
            file=f"enterprise-documents/{kind}.pdf", file_name=f"{kind}.pdf", sha256="0" * 64, uploaded_by=system,
        )


# --- On-site guidance ---------------------------------------------------------------------------------


def test_highlighted_enterprise_reaches_county_leaders(personas, onsite):
    notify_overdue()
    assert [notification.count for notification in digests(personas["county_a_ee_leader"], KIND_ONSITE)] == [1]
    assert [notification.count for notification in digests(personas["county_a_em_leader"], KIND_ONSITE)] == [1]


def test_measure_outside_alert_window_sends_nothing(personas, onsite, county_b_leader):
    # The glass works in 沙河市 starts in 48 hours, outside the 24-hour window.
    notify_overdue()
    assert digests(county_b_leader, KIND_ONSITE) == []


def test_completed_guidance_sends_nothing(personas, onsite):
    complete(onsite, onsite.chemical)
    notify_overdue()
    assert Notification.objects.filter(kind=KIND_ONSITE).count() == 0


def test_done_visit_without_documents_still_notified(personas, onsite):
    complete(onsite, onsite.chemical)
    EnterpriseDocument.objects.filter(kind="response_plan").delete()
    notify_overdue()
    assert len(digests(personas["county_a_em_leader"], KIND_ONSITE)) == 1


def test_onsite_digest_links_to_alert_list(personas, onsite):
    notify_overdue()
    link = digests(personas["county_a_em_leader"], KIND_ONSITE)[0].link
    assert link == f"/pollution/onsite/?warning={onsite.warning.pk}&alert=1&region={onsite.chemical.region_id}"


def test_onsite_second_run_adds_nothing(personas, onsite):
    notify_overdue()
    before = list(Notification.objects.values_list("pk", "count", "updated_at"))
    notify_overdue()
    assert list(Notification.objects.values_list("pk", "count", "updated_at")) == before


def test_onsite_digest_text_names_region(personas, onsite):
    notify_overdue()
    text = render(digests(personas["county_a_em_leader"], KIND_ONSITE)[0])
    assert text == (
        "1 enterprise in 信都区 still lacks its on-site visit or documents, and its measure starts soon or has started."
    )


# --- Duty rosters ---------------------------------------------------------------------------------------


def test_late_roster_reaches_county_leaders(personas, onsite):
    make_roster(onsite.warning, onsite.chemical, submitted_hours_ago=3)
    notify_overdue()
    assert [notification.count for notification in digests(personas["county_a_em_leader"], KIND_ROSTER)] == [1]


def test_late_rosters_are_counted_in_one_digest(personas, onsite):
    make_roster(onsite.warning, onsite.chemical, submitted_hours_ago=3)
    make_roster(onsite.warning, onsite.brick, submitted_hours_ago=5)
    notify_overdue()
    assert [notification.count for notification in digests(personas["county_a_ee_leader"], KIND_ROSTER)] == [2]


def test_late_roster_spares_other_county(personas, onsite, county_b_leader):
    make_roster(onsite.warning, onsite.chemical, submitted_hours_ago=3)
    notify_overdue()
    assert digests(county_b_leader, KIND_ROSTER) == []


def test_roster_within_confirm_time_sends_nothing(personas, onsite):
    make_roster(onsite.warning, onsite.chemical, submitted_hours_ago=1)
    notify_overdue()
    assert Notification.objects.filter(kind=KIND_ROSTER).count() == 0


def test_confirmed_roster_sends_nothing(personas, onsite):
    make_roster(onsite.warning, onsite.chemical, submitted_hours_ago=3, status=DutyRoster.Status.CONFIRMED)
    notify_overdue()
    assert Notification.objects.filter(kind=KIND_ROSTER).count() == 0


def test_roster_of_lifted_warning_sends_nothing(personas, onsite):
    make_roster(onsite.warning, onsite.chemical, submitted_hours_ago=3)
    onsite.warning.status = WarningStatus.LIFTED
    onsite.warning.save(update_fields=["status"])
    notify_overdue()
    assert Notification.objects.filter(kind=KIND_ROSTER).count() == 0


def test_roster_digest_text_counts_rosters(personas, onsite):
    make_roster(onsite.warning, onsite.chemical, submitted_hours_ago=3)
    notify_overdue()
    text = render(digests(personas["county_a_em_leader"], KIND_ROSTER)[0])
    assert text == "1 duty roster in 信都区 was not confirmed or returned in time."


# --- The job and the command ------------------------------------------------------------------------------


def test_periodic_task_sends_digests(personas, onsite):
    notify_overdue_task.call_local()
    assert len(digests(personas["county_a_em_leader"], KIND_ONSITE)) == 1


def test_command_reports_agencies_notified(personas, onsite):
    make_request(onsite.chemical)
    out = io.StringIO()
    call_command("notify_overdue", stdout=out)
    assert out.getvalue().splitlines() == [
        "Overdue maintenance requests: 2 agencies notified.",
        "Highlighted on-site guidance: 2 agencies notified.",
        "Unconfirmed duty rosters: 0 agencies notified.",
    ]


def test_command_twice_notifies_nobody_again(personas, onsite):
    call_command("notify_overdue", stdout=io.StringIO())
    out = io.StringIO()
    call_command("notify_overdue", stdout=out)
    assert "Highlighted on-site guidance: 0 agencies notified." in out.getvalue().splitlines()
