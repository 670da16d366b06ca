"""The list of violations and penalties without rectification (以罚代管、罚而不管)."""

import datetime as dt

import openpyxl
import pytest
from django.urls import reverse

from anhuan.facilities.reads_providers import unrectified_records, unrectified_row
from anhuan.facilities.tests.test_providers_support import (  # noqa: F401 (fixtures)
    enforcement,
    enterprise_a,
    enterprise_b,
    facility_a,
)
from anhuan.sharing.models import EnforcementRecord
from anhuan.sharing.services.registers import update_record

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 10)


@pytest.fixture
def records(personas, enterprise_a, enterprise_b, facility_a):
    """Records of both counties: overdue, pending, rectified, soft without violation, and one without a deadline."""
    ee_a, em_a, ee_b = personas["county_a_ee_officer"], personas["county_a_em_officer"], personas["county_b_ee_officer"]
    made = {
        "overdue_long": enforcement(ee_a, enterprise_a, violation="未经验收投入使用", rectification_deadline=dt.date(2025, 5, 25),
                                    facility=facility_a),
        "overdue_short": enforcement(em_a, enterprise_a, measure="fine", amount=5000, harder_measure_reason="屡教不改",
                                     rectification_deadline=dt.date(2025, 6, 5)),
        "pending": enforcement(ee_a, enterprise_a, inspected_on=dt.date(2025, 5, 21), measure="penalty_warning",
                               harder_measure_reason="情节较重", rectification_deadline=dt.date(2025, 6, 30)),
        "rectified": enforcement(ee_a, enterprise_a, inspected_on=dt.date(2025, 5, 22), violation="超标排放",
                                 rectification_deadline=dt.date(2025, 6, 1), rectified_on=dt.date(2025, 5, 30)),
        "soft": enforcement(ee_a, enterprise_a, inspected_on=dt.date(2025, 5, 23), measure="admin_notice"),
        "county_b": enforcement(ee_b, enterprise_b, violation="除尘器未运行", rectification_deadline=dt.date(2025, 6, 1)),
    }
    # Recorded before the deadline was required: written directly, as old data would be.
    legacy = enforcement(ee_a, enterprise_a, inspected_on=dt.date(2025, 5, 24), measure="order_rectify",
                         harder_measure_reason="隐患较大", rectification_deadline=dt.date(2025, 6, 20))
    EnforcementRecord.objects.filter(pk=legacy.pk).update(rectification_deadline=None)
    made["no_deadline"] = legacy
    return made


def test_order_overdue_first_then_without_deadline(personas, records):
    listed = list(unrectified_records(personas["county_a_em_officer"], today=TODAY))
    assert listed == [records["overdue_long"], records["overdue_short"], records["no_deadline"], records["pending"]]


def test_days_overdue(personas, records):
    rows = {row.record.pk: row for row in
            (unrectified_row(record, TODAY) for record in unrectified_records(personas["city_ee_leader"], today=TODAY))}
    assert rows[records["overdue_long"].pk].days_overdue == 16
    assert rows[records["overdue_short"].pk].days_overdue == 5
    assert rows[records["pending"].pk].days_overdue == 0
    assert rows[records["no_deadline"].pk].has_deadline is False
    assert rows[records["county_b"].pk].overdue is True


def test_rectified_and_soft_records_not_listed(personas, records):
    listed = set(unrectified_records(personas["city_ee_leader"], today=TODAY))
    assert records["rectified"] not in listed
    assert records["soft"] not in listed


def test_recording_rectification_removes_record(personas, records):
    update_record(records["overdue_long"], actor=personas["county_a_ee_officer"], rectified_on=dt.date(2025, 6, 1),
                  rectification_result="已补办验收")
    assert records["overdue_long"] not in set(unrectified_records(personas["county_a_ee_officer"], today=TODAY))


def test_scope_and_region_filter(personas, region_b, records):
    assert records["county_b"] not in set(unrectified_records(personas["county_a_ee_officer"], today=TODAY))
    assert list(unrectified_records(personas["city_em_leader"], region=region_b, today=TODAY)) == [records["county_b"]]


@pytest.mark.parametrize("persona", ["county_a_ee_officer", "county_a_em_officer", "city_expert"])
def test_page_open_to_both_bureaus(client, personas, records, persona):
    client.force_login(personas[persona])
    response = client.get(reverse("facilities:unrectified"))
    assert response.status_code == 200
    assert response.context["page_obj"][0].record == records["overdue_long"]
    assert "超期" in response.content.decode() or "overdue" in response.content.decode()


def test_page_other_county_sees_own_only(client, personas, records):
    client.force_login(personas["county_b_em_officer"])
    response = client.get(reverse("facilities:unrectified"))
    assert [row.record for row in response.context["page_obj"]] == [records["county_b"]]


def test_export_round_trip(client, personas, records, facility_a, tmp_path):
    client.force_login(personas["county_a_ee_officer"])
    export = client.get(reverse("facilities:unrectified-export"))
    path = tmp_path / "unrectified.xlsx"
    path.write_bytes(export.content)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.cell(row=1, column=1).value == "以罚代管罚而不管排查清单"
    header = [cell.value for cell in sheet[2]]
    rows = [dict(zip(header, [cell.value for cell in row])) for row in sheet.iter_rows(min_row=3)]
    assert len(rows) == 4
    first = rows[0]
    assert first["违法行为"] == "未经验收投入使用"
    assert first["设施名称"] == facility_a.name
    assert first["整改期限"] == "2025-05-25"
    assert isinstance(first["超期天数"], int)
    assert first["超期天数"] > 0
    assert [row["整改期限"] for row in rows].count("未设定") == 1


def test_page_size_from_query(client, personas, records):
    client.force_login(personas["city_ee_leader"])
    response = client.get(reverse("facilities:unrectified"), {"page_size": 50})
    assert response.context["page_size"] == 50
