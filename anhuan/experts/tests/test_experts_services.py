"""Expert pool changes: who may create, edit and deactivate, and the audit trail."""

import pytest
from django.utils import translation

from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.models import AuditEntry
from anhuan.experts.models import Expert
from anhuan.experts.services import create_expert, deactivate_expert, list_experts, update_expert
from anhuan.organizations.models import Region
from conftest import REGION_A, REGION_B


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English whatever the catalog holds.
    with translation.override("en"):
        yield


def fields(region_code=REGION_A, department="emergency", **overrides):
    region = Region.objects.get(code=region_code) if region_code else Region.objects.get(kind="city")
    return {
        "name": "王安全", "department": department, "region": region, "specialties": ["chemical_process", "electrical"],
        "title": "高级工程师", "employer_name": "邢台市安全技术研究院", "phone": "13800000000", **overrides,
    }


def test_county_officer_creates_expert(personas):
    expert = create_expert(actor=personas["county_a_em_officer"], **fields())
    assert expert.region.code == REGION_A
    assert expert.specialties == ["chemical_process", "electrical"]


def test_create_writes_audit_entry(personas):
    expert = create_expert(actor=personas["county_a_em_officer"], **fields())
    entry = AuditEntry.objects.get(action="expert.create", object_id=str(expert.pk))
    assert entry.changes["name"] == [None, "王安全"]


def test_city_officer_creates_any_region(personas):
    expert = create_expert(actor=personas["city_ee_officer"], **fields(REGION_B, "environment"))
    assert expert.region.code == REGION_B


def test_county_cannot_create_other_county(personas):
    with pytest.raises(NotPermitted) as error:
        create_expert(actor=personas["county_a_em_officer"], **fields(REGION_B))
    assert str(error.value.message) == "County staff may manage only the experts of their own county."


def test_county_cannot_create_city_expert(personas):
    with pytest.raises(NotPermitted):
        create_expert(actor=personas["county_a_em_officer"], **fields(None))


def test_other_department_cannot_create(personas):
    with pytest.raises(NotPermitted) as error:
        create_expert(actor=personas["county_a_ee_officer"], **fields())
    assert "emergency management" in str(error.value.message)


@pytest.mark.parametrize("persona", ["city_expert", "system_admin", "audit_admin"])
def test_non_managers_cannot_create(personas, persona):
    with pytest.raises(NotPermitted):
        create_expert(actor=personas[persona], **fields(None))


def test_create_requires_specialty(personas):
    with pytest.raises(ValidationFailed) as error:
        create_expert(actor=personas["county_a_em_officer"], **fields(specialties=[]))
    assert str(error.value.message) == "Choose at least one specialty."


def test_create_rejects_unknown_specialty(personas):
    with pytest.raises(ValidationFailed) as error:
        create_expert(actor=personas["county_a_em_officer"], **fields(specialties=["astrology"]))
    assert "astrology" in str(error.value.message)


def test_create_requires_name(personas):
    with pytest.raises(ValidationFailed):
        create_expert(actor=personas["county_a_em_officer"], **fields(name="  "))


def test_update_changes_and_audits(personas):
    expert = create_expert(actor=personas["county_a_em_officer"], **fields())
    update_expert(expert, actor=personas["county_a_em_leader"], title="正高级工程师")
    entry = AuditEntry.objects.get(action="expert.update", object_id=str(expert.pk))
    assert entry.changes == {"title": ["高级工程师", "正高级工程师"]}


def test_update_by_other_department_rejected(personas):
    expert = create_expert(actor=personas["county_a_em_officer"], **fields())
    with pytest.raises(NotPermitted):
        update_expert(expert, actor=personas["county_a_ee_officer"], title="x")


def test_update_by_other_county_is_out_of_scope(personas):
    expert = create_expert(actor=personas["county_a_em_officer"], **fields())
    with pytest.raises(OutOfScope):
        update_expert(expert, actor=personas["county_b_em_officer"], title="x")


def test_county_cannot_edit_city_expert(personas):
    expert = create_expert(actor=personas["city_em_officer"], **fields(None))
    with pytest.raises(NotPermitted):
        update_expert(expert, actor=personas["county_a_em_officer"], title="x")


def test_update_cannot_move_to_other_county(personas):
    expert = create_expert(actor=personas["county_a_em_officer"], **fields())
    with pytest.raises(NotPermitted):
        update_expert(expert, actor=personas["county_a_em_officer"], region=Region.objects.get(code=REGION_B))


def test_deactivate_marks_inactive(personas):
    expert = create_expert(actor=personas["county_a_em_officer"], **fields())
    deactivate_expert(expert, actor=personas["county_a_em_officer"])
    expert.refresh_from_db()
    assert not expert.active
    assert AuditEntry.objects.filter(action="expert.deactivate", object_id=str(expert.pk)).exists()


def test_deactivate_twice_rejected(personas):
    expert = create_expert(actor=personas["county_a_em_officer"], **fields())
    deactivate_expert(expert, actor=personas["county_a_em_officer"])
    with pytest.raises(ValidationFailed) as error:
        deactivate_expert(expert, actor=personas["county_a_em_officer"])
    assert str(error.value.message) == "Expert 王安全 is already inactive."


def test_deactivate_by_other_department_rejected(personas):
    expert = create_expert(actor=personas["county_a_em_officer"], **fields())
    with pytest.raises(NotPermitted):
        deactivate_expert(expert, actor=personas["county_a_ee_leader"])


# --- Listing --------------------------------------------------------------------------------------


@pytest.fixture
def pool(personas):
    return {
        "a": create_expert(actor=personas["county_a_em_officer"], **fields()),
        "b": create_expert(actor=personas["county_b_ee_officer"], **fields(REGION_B, "environment", name="李环保",
                                                                          specialties=["environmental_engineering"])),
        "city": create_expert(actor=personas["city_em_officer"], **fields(None, name="张冶金", specialties=["metallurgy"],
                                                                        employer_name="河钢集团")),
    }


def names(experts):
    return sorted(expert.name for expert in experts)


def test_county_sees_own_and_city_pool(pool, personas):
    assert names(list_experts(personas["county_a_ee_officer"])) == ["张冶金", "王安全"]


def test_city_sees_every_expert(pool, personas):
    assert names(list_experts(personas["city_ee_officer"])) == ["张冶金", "李环保", "王安全"]


def test_contact_sees_no_expert(pool, personas):
    from conftest import make_user
    from anhuan.pollution.tests.factories import make_enterprise

    contact = make_user("contact", enterprise=make_enterprise())
    assert list(list_experts(contact)) == []


def test_filter_by_specialty(pool, personas):
    assert names(list_experts(personas["city_ee_officer"], specialty="metallurgy")) == ["张冶金"]


def test_filter_by_keyword_employer(pool, personas):
    assert names(list_experts(personas["city_ee_officer"], keyword="河钢")) == ["张冶金"]


def test_filter_by_department_and_active(pool, personas):
    deactivate_expert(pool["a"], actor=personas["county_a_em_officer"])
    assert names(list_experts(personas["city_ee_officer"], department="emergency", active=True)) == ["张冶金"]


def test_specialty_filter_matches_whole_words(pool, personas):
    Expert.objects.filter(pk=pool["a"].pk).update(specialty_words=" chemical_process_x ")
    assert names(list_experts(personas["city_ee_officer"], specialty="chemical_process")) == []


def test_create_rejects_bad_phone(personas):
    with pytest.raises(ValidationFailed) as error:
        create_expert(actor=personas["county_a_em_officer"], **fields(phone="abc"))
    assert error.value.fields == {"field": "phone"}
    assert not Expert.objects.exists()
