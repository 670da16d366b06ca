"""Provider services: registering and changing providers, evaluations, and who runs a key facility."""

import datetime as dt

import pytest
from django.utils import translation

from anhuan.core.errors import Conflict, NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.models import AuditEntry
from anhuan.facilities.models import KeyFacilityProfile, ProviderEvaluation, ServiceProvider
from anhuan.facilities.services import providers
from anhuan.facilities.tests.test_providers_support import (  # noqa: F401 (fixtures)
    enforcement,
    enterprise_a,
    enterprise_b,
    facility_a,
    facility_b,
    make_provider,
    provider,
    provider_code,
)
from anhuan.organizations.services import get_system_user
from anhuan.sharing.models import EnvFacility
from anhuan.sharing.services.registers import create_record

pytestmark = pytest.mark.django_db


# --- Registering and changing providers --------------------------------------------------------


def test_create_provider_by_ee_officer_audited(personas, region_a):
    actor = personas["county_a_ee_officer"]
    created = providers.create_provider(
        actor=actor, name=" 邢台蓝天环保 运维有限公司 ", credit_code=provider_code(7).lower(), region=region_a,
        phone="0319-2222222", qualification="环境污染治理设施运营资质",
    )
    assert created.name == "邢台蓝天环保 运维有限公司"
    assert created.credit_code == provider_code(7)
    assert created.created_by == actor
    entry = AuditEntry.objects.get(action="provider.create")
    assert entry.actor == actor
    assert entry.changes["credit_code"] == [None, provider_code(7)]
    assert entry.changes["region"] == [None, region_a.name]


@pytest.mark.parametrize("persona", [
    "county_a_em_officer", "city_em_leader", "city_expert", "system_admin", "audit_admin",
])
def test_create_provider_refused_outside_ee_staff(personas, region_a, persona):
    with pytest.raises(NotPermitted):
        make_provider(personas[persona], region_a)
    assert not ServiceProvider.objects.exists()


def test_create_provider_refused_for_contact(personas, region_a, enterprise_a):
    from conftest import make_user

    contact = make_user("contact_a", enterprise=enterprise_a)
    with pytest.raises(NotPermitted):
        make_provider(contact, region_a)


def test_create_provider_by_system_account(region_a):
    created = make_provider(get_system_user(), region_a)
    assert created.pk is not None


@pytest.mark.parametrize(("code", "reason"), [
    ("91130503MA0000001", "18"),
    ("91130503MA000000IX", "I, O, S, V, Z"),
    ("91130503000000000X", "check character"),
])
def test_create_provider_rejects_bad_credit_code(personas, region_a, code, reason):
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        providers.create_provider(actor=personas["county_a_ee_officer"], name="某公司", credit_code=code, region=region_a)
    assert error.value.fields["field"] == "credit_code"
    assert reason in str(error.value.message)


def test_create_provider_rejects_duplicate_code(personas, region_a, provider):
    with pytest.raises(Conflict) as error:
        make_provider(personas["city_ee_officer"], region_a, serial=1, name="另一家公司")
    assert error.value.fields["field"] == "credit_code"
    assert ServiceProvider.objects.count() == 1


@pytest.mark.parametrize(("fields", "field"), [
    ({"name": "  "}, "name"),
    ({"region": None}, "region"),
    ({"phone": "call me"}, "phone"),
])
def test_create_provider_rejects_invalid_field(personas, region_a, fields, field):
    values = {"name": "某公司", "credit_code": provider_code(3), "region": region_a, **fields}
    with pytest.raises(ValidationFailed) as error:
        providers.create_provider(actor=personas["county_a_ee_officer"], **values)
    assert error.value.fields["field"] == field


def test_update_provider_records_old_and_new(personas, provider):
    actor = personas["city_ee_leader"]
    providers.update_provider(provider, actor=actor, contact_person="王经理", phone="13800000000")
    provider.refresh_from_db()
    assert provider.contact_person == "王经理"
    entry = AuditEntry.objects.get(action="provider.update")
    assert entry.changes == {"contact_person": ["", "王经理"], "phone": ["", "13800000000"]}


def test_update_provider_without_change_records_nothing(personas, provider):
    providers.update_provider(provider, actor=personas["county_a_ee_officer"], name=provider.name)
    assert not AuditEntry.objects.filter(action="provider.update").exists()


