"""The existing-facility pages: who opens what (scope and department matrix) and what a POST writes."""

import datetime as dt

import pytest
from django.urls import reverse

from anhuan.facilities.models import DesignDiagnosis, FacilityHazard, KeyFacilityProfile, SafetyAssessment, SafetyRisk
from anhuan.facilities.services import risks as risk_services
from anhuan.facilities.tests.test_existing_support import (  # noqa: F401
    assess,
    client_for,
    contact_a,
    contact_b,
    english,
    enterprise_a,
    enterprise_b,
    facility_a,
    facility_b,
    not_designed,
)

pytestmark = pytest.mark.django_db

RECORD_PAGES = ["facilities:assessment", "facilities:diagnosis", "facilities:designed", "facilities:risk",
                "facilities:hazard"]


@pytest.fixture
def risk_a(personas, facility_a):
    return risk_services.add_risk(facility_a, personas["county_a_em_officer"], kind="fire", level="moderate",
                                  description="RTO炉膛回火", controls="阻火器")


@pytest.fixture
def hazard_a(personas, facility_a):
    return risk_services.add_hazard(facility_a, personas["county_a_em_officer"], found_on=dt.date(2025, 4, 1),
                                    description="阻火器堵塞", grade="ordinary", deadline=dt.date(2025, 4, 20))


# --- Matrix of the action pages --------------------------------------------------------------------


