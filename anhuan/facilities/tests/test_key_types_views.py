"""The key facility types page: only the system administrator opens it and adds or removes types."""

import datetime as dt

import pytest
from django.urls import reverse

from anhuan.core.models import AuditEntry
from anhuan.facilities.models import SafetyRisk
from anhuan.facilities.services.common import new_record
from anhuan.facilities.tests.fixtures import enterprise_a  # noqa: F401 (fixture)
from anhuan.sharing.models import EnvFacility, KeyTypeDesignation
from anhuan.sharing.services.registers import create_record
from conftest import make_user

pytestmark = pytest.mark.django_db

URL = reverse("facilities:key-types")


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas["system_admin"])
    return client


@pytest.fixture
def sludge_row(personas, enterprise_a):
    return create_record(
        EnvFacility, actor=personas["county_a_ee_officer"], enterprise=enterprise_a, name="污泥干化机",
        facility_type="sludge_drying", status="in_operation", commissioned_on=dt.date(2020, 1, 1),
    )


def test_admin_sees_every_type(admin_client):
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-type="rto"' in html
    assert 'data-type="sludge_drying"' in html
    assert 'value="add"' in html


@pytest.mark.parametrize(
    "persona",
    ["city_ee_leader", "county_a_ee_officer", "city_em_officer", "city_expert", "audit_admin"],
)
def test_others_get_403(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "add", "facility_type": "sludge_drying"}).status_code == 403
    assert not KeyTypeDesignation.objects.exists()


def test_security_admin_gets_403(client, db):
    from anhuan.organizations.models import Department, Role

    client.force_login(make_user("secadmin", Department.EMERGENCY, role=Role.SECURITY_ADMIN))
    assert client.get(URL).status_code == 403


def test_enterprise_contact_gets_403(client, enterprise_a):
    client.force_login(make_user("contact_a", enterprise=enterprise_a))
    assert client.get(URL).status_code == 403


def test_anonymous_redirected_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code in (302, 403)
    assert not KeyTypeDesignation.objects.exists()


def test_add_type_marks_rows(admin_client, sludge_row):
    response = admin_client.post(URL, {"action": "add", "facility_type": "sludge_drying"})
    assert response.status_code == 302
    assert EnvFacility.objects.get(pk=sludge_row.pk).is_key is True
    assert AuditEntry.objects.filter(action="facilities.key_type_add").count() == 1


def test_remove_type_unmarks_rows(admin_client, sludge_row):
    admin_client.post(URL, {"action": "add", "facility_type": "sludge_drying"})
    response = admin_client.post(URL, {"action": "remove", "facility_type": "sludge_drying"})
    assert response.status_code == 302
    assert EnvFacility.objects.get(pk=sludge_row.pk).is_key is False


def test_remove_refused_shows_reason(admin_client, personas, sludge_row):
    admin_client.post(URL, {"action": "add", "facility_type": "sludge_drying"})
    new_record(
        SafetyRisk, EnvFacility.objects.get(pk=sludge_row.pk), actor=personas["county_a_em_officer"], kind="fire",
        level="moderate", description="干化机粉尘积聚", controls="定期清灰",
    )
    response = admin_client.post(
        URL, {"action": "remove", "facility_type": "sludge_drying"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "lifecycle records" in response.content.decode()
    assert EnvFacility.objects.get(pk=sludge_row.pk).is_key is True


def test_fixed_type_refused(admin_client):
    response = admin_client.post(URL, {"action": "remove", "facility_type": "rto"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action__startswith="facilities.key_type").exists()


def test_unknown_action_refused(admin_client):
    assert admin_client.post(URL, {"action": "drop", "facility_type": "sludge_drying"}).status_code == 400


def test_register_help_names_key_types(client, personas):
    from django.utils import translation

    from anhuan.facilities.services import key_types

    key_types.add_key_type(actor=personas["system_admin"], facility_type="sludge_drying")
    client.force_login(personas["county_a_ee_officer"])

    with translation.override("en"):
        form = client.get(reverse("sharing:register-create", args=["env-facilities"]),
                          HTTP_ACCEPT_LANGUAGE="en").context["form"]
        help_text = str(form.fields["facility_type"].help_text)

    assert "sludge drying" in help_text
    assert "RTO incinerator" in help_text
    assert "activated carbon" not in help_text
