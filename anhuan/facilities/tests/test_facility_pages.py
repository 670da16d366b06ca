"""Key facility pages: the persona matrix, the lifecycle panel, action pages, refusals, files and the list export."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from anhuan.core.models import AuditEntry
from anhuan.facilities.models import (
    ConstructionPlan,
    Demonstration,
    DemonstrationFinding,
    FacilityDesign,
    KeyFacilityProfile,
    SimultaneityCheckpoint,
)
from anhuan.facilities.services import lifecycle as services
from anhuan.facilities.tests.fixtures import (  # noqa: F401 (fixtures)
    complete_until,
    enterprise_a,
    enterprise_b,
    existing_facility,
    new_key_facility,
    planned_facility,
)
from anhuan.sharing.models import EnvFacility, Referral
from conftest import make_user

pytestmark = pytest.mark.django_db

# Who may open a 信都区 facility page: 200, 403 (not staff) or 404 (out of scope).
PAGE_MATRIX = {
    "city_ee_officer": 200, "city_em_leader": 200, "county_a_ee_officer": 200, "county_a_em_officer": 200,
    "county_a_em_leader": 200, "county_b_ee_officer": 404, "county_b_em_officer": 404, "city_expert": 200,
    "system_admin": 403, "audit_admin": 403,
}
# Action pages: name, departments allowed ("ee" or "both").
ACTION_PAGES = [
    ("facilities:share", "ee"), ("facilities:env-demonstration", "ee"), ("facilities:remind", "ee"),
    ("facilities:safety-demonstration", "both"), ("facilities:design", "ee"), ("facilities:construction-plan", "both"),
    ("facilities:acceptance", "ee"), ("facilities:status", "ee"), ("facilities:finding", "ee"),
]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def signed_in(client, user):
    client.force_login(user)
    return client


def detail(facility):
    return reverse("facilities:detail", args=[facility.pk])


# --- Access matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "status"), PAGE_MATRIX.items())
def test_facility_page_by_persona(client, personas, planned_facility, persona, status):
    assert signed_in(client, personas[persona]).get(detail(planned_facility)).status_code == status


@pytest.mark.parametrize(("persona", "status"), PAGE_MATRIX.items())
def test_list_by_persona(client, personas, planned_facility, persona, status):
    response = signed_in(client, personas[persona]).get(reverse("facilities:list"))
    assert response.status_code == (403 if status == 403 else 200)
    if status == 200:
        assert planned_facility.name in response.content.decode()
    if status == 404:
        assert planned_facility.name not in response.content.decode()


def test_anonymous_is_sent_to_login(client, planned_facility):
    response = client.get(detail(planned_facility))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_contact_reads_own_facility_only(client, planned_facility, enterprise_a, enterprise_b):
    signed_in(client, make_user("contact_a", enterprise=enterprise_a))

    page = client.get(detail(planned_facility))

    content = page.content.decode()
    assert page.status_code == 200
    assert 'id="facility-actions"' not in content
    assert 'id="history-title"' not in content
    assert f'href="{reverse("facilities:list")}"' in content
    assert client.get(reverse("facilities:safety-demonstration", args=[planned_facility.pk])).status_code == 403
    client.force_login(make_user("contact_b", enterprise=enterprise_b))
    assert client.get(detail(planned_facility)).status_code == 404


def test_contact_lists_own_facilities(client, personas, planned_facility, enterprise_a, enterprise_b):
    other = new_key_facility(personas["county_b_ee_officer"], enterprise_b, name="沙河污水站", facility_type="wastewater")
    contact = signed_in(client, make_user("contact_a", enterprise=enterprise_a))

    home = client.get(reverse("home"), follow=True).content.decode()
    response = client.get(reverse("facilities:list"))

    assert f'href="{reverse("facilities:list")}"' in home
    assert response.status_code == 200
    content = response.content.decode()
    assert planned_facility.name in content
    assert other.name not in content
    assert "format=xlsx" not in content
    assert "region" not in response.context["filters"].fields
    assert contact.get(reverse("facilities:list"), {"format": "xlsx"}).status_code == 403


@pytest.mark.parametrize(("name", "allowed"), ACTION_PAGES)
def test_action_page_matrix(client, personas, planned_facility, name, allowed):
    url = reverse(name, args=[planned_facility.pk])
    expected = {
        "county_a_ee_officer": 200, "county_a_ee_leader": 200, "county_a_em_officer": 200 if allowed == "both" else 403,
        "county_b_ee_officer": 404, "city_expert": 403, "system_admin": 403,
    }
    for persona, status in expected.items():
        assert signed_in(client, personas[persona]).get(url).status_code == status, persona


def test_checkpoint_page_matrix(client, personas, planned_facility):
    url = reverse("facilities:checkpoint", args=[planned_facility.pk, "designed"])
    assert signed_in(client, personas["county_a_em_officer"]).get(url).status_code == 200
    assert signed_in(client, personas["county_b_em_officer"]).get(url).status_code == 404
    bad = reverse("facilities:checkpoint", args=[planned_facility.pk, "in_use"])
    assert signed_in(client, personas["county_a_ee_officer"]).get(bad).status_code == 404


def test_wrong_department_post_writes_nothing(client, personas, planned_facility):
    signed_in(client, personas["county_a_em_officer"])

    response = client.post(reverse("facilities:design", args=[planned_facility.pk]), {
        "designer": "设计院", "qualification": "甲级", "certificate_number": "A1", "designed_on": "2024-03-01",
    })

    assert response.status_code == 403
    assert not FacilityDesign.objects.exists()


# --- The facility page ---------------------------------------------------------------------------


def test_first_view_shares_new_project(client, personas, planned_facility):
    signed_in(client, personas["county_a_em_officer"]).get(detail(planned_facility))

    assert KeyFacilityProfile.objects.get(facility=planned_facility).shared_at is not None


def test_page_shows_every_step_done(client, personas, planned_facility):
    complete_until(planned_facility, personas["county_a_ee_officer"], "in_operation")

    content = signed_in(client, personas["county_a_em_officer"]).get(detail(planned_facility)).content.decode()

    assert content.count('data-done="yes"') == len(services.STEP_LABELS)
    assert 'data-done="no"' not in content


def test_page_shows_pending_steps_and_blockers(client, personas, planned_facility):
    content = signed_in(client, personas["county_a_ee_officer"]).get(detail(planned_facility)).content.decode()

    assert 'data-step="registered" data-done="yes"' in content
    assert 'data-step="safety_demonstration" data-done="no"' in content
    assert "No passing safety demonstration" in content
    assert reverse("facilities:finding", args=[planned_facility.pk]) in content


def test_page_lists_records_history_and_finding(client, personas, planned_facility):
    officer = personas["county_a_ee_officer"]
    services.record_env_demonstration(
        planned_facility, officer, held_on=dt.date(2024, 3, 1), organiser="市生态环境局", expert_names="张工",
        opinion="同意建设", outcome="passed", upload=SimpleUploadedFile("意见.pdf", b"%PDF-1.4 x"),
    )
    from anhuan.facilities.services.findings import record_finding

    record_finding(planned_facility, officer, found_on=dt.date(2024, 4, 1), observed_status="under_construction",
                   description="已开工")

    content = signed_in(client, officer).get(detail(planned_facility)).content.decode()
    demonstration = Demonstration.objects.get()
    assert reverse("facilities:file", args=["demonstration", demonstration.pk]) in content
    assert "同意建设" in content
    assert "Environmental demonstration recorded" in content
    assert "Missing safety demonstration found and referred" in content
    assert reverse("sharing:referral-detail", args=[Referral.objects.get().pk]) in content


def test_emergency_officer_sees_only_shared_actions(client, personas, planned_facility):
    content = signed_in(client, personas["county_a_em_officer"]).get(detail(planned_facility)).content.decode()

    assert reverse("facilities:safety-demonstration", args=[planned_facility.pk]) in content
    assert reverse("facilities:design", args=[planned_facility.pk]) not in content
    assert reverse("facilities:status", args=[planned_facility.pk]) not in content


# --- Action pages ----------------------------------------------------------------------------


def test_status_refusal_page_shows_reasons(client, personas, planned_facility):
    signed_in(client, personas["county_a_ee_officer"])

    response = client.post(reverse("facilities:status", args=[planned_facility.pk]), {"target": "under_construction"})

    content = response.content.decode()
    assert response.status_code == 400
    assert "No passing safety demonstration" in content
    assert "No construction plan" in content
    assert EnvFacility.objects.get(pk=planned_facility.pk).status == "planned"
    assert not AuditEntry.objects.filter(action="register.update").exists()


def test_status_refusal_page_in_chinese(client, personas, planned_facility, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    signed_in(client, personas["county_a_ee_officer"])

    with translation.override("zh-hans"):
        response = client.post(reverse("facilities:status", args=[planned_facility.pk]), {"target": "under_construction"},
                               HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert "安全论证" in response.content.decode()


def test_status_page_moves_facility(client, personas, planned_facility):
    officer = personas["county_a_ee_officer"]
    complete_until(planned_facility, officer, "checkpoint_designed")

    response = signed_in(client, officer).post(reverse("facilities:status", args=[planned_facility.pk]),
                                               {"target": "under_construction"})

    assert response.status_code == 302
    assert EnvFacility.objects.get(pk=planned_facility.pk).status == "under_construction"


def test_env_demonstration_form_saves(client, personas, planned_facility):
    signed_in(client, personas["county_a_ee_officer"])

    response = client.post(reverse("facilities:env-demonstration", args=[planned_facility.pk]), {
        "held_on": "2024-03-01", "organiser": "市生态环境局", "expert_names": "张工、李工", "opinion": "同意",
        "outcome": "passed", "upload": SimpleUploadedFile("意见.pdf", b"%PDF-1.4 opinion"),
    })

    assert response.status_code == 302
    assert Demonstration.objects.get().file_name == "意见.pdf"


def test_form_shows_service_refusal(client, personas, planned_facility):
    signed_in(client, personas["county_a_ee_officer"])

    response = client.post(reverse("facilities:env-demonstration", args=[planned_facility.pk]), {
        "held_on": "2099-01-01", "organiser": "局", "expert_names": "张工", "opinion": "同意", "outcome": "passed",
    })

    assert response.status_code == 400
    assert "the date cannot be in the future" in response.content.decode()
    assert not Demonstration.objects.exists()


def test_construction_plan_form_by_emergency_side(client, personas, planned_facility):
    signed_in(client, personas["county_a_em_officer"])

    response = client.post(reverse("facilities:construction-plan", args=[planned_facility.pk]), {
        "prepared_on": "2024-03-01", "contractor": "某公司", "safety_measures": "动火审批",
    })

    assert response.status_code == 302
    assert ConstructionPlan.objects.get().recorded_by == personas["county_a_em_officer"]


def test_checkpoint_page_refuses_without_design(client, personas, planned_facility):
    signed_in(client, personas["county_a_em_officer"])

    response = client.post(reverse("facilities:checkpoint", args=[planned_facility.pk, "designed"]),
                           {"confirmed_on": "2024-03-01"})

    assert response.status_code == 400
    assert "Record the design before confirming" in response.content.decode()
    assert not SimultaneityCheckpoint.objects.exists()


def test_share_and_remind_pages(client, personas, planned_facility, enterprise_a):
    make_user("contact_a", enterprise=enterprise_a)
    signed_in(client, personas["county_a_ee_officer"])

    assert client.post(reverse("facilities:share", args=[planned_facility.pk])).status_code == 302
    assert client.post(reverse("facilities:remind", args=[planned_facility.pk])).status_code == 302

    profile = KeyFacilityProfile.objects.get(facility=planned_facility)
    assert profile.shared_at is not None
    assert profile.safety_reminded_by == personas["county_a_ee_officer"]


def test_finding_page_refers(client, personas, planned_facility):
    signed_in(client, personas["county_a_ee_officer"])

    response = client.post(reverse("facilities:finding", args=[planned_facility.pk]), {
        "found_on": "2024-04-01", "observed_status": "in_operation", "description": "设施已运行",
    })

    assert response.status_code == 302
    assert DemonstrationFinding.objects.get().referral.receiver == personas["county_a_em_officer"].agency


# --- Files -------------------------------------------------------------------------------------


def test_file_download_is_scope_checked(client, personas, planned_facility, enterprise_a, enterprise_b):
    design = services.record_design(
        planned_facility, personas["county_a_ee_officer"], designer="设计院", qualification="甲级",
        certificate_number="A1", designed_on=dt.date(2024, 3, 1), upload=SimpleUploadedFile("设计.pdf", b"%PDF-1.4 d"),
    )
    url = reverse("facilities:file", args=["design", design.pk])

    response = signed_in(client, personas["county_a_em_officer"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 d"
    assert signed_in(client, personas["county_b_em_officer"]).get(url).status_code == 404
    assert signed_in(client, personas["system_admin"]).get(url).status_code == 403
    assert signed_in(client, make_user("contact_a", enterprise=enterprise_a)).get(url).status_code == 200
    assert signed_in(client, make_user("contact_b", enterprise=enterprise_b)).get(url).status_code == 404
    assert signed_in(client, personas["county_a_ee_officer"]).get(
        reverse("facilities:file", args=["unknown", design.pk])).status_code == 404


# --- List ----------------------------------------------------------------------------------------


def test_list_filters(client, personas, planned_facility, existing_facility, enterprise_b):
    other = new_key_facility(personas["county_b_ee_officer"], enterprise_b, name="沙河污水站", facility_type="wastewater")
    signed_in(client, personas["city_ee_officer"])
    url = reverse("facilities:list")

    def names(**query):
        content = client.get(url, query).content.decode()
        return {facility.name for facility in (planned_facility, existing_facility, other) if facility.name in content}

    assert names() == {planned_facility.name, existing_facility.name, other.name}
    assert names(facility_type="rto") == {planned_facility.name}
    assert names(status="in_operation") == {existing_facility.name}
    assert names(path="existing") == {existing_facility.name}
    assert names(path="new_project") == {planned_facility.name, other.name}
    assert names(region=other.region_id) == {other.name}
    assert names(q="沙河") == {other.name}


def test_list_flags_finding(client, personas, planned_facility):
    from anhuan.facilities.services.findings import record_finding

    record_finding(planned_facility, personas["county_a_ee_officer"], found_on=dt.date(2024, 4, 1),
                   observed_status="under_construction", description="已开工")

    content = signed_in(client, personas["county_a_em_officer"]).get(reverse("facilities:list")).content.decode()
    assert "Found without a safety demonstration" in content


def test_list_export_reads_back(client, personas, planned_facility, existing_facility, tmp_path):
    from anhuan.facilities.services.findings import record_finding

    record_finding(planned_facility, personas["county_a_ee_officer"], found_on=dt.date(2024, 4, 1),
                   observed_status="under_construction", description="已开工")
    response = signed_in(client, personas["county_a_ee_officer"]).get(reverse("facilities:list"), {"format": "xlsx"})
    path = tmp_path / "facilities.xlsx"
    path.write_bytes(response.content)

    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("企业名称", "行政区划", "设施名称", "设施类型")
    by_name = {row[2]: row for row in rows[2:]}
    assert set(by_name) == {planned_facility.name, existing_facility.name}
    assert by_name[existing_facility.name][7] == "2021-05-01"
    assert "Found without a safety demonstration" in by_name[planned_facility.name][8]
    assert response["Content-Disposition"].startswith('attachment; filename="key-facilities-')


def test_list_export_respects_filters(client, personas, planned_facility, existing_facility):
    response = signed_in(client, personas["county_a_ee_officer"]).get(
        reverse("facilities:list"), {"format": "xlsx", "path": "existing"}
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[2] for row in rows[2:]] == [existing_facility.name]


# --- What the tester found on the facility page and the list ------------------------------------


def test_page_shows_all_experts(client, personas, planned_facility, region_a):
    from anhuan.experts.models import Expert

    expert = Expert.objects.create(name="刘专家", department="environment", region=region_a)
    officer = personas["county_a_ee_officer"]
    services.record_env_demonstration(
        planned_facility, officer, held_on=dt.date(2024, 3, 1), organiser="市生态环境局", expert_names="张工",
        opinion="同意建设", outcome="passed", experts=[expert.pk],
    )

    content = signed_in(client, officer).get(detail(planned_facility)).content.decode()

    assert "张工、刘专家" in content


def test_page_shows_list_flags(client, personas, planned_facility):
    from anhuan.facilities.services.findings import record_finding

    officer = personas["county_a_ee_officer"]
    record_finding(planned_facility, officer, found_on=dt.date(2024, 4, 1), observed_status="under_construction",
                   description="已开工")
    row = signed_in(client, officer).get(reverse("facilities:list")).context["page"].object_list[0]

    response = client.get(detail(planned_facility))

    assert row.flags
    assert response.context["flags"] == row.flags
    assert 'id="facility-flags"' in response.content.decode()
    assert str(row.flags[0]) in response.content.decode()


def test_existing_page_and_stage(client, personas, existing_facility):
    from anhuan.facilities.services import existing as existing_services
    from anhuan.facilities.services import risks as risk_services

    officer = personas["county_a_em_officer"]
    existing_services.record_assessment(
        existing_facility, officer, assessed_on=dt.date(2024, 5, 6), assessor="某评价公司", risks="中毒",
        controls="通风", outcome="failed",
    )
    risk_services.set_formally_designed(existing_facility, False, officer)

    page = signed_in(client, officer).get(detail(existing_facility)).content.decode()
    row = client.get(reverse("facilities:list")).context["page"].object_list[0]

    # The new-project records panel would claim that nothing is on file, so this path leaves it out.
    assert 'id="records"' not in page
    assert "No lifecycle record is on file yet." not in page
    assert "failed" in row.stage
    assert "2024-05-06" in row.stage
    assert "design diagnosis missing" in row.stage
    assert row.stage != "existing facility"


def test_existing_stage_without_assessment(client, personas, existing_facility):
    row = signed_in(client, personas["county_a_em_officer"]).get(reverse("facilities:list")).context["page"].object_list[0]
    assert row.stage == "no safety assessment on file"


def test_overdue_major_hazard_is_flagged(client, personas, existing_facility):
    from anhuan.facilities.services import risks as risk_services

    officer = personas["county_a_em_officer"]
    hazard = risk_services.add_hazard(
        existing_facility, officer, found_on=dt.date(2025, 1, 5), description="脱硫塔内动火未置换", grade="major",
        deadline=dt.date(2025, 2, 1),
    )
    risk_services.add_hazard(
        existing_facility, officer, found_on=dt.date(2025, 1, 5), description="护栏缺失", grade="ordinary",
        deadline=dt.date(2025, 2, 1),
    )
    row = signed_in(client, officer).get(reverse("facilities:list")).context["page"].object_list[0]
    assert [str(flag) for flag in row.flags] == ["Major hazard overdue for rectification"]

    risk_services.rectify_hazard(hazard, officer, rectified_on=dt.date(2025, 1, 30), result="已整改并复查")
    row = client.get(reverse("facilities:list")).context["page"].object_list[0]
    assert row.flags == []
