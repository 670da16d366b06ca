"""create_enterprise and update_enterprise: validation, scope, permissions and the audit trail."""

import pytest

from anhuan.core.audit import action_label
from anhuan.core.errors import Conflict, NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.models import AuditEntry
from anhuan.enterprises.models import Enterprise
from anhuan.enterprises.services import EnterpriseAction, create_enterprise, update_enterprise
from anhuan.enterprises.tests.factories import credit_code_for, register
from anhuan.organizations.models import Region, Role
from anhuan.organizations.services import get_system_user
from conftest import REGION_A, make_user

pytestmark = pytest.mark.django_db


def audit_entries(enterprise, action):
    return AuditEntry.objects.filter(object_id=str(enterprise.pk), action=action)


# --- create_enterprise --------------------------------------------------------------


def test_create_stores_normalised_code(personas, region_a):
    code = credit_code_for(REGION_A)
    messy = " " + code[:9].lower() + " " + code[9:] + "\u3000"
    enterprise = create_enterprise(actor=personas["city_ee_officer"], credit_code=messy, name="测试企业", region=region_a)
    assert enterprise.credit_code == code


def test_create_records_audit_entry(personas, region_a):
    enterprise = register(region_a, "测试企业", actor=personas["city_em_officer"])
    entry = audit_entries(enterprise, "enterprise.create").get()
    assert entry.actor == personas["city_em_officer"]


def test_create_audit_lists_new_values(personas, region_a):
    enterprise = register(region_a, "测试企业", actor=personas["city_em_officer"], whitelisted=True)
    changes = audit_entries(enterprise, "enterprise.create").get().changes
    assert changes["name"] == [None, "测试企业"]
    assert changes["credit_code"] == [None, enterprise.credit_code]
    assert changes["region"] == [None, "信都区"]
    assert changes["whitelisted"] == [None, True]


def test_create_audit_skips_empty_values(personas, region_a):
    enterprise = register(region_a, actor=personas["city_em_officer"], address="")
    assert "address" not in audit_entries(enterprise, "enterprise.create").get().changes


def test_create_audit_names_agency(personas, region_a):
    enterprise = register(region_a, actor=personas["county_a_em_leader"])
    assert audit_entries(enterprise, "enterprise.create").get().agency_name == "信都区应急管理局"


def test_create_rejects_wrong_check_character(personas, region_a):
    with pytest.raises(ValidationFailed) as excinfo:
        create_enterprise(actor=personas["city_ee_officer"], credit_code="91350203M0001QAY9B", name="测试", region=region_a)
    assert excinfo.value.fields["field"] == "credit_code"
    assert "91350203M0001QAY9B" in str(excinfo.value.message)
    assert Enterprise.objects.count() == 0


def test_create_rejects_short_code(personas, region_a):
    with pytest.raises(ValidationFailed) as excinfo:
        create_enterprise(actor=personas["city_ee_officer"], credit_code="9135", name="测试", region=region_a)
    assert excinfo.value.fields["field"] == "credit_code"


def test_create_rejects_excluded_letter(personas, region_a):
    with pytest.raises(ValidationFailed) as excinfo:
        create_enterprise(actor=personas["city_ee_officer"], credit_code="9135020077604965O1", name="测试", region=region_a)
    assert excinfo.value.fields["field"] == "credit_code"


def test_create_rejects_duplicate_code(personas, region_a, region_b):
    first = register(region_a)
    with pytest.raises(Conflict) as excinfo:
        register(region_b, credit_code=first.credit_code.lower())
    assert excinfo.value.fields["field"] == "credit_code"
    assert Enterprise.objects.count() == 1


def test_create_requires_name(personas, region_a):
    with pytest.raises(ValidationFailed) as excinfo:
        register(region_a, "   ", actor=personas["city_ee_officer"])
    assert excinfo.value.fields["field"] == "name"


def test_create_requires_region(personas):
    with pytest.raises(ValidationFailed) as excinfo:
        create_enterprise(actor=personas["city_ee_officer"], credit_code=credit_code_for(REGION_A), name="测试")
    assert excinfo.value.fields["field"] == "region"


