"""Key facility types: adding and removing a type recomputes the register's key flag, audited, with refusals."""

import datetime as dt

import pytest
from django.utils import translation

from anhuan.core.errors import NotPermitted, ValidationFailed
from anhuan.core.models import AuditEntry
from anhuan.facilities.models import SafetyRisk
from anhuan.facilities.services import key_types
from anhuan.facilities.services.common import new_record, profile_for
from anhuan.facilities.tests.fixtures import enterprise_a, enterprise_b  # noqa: F401 (fixtures)
from anhuan.organizations.services import get_system_user
from anhuan.sharing.models import EnvFacility, KeyTypeDesignation, key_facility_types
from anhuan.sharing.services.registers import create_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Activate English so that messages are checked in English, whatever the catalog contains."""
    with translation.override("en"):
        yield


def register_row(actor, enterprise, name, facility_type="catalytic_combustion", status="in_operation"):
    return create_record(
        EnvFacility, actor=actor, enterprise=enterprise, name=name, facility_type=facility_type, status=status,
        commissioned_on=dt.date(2021, 3, 1),
    )


@pytest.fixture
def admin(personas):
    return personas["system_admin"]


@pytest.fixture
def catalytic_rows(personas, enterprise_a, enterprise_b):
    """Two catalytic combustion units in two counties and one activated carbon unit, none key yet."""
    return [
        register_row(personas["county_a_ee_officer"], enterprise_a, "1号催化燃烧装置"),
        register_row(personas["county_b_ee_officer"], enterprise_b, "2号催化燃烧装置"),
        register_row(personas["county_a_ee_officer"], enterprise_a, "活性炭吸附箱", facility_type="activated_carbon"),
    ]


def key_flags():
    return dict(EnvFacility.objects.values_list("name", "is_key"))


def test_add_marks_rows_of_type_key(admin, catalytic_rows):
    changed = key_types.add_key_type(actor=admin, facility_type="catalytic_combustion")
    assert changed == 2
    assert key_flags() == {"1号催化燃烧装置": True, "2号催化燃烧装置": True, "活性炭吸附箱": False}
    assert "catalytic_combustion" in key_facility_types()


def test_add_moves_updated_at(admin, catalytic_rows):
    before = {row.pk: row.updated_at for row in catalytic_rows}
    key_types.add_key_type(actor=admin, facility_type="catalytic_combustion")
    after = dict(EnvFacility.objects.values_list("pk", "updated_at"))
    assert after[catalytic_rows[0].pk] > before[catalytic_rows[0].pk]
    assert after[catalytic_rows[1].pk] > before[catalytic_rows[1].pk]
    assert after[catalytic_rows[2].pk] == before[catalytic_rows[2].pk]


def test_add_audited_once_with_count(admin, catalytic_rows):
    key_types.add_key_type(actor=admin, facility_type="catalytic_combustion")
    entry = AuditEntry.objects.get(action=key_types.KeyTypeAction.ADD)
    assert entry.actor == admin
    assert entry.changes == {"facility_type": [None, "catalytic_combustion"]}
    assert entry.data == {"facilities_changed": 2}


def test_added_type_new_row_key(admin, personas, enterprise_a):
    key_types.add_key_type(actor=admin, facility_type="sludge_drying")
    row = register_row(personas["county_a_ee_officer"], enterprise_a, "污泥干化机", facility_type="sludge_drying")
    assert row.is_key is True


@pytest.mark.parametrize("facility_type", ["rto", "wastewater", "other", "no_such_type"])
def test_add_refuses_fixed_other_unknown(admin, facility_type):
    with pytest.raises(ValidationFailed) as error:
        key_types.add_key_type(actor=admin, facility_type=facility_type)
    assert error.value.fields["field"] == "facility_type"
    assert not KeyTypeDesignation.objects.exists()
    assert not AuditEntry.objects.filter(action=key_types.KeyTypeAction.ADD).exists()


def test_add_twice_refused(admin):
    key_types.add_key_type(actor=admin, facility_type="coal_to_gas")
    with pytest.raises(ValidationFailed) as error:
        key_types.add_key_type(actor=admin, facility_type="coal_to_gas")
    assert "already a key type" in str(error.value.message)
    assert KeyTypeDesignation.objects.count() == 1


@pytest.mark.parametrize(
    "persona", ["city_ee_leader", "county_a_em_officer", "city_expert", "audit_admin"],
)
def test_only_system_admin_changes_types(personas, persona, catalytic_rows):
    with pytest.raises(NotPermitted):
        key_types.add_key_type(actor=personas[persona], facility_type="catalytic_combustion")
    assert not KeyTypeDesignation.objects.exists()
    assert key_flags()["1号催化燃烧装置"] is False


def test_system_account_may_add(catalytic_rows):
    assert key_types.add_key_type(actor=get_system_user(), facility_type="catalytic_combustion") == 2


def test_remove_unmarks_rows(admin, catalytic_rows):
    key_types.add_key_type(actor=admin, facility_type="catalytic_combustion")
    changed = key_types.remove_key_type(actor=admin, facility_type="catalytic_combustion")
    assert changed == 2
    assert set(key_flags().values()) == {False}
    assert not KeyTypeDesignation.objects.exists()
    entry = AuditEntry.objects.get(action=key_types.KeyTypeAction.REMOVE)
    assert entry.data == {"facilities_changed": 2}
    assert entry.changes == {"facility_type": ["catalytic_combustion", None]}


def test_remove_refused_with_lifecycle_records(admin, personas, catalytic_rows):
    key_types.add_key_type(actor=admin, facility_type="catalytic_combustion")
    facility = EnvFacility.objects.get(pk=catalytic_rows[0].pk)
    new_record(
        SafetyRisk, facility, actor=personas["county_a_em_officer"], kind="fire", level="high",
        description="催化床超温", controls="温度联锁",
    )
    with pytest.raises(ValidationFailed) as error:
        key_types.remove_key_type(actor=admin, facility_type="catalytic_combustion")
    assert "1 key facilities" in str(error.value.message)
    assert KeyTypeDesignation.objects.filter(facility_type="catalytic_combustion").exists()
    assert key_flags()["2号催化燃烧装置"] is True
    assert not AuditEntry.objects.filter(action=key_types.KeyTypeAction.REMOVE).exists()


def test_remove_refused_when_profile_shared(admin, personas, catalytic_rows):
    key_types.add_key_type(actor=admin, facility_type="catalytic_combustion")
    facility = EnvFacility.objects.get(pk=catalytic_rows[1].pk)
    profile = profile_for(facility, actor=personas["county_b_ee_officer"])
    profile.responsible_person = "刘洋"
    profile.save()
    with pytest.raises(ValidationFailed):
        key_types.remove_key_type(actor=admin, facility_type="catalytic_combustion")


def test_remove_allowed_with_empty_profile(admin, personas, catalytic_rows):
    key_types.add_key_type(actor=admin, facility_type="catalytic_combustion")
    profile_for(EnvFacility.objects.get(pk=catalytic_rows[0].pk), actor=personas["county_a_ee_officer"])
    assert key_types.remove_key_type(actor=admin, facility_type="catalytic_combustion") == 2


def test_remove_refuses_fixed_and_not_added(admin):
    with pytest.raises(ValidationFailed):
        key_types.remove_key_type(actor=admin, facility_type="dust")
    with pytest.raises(ValidationFailed) as error:
        key_types.remove_key_type(actor=admin, facility_type="coal_to_gas")
    assert "not an added key type" in str(error.value.message)


def test_type_rows_cover_every_type(admin):
    key_types.add_key_type(actor=admin, facility_type="coal_to_gas")
    rows = {row["value"]: row for row in key_types.type_rows()}
    assert rows["rto"]["fixed"] is True
    assert rows["coal_to_gas"]["designation"].added_by == admin
    assert rows["other"]["designable"] is False
    assert rows["activated_carbon"]["designation"] is None
