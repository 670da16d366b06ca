"""The list of key facilities contracted out without the enterprise's own responsible person (以包代管)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from anhuan.facilities.reads_providers import unowned_facilities
from anhuan.facilities.services import providers
from anhuan.facilities.tests.fixtures import existing_key_facility
from anhuan.facilities.tests.test_providers_support import (  # noqa: F401 (fixtures)
    enterprise_a,
    enterprise_b,
    facility_a,
    facility_b,
    provider,
)
from anhuan.sharing.models import EnvFacility
from anhuan.sharing.services.registers import create_record, update_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def contracted(personas, provider, facility_a, facility_b):
    """facility_a and facility_b run by the provider, neither with a responsible person."""
    for facility in (facility_a, facility_b):
        providers.assign_provider(facility.pk, actor=personas["city_ee_officer"], provider=provider, provider_role="operates")
    return facility_a, facility_b


def test_lists_contracted_facilities_without_person(personas, contracted, facility_a, facility_b):
    assert set(unowned_facilities(personas["city_em_leader"])) == {facility_a, facility_b}


def test_scope_and_region_filter(personas, region_a, contracted, facility_a):
    assert list(unowned_facilities(personas["county_a_ee_officer"])) == [facility_a]
    assert list(unowned_facilities(personas["city_ee_officer"], region=region_a)) == [facility_a]


def test_naming_person_removes_facility(personas, contracted, facility_a, facility_b):
    providers.record_responsible_person(
        facility_a.pk, actor=personas["county_a_em_officer"], responsible_person="赵工", responsible_phone="13900000000"
    )
    assert list(unowned_facilities(personas["city_ee_officer"])) == [facility_b]


def test_facility_without_provider_not_listed(personas, facility_a):
    assert list(unowned_facilities(personas["city_ee_officer"])) == []


def test_register_operator_name_counts_as_contracted(personas, enterprise_a, facility_a):
    update_record(facility_a, actor=personas["county_a_ee_officer"], operator_name="某运维公司")
    assert list(unowned_facilities(personas["county_a_ee_officer"])) == [facility_a]


def test_profileless_facility_listed_by_operator(personas, enterprise_a):
    facility = create_record(
        EnvFacility, actor=personas["county_a_ee_officer"], enterprise=enterprise_a, name="3号污水站",
        facility_type="wastewater", status="planned", operator_name="某水务公司",
    )
    assert list(unowned_facilities(personas["county_a_ee_officer"])) == [facility]


def test_ordinary_and_decommissioned_facilities_not_listed(personas, enterprise_a):
    actor = personas["county_a_ee_officer"]
    create_record(EnvFacility, actor=actor, enterprise=enterprise_a, name="活性炭吸附", facility_type="activated_carbon",
                  status="planned", operator_name="某运维公司")
    existing_key_facility(actor, enterprise_a, name="旧脱硫塔", status="decommissioned", operator_name="某运维公司")
    assert list(unowned_facilities(actor)) == []


def test_page_lists_and_exports(client, personas, contracted, facility_a, tmp_path):
    client.force_login(personas["county_a_em_officer"])
    response = client.get(reverse("facilities:unowned"))
    assert response.status_code == 200
    assert [facility for facility, _profile in response.context["page_obj"]] == [facility_a]
    assert facility_a.name in response.content.decode()

    export = client.get(reverse("facilities:unowned-export"))
    assert export.status_code == 200
    path = tmp_path / "unowned.xlsx"
    path.write_bytes(export.content)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.cell(row=1, column=1).value == "以包代管排查清单"
    header = [cell.value for cell in sheet[2]]
    rows = [dict(zip(header, [cell.value for cell in row])) for row in sheet.iter_rows(min_row=3)]
    assert [(row["企业名称"], row["设施名称"], row["服务内容"], row["企业负责人"]) for row in rows] == [
        (facility_a.enterprise.name, facility_a.name, "运营", "未明确"),
    ]


def test_page_region_filter(client, personas, region_b, contracted, facility_b):
    client.force_login(personas["city_ee_leader"])
    response = client.get(reverse("facilities:unowned"), {"region": region_b.pk})
    assert [facility for facility, _profile in response.context["page_obj"]] == [facility_b]
    export = client.get(reverse("facilities:unowned-export"), {"region": region_b.pk})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 3