def test_create_rejects_whole_city_region(personas):
    city = Region.objects.get(kind="city")
    with pytest.raises(ValidationFailed) as excinfo:
        register(city, actor=personas["city_ee_officer"])
    assert excinfo.value.fields["field"] == "region"


def test_create_collapses_spaces_in_name(personas, region_a):
    enterprise = register(region_a, "  信都  测试\n企业 ", actor=personas["city_ee_officer"])
    assert enterprise.name == "信都 测试 企业"


def test_create_upper_cases_industry_code(personas, region_a):
    enterprise = register(region_a, actor=personas["city_ee_officer"], industry_code=" c3041 ")
    assert enterprise.industry_code == "C3041"


def test_create_rejects_malformed_industry_code(personas, region_a):
    with pytest.raises(ValidationFailed) as excinfo:
        register(region_a, actor=personas["city_ee_officer"], industry_code="3041X")
    assert excinfo.value.fields["field"] == "industry_code"


def test_create_rejects_phone_with_letters(personas, region_a):
    with pytest.raises(ValidationFailed) as excinfo:
        register(region_a, actor=personas["city_ee_officer"], contact_phone="call me")
    assert excinfo.value.fields["field"] == "contact_phone"


def test_create_folds_full_width_phone(personas, region_a):
    enterprise = register(region_a, actor=personas["city_ee_officer"], contact_phone="０３１９－２２２２２２２")
    assert enterprise.contact_phone == "0319-2222222"


def test_create_rejects_unknown_grade(personas, region_a):
    with pytest.raises(ValidationFailed) as excinfo:
        register(region_a, actor=personas["city_ee_officer"], performance_grade="E")
    assert excinfo.value.fields["field"] == "performance_grade"


def test_create_rejects_unknown_field(personas, region_a):
    with pytest.raises(TypeError):
        register(region_a, actor=personas["city_ee_officer"], created_at="2025-01-01")


def test_county_officer_creates_in_own_region(personas, region_a):
    enterprise = register(region_a, actor=personas["county_a_ee_officer"])
    assert enterprise.region == region_a


def test_county_officer_cannot_create_elsewhere(personas, region_b):
    with pytest.raises(NotPermitted) as excinfo:
        register(region_b, actor=personas["county_a_ee_officer"])
    assert excinfo.value.fields["field"] == "region"
    assert Enterprise.objects.count() == 0


@pytest.mark.parametrize("persona", ["city_expert", "system_admin", "audit_admin"])
def test_non_editor_cannot_create(personas, region_a, persona):
    with pytest.raises(NotPermitted):
        register(region_a, actor=personas[persona])
    assert Enterprise.objects.count() == 0


def test_contact_cannot_create(personas, region_a):
    own = register(region_a)
    contact = make_user("contact", role=Role.ENTERPRISE, enterprise=own)
    with pytest.raises(NotPermitted):
        register(region_a, actor=contact)


def test_inactive_officer_cannot_create(personas, region_a):
    officer = personas["city_ee_officer"]
    officer.is_active = False
    officer.save()
    with pytest.raises(NotPermitted):
        register(region_a, actor=officer)


def test_system_account_may_create(region_a):
    enterprise = register(region_a, actor=get_system_user())
    assert audit_entries(enterprise, "enterprise.create").get().actor_name == "系统"


# --- update_enterprise -------------------------------------------------------------------


def test_update_changes_field(personas, region_a):
    enterprise = register(region_a, "旧名称")
    update_enterprise(enterprise, actor=personas["city_em_officer"], name="新名称")
    enterprise.refresh_from_db()
    assert enterprise.name == "新名称"


def test_update_refreshes_given_instance(personas, region_a):
    enterprise = register(region_a, "旧名称")
    update_enterprise(enterprise, actor=personas["city_em_officer"], name="新名称")
    assert enterprise.name == "新名称"


def test_update_records_old_and_new(personas, region_a):
    enterprise = register(region_a, "旧名称", performance_grade="B")
    update_enterprise(enterprise, actor=personas["city_em_officer"], name="新名称", performance_grade="A", address="")
    entry = audit_entries(enterprise, "enterprise.update").get()
    assert entry.changes == {"name": ["旧名称", "新名称"], "performance_grade": ["B", "A"]}


