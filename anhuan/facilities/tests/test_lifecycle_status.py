"""change_status as a state machine: every status move of a new key facility, allowed and refused."""

import datetime as dt

import pytest
from django.utils import translation

from anhuan.core.errors import NotPermitted, OutOfScope, TransitionNotAllowed, ValidationFailed
from anhuan.core.models import AuditEntry
from anhuan.facilities.models import SimultaneityCheckpoint, StopUseOrder
from anhuan.facilities.services import lifecycle as services
from anhuan.facilities.tests.fixtures import (  # noqa: F401 (fixtures)
    complete_until,
    enterprise_a,
    existing_facility,
    planned_facility,
)
from anhuan.organizations.models import Agency, Department
from anhuan.sharing.models import EnvFacility

pytestmark = pytest.mark.django_db

SAFETY = "No passing safety demonstration"
DESIGN = "No design by a qualified designer"
PLAN = "No construction plan"
DESIGNED = "designed together with the main works"
BUILT = "built together with the main works"
ACCEPTANCE = "No passing acceptance"
OK = "ok"
NOT_ALLOWED = "not allowed"

# (last step on file, target status, expected): expected is OK, NOT_ALLOWED or the reasons in order.
TABLE = [
    ("registered", "under_construction", [SAFETY, DESIGN, PLAN, DESIGNED]),
    ("env_demonstration", "under_construction", [SAFETY, DESIGN, PLAN, DESIGNED]),
    ("safety_demonstration", "under_construction", [DESIGN, PLAN, DESIGNED]),
    ("design", "under_construction", [PLAN, DESIGNED]),
    ("construction_plan", "under_construction", [DESIGNED]),
    ("checkpoint_designed", "under_construction", OK),
    ("registered", "in_operation", NOT_ALLOWED),
    ("checkpoint_designed", "in_operation", NOT_ALLOWED),
    ("registered", "stopped", NOT_ALLOWED),
    ("registered", "planned", NOT_ALLOWED),
    ("registered", "decommissioned", OK),
    ("under_construction", "in_operation", [BUILT, ACCEPTANCE]),
    ("checkpoint_built", "in_operation", [ACCEPTANCE]),
    ("acceptance", "in_operation", OK),
    ("under_construction", "stopped", OK),
    ("under_construction", "planned", NOT_ALLOWED),
    ("in_operation", "stopped", OK),
    ("in_operation", "decommissioned", OK),
    ("in_operation", "under_construction", NOT_ALLOWED),
    ("in_operation", "in_operation", NOT_ALLOWED),
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def officer(personas):
    return personas["county_a_ee_officer"]


@pytest.mark.parametrize(("reached", "target", "expected"), TABLE)
def test_status_move(officer, planned_facility, reached, target, expected):
    facility = complete_until(planned_facility, officer, reached)
    before = facility.status
    updates = AuditEntry.objects.filter(action="register.update").count()

    if expected == OK:
        services.change_status(facility, target, officer)
        assert EnvFacility.objects.get(pk=facility.pk).status == target
        return

    error_class = TransitionNotAllowed if expected == NOT_ALLOWED else ValidationFailed
    with pytest.raises(error_class) as refused:
        services.change_status(facility, target, officer)
    assert EnvFacility.objects.get(pk=facility.pk).status == before
    assert AuditEntry.objects.filter(action="register.update").count() == updates
    if expected != NOT_ALLOWED:
        reasons = refused.value.fields["reasons"]
        assert len(reasons) == len(expected)
        for reason, text in zip(reasons, expected):
            assert text in reason
            assert text in str(refused.value.message)


def test_refusal_names_status_field(officer, planned_facility):
    with pytest.raises(ValidationFailed) as refused:
        services.change_status(planned_facility, "under_construction", officer)

    assert refused.value.fields["field"] == "status"
    assert str(refused.value.message).startswith("Status: No passing safety demonstration")


def test_refusal_in_chinese(officer, planned_facility):
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        services.change_status(planned_facility, "under_construction", officer)

    assert "安全论证" in refused.value.fields["reasons"][0]


def test_operation_confirms_in_use_checkpoint(officer, planned_facility):
    complete_until(planned_facility, officer, "acceptance")

    services.change_status(planned_facility, "in_operation", officer, confirmed_on=dt.date(2024, 6, 1))

    checkpoint = SimultaneityCheckpoint.objects.get(facility=planned_facility, checkpoint="in_use")
    assert checkpoint.confirmed_on == dt.date(2024, 6, 1)
    assert checkpoint.recorded_by == officer


def test_operation_sets_in_use_since(officer, planned_facility):
    complete_until(planned_facility, officer, "acceptance")

    services.change_status(planned_facility, "in_operation", officer, confirmed_on=dt.date(2024, 6, 1))

    planned_facility.refresh_from_db()
    assert planned_facility.commissioned_on == dt.date(2024, 6, 1)


def test_return_keeps_in_use_since(officer, planned_facility):
    complete_until(planned_facility, officer, "acceptance")
    services.change_status(planned_facility, "in_operation", officer, confirmed_on=dt.date(2024, 6, 1))
    services.change_status(planned_facility, "stopped", officer)

    services.change_status(planned_facility, "in_operation", officer, confirmed_on=dt.date(2025, 1, 1))

    planned_facility.refresh_from_db()
    assert planned_facility.commissioned_on == dt.date(2024, 6, 1)


def test_return_keeps_one_in_use(officer, planned_facility):
    complete_until(planned_facility, officer, "in_operation")
    services.change_status(planned_facility, "stopped", officer)

    services.change_status(planned_facility, "in_operation", officer)

    assert SimultaneityCheckpoint.objects.filter(facility=planned_facility, checkpoint="in_use").count() == 1


def test_refused_operation_writes_no_checkpoint(officer, planned_facility):
    complete_until(planned_facility, officer, "checkpoint_built")

    with pytest.raises(ValidationFailed):
        services.change_status(planned_facility, "in_operation", officer)

    assert not SimultaneityCheckpoint.objects.filter(checkpoint="in_use").exists()


def test_status_audited_by_register(officer, planned_facility):
    complete_until(planned_facility, officer, "under_construction")

    entry = AuditEntry.objects.filter(action="register.update").latest("pk")
    assert entry.changes["status"] == ["planned", "under_construction"]
    assert entry.actor == officer


def test_status_refused_for_emergency_side(personas, planned_facility):
    with pytest.raises(NotPermitted):
        services.change_status(planned_facility, "decommissioned", personas["county_a_em_officer"])


def test_status_other_county_out_of_scope(personas, planned_facility):
    with pytest.raises(OutOfScope):
        services.change_status(planned_facility, "decommissioned", personas["county_b_ee_officer"])


def test_existing_facility_needs_no_demonstration(officer, existing_facility):
    services.change_status(existing_facility, "stopped", officer)

    services.change_status(existing_facility, "in_operation", officer)

    assert EnvFacility.objects.get(pk=existing_facility.pk).status == "in_operation"
    assert not SimultaneityCheckpoint.objects.exists()


def test_stop_order_blocks_operation(personas, officer, existing_facility):
    services.change_status(existing_facility, "stopped", officer)
    StopUseOrder.objects.create(
        facility=existing_facility, enterprise=existing_facility.enterprise, region=existing_facility.region,
        recorded_by=personas["county_a_em_officer"],
        agency=Agency.objects.get(department=Department.EMERGENCY, region=existing_facility.region),
        document_number="信应急〔2024〕1号", issued_on=dt.date(2024, 5, 1), reason="评估不合格",
    )

    with pytest.raises(ValidationFailed, match="stop-use order is in force"):
        services.change_status(existing_facility, "in_operation", officer)


def test_allowed_targets_of_each_status():
    assert services.allowed_targets("planned") == ("under_construction", "decommissioned")
    assert services.allowed_targets("decommissioned") == ()
