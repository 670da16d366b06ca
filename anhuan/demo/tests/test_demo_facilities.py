"""Demo key facilities: every state the facility pages show is present, and a second load writes nothing."""

import io

import pytest
from django.core.management import call_command

from anhuan.core.models import AuditEntry
from anhuan.facilities import reads_overview
from anhuan.facilities.models import (
    DemonstrationFinding,
    KeyFacilityProfile,
    ServiceProvider,
    StopUseOrder,
)
from anhuan.organizations.models import User
from anhuan.sharing.models import EnforcementRecord, EnvFacility, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings):
    settings.DEMO_MODE = True
    call_command("load_demo", stdout=io.StringIO())


def facility(name):
    return EnvFacility.objects.select_related("region").get(name=name)


def test_twelve_key_facilities_in_four_counties(loaded):
    key = EnvFacility.objects.filter(is_key=True)
    assert key.count() == 12
    assert set(key.values_list("region__name", flat=True)) == {"任泽区", "沙河市", "信都区", "襄都区"}


def test_every_register_status_in_use(loaded):
    statuses = set(EnvFacility.objects.filter(is_key=True).values_list("status", flat=True))
    assert statuses == {"planned", "under_construction", "in_operation", "stopped"}


def test_new_projects_at_their_steps(loaded):
    overview = reads_overview.build_overview(User.objects.get(username="city_ee_leader"))
    steps = {row["step"]: row["count"] for row in overview.pipeline if row["count"]}
    assert steps == {
        "registered": 2,
        "env_demonstration": 1,
        "safety_demonstration": 1,
        "under_construction": 1,
        "in_operation": 1,
    }


def test_planned_rto_is_shared(loaded):
    profile = KeyFacilityProfile.objects.get(facility=facility("新建2号RTO焚烧炉"))
    assert profile.shared_at is not None


def test_finding_with_referral_and_unrectified_fine(loaded):
    found = facility("硫化废气RTO焚烧炉")
    finding = DemonstrationFinding.objects.get(facility=found)
    assert finding.referral.status != Referral.Status.CLOSED
    fine = EnforcementRecord.objects.get(facility=found)
    assert (fine.measure, fine.rectified_on) == ("fine", None)
    assert fine.amount > 0


def test_stop_use_order_in_force(loaded):
    order = StopUseOrder.objects.get(status=StopUseOrder.Status.IN_FORCE)
    assert order.facility.name == "高炉出铁场除尘设施"
    assert order.facility.status == "stopped"
    assert order.assessment.outcome == "failed"


def test_overview_due_counts(loaded):
    overview = reads_overview.build_overview(User.objects.get(username="city_em_leader"))
    # The overdue wastewater plant, and the undesigned converter dust facility that was never assessed.
    assert overview.assessments_due == 2
    assert overview.diagnoses_missing == 1
    assert overview.orders_in_force == 1
    assert overview.open_referrals == 1


def test_two_providers_one_facility_unowned(loaded):
    assert ServiceProvider.objects.count() == 2
    contracted = KeyFacilityProfile.objects.filter(provider__isnull=False)
    assert contracted.count() == 2
    assert list(contracted.filter(responsible_person="").values_list("facility__name", flat=True)) == ["窑头电除尘设施"]


def test_county_staff_see_own_county(loaded):
    overview = reads_overview.build_overview(User.objects.get(username="xindu_em_officer"))
    assert overview.total == 3


def test_second_load_writes_nothing(loaded):
    counts = (EnvFacility.objects.count(), AuditEntry.objects.count(), ServiceProvider.objects.count(),
              EnforcementRecord.objects.count(), Referral.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (EnvFacility.objects.count(), AuditEntry.objects.count(), ServiceProvider.objects.count(),
            EnforcementRecord.objects.count(), Referral.objects.count()) == counts
