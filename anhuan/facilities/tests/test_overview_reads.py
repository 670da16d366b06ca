"""The overview figures: scope, counts by type and status, the new-project pipeline and the due counts."""

import pytest

from anhuan.facilities import reads_overview
from anhuan.facilities.tests.fixtures import enterprise_a, enterprise_b  # noqa: F401 (fixtures)
from anhuan.facilities.tests.overview_fixtures import scene  # noqa: F401 (fixture)
from anhuan.organizations.models import Region

pytestmark = pytest.mark.django_db


def type_counts(overview):
    """Return {type: {status: count}} without the zero cells."""
    statuses = [value for value, _label in overview.statuses]
    return {
        row["value"]: {status: count for status, count in zip(statuses, row["counts"], strict=True) if count}
        for row in overview.type_rows
    }


def pipeline(overview):
    return {row["step"]: row["count"] for row in overview.pipeline if row["count"]}


def test_county_sees_own_types_and_statuses(scene, personas):
    overview = reads_overview.build_overview(personas["county_a_ee_officer"])
    assert overview.total == 5
    assert type_counts(overview) == {
        "desulfurization_denitrification": {"in_operation": 1, "stopped": 1},
        "wastewater": {"in_operation": 1},
        "rto": {"planned": 2},
    }
    assert overview.region_rows is None


def test_pipeline_counts_furthest_step(scene, personas):
    overview = reads_overview.build_overview(personas["county_a_em_officer"])
    assert pipeline(overview) == {"registered": 1, "safety_reminder": 1, "in_operation": 1}
    assert [row["step"] for row in overview.pipeline] == list(reads_overview.lifecycle.NEW_PROJECT_STEPS)


def test_due_orders_referrals_findings(scene, personas):
    overview = reads_overview.build_overview(personas["county_a_ee_leader"])
    assert overview.assessments_due == 1
    assert overview.diagnoses_missing == 1
    assert overview.orders_in_force == 1
    assert overview.open_referrals == 1
    assert overview.findings_this_year == 1


def test_other_county_sees_none_of_a(scene, personas):
    overview = reads_overview.build_overview(personas["county_b_em_officer"])
    assert overview.total == 1
    assert type_counts(overview) == {"dust": {"in_operation": 1}}
    assert (overview.assessments_due, overview.diagnoses_missing, overview.orders_in_force) == (0, 0, 0)
    assert (overview.open_referrals, overview.findings_this_year) == (0, 0)
    assert pipeline(overview) == {}


def test_city_gets_every_region(scene, personas, region_a, region_b):
    overview = reads_overview.build_overview(personas["city_ee_leader"])
    assert overview.total == 6
    rows = {row["region"].pk: row for row in overview.region_rows}
    assert set(rows) == set(Region.objects.exclude(kind="city").values_list("pk", flat=True))
    assert rows[region_a.pk]["total"] == 5
    assert rows[region_a.pk]["orders_in_force"] == 1
    assert rows[region_a.pk]["assessments_due"] == 1
    assert rows[region_a.pk]["diagnoses_missing"] == 1
    assert rows[region_a.pk]["findings"] == 1
    assert rows[region_b.pk]["total"] == 1
    assert rows[region_b.pk]["assessments_due"] == 0


def test_closed_referral_not_counted(scene, personas):
    from anhuan.sharing.models import Referral

    Referral.objects.update(status=Referral.Status.CLOSED)
    assert reads_overview.build_overview(personas["city_em_leader"]).open_referrals == 0


def test_non_key_rows_left_out(scene, personas, enterprise_a):
    from anhuan.sharing.models import EnvFacility
    from anhuan.sharing.services.registers import create_record

    create_record(
        EnvFacility, actor=personas["county_a_ee_officer"], enterprise=enterprise_a, name="活性炭吸附箱",
        facility_type="activated_carbon", status="in_operation",
    )
    assert reads_overview.build_overview(personas["county_a_ee_officer"]).total == 5


def test_admins_see_nothing(scene, personas):
    for user in (personas["system_admin"], personas["audit_admin"]):
        overview = reads_overview.build_overview(user)
        assert (overview.total, overview.orders_in_force, overview.open_referrals) == (0, 0, 0)
        assert (overview.assessments_due, overview.diagnoses_missing, overview.findings_this_year) == (0, 0, 0)


def test_contact_reads_only_own_enterprise(scene, enterprise_b):
    from conftest import make_user

    overview = reads_overview.build_overview(make_user("contact_b", enterprise=enterprise_b))
    assert overview.total == 1
    assert (overview.orders_in_force, overview.findings_this_year) == (0, 0)
