"""The facility concerned and the rectification deadline of enforcement records: service, form, Excel and API."""

import datetime as dt
import json

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from anhuan.api.tests.exchange_fixtures import enterprises, issue, list_url, token_client, tokens  # noqa: F401
from anhuan.core.errors import ValidationFailed
from anhuan.facilities.tests.test_providers_support import (  # noqa: F401 (fixtures)
    INSPECTED,
    enforcement,
    enterprise_a,
    enterprise_b,
    facility_a,
    facility_b,
)
from anhuan.pollution.importing.errors import ImportRejected
from anhuan.sharing import registry
from anhuan.sharing.exporting import register_workbook
from anhuan.sharing.importing import import_register
from anhuan.sharing.models import EnforcementRecord, EnvFacility
from anhuan.sharing.services.registers import create_record, enforcement_rule_errors, needs_rectification, update_record
from anhuan.sharing.tests.registers_fixtures import write_xlsx

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2025, 6, 30)


# --- The rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("violation", "measure", "expected"), [
    ("", "education", False),
    ("", "none", False),
    ("", "admin_interview", False),
    ("未经验收投入使用", "education", True),
    ("  ", "education", False),
    ("", "order_rectify", True),
    ("", "penalty_warning", True),
    ("", "fine", True),
    ("", "suspension", True),
])
def test_needs_rectification_table(violation, measure, expected):
    assert needs_rectification(violation, measure) is expected


@pytest.mark.parametrize("measure", ["penalty_warning", "suspension", "order_rectify", "fine"])
def test_penalty_without_deadline_rejected(measure):
    values = {"measure": measure, "inspected_on": INSPECTED, "harder_measure_reason": "屡教不改", "amount": 1000}
    fields = [field for field, _message in enforcement_rule_errors(values, today=dt.date(2025, 6, 1))]
    assert fields == ["rectification_deadline"]


def test_violation_without_deadline_rejected():
    values = {"measure": "education", "inspected_on": INSPECTED, "violation": "重点环保设施未经验收投入使用"}
    with translation.override("en"):
        errors = enforcement_rule_errors(values, today=dt.date(2025, 6, 1))
    assert errors == [(
        "rectification_deadline",
        "A record with a violation needs a rectification deadline, so that the rectification can be followed up.",
    )]


def test_soft_measure_needs_no_deadline():
    values = {"measure": "admin_notice", "inspected_on": INSPECTED, "violation": ""}
    assert enforcement_rule_errors(values, today=dt.date(2025, 6, 1)) == []


def test_service_rejects_violation_without_deadline(personas, enterprise_a):
    with pytest.raises(ValidationFailed) as error:
        enforcement(personas["county_a_ee_officer"], enterprise_a, violation="RTO焚烧炉未经验收投入使用")
    assert error.value.fields["field"] == "rectification_deadline"
    assert not EnforcementRecord.objects.exists()


def test_service_stores_facility_concerned(personas, enterprise_a, facility_a):
    record = enforcement(
        personas["county_a_ee_officer"], enterprise_a, violation="未经验收投入使用", rectification_deadline=DEADLINE,
        facility=facility_a,
    )
    assert record.facility == facility_a


def test_service_rejects_facility_of_other_enterprise(personas, enterprise_a, facility_b):
    with pytest.raises(ValidationFailed) as error:
        enforcement(personas["city_ee_officer"], enterprise_a, facility=facility_b)
    assert error.value.fields["field"] == "facility"


def test_update_records_facility_change(personas, enterprise_a, facility_a):
    from anhuan.core.models import AuditEntry

    actor = personas["county_a_ee_officer"]
    record = enforcement(actor, enterprise_a)
    update_record(record, actor=actor, facility=facility_a)
    entry = AuditEntry.objects.get(action="register.update", object_id=str(record.pk))
    assert entry.changes == {"facility": [None, facility_a.name]}


# --- The register form ---------------------------------------------------------------------------------


