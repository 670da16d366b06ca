"""Referral statistics per agency and month: one query, scoped, and the Excel file read back."""

import datetime as dt

import openpyxl
import pytest
from django.utils import timezone

from anhuan.core.timeutil import SHANGHAI
from anhuan.organizations.models import Department
from anhuan.sharing.models import Referral
from anhuan.sharing.services import referrals as services
from anhuan.sharing.tests.test_referrals_support import *  # noqa: F401,F403
from anhuan.sharing.tests.test_referrals_support import REGION_A, REGION_B, agency, city_agency, make_referral

Status = Referral.Status
pytestmark = pytest.mark.django_db

MARCH = dt.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)
APRIL = dt.datetime(2026, 4, 1, 0, 30, tzinfo=SHANGHAI)
NOW = dt.datetime(2026, 5, 1, 9, 0, tzinfo=SHANGHAI)


def backdate(referral, sent_at, *, deadline, closed_after=None):
    """Move a referral to ``sent_at``; with ``closed_after`` it is closed that long after sending."""
    values = {"created_at": sent_at, "deadline": deadline}
    if closed_after is not None:
        values.update(status=Status.CLOSED, closed_at=sent_at + closed_after)
    Referral.objects.filter(pk=referral.pk).update(**values)


@pytest.fixture
def history(personas, plant, plant_b, media_root):
    """County A: three in March (two closed, in 2 and 4 days; one overdue) and one in April; county B: one in March."""
    ee_a, em_a, ee_b = personas["county_a_ee_officer"], personas["county_a_em_officer"], personas["county_b_ee_officer"]
    first = make_referral(ee_a, enterprise=plant)
    second = make_referral(ee_a, enterprise=plant)
    third = make_referral(em_a, enterprise=plant)
    fourth = make_referral(ee_a, enterprise=plant)
    other = make_referral(ee_b, enterprise=plant_b)
    backdate(first, MARCH, deadline=MARCH + dt.timedelta(days=10), closed_after=dt.timedelta(days=2))
    backdate(second, MARCH, deadline=MARCH + dt.timedelta(days=10), closed_after=dt.timedelta(days=4))
    backdate(third, MARCH, deadline=MARCH + dt.timedelta(days=10))
    backdate(fourth, APRIL, deadline=NOW + dt.timedelta(days=3))
    backdate(other, MARCH, deadline=MARCH + dt.timedelta(days=10))
    return personas


def row_of(rows, department, region_code, month):
    target = agency(department, region_code)
    matches = [row for row in rows if row.agency_id == target.pk and row.month == month]
    return matches[0] if matches else None


def test_statistics_take_one_query(history, django_assert_num_queries):
    user = history["city_ee_leader"]
    with django_assert_num_queries(1):
        services.referral_statistics(user, year=2026, now=NOW)


def test_sent_counted_for_sender(history):
    rows = services.referral_statistics(history["city_ee_leader"], year=2026, now=NOW)
    assert row_of(rows, Department.ENVIRONMENT, REGION_A, dt.date(2026, 3, 1)).sent == 2


def test_received_counted_for_receiver(history):
    rows = services.referral_statistics(history["city_ee_leader"], year=2026, now=NOW)
    assert row_of(rows, Department.EMERGENCY, REGION_A, dt.date(2026, 3, 1)).received == 2


def test_closed_counted_for_both_agencies(history):
    rows = services.referral_statistics(history["city_ee_leader"], year=2026, now=NOW)
    assert row_of(rows, Department.EMERGENCY, REGION_A, dt.date(2026, 3, 1)).closed == 2


def test_overdue_counts_open_past_deadline(history):
    rows = services.referral_statistics(history["city_ee_leader"], year=2026, now=NOW)
    assert row_of(rows, Department.ENVIRONMENT, REGION_A, dt.date(2026, 3, 1)).overdue == 1


def test_average_days_to_close(history):
    rows = services.referral_statistics(history["city_ee_leader"], year=2026, now=NOW)
    assert row_of(rows, Department.ENVIRONMENT, REGION_A, dt.date(2026, 3, 1)).average_days_to_close == 3.0


def test_month_follows_beijing_time(history):
    rows = services.referral_statistics(history["city_ee_leader"], year=2026, now=NOW)
    assert row_of(rows, Department.ENVIRONMENT, REGION_A, dt.date(2026, 4, 1)).sent == 1


def test_no_average_without_closed(history):
    rows = services.referral_statistics(history["city_ee_leader"], year=2026, now=NOW)
    assert row_of(rows, Department.ENVIRONMENT, REGION_A, dt.date(2026, 4, 1)).average_days_to_close is None


def test_county_user_sees_own_county_only(history):
    rows = services.referral_statistics(history["county_a_em_officer"], year=2026, now=NOW)
    assert {row.agency_id for row in rows} == {agency(Department.ENVIRONMENT, REGION_A).pk,
                                                agency(Department.EMERGENCY, REGION_A).pk}


def test_city_user_sees_other_county(history):
    rows = services.referral_statistics(history["city_ee_leader"], year=2026, now=NOW)
    assert row_of(rows, Department.ENVIRONMENT, REGION_B, dt.date(2026, 3, 1)).sent == 1


def test_region_filter_narrows_rows(history, region_b):
    rows = services.referral_statistics(history["city_ee_leader"], year=2026, region=region_b, now=NOW)
    assert {row.agency_id for row in rows} == {agency(Department.ENVIRONMENT, REGION_B).pk,
                                                agency(Department.EMERGENCY, REGION_B).pk}


def test_other_year_is_empty(history):
    assert services.referral_statistics(history["city_ee_leader"], year=2025, now=NOW) == []


def test_contact_gets_no_rows(history, plant):
    from conftest import make_user

    contact = make_user("plant_contact", enterprise=plant)
    assert services.referral_statistics(contact, year=2026, now=NOW) == []


def test_city_referral_counted_for_city_agency(personas, plant, media_root):
    make_referral(personas["city_ee_officer"], enterprise=plant)
    rows = services.referral_statistics(personas["city_em_leader"], year=timezone.localtime().year)
    assert [row.agency_id for row in rows if row.received] == [city_agency(Department.EMERGENCY).pk]


def test_excel_export_reads_back(history, tmp_path):
    rows = services.referral_statistics(history["county_a_em_officer"], year=2026, now=NOW)
    path = tmp_path / "stats.xlsx"
    services.write_statistics_xlsx(rows, path, title="2026")
    sheet = openpyxl.load_workbook(path).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    march_ee = next(row for row in values if row[0] == "2026-03" and row[1] == agency(Department.ENVIRONMENT, REGION_A).name)
    assert march_ee[2:] == [2, 1, 2, 1, 3]
