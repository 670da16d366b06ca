"""A key facility found without a safety demonstration is recorded and referred to the emergency side."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from django.core.files.uploadedfile import SimpleUploadedFile

from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.models import AuditEntry, Notification
from anhuan.facilities.models import DemonstrationFinding
from anhuan.facilities.services import findings as services
from anhuan.facilities.services.lifecycle import record_safety_demonstration
from anhuan.facilities.tests.fixtures import (  # noqa: F401 (fixtures)
    enterprise_a,
    existing_facility,
    new_key_facility,
    planned_facility,
)
from anhuan.sharing.models import Referral

pytestmark = pytest.mark.django_db

FOUND = {"found_on": dt.date(2024, 4, 2), "observed_status": "under_construction", "description": "现场已开始基础施工，未见安全论证材料。"}


def test_finding_refers_to_county_emergency_agency(personas, planned_facility):
    officer = personas["county_a_ee_officer"]

    finding = services.record_finding(planned_facility, officer, **FOUND)

    referral = finding.referral
    assert referral.sender == officer.agency
    assert referral.receiver.department == "emergency"
    assert referral.receiver.region_id == planned_facility.region_id
    assert referral.enterprise_id == planned_facility.enterprise_id
    assert referral.facility == planned_facility.name
    assert referral.description == FOUND["description"]
    assert referral.status == Referral.Status.SENT
    assert Notification.objects.filter(recipient=personas["county_a_em_officer"], kind="referral.received").exists()
    entry = AuditEntry.objects.get(action="facility.finding")
    assert entry.data == {"facility": planned_facility.pk, "referral": referral.pk}


def test_city_finding_refers_to_city(personas, enterprise_a):
    officer = personas["city_ee_officer"]
    facility = new_key_facility(officer, enterprise_a)

    finding = services.record_finding(facility, officer, **FOUND)

    assert finding.referral.receiver == personas["city_em_officer"].agency


def test_finding_with_file(personas, planned_facility):
    upload = SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff\xe0photo", content_type="image/jpeg")

    finding = services.record_finding(planned_facility, personas["county_a_ee_officer"], **FOUND, upload=upload)

    assert DemonstrationFinding.objects.get(pk=finding.pk).file.open("rb").read() == b"\xff\xd8\xff\xe0photo"


def test_finding_file_reaches_referral(client, personas, planned_facility):
    upload = SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff\xe0photo", content_type="image/jpeg")

    finding = services.record_finding(planned_facility, personas["county_a_ee_officer"], **FOUND, upload=upload)

    stored = finding.referral.files.get()
    assert stored.file_name == "现场照片.jpg"
    client.force_login(personas["county_a_em_officer"])
    page = client.get(reverse("sharing:referral-detail", args=[finding.referral_id]))
    assert reverse("sharing:referral-file", args=[stored.pk]) in page.content.decode()
    download = client.get(reverse("sharing:referral-file", args=[stored.pk]))
    assert b"".join(download.streaming_content) == b"\xff\xd8\xff\xe0photo"


def test_refused_finding_file_field(personas, planned_facility):
    upload = SimpleUploadedFile("说明.txt", b"plain text", content_type="text/plain")

    with pytest.raises(ValidationFailed) as refused:
        services.record_finding(planned_facility, personas["county_a_ee_officer"], **FOUND, upload=upload)

    assert refused.value.fields["field"] == "file"
    assert not Referral.objects.exists()


def test_finding_refused_with_passing_demonstration(personas, planned_facility):
    record_safety_demonstration(planned_facility, personas["county_a_em_officer"], held_on=dt.date(2024, 3, 1),
                                organiser="企业", expert_names="张工", opinion="同意", outcome="passed")

    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        services.record_finding(planned_facility, personas["county_a_ee_officer"], **FOUND)

    assert "passing safety demonstration is already on file" in str(refused.value.message)
    assert not Referral.objects.exists()
    assert not DemonstrationFinding.objects.exists()


def test_failed_demonstration_does_not_count(personas, planned_facility):
    record_safety_demonstration(planned_facility, personas["county_a_em_officer"], held_on=dt.date(2024, 3, 1),
                                organiser="企业", expert_names="张工", opinion="不同意", outcome="failed")

    assert services.record_finding(planned_facility, personas["county_a_ee_officer"], **FOUND).referral_id


def test_finding_refused_for_existing_facility(personas, existing_facility):
    with pytest.raises(ValidationFailed):
        services.record_finding(existing_facility, personas["county_a_ee_officer"], **FOUND)
    assert not Referral.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"observed_status": "planned"}, "observed_status"),
    ({"description": "  "}, "description"),
    ({"found_on": dt.date(2099, 1, 1)}, "found_on"),
    ({"found_on": None}, "found_on"),
])
def test_finding_field_refusals(personas, planned_facility, change, field):
    with pytest.raises(ValidationFailed) as refused:
        services.record_finding(planned_facility, personas["county_a_ee_officer"], **{**FOUND, **change})

    assert refused.value.fields["field"] == field
    assert not Referral.objects.exists()


def test_finding_refused_for_emergency_side(personas, planned_facility):
    with pytest.raises(NotPermitted):
        services.record_finding(planned_facility, personas["county_a_em_officer"], **FOUND)


def test_finding_other_county_out_of_scope(personas, planned_facility):
    with pytest.raises(OutOfScope):
        services.record_finding(planned_facility, personas["county_b_ee_officer"], **FOUND)
    assert not Referral.objects.exists()
