"""Register pages: the ownership × scope matrix for every persona, and the page flows."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anhuan.core.audit import history_for
from anhuan.sharing.models import (
    ApprovalKind,
    DeletedRecord,
    EnforcementMeasure,
    EnforcementRecord,
    EnvFacility,
    EnvFacilityType,
    ProjectApproval,
    SafetyFacility,
)
from anhuan.sharing.services.registers import RegisterAction, create_record
from anhuan.sharing.tests.registers_fixtures import enterprise_a, enterprise_b, write_xlsx  # noqa: F401
from conftest import make_user

pytestmark = pytest.mark.django_db

STAFF = [
    "city_ee_officer", "city_ee_leader", "city_em_officer", "city_em_leader", "county_a_ee_officer",
    "county_a_em_officer", "county_a_ee_leader", "county_a_em_leader", "county_b_ee_officer", "county_b_em_officer",
    "city_expert",
]
NON_READERS = ["system_admin", "audit_admin", "contact"]
# Who sees a row of region A: everyone at city level and the staff of region A.
SEES_REGION_A = {name for name in STAFF if not name.startswith("county_b")}
ENV_OWNERS = {"city_ee_officer", "city_ee_leader", "county_a_ee_officer", "county_a_ee_leader", "county_b_ee_officer"}
EM_OWNERS = {"city_em_officer", "city_em_leader", "county_a_em_officer", "county_a_em_leader", "county_b_em_officer"}


@pytest.fixture
def users(personas, enterprise_a):
    return {**personas, "contact": make_user("contact_a", enterprise=enterprise_a)}


@pytest.fixture
def rows(personas, enterprise_a):
    """One row of each register in region A, keyed by register name."""
    return {
        "env-facilities": create_record(
            EnvFacility, actor=personas["county_a_ee_officer"], enterprise=enterprise_a, name="1号RTO焚烧炉",
            facility_type=EnvFacilityType.RTO, commissioned_on=dt.date(2021, 5, 1)),
        "safety-facilities": create_record(
            SafetyFacility, actor=personas["county_a_em_officer"], enterprise=enterprise_a, name="报警系统",
            facility_type="检测报警设施"),
        "approvals": create_record(
            ProjectApproval, actor=personas["county_a_ee_officer"], enterprise=enterprise_a, project_name="化工项目",
            kind=ApprovalKind.EIA, approval_number="邢环审〔2025〕8号", approval_date=dt.date(2025, 3, 18),
            authority="邢台市生态环境局"),
        "enforcement": create_record(
            EnforcementRecord, actor=personas["county_a_em_officer"], enterprise=enterprise_a,
            inspected_on=dt.date(2025, 5, 20), inspectors="张三", findings="报警器未检定",
            measure=EnforcementMeasure.ADMIN_NOTICE),
    }


def client_for(client, user):
    client.force_login(user)
    return client


# Owners of the region-A row of each register: the approval is an EIA, the enforcement
# record was made by the county A emergency agency.
ROW_OWNERS = {
    "env-facilities": ENV_OWNERS - {"county_b_ee_officer"},
    "safety-facilities": EM_OWNERS - {"county_b_em_officer"},
    "approvals": ENV_OWNERS - {"county_b_ee_officer"},
    "enforcement": EM_OWNERS - {"county_b_em_officer"},
}
# Who may add rows at all.
ADDERS = {
    "env-facilities": ENV_OWNERS,
    "safety-facilities": EM_OWNERS,
    "approvals": ENV_OWNERS | EM_OWNERS,
    "enforcement": ENV_OWNERS | EM_OWNERS,
}
REGISTER_NAMES = list(ROW_OWNERS)
PERSONAS = STAFF + NON_READERS


def expected_read(persona):
    return 403 if persona in NON_READERS else 200


def expected_detail(persona):
    if persona in NON_READERS:
        return 403
    return 200 if persona in SEES_REGION_A else 404


def expected_change(persona, register, success):
    if persona in NON_READERS:
        return 403
    if persona not in SEES_REGION_A:
        return 404
    return success if persona in ROW_OWNERS[register] else 403


@pytest.mark.parametrize("register", REGISTER_NAMES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_list_matrix(client, users, rows, register, persona):
    response = client_for(client, users[persona]).get(reverse("sharing:register-list", args=[register]))
    assert response.status_code == expected_read(persona)


@pytest.mark.parametrize("register", REGISTER_NAMES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_matrix(client, users, rows, register, persona):
    url = reverse("sharing:register-detail", args=[register, rows[register].pk])
    assert client_for(client, users[persona]).get(url).status_code == expected_detail(persona)


@pytest.mark.parametrize("register", REGISTER_NAMES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_create_page_matrix(client, users, register, persona):
    response = client_for(client, users[persona]).get(reverse("sharing:register-create", args=[register]))
    assert response.status_code == (200 if persona in ADDERS[register] else 403)


@pytest.mark.parametrize("register", REGISTER_NAMES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_import_page_matrix(client, users, register, persona):
    response = client_for(client, users[persona]).get(reverse("sharing:register-import", args=[register]))
    assert response.status_code == (200 if persona in ADDERS[register] else 403)


@pytest.mark.parametrize("register", REGISTER_NAMES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_edit_page_matrix(client, users, rows, register, persona):
    url = reverse("sharing:register-edit", args=[register, rows[register].pk])
    assert client_for(client, users[persona]).get(url).status_code == expected_change(persona, register, 200)


@pytest.mark.parametrize("register", REGISTER_NAMES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_delete_matrix(client, users, rows, register, persona):
    record = rows[register]
    url = reverse("sharing:register-delete", args=[register, record.pk])
    status = client_for(client, users[persona]).post(url).status_code
    assert status == expected_change(persona, register, 302)
    assert type(record).objects.filter(pk=record.pk).exists() is (status != 302)


@pytest.mark.parametrize("register", REGISTER_NAMES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_export_matrix(client, users, rows, register, persona, tmp_path):
    response = client_for(client, users[persona]).get(reverse("sharing:register-export", args=[register]))
    assert response.status_code == expected_read(persona)
    if response.status_code == 200:
        path = tmp_path / "export.xlsx"
        path.write_bytes(response.content)
        data_rows = openpyxl.load_workbook(path).active.max_row - 1
        assert data_rows == (1 if persona in SEES_REGION_A else 0)


# --- Flows --------------------------------------------------------------------------------


def test_create_form_adds_and_audits(client, personas, enterprise_a):
    actor = personas["county_a_ee_officer"]
    response = client_for(client, actor).post(reverse("sharing:register-create", args=["env-facilities"]), {
        "enterprise": enterprise_a.credit_code.lower(), "name": "脱硫塔", "facility_type": "desulfurization_denitrification",
        "status": "in_operation", "commissioned_on": "2022-05-01",
    })
    facility = EnvFacility.objects.get()
    assert response.status_code == 302
    assert facility.is_key is True
    assert history_for(facility).get().action == RegisterAction.CREATE


def test_create_form_shows_rule_errors(client, personas, enterprise_a):
    client_for(client, personas["county_a_em_officer"])
    response = client.post(reverse("sharing:register-create", args=["enforcement"]), {
        "enterprise": enterprise_a.credit_code, "inspected_on": "2025-05-20", "inspectors": "张三", "findings": "问题",
        "measure": "fine",
    }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"harder_measure_reason", "amount", "rectification_deadline"}
    assert EnforcementRecord.objects.count() == 0


def test_create_form_rejects_enterprise_elsewhere(client, personas, enterprise_b):
    client_for(client, personas["county_a_ee_officer"])
    response = client.post(reverse("sharing:register-create", args=["env-facilities"]), {
        "enterprise": enterprise_b.credit_code, "name": "脱硫塔", "facility_type": "other", "status": "in_operation",
    })
    assert "enterprise" in response.context["form"].errors
    assert EnvFacility.objects.count() == 0


def test_approval_form_offers_own_kinds(client, personas):
    client_for(client, personas["county_a_em_officer"])
    form = client.get(reverse("sharing:register-create", args=["approvals"])).context["form"]
    assert [value for value, _label in form.fields["kind"].choices] == [
        "safety_conditions", "safety_design", "completion_acceptance",
    ]


def test_enforcement_form_lists_soft_measures_first(client, personas):
    client_for(client, personas["county_a_em_officer"])
    form = client.get(reverse("sharing:register-create", args=["enforcement"])).context["form"]
    values = [value for value, _label in form.fields["measure"].choices if value]
    assert values[:6] == ["education", "persuasion", "warning_caution", "admin_notice", "admin_guidance", "admin_interview"]


def test_edit_form_saves_and_shows_history(client, personas, rows):
    record = rows["safety-facilities"]
    client_for(client, personas["city_em_leader"])
    url = reverse("sharing:register-edit", args=["safety-facilities", record.pk])
    response = client.post(url, {
        "enterprise": record.enterprise.credit_code, "name": "报警系统", "facility_type": "检测报警设施",
        "location": "罐区北侧", "status": "in_operation",
    })
    assert response.status_code == 302
    assert history_for(record).first().changes == {"location": ["", "罐区北侧"]}
    detail = client.get(reverse("sharing:register-detail", args=["safety-facilities", record.pk]))
    assert "罐区北侧" in detail.content.decode()
    assert len(detail.context["history"]) == 2


def test_delete_page_asks_confirmation(client, personas, rows):
    client_for(client, personas["county_a_ee_officer"])
    response = client.get(reverse("sharing:register-delete", args=["env-facilities", rows["env-facilities"].pk]))
    assert b"data-confirm" in response.content
    assert EnvFacility.objects.count() == 1


def test_delete_post_feeds_deletions(client, personas, rows):
    client_for(client, personas["county_a_ee_officer"])
    client.post(reverse("sharing:register-delete", args=["env-facilities", rows["env-facilities"].pk]))
    assert DeletedRecord.objects.get().register == "env-facilities"


def test_unknown_register_is_not_found(client, personas):
    response = client_for(client, personas["city_ee_officer"]).get("/sharing/registers/nothing/")
    assert response.status_code == 404


def test_list_filters_by_measure_and_keyword(client, personas, rows, enterprise_b):
    create_record(EnforcementRecord, actor=personas["city_em_officer"], enterprise=enterprise_b,
                  inspected_on=dt.date(2025, 4, 1), inspectors="李四", findings="问题", measure=EnforcementMeasure.EDUCATION)
    client_for(client, personas["city_em_officer"])
    url = reverse("sharing:register-list", args=["enforcement"])
    assert client.get(url).context["page_obj"].paginator.count == 2
    assert client.get(url, {"record_type": "education"}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"q": "沙河"}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"date_from": "2025-05-01"}).context["page_obj"].paginator.count == 1


def test_list_filters_by_region(client, personas, rows, region_b):
    client_for(client, personas["city_ee_officer"])
    response = client.get(reverse("sharing:register-list", args=["env-facilities"]), {"region": region_b.pk})
    assert response.context["page_obj"].paginator.count == 0


def test_export_follows_filters(client, personas, rows, tmp_path):
    client_for(client, personas["city_ee_officer"])
    response = client.get(reverse("sharing:register-export", args=["env-facilities"]), {"q": "不存在的企业"})
    path = tmp_path / "filtered.xlsx"
    path.write_bytes(response.content)
    assert openpyxl.load_workbook(path).active.max_row == 1


def test_template_download_reads_back(client, personas, tmp_path):
    client_for(client, personas["county_a_em_officer"])
    response = client.get(reverse("sharing:register-template", args=["safety-facilities"]))
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    sheet = openpyxl.load_workbook(path).active
    assert [cell.value for cell in sheet[1]][:3] == ["企业名称", "统一社会信用代码", "设施名称"]
    assert sheet.max_row == 2
    assert sheet.cell(row=2, column=2).data_type == "s"


def _upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/octet-stream")


def test_import_page_adds_rows(client, personas, enterprise_a, tmp_path):
    path = tmp_path / "安全设施.xlsx"
    write_xlsx(path, ["统一社会信用代码", "设施名称", "设施类型"], [[enterprise_a.credit_code, "报警系统", "检测报警设施"]])
    client_for(client, personas["county_a_em_officer"])
    response = client.post(reverse("sharing:register-import", args=["safety-facilities"]),
                           {"file": _upload(path), "action": "import"})
    assert response.status_code == 302
    assert SafetyFacility.objects.count() == 1


def test_import_check_writes_nothing(client, personas, enterprise_a, tmp_path):
    path = tmp_path / "check.xlsx"
    write_xlsx(path, ["统一社会信用代码", "设施名称", "设施类型"], [[enterprise_a.credit_code, "报警系统", "检测报警设施"]])
    client_for(client, personas["county_a_em_officer"])
    response = client.post(reverse("sharing:register-import", args=["safety-facilities"]),
                           {"file": _upload(path), "action": "check"})
    assert response.context["checked"].created == 1
    assert SafetyFacility.objects.count() == 0


def test_import_page_lists_errors(client, personas, enterprise_a, tmp_path):
    path = tmp_path / "bad.xlsx"
    write_xlsx(path, ["统一社会信用代码", "设施名称", "设施类型"], [[enterprise_a.credit_code, "", "检测报警设施"]])
    client_for(client, personas["county_a_em_officer"])
    response = client.post(reverse("sharing:register-import", args=["safety-facilities"]),
                           {"file": _upload(path), "action": "import"})
    errors = response.context["rejected"].errors
    assert [(error.row, error.column) for error in errors] == [(2, "设施名称")]
    assert SafetyFacility.objects.count() == 0


def test_import_rejects_non_excel_upload(client, personas):
    client_for(client, personas["county_a_em_officer"])
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    response = client.post(reverse("sharing:register-import", args=["safety-facilities"]), {"file": upload})
    assert "file" in response.context["form"].errors


def test_contact_gets_reason_on_403(client, users):
    response = client_for(client, users["contact"]).get(
        reverse("sharing:register-list", args=["approvals"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert b"Enterprise contacts" in response.content


def test_export_file_is_xlsx(client, personas, rows):
    response = client_for(client, personas["city_expert"]).get(reverse("sharing:register-export", args=["approvals"]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "统一社会信用代码" in [cell.value for cell in workbook.active[1]]


def test_list_shows_the_chosen_rows_per_page(client, personas, enterprise_a):
    actor = personas["county_a_em_officer"]
    for number in range(25):
        create_record(SafetyFacility, actor=actor, enterprise=enterprise_a, name=f"设施{number:02d}", facility_type="消防")
    url = reverse("sharing:register-list", args=["safety-facilities"])
    response = client_for(client, actor).get(url, {"page_size": 50})
    assert len(response.context["page_obj"].object_list) == 25
    assert len(client.get(url).context["page_obj"].object_list) == 20
