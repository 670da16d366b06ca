"""``manage.py facility status|finding``: acts as the named user and prints refusals in Chinese."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from anhuan.core.models import AuditEntry
from anhuan.facilities.models import DemonstrationFinding
from anhuan.facilities.tests.fixtures import complete_until, enterprise_a, planned_facility  # noqa: F401 (fixtures)
from anhuan.sharing.models import EnvFacility, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def run(*args):
    out = io.StringIO()
    call_command("facility", *args, stdout=out)
    return out.getvalue()


def test_status_refusal_prints_chinese_reasons(personas, planned_facility):
    with pytest.raises(CommandError) as refused:
        run("status", str(planned_facility.pk), "under_construction", "--user", "county_a_ee_officer")

    text = str(refused.value)
    assert text.splitlines()[1].startswith("- ")
    assert "安全论证" in text.splitlines()[1]
    assert len(text.splitlines()) == 5
    assert EnvFacility.objects.get(pk=planned_facility.pk).status == "planned"
    assert not AuditEntry.objects.filter(action="register.update").exists()


def test_status_changes(personas, planned_facility):
    complete_until(planned_facility, personas["county_a_ee_officer"], "checkpoint_designed")

    out = run("status", str(planned_facility.pk), "under_construction", "--user", "county_a_ee_officer")

    assert str(planned_facility.pk) in out
    assert EnvFacility.objects.get(pk=planned_facility.pk).status == "under_construction"


def test_status_not_allowed_move(personas, planned_facility):
    with pytest.raises(CommandError):
        run("status", str(planned_facility.pk), "in_operation", "--user", "county_a_ee_officer")


def test_status_by_emergency_officer_refused(personas, planned_facility):
    with pytest.raises(CommandError):
        run("status", str(planned_facility.pk), "decommissioned", "--user", "county_a_em_officer")
    assert EnvFacility.objects.get(pk=planned_facility.pk).status == "planned"


def test_other_county_not_found(personas, planned_facility):
    with pytest.raises(CommandError) as refused:
        run("status", str(planned_facility.pk), "decommissioned", "--user", "county_b_ee_officer")
    assert str(planned_facility.pk) in str(refused.value)


def test_unknown_user(personas, planned_facility):
    with pytest.raises(CommandError, match="nobody"):
        run("status", str(planned_facility.pk), "decommissioned", "--user", "nobody")


def test_finding_refers_and_prints_referral_id(personas, planned_facility):
    out = run("finding", str(planned_facility.pk), "--observed-status", "in_operation", "--description", "设施已运行",
              "--found-on", "2024-04-01", "--user", "county_a_ee_officer")

    finding = DemonstrationFinding.objects.get()
    assert out.strip().splitlines()[-1] == str(finding.referral_id)
    assert finding.found_on.isoformat() == "2024-04-01"
    assert Referral.objects.get().receiver == personas["county_a_em_officer"].agency


def test_finding_bad_date(personas, planned_facility):
    with pytest.raises(CommandError, match="2024-13-01"):
        run("finding", str(planned_facility.pk), "--observed-status", "in_operation", "--description", "x",
            "--found-on", "2024-13-01", "--user", "county_a_ee_officer")
    assert not Referral.objects.exists()


def test_finding_refused_by_emergency_officer(personas, planned_facility):
    with pytest.raises(CommandError):
        run("finding", str(planned_facility.pk), "--observed-status", "in_operation", "--description", "x",
            "--user", "county_a_em_officer")
    assert not Referral.objects.exists()