def test_update_provider_rejects_code_of_another(personas, region_a, provider):
    other = make_provider(personas["county_a_ee_officer"], region_a, serial=2, name="另一家公司")
    with pytest.raises(Conflict):
        providers.update_provider(other, actor=personas["county_a_ee_officer"], credit_code=provider.credit_code)


def test_update_provider_refused_for_em(personas, provider):
    with pytest.raises(NotPermitted):
        providers.update_provider(provider, actor=personas["county_a_em_officer"], name="改名")


# --- Evaluations -----------------------------------------------------------------------------------


def test_performance_evaluation_needs_rating(personas, provider):
    with pytest.raises(ValidationFailed) as error:
        providers.record_evaluation(
            provider, actor=personas["county_a_ee_officer"], kind="performance", evaluated_on=dt.date(2025, 5, 1),
            description="运维记录完整",
        )
    assert error.value.fields["field"] == "rating"


def test_performance_evaluation_recorded_in_facility_region(personas, provider, facility_a):
    actor = personas["city_ee_officer"]
    evaluation = providers.record_evaluation(
        provider, actor=actor, kind="performance", rating="good", evaluated_on=dt.date(2025, 5, 1),
        description="运维记录完整", facility=facility_a,
    )
    assert evaluation.region_id == facility_a.region_id
    entry = AuditEntry.objects.get(action="provider.evaluate")
    assert entry.object_id == str(provider.pk)
    assert entry.changes["rating"] == [None, "good"]


def test_violation_linked_to_enforcement_record(personas, provider, facility_a, enterprise_a):
    actor = personas["county_a_ee_officer"]
    record = enforcement(
        actor, enterprise_a, violation="未按规定运行RTO焚烧炉", measure="order_rectify", harder_measure_reason="多次提醒未改",
        rectification_deadline=dt.date(2025, 6, 20), facility=facility_a,
    )
    evaluation = providers.record_evaluation(
        provider, actor=actor, kind="violation", evaluated_on=dt.date(2025, 5, 20), description="运维记录造假",
        facility=facility_a, enforcement=record,
    )
    assert evaluation.enforcement == record
    assert AuditEntry.objects.filter(action="provider.violation", object_id=str(provider.pk)).exists()


def test_violation_takes_no_rating(personas, provider):
    with pytest.raises(ValidationFailed) as error:
        providers.record_evaluation(
            provider, actor=personas["county_a_ee_officer"], kind="violation", rating="poor",
            evaluated_on=dt.date(2025, 5, 1), description="数据造假",
        )
    assert error.value.fields["field"] == "rating"


def test_performance_evaluation_cannot_link_enforcement(personas, provider, enterprise_a):
    actor = personas["county_a_ee_officer"]
    record = enforcement(actor, enterprise_a)
    with pytest.raises(ValidationFailed) as error:
        providers.record_evaluation(
            provider, actor=actor, kind="performance", rating="fair", evaluated_on=dt.date(2025, 5, 1),
            description="一般", enforcement=record,
        )
    assert error.value.fields["field"] == "enforcement"


def test_evaluation_date_cannot_be_future(personas, provider):
    with pytest.raises(ValidationFailed) as error:
        providers.record_evaluation(
            provider, actor=personas["county_a_ee_officer"], kind="violation", evaluated_on=dt.date(2999, 1, 1),
            description="数据造假",
        )
    assert error.value.fields["field"] == "evaluated_on"


def test_evaluation_other_county_out_of_scope(personas, provider, facility_b):
    with pytest.raises(OutOfScope):
        providers.record_evaluation(
            provider, actor=personas["county_a_ee_officer"], kind="violation", evaluated_on=dt.date(2025, 5, 1),
            description="数据造假", facility=facility_b,
        )
    assert not ProviderEvaluation.objects.exists()


def test_evaluation_enforcement_of_other_enterprise_refused(personas, provider, facility_a, enterprise_b):
    record = enforcement(personas["county_b_ee_officer"], enterprise_b)
    with pytest.raises(ValidationFailed) as error:
        providers.record_evaluation(
            provider, actor=personas["city_ee_officer"], kind="violation", evaluated_on=dt.date(2025, 5, 1),
            description="数据造假", facility=facility_a, enforcement=record,
        )
    assert error.value.fields["field"] == "enforcement"


def test_evaluation_refused_for_em_officer(personas, provider):
    with pytest.raises(NotPermitted):
        providers.record_evaluation(
            provider, actor=personas["county_a_em_officer"], kind="violation", evaluated_on=dt.date(2025, 5, 1),
            description="数据造假",
        )


