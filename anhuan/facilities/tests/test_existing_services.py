"""Safety assessments, design diagnoses and the formal-design flag, allowed and refused."""

import datetime as dt

import pytest

from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.models import AuditEntry, Notification
from anhuan.facilities.models import DesignDiagnosis, KeyFacilityProfile, SafetyAssessment
from anhuan.facilities.services import existing as services
from anhuan.facilities.services import risks as risk_services
from anhuan.facilities.tests.test_existing_support import (  # noqa: F401
    ASSESSED_ON,
    assess,
    contact_a,
    diagnose,
    english,
    enterprise_a,
    enterprise_b,
    facility_a,
    facility_b,
    not_designed,
)
from anhuan.facilities.tests.fixtures import new_key_facility
from anhuan.sharing.models import EnvFacility
from anhuan.sharing.services.registers import create_record

pytestmark = pytest.mark.django_db


# --- Assessments ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["county_a_ee_officer", "county_a_em_officer", "county_a_em_leader", "city_em_officer"])
def test_assessment_recorded_by_either_department(personas, facility_a, persona):
    assessment = assess(facility_a, personas[persona], next_due_on=dt.date(2026, 3, 10))
    assert assessment.facility_id == facility_a.pk
    assert assessment.region_id == facility_a.region_id
    assert assessment.recorded_by == personas[persona]


def test_assessment_audited_with_values(personas, facility_a):
    assessment = assess(facility_a, personas["county_a_em_officer"])
    entry = AuditEntry.objects.get(action=services.ExistingAction.ASSESSMENT, object_id=str(assessment.pk))
    assert entry.actor == personas["county_a_em_officer"]
    assert entry.changes["assessor"] == [None, "河北某安全评价有限公司"]
    assert entry.changes["outcome"] == [None, "passed"]


def test_assessment_other_county_out_of_scope(personas, facility_a):
    with pytest.raises(OutOfScope):
        assess(facility_a, personas["county_b_em_officer"])


@pytest.mark.parametrize("persona", ["city_expert", "system_admin", "audit_admin"])
def test_assessment_refused_for_non_actors(personas, facility_a, persona):
    with pytest.raises((NotPermitted, OutOfScope)):
        assess(facility_a, personas[persona])


def test_assessment_refused_for_enterprise_contact(facility_a, contact_a):
    with pytest.raises(NotPermitted):
        assess(facility_a, contact_a)


def test_assessment_future_date_refused(personas, facility_a):
    with pytest.raises(ValidationFailed) as error:
        assess(facility_a, personas["county_a_em_officer"], assessed_on=services.today() + dt.timedelta(days=1))
    assert error.value.fields["field"] == "assessed_on"
    assert SafetyAssessment.objects.count() == 0


def test_assessment_next_due_must_follow_date(personas, facility_a):
    with pytest.raises(ValidationFailed) as error:
        assess(facility_a, personas["county_a_em_officer"], next_due_on=ASSESSED_ON)
    assert error.value.fields["field"] == "next_due_on"
    assert "after the assessment date 2025-03-10" in str(error.value.message)


@pytest.mark.parametrize("field", ["assessor", "risks", "controls"])
def test_assessment_required_text_named(personas, facility_a, field):
    with pytest.raises(ValidationFailed) as error:
        assess(facility_a, personas["county_a_em_officer"], **{field: "  "})
    assert error.value.fields["field"] == field
    assert SafetyAssessment.objects.count() == 0


def test_assessment_unknown_outcome_refused(personas, facility_a):
    with pytest.raises(ValidationFailed) as error:
        assess(facility_a, personas["county_a_em_officer"], outcome="maybe")
    assert error.value.fields["field"] == "outcome"


def test_assessment_only_for_key_facilities(personas, enterprise_a):  # noqa: F811
    plain = create_record(EnvFacility, actor=personas["county_a_ee_officer"], enterprise=enterprise_a, name="活性炭箱",
                          facility_type="activated_carbon", status="in_operation", commissioned_on=dt.date(2020, 1, 1))
    with pytest.raises(OutOfScope):
        assess(plain, personas["county_a_em_officer"])


