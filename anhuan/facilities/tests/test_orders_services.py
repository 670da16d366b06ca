"""Stop-use orders: issuing, the register gate while in force, lifting, the to-do item and notifications."""

import datetime as dt

import pytest

from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.models import AuditEntry, Notification
from anhuan.core.todo import todo_for
from anhuan.facilities.models import StopUseOrder
from anhuan.facilities.services import existing as services
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
    issue,
    not_designed,
)
from anhuan.organizations.models import Agency, Department
from anhuan.sharing.models import EnvFacility
from anhuan.sharing.services.registers import update_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(personas, facility_a):
    return assess(facility_a, personas["county_a_ee_officer"], outcome="failed")


def stop_order_todos(user):
    return [item for item in todo_for(user) if item.kind == "stop_use_order"]


# --- Issuing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["county_a_em_officer", "county_a_em_leader", "city_em_officer"])
def test_order_issued_by_emergency_side(personas, facility_a, failed, persona):
    order = issue(facility_a, personas[persona], assessment=failed)
    assert order.status == StopUseOrder.Status.IN_FORCE
    assert order.agency == personas[persona].agency
    assert order.assessment == failed


def test_order_sets_register_status_stopped(personas, facility_a, failed):
    before = EnvFacility.objects.get(pk=facility_a.pk).updated_at
    order = issue(facility_a, personas["county_a_em_officer"], assessment=failed)
    facility = EnvFacility.objects.get(pk=facility_a.pk)
    assert facility.status == "stopped"
    assert facility.updated_by == personas["county_a_em_officer"]
    assert facility.updated_at > before
    entry = AuditEntry.objects.get(action=services.ExistingAction.STATUS_STOPPED, object_id=str(facility_a.pk))
    assert entry.changes == {"status": ["in_operation", "stopped"]}
    assert entry.data["order"] == order.pk


def test_order_audited(personas, facility_a, failed):
    order = issue(facility_a, personas["county_a_em_officer"], assessment=failed)
    entry = AuditEntry.objects.get(action=services.ExistingAction.ORDER_ISSUE, object_id=str(order.pk))
    assert entry.changes["document_number"] == [None, "信都应急〔2025〕12号"]
    assert "2025-03-10" in entry.data["failed_record"]


@pytest.mark.parametrize("persona", ["county_a_ee_officer", "county_a_ee_leader", "city_ee_officer", "city_expert"])
def test_order_refused_for_non_emergency(personas, facility_a, failed, persona):
    with pytest.raises(NotPermitted):
        issue(facility_a, personas[persona], assessment=failed)
    assert EnvFacility.objects.get(pk=facility_a.pk).status == "in_operation"


def test_order_refused_for_contact(facility_a, failed, contact_a):
    with pytest.raises(NotPermitted):
        issue(facility_a, contact_a, assessment=failed)


def test_order_other_county_out_of_scope(personas, facility_a, failed):
    with pytest.raises(OutOfScope):
        issue(facility_a, personas["county_b_em_officer"], assessment=failed)


def test_order_needs_failed_record(personas, facility_a):
    with pytest.raises(ValidationFailed) as error:
        issue(facility_a, personas["county_a_em_officer"])
    assert error.value.fields["field"] == "record"


def test_order_refuses_passing_record(personas, facility_a):
    passed = assess(facility_a, personas["county_a_ee_officer"])
    with pytest.raises(ValidationFailed) as error:
        issue(facility_a, personas["county_a_em_officer"], assessment=passed)
    assert error.value.fields["field"] == "assessment"
    assert "passed" in str(error.value.message)


def test_order_refuses_record_of_other_facility(personas, facility_a, facility_b):
    other = assess(facility_b, personas["county_b_ee_officer"], outcome="failed")
    with pytest.raises(ValidationFailed):
        issue(facility_a, personas["county_a_em_officer"], assessment=other)


