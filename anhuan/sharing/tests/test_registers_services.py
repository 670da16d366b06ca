"""Register services: ownership, scope, derived fields, prudent-supervision rules and the audit trail."""

import datetime as dt
from decimal import Decimal

import pytest

from anhuan.core.audit import history_for
from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
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
from anhuan.sharing.services.registers import (
    REGISTERS,
    RegisterAction,
    can_edit,
    create_record,
    delete_record,
    enforcement_rule_errors,
    update_record,
)
from anhuan.sharing.tests.registers_fixtures import enterprise_a, enterprise_b  # noqa: F401

pytestmark = pytest.mark.django_db

INSPECTED = dt.date(2025, 5, 20)


def env_facility(actor, enterprise, **fields):
    values = {"name": "1号RTO焚烧炉", "facility_type": EnvFacilityType.RTO, "commissioned_on": dt.date(2021, 5, 1), **fields}
    return create_record(EnvFacility, actor=actor, enterprise=enterprise, **values)


def enforcement(actor, enterprise, **fields):
    values = {
        "inspected_on": INSPECTED, "inspectors": "张三、李四", "findings": "报警器未检定",
        "measure": EnforcementMeasure.ADMIN_NOTICE, **fields,
    }
    return create_record(EnforcementRecord, actor=actor, enterprise=enterprise, **values)


def approval(actor, enterprise, kind, number="邢环审〔2025〕1号"):
    return create_record(
        ProjectApproval, actor=actor, enterprise=enterprise, project_name="精细化工项目", kind=kind,
        approval_number=number, approval_date=dt.date(2025, 3, 1), authority="邢台市生态环境局",
    )


def test_registers_map_names_to_models():
    assert REGISTERS == {
        "approvals": ProjectApproval,
        "safety-facilities": SafetyFacility,
        "env-facilities": EnvFacility,
        "enforcement": EnforcementRecord,
    }


# --- Derived fields ----------------------------------------------------------------------


def test_key_facility_type_sets_is_key(personas, enterprise_a):
    facility = env_facility(personas["county_a_ee_officer"], enterprise_a)
    assert facility.is_key is True


def test_other_facility_type_is_not_key(personas, enterprise_a):
    facility = env_facility(personas["county_a_ee_officer"], enterprise_a, facility_type=EnvFacilityType.ACTIVATED_CARBON)
    assert facility.is_key is False


def test_changing_type_recomputes_is_key(personas, enterprise_a):
    actor = personas["county_a_ee_officer"]
    facility = env_facility(actor, enterprise_a)
    update_record(facility, actor=actor, facility_type=EnvFacilityType.COAL_TO_GAS)
    assert facility.is_key is False


def test_region_is_copied_from_enterprise(personas, enterprise_a):
    facility = env_facility(personas["city_ee_officer"], enterprise_a)
    assert facility.region_id == enterprise_a.region_id


def test_enforcement_takes_actor_agency(personas, enterprise_a):
    actor = personas["county_a_em_officer"]
    record = enforcement(actor, enterprise_a)
    assert record.agency_id == actor.agency_id
    assert record.department == "emergency"


# --- Ownership and scope -----------------------------------------------------------------


@pytest.mark.parametrize("persona, model, allowed", [
    ("city_ee_officer", EnvFacility, True),
    ("city_ee_leader", EnvFacility, True),
    ("city_em_officer", EnvFacility, False),
    ("city_em_officer", SafetyFacility, True),
    ("county_a_ee_officer", SafetyFacility, False),
    ("city_expert", SafetyFacility, False),
    ("city_expert", EnforcementRecord, False),
    ("system_admin", EnvFacility, False),
    ("county_a_ee_officer", ProjectApproval, True),
    ("county_a_em_officer", ProjectApproval, True),
    ("county_b_ee_officer", EnforcementRecord, True),
])
def test_can_edit_register_by_department(personas, persona, model, allowed):
    assert can_edit(personas[persona], model) is allowed


def test_emergency_officer_cannot_add_env_facility(personas, enterprise_a):
    with pytest.raises(NotPermitted):
        env_facility(personas["county_a_em_officer"], enterprise_a)