def form_body(enterprise, **fields):
    return {"enterprise": enterprise.credit_code, "inspected_on": "2025-05-20", "inspectors": "张三", "findings": "现场检查",
            "measure": "education", **fields}


def test_form_names_facility_by_name(client, personas, enterprise_a, facility_a):
    client.force_login(personas["county_a_ee_officer"])
    response = client.post(reverse("sharing:register-create", args=["enforcement"]), form_body(
        enterprise_a, violation="未经验收投入使用", facility=facility_a.name, rectification_deadline="2025-06-30"))
    assert response.status_code == 302
    record = EnforcementRecord.objects.get()
    assert record.facility == facility_a
    detail = client.get(reverse("sharing:register-detail", args=["enforcement", record.pk]))
    assert facility_a.name in detail.content.decode()


def test_form_rejects_unknown_facility_name(client, personas, enterprise_a, facility_a):
    client.force_login(personas["county_a_ee_officer"])
    with translation.override("en"):
        response = client.post(reverse("sharing:register-create", args=["enforcement"]), form_body(
            enterprise_a, facility="不存在的设施"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "facility" in response.context["form"].errors
    assert not EnforcementRecord.objects.exists()


def test_form_rejects_facility_of_other_enterprise(client, personas, enterprise_a, facility_b):
    client.force_login(personas["city_ee_officer"])
    response = client.post(reverse("sharing:register-create", args=["enforcement"]), form_body(
        enterprise_a, facility=facility_b.name))
    assert "facility" in response.context["form"].errors
    assert not EnforcementRecord.objects.exists()


def test_form_requires_deadline_with_violation(client, personas, enterprise_a):
    client.force_login(personas["county_a_ee_officer"])
    response = client.post(reverse("sharing:register-create", args=["enforcement"]), form_body(
        enterprise_a, violation="超标排放"))
    assert set(response.context["form"].errors) == {"rectification_deadline"}
    assert not EnforcementRecord.objects.exists()


def test_edit_form_shows_facility_name(client, personas, enterprise_a, facility_a):
    actor = personas["county_a_ee_officer"]
    record = enforcement(actor, enterprise_a, facility=facility_a)
    client.force_login(actor)
    response = client.get(reverse("sharing:register-edit", args=["enforcement", record.pk]))
    assert response.context["form"]["facility"].value() == facility_a.name


# --- Excel ------------------------------------------------------------------------------------------------

HEADER = ["统一社会信用代码", "检查日期", "执法人员", "检查发现问题", "违法行为", "设施名称", "处理措施", "整改期限"]


def test_import_matches_facility_within_enterprise(personas, enterprise_a, facility_a, tmp_path):
    rows = [[enterprise_a.credit_code, "2025-05-20", "张三", "现场检查", "未经验收投入使用", facility_a.name, "教育提醒", "2025-06-30"]]
    data = write_xlsx(tmp_path / "enforcement.xlsx", HEADER, rows)
    result = import_register(registry.ENFORCEMENT, data, "enforcement.xlsx", actor=personas["county_a_ee_officer"])
    assert result.created == 1
    assert EnforcementRecord.objects.get().facility == facility_a


def test_import_unknown_facility_is_row_error(personas, enterprise_a, enterprise_b, facility_a, facility_b, tmp_path):
    rows = [
        [enterprise_a.credit_code, "2025-05-20", "张三", "现场检查", "", "3号污水站", "教育提醒", ""],
        # A facility of another enterprise is unknown within this one.
        [enterprise_a.credit_code, "2025-05-21", "张三", "现场检查", "", facility_b.name, "教育提醒", ""],
    ]
    data = write_xlsx(tmp_path / "enforcement.xlsx", HEADER, rows)
    with translation.override("en"), pytest.raises(ImportRejected) as error:
        import_register(registry.ENFORCEMENT, data, "enforcement.xlsx", actor=personas["city_ee_officer"])
    problems = [(row_error.row, row_error.column, row_error.cell) for row_error in error.value.errors]
    assert problems == [(2, "设施名称", "3号污水站"), (3, "设施名称", facility_b.name)]
    assert "no facility named 3号污水站" in error.value.errors[0].message
    assert not EnforcementRecord.objects.exists()


def test_import_missing_deadline_row_error(personas, enterprise_a, tmp_path):
    rows = [[enterprise_a.credit_code, "2025-05-20", "张三", "现场检查", "超标排放", "", "教育提醒", ""]]
    data = write_xlsx(tmp_path / "enforcement.xlsx", HEADER, rows)
    with pytest.raises(ImportRejected) as error:
        import_register(registry.ENFORCEMENT, data, "enforcement.xlsx", actor=personas["county_a_ee_officer"])
    assert [(row_error.row, row_error.column) for row_error in error.value.errors] == [(2, "整改期限")]


def test_export_writes_facility_name_and_reimports(personas, enterprise_a, facility_a, tmp_path):
    actor = personas["county_a_ee_officer"]
    enforcement(actor, enterprise_a, violation="未经验收投入使用", rectification_deadline=DEADLINE, facility=facility_a)
    path = tmp_path / "export.xlsx"
    path.write_bytes(register_workbook(registry.ENFORCEMENT, EnforcementRecord.objects.all()))
    sheet = openpyxl.load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]]))
    assert values["设施名称"] == facility_a.name
    result = import_register(registry.ENFORCEMENT, path.read_bytes(), "export.xlsx", actor=actor)
    assert (result.created, result.updated) == (0, 1)
    assert EnforcementRecord.objects.get().facility == facility_a