def test_order_follows_failed_diagnosis(personas, facility_a):
    not_designed(facility_a, personas["county_a_ee_officer"])
    failed_diagnosis = diagnose(facility_a, personas["county_a_ee_officer"], outcome="failed")
    order = issue(facility_a, personas["county_a_em_officer"], diagnosis=failed_diagnosis)
    assert order.diagnosis == failed_diagnosis


@pytest.mark.parametrize("number", ["信都应急[2025]12号", "信都应急〔2025〕012号", "第12号", ""])
def test_order_document_number_checked(personas, facility_a, failed, number):
    with pytest.raises(ValidationFailed) as error:
        issue(facility_a, personas["county_a_em_officer"], assessment=failed, number=number)
    assert error.value.fields["field"] == "document_number"
    assert not StopUseOrder.objects.exists()


def test_order_date_not_before_failure(personas, facility_a, failed):
    with pytest.raises(ValidationFailed) as error:
        issue(facility_a, personas["county_a_em_officer"], assessment=failed, issued_on=ASSESSED_ON - dt.timedelta(days=1))
    assert error.value.fields["field"] == "issued_on"


def test_order_date_not_in_future(personas, facility_a, failed):
    with pytest.raises(ValidationFailed) as error:
        issue(facility_a, personas["county_a_em_officer"], assessment=failed,
              issued_on=services.today() + dt.timedelta(days=1))
    assert error.value.fields["field"] == "issued_on"


def test_second_order_refused_while_in_force(personas, facility_a, failed):
    issue(facility_a, personas["county_a_em_officer"], assessment=failed)
    with pytest.raises(ValidationFailed) as error:
        issue(facility_a, personas["county_a_em_officer"], assessment=failed, number="信都应急〔2025〕13号")
    assert "already in force" in str(error.value.message)
    assert StopUseOrder.objects.count() == 1


def test_order_refused_for_decommissioned(personas, facility_a, failed):
    update_record(facility_a, actor=personas["county_a_ee_officer"], status="decommissioned")
    with pytest.raises(ValidationFailed) as error:
        issue(facility_a, personas["county_a_em_officer"], assessment=failed)
    assert error.value.fields["field"] == "status"


def test_order_notifies_ee_agency_and_contacts(personas, facility_a, failed, contact_a):
    issue(facility_a, personas["county_a_em_officer"], assessment=failed)
    recipients = set(Notification.objects.filter(kind="facilities.order_issued").values_list("recipient__username", flat=True))
    assert recipients == {"county_a_ee_officer", "county_a_ee_leader", "contact_a"}


def test_system_account_issues_for_region_agency(facility_a, failed):
    from anhuan.organizations.services import get_system_user

    order = issue(facility_a, get_system_user(), assessment=failed)
    assert order.agency == Agency.objects.get(department=Department.EMERGENCY, region_id=facility_a.region_id)


# --- The gate and lifting ------------------------------------------------------------------------


def test_gate_refuses_operation_while_in_force(personas, facility_a, failed):
    issue(facility_a, personas["county_a_em_officer"], assessment=failed)
    with pytest.raises(ValidationFailed) as error:
        update_record(facility_a, actor=personas["county_a_ee_officer"], status="in_operation")
    assert "stop-use order is in force" in str(error.value.message)
    assert EnvFacility.objects.get(pk=facility_a.pk).status == "stopped"


def test_order_gate_lift_return_cycle(personas, facility_a, failed):
    em, ee = personas["county_a_em_officer"], personas["county_a_ee_officer"]
    order = issue(facility_a, em, assessment=failed)
    new_assessment = assess(facility_a, ee, assessed_on=order.issued_on + dt.timedelta(days=30))

    lifted = services.lift_stop_use_order(order, em, lifted_on=new_assessment.assessed_on)
    assert lifted.status == StopUseOrder.Status.LIFTED
    assert lifted.lifting_assessment == new_assessment
    assert lifted.lifted_by == em
    # Lifting leaves the register to its owner, and the environment side records the return to use.
    assert EnvFacility.objects.get(pk=facility_a.pk).status == "stopped"

    update_record(facility_a, actor=ee, status="in_operation")
    assert EnvFacility.objects.get(pk=facility_a.pk).status == "in_operation"


