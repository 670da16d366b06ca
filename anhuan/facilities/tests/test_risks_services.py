"""Safety risks (add, change, retire) and hazards (record, rectify, overdue), allowed and refused."""

import datetime as dt

import pytest

from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.models import AuditEntry, Notification
from anhuan.facilities.models import FacilityHazard, SafetyRisk
from anhuan.facilities.services import risks as services
from anhuan.facilities.services.existing import today
from anhuan.facilities.tests.test_existing_support import (  # noqa: F401
    contact_a,
    english,
    enterprise_a,
    enterprise_b,
    facility_a,
    facility_b,
)

pytestmark = pytest.mark.django_db
FOUND_ON = dt.date(2025, 4, 1)


def add_risk(facility, actor, **fields):
    values = {"kind": "poisoning", "level": "high", "description": "脱硝氨水储罐泄漏致人中毒",
              "controls": "氨气报警仪，围堰，应急喷淋", **fields}
    return services.add_risk(facility, actor, **values)


def add_hazard(facility, actor, **fields):
    values = {"found_on": FOUND_ON, "description": "氨气报警仪未定期校验", "grade": "ordinary",
              "deadline": FOUND_ON + dt.timedelta(days=15), "rectification_measures": "委托校验", **fields}
    return services.add_hazard(facility, actor, **values)


# --- Risks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["county_a_ee_officer", "county_a_em_officer", "city_em_leader"])
def test_risk_added_by_either_department(personas, facility_a, persona):
    risk = add_risk(facility_a, personas[persona])
    assert SafetyRisk.objects.get(pk=risk.pk).level == "high"
    entry = AuditEntry.objects.get(action=services.RiskAction.RISK_ADD, object_id=str(risk.pk))
    assert entry.changes["kind"] == [None, "poisoning"]


@pytest.mark.parametrize("field,value", [("kind", "meteor"), ("level", "purple"), ("description", ""), ("controls", " ")])
def test_risk_invalid_field_named(personas, facility_a, field, value):
    with pytest.raises(ValidationFailed) as error:
        add_risk(facility_a, personas["county_a_em_officer"], **{field: value})
    assert error.value.fields["field"] == field
    assert not SafetyRisk.objects.exists()


def test_risk_other_county_out_of_scope(personas, facility_a):
    with pytest.raises(OutOfScope):
        add_risk(facility_a, personas["county_b_em_officer"])


def test_risk_refused_for_contact_and_expert(personas, facility_a, contact_a):
    for actor in (contact_a, personas["city_expert"]):
        with pytest.raises(NotPermitted):
            add_risk(facility_a, actor)


def test_risk_changed_and_audited(personas, facility_a):
    risk = add_risk(facility_a, personas["county_a_em_officer"])
    services.change_risk(risk, personas["county_a_ee_officer"], kind="poisoning", level="major",
                         description=risk.description, controls="氨气报警仪与风机联锁")
    risk.refresh_from_db()
    assert risk.level == "major"
    entry = AuditEntry.objects.get(action=services.RiskAction.RISK_CHANGE)
    assert entry.changes == {"level": ["high", "major"], "controls": ["氨气报警仪，围堰，应急喷淋", "氨气报警仪与风机联锁"]}


def test_risk_change_without_difference_records_nothing(personas, facility_a):
    risk = add_risk(facility_a, personas["county_a_em_officer"])
    services.change_risk(risk, personas["county_a_em_officer"], kind=risk.kind, level=risk.level,
                         description=risk.description, controls=risk.controls)
    assert not AuditEntry.objects.filter(action=services.RiskAction.RISK_CHANGE).exists()


def test_risk_change_invalid_leaves_row(personas, facility_a):
    risk = add_risk(facility_a, personas["county_a_em_officer"])
    with pytest.raises(ValidationFailed):
        services.change_risk(risk, personas["county_a_em_officer"], kind="fire", level="none",
                             description="x", controls="y")
    assert SafetyRisk.objects.get(pk=risk.pk).kind == "poisoning"


def test_risk_change_other_county(personas, facility_a):
    risk = add_risk(facility_a, personas["county_a_em_officer"])
    with pytest.raises(OutOfScope):
        services.change_risk(risk, personas["county_b_em_officer"], kind="fire", level="low", description="x",
                             controls="y")


def test_risk_retired_keeps_audit(personas, facility_a):
    risk = add_risk(facility_a, personas["county_a_em_officer"])
    pk = risk.pk
    services.retire_risk(risk, personas["county_a_ee_officer"])
    assert not SafetyRisk.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action=services.RiskAction.RISK_RETIRE, object_id=str(pk))
    assert entry.changes["description"] == ["脱硝氨水储罐泄漏致人中毒", None]


def test_risk_retire_other_county(personas, facility_a):
    risk = add_risk(facility_a, personas["county_a_em_officer"])
    with pytest.raises(OutOfScope):
        services.retire_risk(risk, personas["county_b_ee_officer"])
    assert SafetyRisk.objects.filter(pk=risk.pk).exists()


# --- Hazards -------------------------------------------------------------------------------------


def test_hazard_recorded_and_audited(personas, facility_a):
    hazard = add_hazard(facility_a, personas["county_a_em_officer"])
    assert FacilityHazard.objects.get(pk=hazard.pk).grade == "ordinary"
    assert AuditEntry.objects.filter(action=services.RiskAction.HAZARD_ADD, object_id=str(hazard.pk)).exists()