def test_environment_officer_cannot_add_safety_facility(personas, enterprise_a):
    with pytest.raises(NotPermitted):
        create_record(SafetyFacility, actor=personas["county_a_ee_officer"], enterprise=enterprise_a,
                      name="报警系统", facility_type="检测报警设施")


def test_expert_cannot_add_records(personas, enterprise_a):
    with pytest.raises(NotPermitted):
        create_record(SafetyFacility, actor=personas["city_expert"], enterprise=enterprise_a,
                      name="报警系统", facility_type="检测报警设施")


def test_environment_keeps_eia_approvals(personas, enterprise_a):
    record = approval(personas["county_a_ee_officer"], enterprise_a, ApprovalKind.EIA)
    assert record.owner == "environment"


def test_emergency_cannot_add_eia_approval(personas, enterprise_a):
    with pytest.raises(NotPermitted) as error:
        approval(personas["county_a_em_officer"], enterprise_a, ApprovalKind.EIA)
    assert error.value.fields["field"] == "kind"


def test_emergency_keeps_safety_approvals(personas, enterprise_a):
    record = approval(personas["county_a_em_officer"], enterprise_a, ApprovalKind.SAFETY_CONDITIONS)
    assert can_edit(personas["county_a_em_officer"], record) is True
    assert can_edit(personas["county_a_ee_officer"], record) is False


def test_environment_cannot_turn_eia_into_safety(personas, enterprise_a):
    actor = personas["county_a_ee_officer"]
    record = approval(actor, enterprise_a, ApprovalKind.EIA)
    with pytest.raises(NotPermitted):
        update_record(record, actor=actor, kind=ApprovalKind.SAFETY_DESIGN)
    record.refresh_from_db()
    assert record.kind == ApprovalKind.EIA


def test_county_officer_cannot_use_other_region_enterprise(personas, enterprise_b):
    with pytest.raises(ValidationFailed) as error:
        env_facility(personas["county_a_ee_officer"], enterprise_b)
    assert error.value.fields["field"] == "enterprise"


def test_county_officer_cannot_change_other_region(personas, enterprise_b):
    facility = env_facility(personas["city_ee_officer"], enterprise_b)
    with pytest.raises(OutOfScope):
        update_record(facility, actor=personas["county_a_ee_officer"], capacity="1000")


def test_county_officer_cannot_delete_other_region(personas, enterprise_a):
    facility = env_facility(personas["city_ee_officer"], enterprise_a)
    with pytest.raises(OutOfScope):
        delete_record(facility, actor=personas["county_b_ee_officer"])
    assert EnvFacility.objects.filter(pk=facility.pk).exists()


def test_other_department_cannot_change_enforcement(personas, enterprise_a):
    record = enforcement(personas["county_a_em_officer"], enterprise_a)
    with pytest.raises(NotPermitted):
        update_record(record, actor=personas["county_a_ee_officer"], inspectors="王五")


def test_city_staff_change_county_enforcement(personas, enterprise_a):
    record = enforcement(personas["county_a_em_officer"], enterprise_a)
    update_record(record, actor=personas["city_em_leader"], inspectors="王五")
    assert record.inspectors == "王五"


# --- Prudent supervision -----------------------------------------------------------------


def test_soft_measure_needs_no_reason(personas, enterprise_a):
    record = enforcement(personas["county_a_em_officer"], enterprise_a, measure=EnforcementMeasure.EDUCATION)
    assert record.harder_measure_reason == ""


@pytest.mark.parametrize("measure", ["order_rectify", "penalty_warning", "fine", "suspension"])
def test_harder_measure_requires_reason(measure):
    errors = dict(enforcement_rule_errors({
        "measure": measure, "inspected_on": INSPECTED, "amount": Decimal(1000),
        "rectification_deadline": dt.date(2025, 6, 30),
    }))
    assert "harder_measure_reason" in errors


def test_fine_requires_amount():
    errors = dict(enforcement_rule_errors({
        "measure": "fine", "inspected_on": INSPECTED, "harder_measure_reason": "屡教不改",
        "rectification_deadline": dt.date(2025, 6, 30),
    }))
    assert list(errors) == ["amount"]


def test_order_rectify_requires_deadline():
    errors = dict(enforcement_rule_errors({
        "measure": "order_rectify", "inspected_on": INSPECTED, "harder_measure_reason": "隐患较大",
    }))
    assert list(errors) == ["rectification_deadline"]