def test_lift_needs_passing_assessment_after_order(personas, facility_a, failed):
    em = personas["county_a_em_officer"]
    assess(facility_a, personas["county_a_ee_officer"], assessed_on=ASSESSED_ON - dt.timedelta(days=60))
    order = issue(facility_a, em, assessment=failed)
    with pytest.raises(ValidationFailed) as error:
        services.lift_stop_use_order(order, em, lifted_on=services.today())
    assert error.value.fields["field"] == "assessment"
    assert order.issued_on.isoformat() in str(error.value.message)
    assert StopUseOrder.objects.get(pk=order.pk).status == StopUseOrder.Status.IN_FORCE


def test_lift_ignores_failed_assessment_after_order(personas, facility_a, failed):
    em = personas["county_a_em_officer"]
    order = issue(facility_a, em, assessment=failed)
    assess(facility_a, personas["county_a_ee_officer"], outcome="failed", assessed_on=order.issued_on + dt.timedelta(days=2))
    with pytest.raises(ValidationFailed):
        services.lift_stop_use_order(order, em, lifted_on=services.today())


def test_lift_date_not_before_assessment(personas, facility_a, failed):
    em = personas["county_a_em_officer"]
    order = issue(facility_a, em, assessment=failed)
    passed = assess(facility_a, em, assessed_on=order.issued_on + dt.timedelta(days=10))
    with pytest.raises(ValidationFailed) as error:
        services.lift_stop_use_order(order, em, lifted_on=passed.assessed_on - dt.timedelta(days=1))
    assert error.value.fields["field"] == "lifted_on"


@pytest.mark.parametrize("persona", ["county_a_ee_officer", "city_ee_leader"])
def test_lift_refused_for_environment_side(personas, facility_a, failed, persona):
    order = issue(facility_a, personas["county_a_em_officer"], assessment=failed)
    assess(facility_a, personas["county_a_ee_officer"], assessed_on=order.issued_on + dt.timedelta(days=1))
    with pytest.raises(NotPermitted):
        services.lift_stop_use_order(order, personas[persona], lifted_on=services.today())


def test_lift_other_county_out_of_scope(personas, facility_a, failed):
    order = issue(facility_a, personas["county_a_em_officer"], assessment=failed)
    with pytest.raises(OutOfScope):
        services.lift_stop_use_order(order, personas["county_b_em_officer"], lifted_on=services.today())


def test_lift_twice_refused(personas, facility_a, failed):
    em = personas["county_a_em_officer"]
    order = issue(facility_a, em, assessment=failed)
    assess(facility_a, em, assessed_on=order.issued_on + dt.timedelta(days=1))
    services.lift_stop_use_order(order, em, lifted_on=services.today())
    with pytest.raises(ValidationFailed) as error:
        services.lift_stop_use_order(order, em, lifted_on=services.today())
    assert "already lifted" in str(error.value.message)


def test_lift_audited_and_notified(personas, facility_a, failed, contact_a):
    em = personas["county_a_em_officer"]
    order = issue(facility_a, em, assessment=failed)
    assess(facility_a, em, assessed_on=order.issued_on + dt.timedelta(days=1))
    services.lift_stop_use_order(order, em, lifted_on=services.today())
    entry = AuditEntry.objects.get(action=services.ExistingAction.ORDER_LIFT, object_id=str(order.pk))
    assert entry.changes["status"] == ["in_force", "lifted"]
    recipients = set(Notification.objects.filter(kind="facilities.order_lifted").values_list("recipient__username", flat=True))
    assert recipients == {"county_a_ee_officer", "county_a_ee_leader", "contact_a"}