def test_update_records_region_move(personas, region_a, region_b):
    enterprise = register(region_a)
    update_enterprise(enterprise, actor=personas["city_ee_leader"], region=region_b)
    entry = audit_entries(enterprise, "enterprise.update").get()
    assert entry.changes == {"region": ["信都区", "沙河市"]}


def test_update_records_credit_code_change(personas, region_a):
    enterprise = register(region_a)
    old = enterprise.credit_code
    new = credit_code_for(REGION_A)
    update_enterprise(enterprise, actor=personas["city_ee_officer"], credit_code=new)
    assert audit_entries(enterprise, "enterprise.update").get().changes == {"credit_code": [old, new]}


def test_update_without_change_records_nothing(personas, region_a):
    enterprise = register(region_a, "同名企业")
    update_enterprise(enterprise, actor=personas["city_ee_officer"], name=" 同名企业 ", credit_code=enterprise.credit_code.lower())
    assert audit_entries(enterprise, "enterprise.update").count() == 0


def test_update_rejects_duplicate_code(personas, region_a):
    first = register(region_a)
    second = register(region_a)
    with pytest.raises(Conflict):
        update_enterprise(second, actor=personas["city_ee_officer"], credit_code=first.credit_code)
    second.refresh_from_db()
    assert second.credit_code != first.credit_code


def test_update_rejects_invalid_code(personas, region_a):
    enterprise = register(region_a)
    with pytest.raises(ValidationFailed):
        update_enterprise(enterprise, actor=personas["city_ee_officer"], credit_code="91350203M0001QAY9B")


def test_county_officer_updates_own_region(personas, region_a):
    enterprise = register(region_a, "旧名称")
    update_enterprise(enterprise, actor=personas["county_a_em_officer"], name="新名称")
    assert enterprise.name == "新名称"


def test_county_officer_cannot_move_out(personas, region_a, region_b):
    enterprise = register(region_a)
    with pytest.raises(NotPermitted) as excinfo:
        update_enterprise(enterprise, actor=personas["county_a_em_officer"], region=region_b)
    assert excinfo.value.fields["field"] == "region"
    enterprise.refresh_from_db()
    assert enterprise.region == region_a
    assert audit_entries(enterprise, "enterprise.update").count() == 0


def test_county_officer_cannot_update_elsewhere(personas, region_b):
    enterprise = register(region_b, "沙河企业")
    with pytest.raises(OutOfScope):
        update_enterprise(enterprise, actor=personas["county_a_em_officer"], name="改名")
    enterprise.refresh_from_db()
    assert enterprise.name == "沙河企业"


def test_county_officer_cannot_pull_in(personas, region_a, region_b):
    enterprise = register(region_b)
    with pytest.raises(OutOfScope):
        update_enterprise(enterprise, actor=personas["county_a_em_officer"], region=region_a)


def test_city_officer_moves_between_counties(personas, region_a, region_b):
    enterprise = register(region_a)
    update_enterprise(enterprise, actor=personas["city_em_officer"], region=region_b)
    assert enterprise.region == region_b


def test_expert_cannot_update(personas, region_a):
    enterprise = register(region_a, "旧名称")
    with pytest.raises(NotPermitted):
        update_enterprise(enterprise, actor=personas["city_expert"], name="新名称")
    enterprise.refresh_from_db()
    assert enterprise.name == "旧名称"


def test_update_moves_updated_at(personas, region_a):
    enterprise = register(region_a, "旧名称")
    before = enterprise.updated_at
    update_enterprise(enterprise, actor=personas["city_em_officer"], name="新名称")
    assert enterprise.updated_at > before


# --- action codes ----------------------------------------------------------------------


def test_action_codes_are_dotted():
    assert EnterpriseAction.values == ["enterprise.create", "enterprise.update"]


@pytest.mark.parametrize("code", ["enterprise.create", "enterprise.update"])
def test_action_labels_registered(code):
    assert str(action_label(code)) != code
