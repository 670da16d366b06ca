"""The gate on the shared register: every save of a key facility into a gated status is checked."""

import datetime as dt

import pytest
from django.utils import translation

from anhuan.core.errors import ValidationFailed
from anhuan.facilities.models import Demonstration, DemonstrationKind, Outcome, StopUseOrder
from anhuan.organizations.models import Agency, Department
from anhuan.sharing.models import EnvFacility, EnvFacilityType
from anhuan.sharing.tests.registers_fixtures import enterprise_a  # noqa: F401
from anhuan.sharing.services.registers import create_record, record_errors, update_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def officer(personas):
    return personas["county_a_ee_officer"]


def planned_rto(officer, enterprise, **fields):
    values = {"name": "1号RTO焚烧炉", "facility_type": EnvFacilityType.RTO, "status": "planned", **fields}
    return create_record(EnvFacility, actor=officer, enterprise=enterprise, **values)


def safety_demonstration(facility, officer, outcome=Outcome.PASSED):
    return Demonstration.objects.create(
        facility=facility, enterprise=facility.enterprise, region=facility.region, recorded_by=officer,
        kind=DemonstrationKind.SAFETY, held_on=dt.date(2025, 3, 1), organiser="某安全评价公司", expert_names="张工、李工",
        opinion="同意", outcome=outcome,
    )


def test_new_facility_not_created_operating(officer, enterprise_a):
    with pytest.raises(ValidationFailed) as refused:
        planned_rto(officer, enterprise_a, status="in_operation")
    assert refused.value.fields["field"] == "status"
    assert "No passing safety demonstration" in str(refused.value)
    assert not EnvFacility.objects.exists()


def test_planned_key_facility_is_accepted(officer, enterprise_a):
    assert planned_rto(officer, enterprise_a).is_key is True


def test_construction_rejected_without_demonstration(officer, enterprise_a):
    facility = planned_rto(officer, enterprise_a)
    with pytest.raises(ValidationFailed, match="No passing safety demonstration"):
        update_record(facility, actor=officer, status="under_construction")
    assert EnvFacility.objects.get().status == "planned"


def test_failed_demonstration_keeps_gate_closed(officer, enterprise_a):
    facility = planned_rto(officer, enterprise_a)
    safety_demonstration(facility, officer, outcome=Outcome.FAILED)
    (field, message), = record_errors(EnvFacility(**{**_values(facility), "status": "under_construction"}))
    assert field == "status"
    assert message.startswith("No passing safety demonstration")
    assert "No design by a qualified designer is on file." in message


def test_passing_demonstration_leaves_the_other_prerequisites(officer, enterprise_a):
    facility = planned_rto(officer, enterprise_a)
    safety_demonstration(facility, officer)
    with pytest.raises(ValidationFailed) as refused:
        update_record(facility, actor=officer, status="under_construction")
    assert "safety demonstration" not in str(refused.value)
    assert "No design by a qualified designer is on file." in str(refused.value)


def test_non_key_facility_is_not_gated(officer, enterprise_a):
    facility = create_record(
        EnvFacility, actor=officer, enterprise=enterprise_a, name="活性炭箱", facility_type=EnvFacilityType.ACTIVATED_CARBON,
        status="in_operation",
    )
    assert facility.is_key is False


def test_existing_facility_recorded_in_operation(officer, enterprise_a):
    facility = planned_rto(officer, enterprise_a, status="in_operation", commissioned_on=dt.date(2021, 5, 1))
    assert facility.status == "in_operation"
    # Editing another field of a row already in operation does not run the gate again.
    update_record(facility, actor=officer, capacity="40000立方米/小时")


def test_stop_use_order_blocks_return(officer, enterprise_a, personas):
    facility = planned_rto(officer, enterprise_a, status="in_operation", commissioned_on=dt.date(2021, 5, 1))
    update_record(facility, actor=officer, status="stopped")
    StopUseOrder.objects.create(
        facility=facility, enterprise=facility.enterprise, region=facility.region, recorded_by=personas["county_a_em_officer"],
        agency=Agency.objects.get(region=facility.region, department=Department.EMERGENCY), document_number="信应急停〔2026〕1号",
        issued_on=dt.date(2026, 3, 1), reason="安全评估不合格",
    )
    with pytest.raises(ValidationFailed, match="A stop-use order is in force"):
        update_record(facility, actor=officer, status="in_operation")
    assert EnvFacility.objects.get().status == "stopped"


def _values(facility):
    return {
        "pk": facility.pk, "enterprise": facility.enterprise, "region": facility.region, "updated_by": facility.updated_by,
        "name": facility.name, "facility_type": facility.facility_type,
    }


def test_register_form_lists_gate_reasons(client, officer, enterprise_a):
    from django.urls import reverse
    from django.utils.html import escape

    from anhuan.facilities.services.lifecycle import status_blockers

    facility = planned_rto(officer, enterprise_a)
    reasons = [str(reason) for reason in status_blockers(facility, "under_construction")]
    client.force_login(officer)
    form = client.get(reverse("sharing:register-edit", args=["env-facilities", facility.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update({"enterprise": enterprise_a.credit_code, "status": "under_construction"})

    response = client.post(reverse("sharing:register-edit", args=["env-facilities", facility.pk]), data,
                           HTTP_ACCEPT_LANGUAGE="en")

    assert len(reasons) > 1
    assert response.status_code == 200, response.status_code
    assert dict(response.context["form"].errors) == {"status": reasons}
    html = response.content.decode()
    assert all(f"<li>{escape(reason)}</li>" in html for reason in reasons)
    # The service's one message keeps every reason, one per line, for the API and the commands.
    with pytest.raises(ValidationFailed) as refused:
        update_record(facility, actor=officer, status="under_construction")
    assert str(refused.value.message).split(": ", 1)[1].splitlines() == reasons