def test_new_order_allowed_after_lifting(personas, facility_a, failed):
    em = personas["county_a_em_officer"]
    order = issue(facility_a, em, assessment=failed)
    assess(facility_a, em, assessed_on=order.issued_on + dt.timedelta(days=1))
    services.lift_stop_use_order(order, em, lifted_on=services.today())
    again = assess(facility_a, em, outcome="failed", assessed_on=order.issued_on + dt.timedelta(days=40))
    second = issue(facility_a, em, assessment=again, number="信都应急〔2025〕20号",
                   issued_on=again.assessed_on)
    assert second.status == StopUseOrder.Status.IN_FORCE


# --- The to-do item -----------------------------------------------------------------------------


def test_failed_assessment_order_on_todo(personas, facility_a, failed):
    items = stop_order_todos(personas["county_a_em_officer"])
    assert len(items) == 1
    assert facility_a.name in items[0].title
    assert items[0].link.endswith(f"/{facility_a.pk}/order/?assessment={failed.pk}")


def test_city_em_sees_order_todo(personas, facility_a, failed):
    assert len(stop_order_todos(personas["city_em_officer"])) == 1


@pytest.mark.parametrize("persona", ["county_b_em_officer", "county_a_ee_officer", "city_ee_leader", "city_expert"])
def test_order_todo_not_for_others(personas, facility_a, failed, persona):
    assert stop_order_todos(personas[persona]) == []


def test_order_todo_cleared_by_order(personas, facility_a, failed):
    issue(facility_a, personas["county_a_em_officer"], assessment=failed)
    assert stop_order_todos(personas["county_a_em_officer"]) == []


def test_order_todo_cleared_by_later_pass(personas, facility_a, failed):
    assess(facility_a, personas["county_a_ee_officer"], assessed_on=ASSESSED_ON + dt.timedelta(days=20))
    assert stop_order_todos(personas["county_a_em_officer"]) == []


def test_failed_diagnosis_puts_order_on_todo(personas, facility_a):
    not_designed(facility_a, personas["county_a_ee_officer"])
    failed_diagnosis = diagnose(facility_a, personas["county_a_ee_officer"], outcome="failed")
    items = stop_order_todos(personas["county_a_em_leader"])
    assert [item.link.endswith(f"?diagnosis={failed_diagnosis.pk}") for item in items] == [True]


def test_failure_under_order_not_notified(personas, facility_a, failed):
    em = personas["county_a_em_officer"]
    order = issue(facility_a, em, assessment=failed)
    Notification.objects.all().delete()

    assess(facility_a, personas["county_a_ee_officer"], outcome="failed", assessed_on=order.issued_on + dt.timedelta(days=2))

    assert not Notification.objects.filter(kind="facilities.check_failed").exists()
    assert stop_order_todos(em) == []


def test_document_number_used_once(personas, facility_a, facility_b, failed):
    issue(facility_a, personas["city_em_officer"], assessment=failed)
    other = assess(facility_b, personas["county_b_ee_officer"], outcome="failed")
    with pytest.raises(ValidationFailed) as error:
        issue(facility_b, personas["city_em_officer"], assessment=other)
    assert error.value.fields["field"] == "document_number"
    assert StopUseOrder.objects.count() == 1


def test_superseded_failure_grounds_no_order(personas, facility_a, failed):
    later = ASSESSED_ON + dt.timedelta(days=3)
    assess(facility_a, personas["county_a_ee_officer"], outcome="passed", assessed_on=later)
    assert services.order_grounds(facility_a) == []
    with pytest.raises(ValidationFailed, match="supersedes") as error:
        issue(facility_a, personas["county_a_em_officer"], assessment=failed)
    assert error.value.fields["field"] == "assessment"
    assert not StopUseOrder.objects.exists()


def test_lifted_order_failure_not_reused(personas, facility_a, failed):
    order = issue(facility_a, personas["county_a_em_officer"], assessment=failed)
    passed = assess(facility_a, personas["county_a_ee_officer"], outcome="passed",
                    assessed_on=ASSESSED_ON + dt.timedelta(days=10))
    services.lift_stop_use_order(order, personas["county_a_em_officer"], lifted_on=passed.assessed_on, assessment=passed)
    assert services.order_grounds(facility_a) == []