@pytest.mark.parametrize("name", RECORD_PAGES)
@pytest.mark.parametrize("persona", ["county_a_ee_officer", "county_a_em_officer", "city_em_leader"])
def test_record_pages_open_to_staff(client, personas, facility_a, name, persona):
    response = client_for(client, personas[persona]).get(reverse(name, args=[facility_a.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("name", [*RECORD_PAGES, "facilities:order-issue"])
def test_action_pages_other_county_404(client, personas, facility_a, name):
    response = client_for(client, personas["county_b_em_officer"]).get(reverse(name, args=[facility_a.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", [*RECORD_PAGES, "facilities:order-issue"])
def test_action_pages_refused_for_own_contact(client, facility_a, contact_a, name):
    response = client_for(client, contact_a).get(reverse(name, args=[facility_a.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("name", [*RECORD_PAGES, "facilities:order-issue"])
def test_action_pages_other_enterprise_contact_404(client, facility_a, contact_b, name):
    response = client_for(client, contact_b).get(reverse(name, args=[facility_a.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", [*RECORD_PAGES, "facilities:order-issue"])
@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_action_pages_admins_see_nothing(client, personas, facility_a, name, persona):
    response = client_for(client, personas[persona]).get(reverse(name, args=[facility_a.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", RECORD_PAGES)
def test_record_pages_refused_for_expert(client, personas, facility_a, name):
    response = client_for(client, personas["city_expert"]).get(reverse(name, args=[facility_a.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["county_a_ee_officer", "city_ee_leader"])
def test_order_issue_page_refused_for_environment(client, personas, facility_a, persona):
    response = client_for(client, personas[persona]).get(reverse("facilities:order-issue", args=[facility_a.pk]))
    assert response.status_code == 403


def test_anonymous_redirected_to_login(client, facility_a):
    response = client.get(reverse("facilities:assessment", args=[facility_a.pk]))
    assert response.status_code == 302


# --- POSTs ---------------------------------------------------------------------------------------------


def test_assessment_form_records(client, personas, facility_a):
    response = client_for(client, personas["county_a_em_officer"]).post(
        reverse("facilities:assessment", args=[facility_a.pk]),
        {"assessed_on": "2025-03-10", "assessor": "某评价公司", "risks": "中毒", "controls": "报警", "outcome": "passed",
         "next_due_on": "2026-03-10"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("facilities:detail", args=[facility_a.pk])
    assert SafetyAssessment.objects.get().next_due_on == dt.date(2026, 3, 10)


def test_assessment_form_shows_refusal_on_field(client, personas, facility_a):
    response = client_for(client, personas["county_a_em_officer"]).post(
        reverse("facilities:assessment", args=[facility_a.pk]),
        {"assessed_on": "2025-03-10", "assessor": "某评价公司", "risks": "中毒", "controls": "报警", "outcome": "passed",
         "next_due_on": "2025-03-01"},
    )
    assert response.status_code == 400
    assert "after the assessment date 2025-03-10" in response.content.decode()
    assert not SafetyAssessment.objects.exists()


def test_designed_then_diagnosis_forms(client, personas, facility_a):
    user_client = client_for(client, personas["county_a_ee_officer"])
    response = user_client.post(reverse("facilities:designed", args=[facility_a.pk]), {"formally_designed": "no"})
    assert response.status_code == 302
    assert KeyFacilityProfile.objects.get(facility=facility_a).formally_designed is False
    response = user_client.post(reverse("facilities:diagnosis", args=[facility_a.pk]), {
        "diagnosed_on": "2025-05-01", "institute": "某设计院", "qualification": "环境工程设计专项甲级",
        "certificate_number": "A1", "conclusion": "不符合", "outcome": "failed",
    })
    assert response.status_code == 302
    assert DesignDiagnosis.objects.get().outcome == "failed"


def test_diagnosis_form_refused_when_design_unknown(client, personas, facility_a):
    response = client_for(client, personas["county_a_ee_officer"]).post(
        reverse("facilities:diagnosis", args=[facility_a.pk]), {
            "diagnosed_on": "2025-05-01", "institute": "某设计院", "qualification": "甲级", "certificate_number": "A1",
            "conclusion": "x", "outcome": "passed",
        })
    assert response.status_code == 400
    assert "record first whether this facility was formally designed" in response.content.decode()


def test_risk_add_edit_retire_pages(client, personas, facility_a):
    user_client = client_for(client, personas["county_a_em_officer"])
    user_client.post(reverse("facilities:risk", args=[facility_a.pk]), {
        "kind": "asphyxiation", "level": "major", "description": "脱硫塔内检修窒息", "controls": "有限空间作业审批"})
    risk = SafetyRisk.objects.get()
    assert user_client.get(reverse("facilities:risk-edit", args=[risk.pk])).status_code == 200
    user_client.post(reverse("facilities:risk-edit", args=[risk.pk]), {
        "kind": "asphyxiation", "level": "high", "description": "脱硫塔内检修窒息", "controls": "有限空间作业审批"})
    assert SafetyRisk.objects.get().level == "high"
    assert user_client.get(reverse("facilities:risk-retire", args=[risk.pk])).status_code == 200
    user_client.post(reverse("facilities:risk-retire", args=[risk.pk]))
    assert not SafetyRisk.objects.exists()


def test_risk_pages_other_county_404(client, personas, risk_a):
    user_client = client_for(client, personas["county_b_em_officer"])
    assert user_client.get(reverse("facilities:risk-edit", args=[risk_a.pk])).status_code == 404
    assert user_client.post(reverse("facilities:risk-retire", args=[risk_a.pk])).status_code == 404
    assert SafetyRisk.objects.filter(pk=risk_a.pk).exists()


def test_risk_retire_refused_for_contact(client, risk_a, contact_a):
    assert client_for(client, contact_a).post(reverse("facilities:risk-retire", args=[risk_a.pk])).status_code == 403
    assert SafetyRisk.objects.filter(pk=risk_a.pk).exists()


def test_hazard_rectify_page(client, personas, hazard_a):
    response = client_for(client, personas["county_a_ee_officer"]).post(
        reverse("facilities:hazard-rectify", args=[hazard_a.pk]), {"rectified_on": "2025-04-03", "result": "已清理"})
    assert response.status_code == 302
    assert FacilityHazard.objects.get().rectified_on == dt.date(2025, 4, 3)


def test_hazard_rectify_refusal_shown(client, personas, hazard_a):
    response = client_for(client, personas["county_a_ee_officer"]).post(
        reverse("facilities:hazard-rectify", args=[hazard_a.pk]), {"rectified_on": "2025-03-03", "result": "已清理"})
    assert response.status_code == 400
    assert "before the day the hazard was found" in response.content.decode()


def test_hazard_rectify_other_county_404(client, personas, hazard_a):
    response = client_for(client, personas["county_b_ee_officer"]).get(
        reverse("facilities:hazard-rectify", args=[hazard_a.pk]))
    assert response.status_code == 404


def test_report_download_scoped(client, personas, facility_a, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    assessment = assess(facility_a, personas["county_a_em_officer"],
                        upload=SimpleUploadedFile("报告.pdf", b"%PDF-1.4 x", content_type="application/pdf"))
    url = reverse("facilities:existing-file", args=["assessment", assessment.pk])
    response = client_for(client, personas["county_a_ee_officer"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    client.logout()
    assert client_for(client, personas["county_b_ee_officer"]).get(url).status_code == 404


# --- The section on the facility page ------------------------------------------------------------------


def test_facility_page_shows_section(client, personas, facility_a, risk_a, hazard_a):
    assess(facility_a, personas["county_a_em_officer"], outcome="failed")
    response = client_for(client, personas["county_a_em_officer"]).get(reverse("facilities:detail", args=[facility_a.pk]))
    body = response.content.decode()
    assert 'id="existing-path"' in body
    assert "RTO炉膛回火" in body
    assert "阻火器堵塞" in body
    assert reverse("facilities:order-issue", args=[facility_a.pk]) in body


def test_section_read_only_for_contact(client, facility_a, contact_a, risk_a):
    response = client_for(client, contact_a).get(reverse("facilities:detail", args=[facility_a.pk]))
    if response.status_code == 200:
        body = response.content.decode()
        assert reverse("facilities:risk", args=[facility_a.pk]) not in body
        assert reverse("facilities:risk-edit", args=[risk_a.pk]) not in body
    else:
        assert response.status_code in (403, 404)


# --- Due page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["county_a_ee_officer", "county_a_em_officer", "city_em_leader", "city_expert"])
def test_due_page_for_staff(client, personas, facility_a, persona):
    response = client_for(client, personas[persona]).get(reverse("facilities:due"))
    assert response.status_code == 200
    assert facility_a.name in response.content.decode()


def test_due_page_hides_other_county(client, personas, facility_a, facility_b):
    body = client_for(client, personas["county_b_em_officer"]).get(reverse("facilities:due")).content.decode()
    assert facility_b.name in body
    assert facility_a.name not in body


def test_due_page_region_counts_for_city(client, personas, facility_a, facility_b):
    body = client_for(client, personas["city_em_officer"]).get(reverse("facilities:due")).content.decode()
    assert 'id="region-counts"' in body
    county_body = client_for(client, personas["county_a_em_officer"]).get(reverse("facilities:due")).content.decode()
    assert 'id="region-counts"' not in county_body


@pytest.mark.parametrize("name", ["facilities:due", "facilities:due-export", "facilities:assessment-export",
                                  "facilities:diagnosis-export", "facilities:assessment-import"])
def test_due_and_excel_rejected_for_others(client, personas, contact_a, name):
    refused = client_for(client, contact_a).get(reverse(name), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403
    # The reason matches the page. Reading pages point the contact to their own facilities, and the import
    # names who records.
    reason = ("Only officers and leaders of the two bureaus record" if name.endswith("import")
              else "Enterprise contacts open their own key facilities")
    assert reason in refused.content.decode()
    client.logout()
    assert client_for(client, personas["system_admin"]).get(reverse(name)).status_code == 403


def test_due_export_is_workbook(client, personas, facility_a, tmp_path):
    import openpyxl

    response = client_for(client, personas["county_a_em_officer"]).get(reverse("facilities:due-export"))
    path = tmp_path / "due.xlsx"
    path.write_bytes(response.content)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["安全评估待办", "设计诊断待办"]
    rows = list(workbook["安全评估待办"].iter_rows(values_only=True))
    assert rows[0][3] == "设施名称"
    assert rows[1][3] == facility_a.name
    assert rows[1][2] == facility_a.enterprise.credit_code


def test_report_upload_page(client, personas, facility_a, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    assessment = assess(facility_a, personas["county_a_em_officer"])
    url = reverse("facilities:report-upload", args=["assessment", assessment.pk])
    user_client = client_for(client, personas["county_a_ee_officer"])
    assert user_client.get(url).status_code == 200
    response = user_client.post(url, {"upload": SimpleUploadedFile("报告.pdf", b"%PDF-1.4 y", content_type="application/pdf")})
    assert response.status_code == 302
    assert SafetyAssessment.objects.get().file_name == "报告.pdf"


def test_report_upload_page_matrix(client, personas, facility_a, contact_a):
    assessment = assess(facility_a, personas["county_a_em_officer"])
    url = reverse("facilities:report-upload", args=["assessment", assessment.pk])
    assert client_for(client, personas["county_b_ee_officer"]).get(url).status_code == 404
    client.logout()
    assert client_for(client, contact_a).get(url).status_code == 403
