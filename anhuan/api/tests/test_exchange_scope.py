"""The scope of API clients: city or county × department × read or write, on all four registers."""

import json

import pytest

from anhuan.api.tests.exchange_fixtures import (  # noqa: F401
    INSPECTED_ON,
    detail_url,
    enterprises,
    issue,
    list_url,
    rows,
    token_client,
    tokens,
)
from anhuan.core.models import AuditEntry
from anhuan.sharing.models import DeletedRecord, EnvFacility, ProjectApproval, SafetyFacility


def names(response):
    return sorted(row.get("name") or row.get("project_name") or row["inspectors"] for row in response.json()["results"])


def post(token, register_name, body):
    return token_client(token).post(list_url(register_name), json.dumps(body), content_type="application/json")


def patch(token, register_name, pk, body):
    return token_client(token).patch(detail_url(register_name, pk), json.dumps(body), content_type="application/json")


# --- Reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client_name", "register_name", "expected"),
    [
        ("city_em_read", "safety-facilities", ["可燃气体报警系统", "泄爆墙"]),
        ("city_em_read", "env-facilities", ["RTO焚烧炉", "布袋除尘器"]),
        ("city_ee_write", "safety-facilities", ["可燃气体报警系统", "泄爆墙"]),
        ("city_ee_write", "approvals", ["二号窑炉改造", "年产5万吨溶剂项目"]),
        ("city_ee_write", "enforcement", ["张三、李四", "王五、赵六"]),
        ("county_a_em_write", "safety-facilities", ["可燃气体报警系统"]),
        ("county_a_em_write", "env-facilities", ["RTO焚烧炉"]),
        ("county_a_ee_read", "approvals", ["年产5万吨溶剂项目"]),
        ("county_a_ee_read", "enforcement", ["张三、李四"]),
    ],
)
def test_clients_read_their_regions(rows, tokens, client_name, register_name, expected):
    response = token_client(getattr(tokens, client_name)).get(list_url(register_name))
    assert response.status_code == 200
    assert names(response) == expected


def test_county_client_gets_404_outside(rows, tokens):
    response = token_client(tokens.county_a_ee_read).get(detail_url("env-facilities", rows.env_b.pk))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_county_client_reads_own_row(rows, tokens):
    response = token_client(tokens.county_a_ee_read).get(detail_url("env-facilities", rows.env_a.pk))
    assert response.status_code == 200
    assert response.json()["enterprise"] == rows.env_a.enterprise.credit_code
    assert response.json()["is_key"] is True


def test_region_filter_narrows_list(rows, tokens):
    response = token_client(tokens.city_em_read).get(list_url("safety-facilities"), {"region": "130582"})
    assert names(response) == ["泄爆墙"]


def test_credit_code_filter_narrows_list(rows, tokens, enterprises):
    response = token_client(tokens.city_em_read).get(list_url("safety-facilities"), {"credit_code": enterprises.a.credit_code})
    assert names(response) == ["可燃气体报警系统"]


# --- Adding rows -------------------------------------------------------------------------------


def safety_body(enterprise):
    return {"enterprise": enterprise.credit_code, "name": "紧急切断阀", "facility_type": "紧急切断"}


def env_body(enterprise):
    return {"enterprise": enterprise.credit_code, "name": "活性炭吸附装置", "facility_type": "activated_carbon"}


def approval_body(enterprise, kind):
    return {
        "enterprise": enterprise.credit_code, "project_name": "三号车间扩建", "kind": kind,
        "approval_number": "审〔2025〕99号", "approval_date": "2025-05-01", "authority": "邢台市",
    }


def enforcement_body(enterprise, agency_name):
    return {
        "enterprise": enterprise.credit_code, "agency": agency_name, "inspected_on": INSPECTED_ON.isoformat(),
        "inspectors": "检查员甲", "findings": "应急预案未演练", "measure": "persuasion",
    }