# --- API ------------------------------------------------------------------------------------------------


def api_body(enterprise, **fields):
    return {"enterprise": enterprise.credit_code, "agency": "邢台市生态环境局", "inspected_on": "2025-05-06",
            "inspectors": "检查员甲", "findings": "RTO焚烧炉未经验收投入使用", "measure": "persuasion", **fields}


def test_api_returns_facility_name(enterprises, tokens):
    facility = create_record(EnvFacility, actor=_system(), enterprise=enterprises.a, name="RTO焚烧炉", facility_type="rto",
                             status="planned")
    body = api_body(enterprises.a, facility=facility.pk, violation="未经验收投入使用", rectification_deadline="2025-06-30")
    response = token_client(tokens.city_ee_write).post(list_url("enforcement"), json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["facility"] == facility.pk
    assert response.json()["facility_name"] == "RTO焚烧炉"
    assert EnforcementRecord.objects.get().facility == facility


def test_api_rejects_violation_without_deadline(enterprises, tokens):
    body = api_body(enterprises.a, violation="未经验收投入使用")
    response = token_client(tokens.city_ee_write).post(list_url("enforcement"), json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "rectification_deadline" in response.json()["fields"]
    assert not EnforcementRecord.objects.exists()


def test_api_rejects_facility_of_other_enterprise(enterprises, tokens):
    facility = create_record(EnvFacility, actor=_system(), enterprise=enterprises.b, name="布袋除尘器", facility_type="dust",
                             status="planned")
    body = api_body(enterprises.a, facility=facility.pk)
    response = token_client(tokens.city_ee_write).post(list_url("enforcement"), json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "facility" in response.json()["fields"]


def test_api_facility_outside_client_regions_unknown(enterprises, issue):
    _client, token = issue("信都环境读写", "environment", ["130503"], access="write")
    facility = create_record(EnvFacility, actor=_system(), enterprise=enterprises.b, name="布袋除尘器", facility_type="dust",
                             status="planned")
    body = {**api_body(enterprises.a, facility=facility.pk), "agency": "邢台市生态环境局信都区分局"}
    response = token_client(token).post(list_url("enforcement"), json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"facility"}
    assert not EnforcementRecord.objects.exists()


def _system():
    from anhuan.organizations.services import get_system_user

    return get_system_user()
