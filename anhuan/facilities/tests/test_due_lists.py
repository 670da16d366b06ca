"""The due lists: existing key facilities that need a safety assessment, and those missing a design diagnosis."""

import datetime as dt

import pytest

from anhuan.facilities.reads_existing import due_lists
from anhuan.facilities.tests.fixtures import new_key_facility
from anhuan.facilities.tests.test_existing_support import (  # noqa: F401
    assess,
    diagnose,
    english,
    enterprise_a,
    enterprise_b,
    existing_key_facility,
    facility_a,
    facility_b,
    not_designed,
)
from anhuan.sharing.services.registers import update_record

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 1)


def due_names(user, **kwargs):
    return [facility.name for facility in due_lists(user, on=ON, **kwargs).assessments]


def test_existing_without_assessment_is_due(personas, facility_a):
    assert due_names(personas["county_a_em_officer"]) == [facility_a.name]


def test_passing_assessment_clears_due(personas, facility_a):
    assess(facility_a, personas["county_a_em_officer"], next_due_on=dt.date(2026, 12, 1))
    assert due_names(personas["county_a_em_officer"]) == []


def test_next_due_date_reached_is_due(personas, facility_a):
    assess(facility_a, personas["county_a_em_officer"], next_due_on=dt.date(2026, 5, 1))
    lists = due_lists(personas["county_a_em_officer"], on=ON)
    assert [facility.name for facility in lists.assessments] == [facility_a.name]
    assert lists.assessments[0].overdue_days == 31


def test_due_on_the_day_itself(personas, facility_a):
    assess(facility_a, personas["county_a_em_officer"], next_due_on=ON)
    lists = due_lists(personas["county_a_em_officer"], on=ON)
    assert len(lists.assessments) == 1
    assert lists.assessments[0].overdue_days == 0


def test_failed_assessment_keeps_due(personas, facility_a):
    assess(facility_a, personas["county_a_em_officer"], outcome="failed")
    assert due_names(personas["county_a_em_officer"]) == [facility_a.name]


def test_latest_passing_assessment_counts(personas, facility_a):
    assess(facility_a, personas["county_a_em_officer"], assessed_on=dt.date(2024, 3, 1), next_due_on=dt.date(2025, 3, 1))
    assess(facility_a, personas["county_a_em_officer"], assessed_on=dt.date(2025, 3, 1), next_due_on=dt.date(2027, 3, 1))
    assert due_names(personas["county_a_em_officer"]) == []


def test_stopped_facility_not_in_assessment_list(personas, facility_a):
    update_record(facility_a, actor=personas["county_a_ee_officer"], status="stopped")
    assert due_names(personas["county_a_em_officer"]) == []


def test_new_project_not_in_assessment_list(personas, enterprise_a):  # noqa: F811
    new_key_facility(personas["county_a_ee_officer"], enterprise_a)
    assert due_names(personas["county_a_em_officer"]) == []


def test_due_list_scoped_by_county(personas, facility_a, facility_b):
    assert due_names(personas["county_b_em_officer"]) == [facility_b.name]
    assert sorted(due_names(personas["city_ee_leader"])) == sorted([facility_a.name, facility_b.name])


def test_due_list_region_filter(personas, facility_a, facility_b, region_b):
    assert due_names(personas["city_em_officer"], region=region_b) == [facility_b.name]


def test_due_list_empty_for_others(personas, facility_a):
    assert due_names(personas["system_admin"]) == []


def test_missing_diagnosis_listed(personas, facility_a):
    not_designed(facility_a, personas["county_a_ee_officer"])
    lists = due_lists(personas["county_a_em_officer"], on=ON)
    assert [facility.pk for facility in lists.diagnoses] == [facility_a.pk]


def test_unknown_design_not_listed(personas, facility_a):
    assert due_lists(personas["county_a_em_officer"], on=ON).diagnoses == []


def test_failed_diagnosis_still_missing(personas, facility_a):
    not_designed(facility_a, personas["county_a_ee_officer"])
    diagnose(facility_a, personas["county_a_ee_officer"], outcome="failed")
    lists = due_lists(personas["county_a_em_officer"], on=ON)
    assert lists.diagnoses[0].last_outcome == "failed"


def test_passing_diagnosis_clears_missing(personas, facility_a):
    not_designed(facility_a, personas["county_a_ee_officer"])
    diagnose(facility_a, personas["county_a_ee_officer"])
    assert due_lists(personas["county_a_em_officer"], on=ON).diagnoses == []


def test_counts_by_region(personas, facility_a, facility_b, region_a, region_b, enterprise_a):  # noqa: F811
    second = existing_key_facility(personas["county_a_ee_officer"], enterprise_a, name="3号污水处理站",
                                   facility_type="wastewater")
    not_designed(second, personas["county_a_ee_officer"])
    counts = due_lists(personas["city_em_officer"], on=ON).counts_by_region()
    assert {region.code: (assessments, diagnoses) for region, assessments, diagnoses in counts} == {
        region_a.code: (2, 1), region_b.code: (1, 0),
    }