@pytest.mark.parametrize(
    ("client_name", "register_name", "body", "expected"),
    [
        ("city_em_write", "safety-facilities", lambda e: safety_body(e.a), 201),
        ("city_em_write", "safety-facilities", lambda e: safety_body(e.b), 201),
        ("county_a_em_write", "safety-facilities", lambda e: safety_body(e.a), 201),
        ("city_em_read", "safety-facilities", lambda e: safety_body(e.a), 403),
        ("city_ee_write", "safety-facilities", lambda e: safety_body(e.a), 403),
        ("county_a_ee_read", "safety-facilities", lambda e: safety_body(e.a), 403),
        ("city_ee_write", "env-facilities", lambda e: env_body(e.b), 201),
        ("city_em_write", "env-facilities", lambda e: env_body(e.a), 403),
        ("county_a_em_write", "env-facilities", lambda e: env_body(e.a), 403),
        ("city_ee_write", "approvals", lambda e: approval_body(e.a, "eia"), 201),
        ("city_ee_write", "approvals", lambda e: approval_body(e.a, "safety_design"), 403),
        ("city_em_write", "approvals", lambda e: approval_body(e.a, "completion_acceptance"), 201),
        ("city_em_write", "approvals", lambda e: approval_body(e.a, "eia"), 403),
        ("city_em_write", "enforcement", lambda e: enforcement_body(e.a, "信都区应急管理局"), 201),
        ("city_em_write", "enforcement", lambda e: enforcement_body(e.a, "邢台市生态环境局"), 403),
        ("city_ee_write", "enforcement", lambda e: enforcement_body(e.b, "邢台市生态环境局"), 201),
        ("county_a_em_write", "enforcement", lambda e: enforcement_body(e.a, "信都区应急管理局"), 201),
    ],
)
def test_create_matrix(enterprises, tokens, client_name, register_name, body, expected):
    response = post(getattr(tokens, client_name), register_name, body(enterprises))
    assert response.status_code == expected, response.json()


def test_read_client_gets_not_permitted(enterprises, tokens):
    response = post(tokens.city_em_read, "safety-facilities", safety_body(enterprises.a))
    assert response.json()["code"] == "not_permitted"
    assert "市应急只读" in response.json()["message"]


def test_read_client_403_before_body(enterprises, tokens):
    response = post(tokens.city_em_read, "safety-facilities", {})
    assert response.status_code == 403


def test_county_client_cannot_add_outside(enterprises, tokens):
    response = post(tokens.county_a_em_write, "safety-facilities", safety_body(enterprises.b))
    assert response.status_code == 400
    assert response.json()["fields"] == {"enterprise": "does_not_exist"}
    assert not SafetyFacility.objects.filter(name="紧急切断阀").exists()


def test_county_client_cannot_name_other_agency(enterprises, tokens):
    response = post(tokens.county_a_em_write, "enforcement", enforcement_body(enterprises.a, "沙河市应急管理局"))
    assert response.status_code == 400
    assert response.json()["fields"] == {"agency": "invalid"}


def test_client_must_name_agency(enterprises, tokens):
    body = enforcement_body(enterprises.a, None)
    del body["agency"]
    response = post(tokens.city_em_write, "enforcement", body)
    assert response.status_code == 400
    assert response.json()["fields"] == {"agency": "invalid"}


def test_created_row_fields(enterprises, tokens):
    response = post(tokens.city_em_write, "enforcement", enforcement_body(enterprises.a, "信都区应急管理局"))
    body = response.json()
    assert body["department"] == "emergency"
    assert body["agency"] == "信都区应急管理局"
    assert body["region_code"] == "130503"
    assert body["enterprise_name"] == enterprises.a.name


def test_create_audited_with_client_name(enterprises, tokens):
    response = post(tokens.city_ee_write, "env-facilities", env_body(enterprises.a))
    entry = AuditEntry.objects.get(action="api_client.create_record", object_id=str(response.json()["id"]))
    assert entry.data == {"client": "市环境读写", "register": "env-facilities"}
    assert entry.actor.username == "system"


def test_service_rule_rejects_body(enterprises, tokens):
    body = {**enforcement_body(enterprises.a, "信都区应急管理局"), "measure": "fine"}
    response = post(tokens.city_em_write, "enforcement", body)
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert response.json()["fields"] == {"amount": "invalid", "harder_measure_reason": "invalid", "rectification_deadline": "invalid"}


# --- Changing and deleting rows -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client_name", "row_name", "register_name", "expected"),
    [
        ("city_em_write", "safety_b", "safety-facilities", 200),
        ("county_a_em_write", "safety_a", "safety-facilities", 200),
        ("county_a_em_write", "safety_b", "safety-facilities", 404),
        ("city_ee_write", "safety_a", "safety-facilities", 403),
        ("city_em_read", "safety_a", "safety-facilities", 403),
        ("city_ee_write", "env_b", "env-facilities", 200),
        ("city_em_write", "env_b", "env-facilities", 403),
        ("city_ee_write", "eia_a", "approvals", 200),
        ("city_em_write", "eia_a", "approvals", 403),
        ("city_em_write", "safety_approval_b", "approvals", 200),
        ("city_em_write", "enforcement_a", "enforcement", 200),
        ("city_ee_write", "enforcement_a", "enforcement", 403),
        ("city_ee_write", "enforcement_b", "enforcement", 200),
        ("county_a_em_write", "enforcement_b", "enforcement", 404),
    ],
)
def test_update_matrix(rows, tokens, client_name, row_name, register_name, expected):
    response = patch(getattr(tokens, client_name), register_name, getattr(rows, row_name).pk, {"remark": "接口更新"})
    assert response.status_code == expected, response.json()