def test_evaluation_without_facility_takes_officer_region(personas, provider, region_b):
    evaluation = providers.record_evaluation(
        provider, actor=personas["county_b_ee_officer"], kind="violation", evaluated_on=dt.date(2025, 5, 1),
        description="数据造假",
    )
    assert evaluation.region == region_b


# --- Who runs a key facility -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["county_a_ee_officer", "county_a_em_officer", "city_em_leader"])
def test_assign_provider_by_either_department(personas, provider, facility_a, persona):
    actor = personas[persona]
    profile = providers.assign_provider(facility_a.pk, actor=actor, provider=provider, provider_role="operates")
    assert profile.provider == provider
    assert profile.provider_role == "operates"
    assert profile.updated_by == actor
    entry = AuditEntry.objects.get(action="facility.provider")
    assert entry.object_id == str(facility_a.pk)
    assert entry.changes == {"provider": [None, provider.name], "provider_role": ["", "operates"]}


def test_assign_provider_needs_role(personas, provider, facility_a):
    with pytest.raises(ValidationFailed) as error:
        providers.assign_provider(facility_a.pk, actor=personas["county_a_ee_officer"], provider=provider, provider_role="")
    assert error.value.fields["field"] == "provider_role"


def test_assign_provider_role_without_provider_refused(personas, facility_a):
    with pytest.raises(ValidationFailed) as error:
        providers.assign_provider(facility_a.pk, actor=personas["county_a_ee_officer"], provider=None, provider_role="builds")
    assert error.value.fields["field"] == "provider"


def test_assign_provider_cleared(personas, provider, facility_a):
    actor = personas["county_a_ee_officer"]
    providers.assign_provider(facility_a.pk, actor=actor, provider=provider, provider_role="builds")
    profile = providers.assign_provider(facility_a.pk, actor=actor, provider=None, provider_role="")
    assert profile.provider is None
    assert profile.provider_role == ""


def test_assign_provider_other_county(personas, provider, facility_b):
    with pytest.raises(OutOfScope):
        providers.assign_provider(facility_b.pk, actor=personas["county_a_em_officer"], provider=provider, provider_role="builds")
    assert KeyFacilityProfile.objects.get(facility=facility_b).provider is None


def test_assign_provider_ordinary_facility(personas, provider, enterprise_a):
    ordinary = create_record(
        EnvFacility, actor=personas["county_a_ee_officer"], enterprise=enterprise_a, name="活性炭吸附装置",
        facility_type="activated_carbon", status="planned",
    )
    with pytest.raises(OutOfScope):
        providers.assign_provider(ordinary.pk, actor=personas["county_a_ee_officer"], provider=provider, provider_role="builds")


@pytest.mark.parametrize("persona", ["city_expert", "system_admin"])
def test_assign_provider_rejected_for_others(personas, provider, facility_a, persona):
    with pytest.raises(NotPermitted):
        providers.assign_provider(facility_a.pk, actor=personas[persona], provider=provider, provider_role="builds")


def test_responsible_person_recorded_and_audited(personas, facility_a):
    actor = personas["county_a_em_officer"]
    profile = providers.record_responsible_person(
        facility_a.pk, actor=actor, responsible_person=" 赵 工 ", responsible_phone="13900000000"
    )
    assert profile.responsible_person == "赵 工"
    entry = AuditEntry.objects.get(action="facility.responsible")
    assert entry.changes["responsible_phone"] == ["", "13900000000"]


@pytest.mark.parametrize(("person", "phone", "field"), [
    ("赵工", "", "responsible_phone"),
    ("", "13900000000", "responsible_person"),
    ("赵工", "打电话", "responsible_phone"),
])
def test_responsible_person_needs_name_and_phone(personas, facility_a, person, phone, field):
    with pytest.raises(ValidationFailed) as error:
        providers.record_responsible_person(
            facility_a.pk, actor=personas["county_a_ee_officer"], responsible_person=person, responsible_phone=phone
        )
    assert error.value.fields["field"] == field
    assert not AuditEntry.objects.filter(action="facility.responsible").exists()


def test_responsible_person_cleared(personas, facility_a):
    actor = personas["county_a_ee_officer"]
    providers.record_responsible_person(facility_a.pk, actor=actor, responsible_person="赵工", responsible_phone="13900000000")
    profile = providers.record_responsible_person(facility_a.pk, actor=actor, responsible_person="", responsible_phone="")
    assert profile.responsible_person == ""