def test_deadline_before_inspection_rejected():
    errors = dict(enforcement_rule_errors({
        "measure": "order_rectify", "inspected_on": INSPECTED, "harder_measure_reason": "隐患较大",
        "rectification_deadline": dt.date(2025, 5, 1),
    }))
    assert list(errors) == ["rectification_deadline"]


def test_fine_without_reason_is_rejected(personas, enterprise_a):
    with pytest.raises(ValidationFailed) as error:
        enforcement(personas["county_a_em_officer"], enterprise_a, measure=EnforcementMeasure.FINE,
                    amount=Decimal("5000"), rectification_deadline=dt.date(2025, 6, 30))
    assert error.value.fields["field"] == "harder_measure_reason"
    assert EnforcementRecord.objects.count() == 0


def test_fine_with_reason_is_saved(personas, enterprise_a):
    record = enforcement(
        personas["county_a_em_officer"], enterprise_a, measure=EnforcementMeasure.FINE, amount=Decimal("5000"),
        rectification_deadline=dt.date(2025, 6, 30), harder_measure_reason="责令整改后仍未改正",
    )
    assert record.amount == Decimal("5000")


def test_future_inspection_date_rejected(personas, enterprise_a):
    with pytest.raises(ValidationFailed) as error:
        enforcement(personas["county_a_em_officer"], enterprise_a, inspected_on=dt.date(2999, 1, 1))
    assert error.value.fields["field"] == "inspected_on"


def test_missing_required_field_is_named(personas, enterprise_a):
    with pytest.raises(ValidationFailed) as error:
        env_facility(personas["county_a_ee_officer"], enterprise_a, name="")
    assert error.value.fields["field"] == "name"


# --- Audit trail and deletion feed -------------------------------------------------------


def test_create_records_new_values(personas, enterprise_a):
    facility = env_facility(personas["county_a_ee_officer"], enterprise_a)
    entry = history_for(facility).get()
    assert entry.action == RegisterAction.CREATE
    assert entry.changes["name"] == [None, "1号RTO焚烧炉"]
    assert entry.changes["is_key"] == [None, True]


def test_update_records_old_and_new(personas, enterprise_a):
    actor = personas["county_a_ee_officer"]
    facility = env_facility(actor, enterprise_a, capacity="1000")
    update_record(facility, actor=actor, capacity="2000")
    entry = history_for(facility).first()
    assert entry.action == RegisterAction.UPDATE
    assert entry.changes == {"capacity": ["1000", "2000"]}
    assert entry.actor == actor


def test_unchanged_update_records_nothing(personas, enterprise_a):
    actor = personas["county_a_ee_officer"]
    facility = env_facility(actor, enterprise_a, capacity="1000")
    update_record(facility, actor=actor, capacity=" 1000 ")
    assert history_for(facility).count() == 1


def test_delete_writes_feed_and_audit(personas, enterprise_a):
    actor = personas["county_a_ee_officer"]
    facility = env_facility(actor, enterprise_a)
    pk = facility.pk
    delete_record(facility, actor=actor)
    deleted = DeletedRecord.objects.get()
    assert (deleted.register, deleted.object_id, deleted.region_id) == ("env-facilities", pk, enterprise_a.region_id)
    assert deleted.deleted_by == actor
    assert EnvFacility.objects.filter(pk=pk).count() == 0


def test_delete_audit_keeps_last_values(personas, enterprise_a):
    actor = personas["county_a_ee_officer"]
    facility = env_facility(actor, enterprise_a)
    delete_record(facility, actor=actor)
    facility.pk = DeletedRecord.objects.get().object_id
    entry = history_for(facility).first()
    assert entry.action == RegisterAction.DELETE
    assert entry.changes["name"] == ["1号RTO焚烧炉", None]


def test_rejected_change_writes_no_audit(personas, enterprise_a):
    actor = personas["county_a_em_officer"]
    record = enforcement(actor, enterprise_a)
    with pytest.raises(ValidationFailed):
        update_record(record, actor=actor, measure=EnforcementMeasure.SUSPENSION)
    assert history_for(record).count() == 1