def test_update_changes_row(rows, tokens):
    response = patch(tokens.city_ee_write, "env-facilities", rows.env_b.pk, {"facility_type": "activated_carbon"})
    rows.env_b.refresh_from_db()
    assert response.json()["is_key"] is False
    assert rows.env_b.facility_type == "activated_carbon"
    assert rows.env_b.is_key is False


def test_update_audited_with_client_name(rows, tokens):
    patch(tokens.county_a_em_write, "safety-facilities", rows.safety_a.pk, {"location": "罐区东侧"})
    entry = AuditEntry.objects.get(action="api_client.update_record", object_id=str(rows.safety_a.pk))
    assert entry.data == {"client": "信都应急读写", "register": "safety-facilities"}


def test_unchanged_update_records_nothing(rows, tokens):
    patch(tokens.county_a_em_write, "safety-facilities", rows.safety_a.pk, {"name": rows.safety_a.name})
    assert not AuditEntry.objects.filter(action="api_client.update_record").exists()


def test_approval_kind_change_to_other_owner(rows, tokens):
    response = patch(tokens.city_em_write, "approvals", rows.safety_approval_b.pk, {"kind": "eia"})
    rows.safety_approval_b.refresh_from_db()
    assert response.status_code == 403
    assert rows.safety_approval_b.kind == "safety_conditions"


def test_agency_cannot_change(rows, tokens):
    response = patch(tokens.city_em_write, "enforcement", rows.enforcement_a.pk, {"agency": "邢台市应急管理局"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"agency": "read_only"}


def test_enterprise_move_outside_rejected(rows, tokens, enterprises):
    response = patch(tokens.county_a_em_write, "safety-facilities", rows.safety_a.pk, {"enterprise": enterprises.b.credit_code})
    rows.safety_a.refresh_from_db()
    assert response.status_code == 400
    assert rows.safety_a.enterprise_id == enterprises.a.pk


@pytest.mark.parametrize(
    ("client_name", "row_name", "register_name", "expected"),
    [
        ("city_em_write", "safety_b", "safety-facilities", 204),
        ("county_a_em_write", "safety_b", "safety-facilities", 404),
        ("city_ee_write", "safety_a", "safety-facilities", 403),
        ("city_em_read", "safety_a", "safety-facilities", 403),
        ("county_a_ee_read", "env_a", "env-facilities", 403),
        ("city_ee_write", "env_a", "env-facilities", 204),
        ("city_em_write", "eia_a", "approvals", 403),
    ],
)
def test_delete_matrix(rows, tokens, client_name, row_name, register_name, expected):
    response = token_client(getattr(tokens, client_name)).delete(detail_url(register_name, getattr(rows, row_name).pk))
    assert response.status_code == expected


def test_delete_leaves_deleted_record(rows, tokens):
    pk = rows.env_a.pk
    token_client(tokens.city_ee_write).delete(detail_url("env-facilities", pk))
    assert not EnvFacility.objects.filter(pk=pk).exists()
    assert DeletedRecord.objects.filter(register="env-facilities", object_id=pk).count() == 1


def test_delete_audited_with_client_name(rows, tokens):
    pk = rows.eia_a.pk
    token_client(tokens.city_ee_write).delete(detail_url("approvals", pk))
    entry = AuditEntry.objects.get(action="api_client.delete_record", object_id=str(pk))
    assert entry.data == {"client": "市环境读写", "register": "approvals"}


def test_refused_delete_keeps_row(rows, tokens):
    token_client(tokens.city_em_write).delete(detail_url("approvals", rows.eia_a.pk))
    assert ProjectApproval.objects.filter(pk=rows.eia_a.pk).exists()
    assert not DeletedRecord.objects.exists()


# --- Signed-in users ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_administrators_read_no_register(rows, api, personas, persona):
    response = api(personas[persona]).get(list_url("approvals"))
    assert response.status_code == 403


def test_staff_session_adds_own_department_row(enterprises, api, personas):
    response = api(personas["county_a_ee_officer"]).post(
        list_url("env-facilities"), json.dumps(env_body(enterprises.a)), content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["region_code"] == "130503"


def test_staff_session_cannot_change_other(rows, api, personas):
    response = api(personas["county_a_ee_officer"]).patch(
        detail_url("safety-facilities", rows.safety_a.pk), json.dumps({"remark": "x"}), content_type="application/json"
    )
    assert response.status_code == 403


def test_expert_session_cannot_add(enterprises, api, personas):
    response = api(personas["city_expert"]).post(
        list_url("safety-facilities"), json.dumps(safety_body(enterprises.a)), content_type="application/json"
    )
    assert response.status_code == 403
