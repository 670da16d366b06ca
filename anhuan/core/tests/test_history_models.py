"""History rows of entries recorded on other models than the page's: their own labels, hidden link keys."""

import datetime as dt

import pytest
from django.utils import translation

from anhuan.core import audit
from anhuan.core.history import history_row
from anhuan.facilities.models import DemonstrationFinding
from anhuan.sharing.models import EnvFacility, EnvFacilityType
from anhuan.sharing.services.registers import create_record
from anhuan.sharing.tests.registers_fixtures import enterprise_a  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def facility(personas, enterprise_a):  # noqa: F811
    return create_record(
        EnvFacility, actor=personas["county_a_ee_officer"], enterprise=enterprise_a, name="1号RTO焚烧炉",
        facility_type=EnvFacilityType.RTO, status="planned",
    )


def test_entry_uses_its_own_model(personas, facility):
    finding = DemonstrationFinding(pk=7)
    entry = audit.record(
        personas["county_a_ee_officer"], "facility.finding", finding,
        changes={"observed_status": [None, "under_construction"], "found_on": [None, dt.date(2026, 3, 1).isoformat()]},
    )
    row = history_row(entry, EnvFacility)
    assert [(change.label, change.new) for change in row.changes] == [
        ("Found", "under construction"), ("Found on", "2026-03-01"),
    ]


def test_link_keys_are_hidden(personas, facility):
    entry = audit.record(personas["county_a_ee_officer"], "facility.design", facility, facility=facility.pk, referral=3)
    assert history_row(entry, EnvFacility).details == []


def test_register_name_is_hidden(personas, facility):
    entry = audit.history_for(facility).first()
    assert entry.data == {"register": "env-facilities"}
    assert history_row(entry).details == []


def test_profile_fields_recorded_on_facility(personas, facility):
    entry = audit.record(
        personas["county_a_ee_officer"], "facility.provider", facility,
        changes={"provider_role": [None, "operates"], "responsible_person": [None, "张三"]},
    )
    labels = [(change.label, change.new) for change in history_row(entry).changes]
    assert labels == [("Provider's role", "operates"), ("Enterprise's responsible person", "张三")]


def test_labelled_details_are_shown(personas, facility):
    entry = audit.record(personas["county_a_ee_officer"], "facility.remind", facility, contacts=2, repeated=True)
    assert history_row(entry).details == [("contacts reminded", "2"), ("repeated reminder", "Yes")]