def test_ordinary_hazard_notifies_nobody(personas, facility_a):
    add_hazard(facility_a, personas["county_a_em_officer"])
    assert not Notification.objects.filter(kind="facilities.major_hazard").exists()


def test_major_hazard_notifies_both_leaders(personas, facility_a):
    add_hazard(facility_a, personas["county_a_em_officer"], grade="major")
    recipients = set(Notification.objects.filter(kind="facilities.major_hazard").values_list("recipient__username", flat=True))
    assert recipients == {"county_a_em_leader", "county_a_ee_leader"}


def test_hazard_deadline_before_found_refused(personas, facility_a):
    with pytest.raises(ValidationFailed) as error:
        add_hazard(facility_a, personas["county_a_em_officer"], deadline=FOUND_ON - dt.timedelta(days=1))
    assert error.value.fields["field"] == "deadline"
    assert not FacilityHazard.objects.exists()


def test_hazard_future_found_date_refused(personas, facility_a):
    with pytest.raises(ValidationFailed) as error:
        add_hazard(facility_a, personas["county_a_em_officer"], found_on=today() + dt.timedelta(days=1),
                   deadline=today() + dt.timedelta(days=9))
    assert error.value.fields["field"] == "found_on"


@pytest.mark.parametrize("field,value", [("description", ""), ("grade", "huge"), ("deadline", None)])
def test_hazard_invalid_field_named(personas, facility_a, field, value):
    with pytest.raises(ValidationFailed) as error:
        add_hazard(facility_a, personas["county_a_em_officer"], **{field: value})
    assert error.value.fields["field"] == field


def test_hazard_other_county_out_of_scope(personas, facility_a):
    with pytest.raises(OutOfScope):
        add_hazard(facility_a, personas["county_b_ee_officer"])


def test_hazard_rectified(personas, facility_a):
    hazard = add_hazard(facility_a, personas["county_a_em_officer"])
    services.rectify_hazard(hazard, personas["county_a_ee_officer"], rectified_on=FOUND_ON + dt.timedelta(days=3),
                            result="已委托计量机构校验，报警值正常")
    hazard.refresh_from_db()
    assert hazard.rectified_on == FOUND_ON + dt.timedelta(days=3)
    entry = AuditEntry.objects.get(action=services.RiskAction.HAZARD_RECTIFY)
    assert entry.changes["rectification_result"] == ["", "已委托计量机构校验，报警值正常"]


def test_rectify_before_found_refused(personas, facility_a):
    hazard = add_hazard(facility_a, personas["county_a_em_officer"])
    with pytest.raises(ValidationFailed) as error:
        services.rectify_hazard(hazard, personas["county_a_em_officer"], rectified_on=FOUND_ON - dt.timedelta(days=1),
                                result="已整改")
    assert error.value.fields["field"] == "rectified_on"
    assert "2025-04-01" in str(error.value.message)


def test_rectify_needs_result(personas, facility_a):
    hazard = add_hazard(facility_a, personas["county_a_em_officer"])
    with pytest.raises(ValidationFailed) as error:
        services.rectify_hazard(hazard, personas["county_a_em_officer"], rectified_on=FOUND_ON, result="  ")
    assert error.value.fields["field"] == "rectification_result"
    assert FacilityHazard.objects.get(pk=hazard.pk).rectified_on is None


def test_rectify_future_date_refused(personas, facility_a):
    hazard = add_hazard(facility_a, personas["county_a_em_officer"])
    with pytest.raises(ValidationFailed):
        services.rectify_hazard(hazard, personas["county_a_em_officer"], rectified_on=today() + dt.timedelta(days=1),
                                result="已整改")


def test_rectify_twice_refused(personas, facility_a):
    hazard = add_hazard(facility_a, personas["county_a_em_officer"])
    services.rectify_hazard(hazard, personas["county_a_em_officer"], rectified_on=FOUND_ON, result="已整改")
    with pytest.raises(ValidationFailed) as error:
        services.rectify_hazard(hazard, personas["county_a_em_officer"], rectified_on=FOUND_ON, result="再次整改")
    assert "already rectified" in str(error.value.message)


def test_rectify_other_county_out_of_scope(personas, facility_a):
    hazard = add_hazard(facility_a, personas["county_a_em_officer"])
    with pytest.raises(OutOfScope):
        services.rectify_hazard(hazard, personas["county_b_em_officer"], rectified_on=FOUND_ON, result="已整改")


def test_hazard_overdue_after_deadline(personas, facility_a):
    hazard = add_hazard(facility_a, personas["county_a_em_officer"])
    assert services.is_overdue(hazard, on=hazard.deadline + dt.timedelta(days=1))
    assert not services.is_overdue(hazard, on=hazard.deadline)


def test_rectified_hazard_never_overdue(personas, facility_a):
    hazard = add_hazard(facility_a, personas["county_a_em_officer"])
    services.rectify_hazard(hazard, personas["county_a_em_officer"], rectified_on=FOUND_ON, result="已整改")
    hazard.refresh_from_db()
    assert not services.is_overdue(hazard, on=hazard.deadline + dt.timedelta(days=100))