def test_assessment_report_file_kept(personas, facility_a, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    report = SimpleUploadedFile("评估报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    assessment = assess(facility_a, personas["county_a_em_officer"], upload=report)
    assert assessment.file_name == "评估报告.pdf"
    assert len(assessment.sha256) == 64
    assert assessment.file.open("rb").read() == b"%PDF-1.4 report"


def test_assessment_bad_report_refused(personas, facility_a, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("评估报告.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed):
        assess(facility_a, personas["county_a_em_officer"], upload=fake)
    assert SafetyAssessment.objects.count() == 0


def test_failed_assessment_notifies_em_agency(personas, facility_a):
    assess(facility_a, personas["county_a_ee_officer"], outcome="failed")
    recipients = set(Notification.objects.filter(kind="facilities.check_failed").values_list("recipient__username", flat=True))
    assert recipients == {"county_a_em_officer", "county_a_em_leader"}


def test_passing_assessment_notifies_nobody(personas, facility_a):
    assess(facility_a, personas["county_a_ee_officer"])
    assert not Notification.objects.filter(kind="facilities.check_failed").exists()


# --- Formal design and diagnoses ----------------------------------------------------------------


def test_formally_designed_recorded_and_audited(personas, facility_a):
    profile = risk_services.set_formally_designed(facility_a, False, personas["county_a_em_officer"])
    assert KeyFacilityProfile.objects.get(pk=profile.pk).formally_designed is False
    entry = AuditEntry.objects.get(action=risk_services.RiskAction.DESIGNED)
    assert entry.changes == {"formally_designed": [None, False]}


def test_formally_designed_unchanged_writes_nothing(personas, facility_a):
    risk_services.set_formally_designed(facility_a, True, personas["county_a_ee_officer"])
    risk_services.set_formally_designed(facility_a, True, personas["county_a_ee_officer"])
    assert AuditEntry.objects.filter(action=risk_services.RiskAction.DESIGNED).count() == 1


def test_formally_designed_needs_yes_or_no(personas, facility_a):
    with pytest.raises(ValidationFailed):
        risk_services.set_formally_designed(facility_a, "maybe", personas["county_a_ee_officer"])


def test_formally_designed_other_county_refused(personas, facility_a):
    with pytest.raises(OutOfScope):
        risk_services.set_formally_designed(facility_a, False, personas["county_b_ee_officer"])


@pytest.mark.parametrize("persona", ["county_a_ee_officer", "county_a_em_officer"])
def test_diagnosis_recorded_by_either_department(personas, facility_a, persona):
    not_designed(facility_a, personas[persona])
    diagnosis = diagnose(facility_a, personas[persona])
    assert DesignDiagnosis.objects.get(pk=diagnosis.pk).institute == "河北某工程设计研究院有限公司"
    assert AuditEntry.objects.filter(action=services.ExistingAction.DIAGNOSIS, object_id=str(diagnosis.pk)).exists()


def test_diagnosis_refused_when_design_unknown(personas, facility_a):
    with pytest.raises(ValidationFailed) as error:
        diagnose(facility_a, personas["county_a_em_officer"])
    assert error.value.fields["field"] == "formally_designed"
    assert "record first whether this facility was formally designed" in str(error.value.message)


def test_diagnosis_refused_when_formally_designed(personas, facility_a):
    risk_services.set_formally_designed(facility_a, True, personas["county_a_em_officer"])
    with pytest.raises(ValidationFailed) as error:
        diagnose(facility_a, personas["county_a_em_officer"])
    assert "recorded as formally designed" in str(error.value.message)


@pytest.mark.parametrize("field", ["institute", "qualification", "certificate_number", "conclusion"])
def test_diagnosis_qualified_institute_required(personas, facility_a, field):
    not_designed(facility_a, personas["county_a_em_officer"])
    with pytest.raises(ValidationFailed) as error:
        diagnose(facility_a, personas["county_a_em_officer"], **{field: ""})
    assert error.value.fields["field"] == field
    assert DesignDiagnosis.objects.count() == 0


def test_diagnosis_future_date_refused(personas, facility_a):
    not_designed(facility_a, personas["county_a_em_officer"])
    with pytest.raises(ValidationFailed) as error:
        diagnose(facility_a, personas["county_a_em_officer"], diagnosed_on=services.today() + dt.timedelta(days=3))
    assert error.value.fields["field"] == "diagnosed_on"


def test_failed_diagnosis_notifies_em_agency(personas, facility_a):
    not_designed(facility_a, personas["county_a_ee_officer"])
    diagnose(facility_a, personas["county_a_ee_officer"], outcome="failed")
    recipients = set(Notification.objects.filter(kind="facilities.check_failed").values_list("recipient__username", flat=True))
    assert recipients == {"county_a_em_officer", "county_a_em_leader"}


def test_diagnosis_other_county_out_of_scope(personas, facility_a):
    not_designed(facility_a, personas["county_a_ee_officer"])
    with pytest.raises(OutOfScope):
        diagnose(facility_a, personas["county_b_ee_officer"])


def test_new_project_facility_takes_assessment(personas, enterprise_a):  # noqa: F811
    facility = new_key_facility(personas["county_a_ee_officer"], enterprise_a)
    assert assess(facility, personas["county_a_em_officer"]).pk


# --- Reports attached later ---------------------------------------------------------------------------


def pdf(name="报告.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4 later", content_type="application/pdf")


def test_report_attached_later(personas, facility_a, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    assessment = assess(facility_a, personas["county_a_em_officer"])
    services.attach_report(SafetyAssessment, assessment.pk, personas["county_a_ee_officer"], pdf())
    assessment.refresh_from_db()
    assert assessment.file_name == "报告.pdf"
    assert assessment.file.open("rb").read() == b"%PDF-1.4 later"
    assert AuditEntry.objects.filter(action=services.ExistingAction.REPORT, object_id=str(assessment.pk)).exists()


def test_report_on_file_not_replaced(personas, facility_a, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    assessment = assess(facility_a, personas["county_a_em_officer"], upload=pdf("原报告.pdf"))
    with pytest.raises(ValidationFailed) as error:
        services.attach_report(SafetyAssessment, assessment.pk, personas["county_a_em_officer"], pdf("新报告.pdf"))
    assert "原报告.pdf" in str(error.value.message)
    assessment.refresh_from_db()
    assert assessment.file_name == "原报告.pdf"


def test_report_attach_other_county(personas, facility_a, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    assessment = assess(facility_a, personas["county_a_em_officer"])
    with pytest.raises(OutOfScope):
        services.attach_report(SafetyAssessment, assessment.pk, personas["county_b_em_officer"], pdf())


def test_report_attach_refused_for_contact(personas, facility_a, contact_a, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    assessment = assess(facility_a, personas["county_a_em_officer"])
    with pytest.raises(NotPermitted):
        services.attach_report(SafetyAssessment, assessment.pk, contact_a, pdf())


def test_report_attach_needs_file(personas, facility_a):
    not_designed(facility_a, personas["county_a_em_officer"])
    diagnosis = diagnose(facility_a, personas["county_a_em_officer"])
    with pytest.raises(ValidationFailed) as error:
        services.attach_report(DesignDiagnosis, diagnosis.pk, personas["county_a_em_officer"], None)
    assert error.value.fields["field"] == "upload"
