"""The deadlines and reminders page: who may change policy settings, and the audit of a change."""

import pytest
from django.urls import reverse

from anhuan.core import policy
from anhuan.core.models import AuditEntry
from anhuan.organizations.models import Department, Role
from conftest import make_user

URL = reverse("policy-settings")
KEY = "maintenance.decision_hours"


@pytest.fixture
def security_admin(db):
    return make_user("secadmin", Department.EMERGENCY, role=Role.SECURITY_ADMIN)


def test_security_admin_changes_deadline(client, security_admin):
    client.force_login(security_admin)
    data = {item.key: policy.get(item.key) for item in policy.registered()}
    data[KEY] = 12
    response = client.post(URL, data)
    assert response.status_code == 302
    assert policy.get(KEY) == 12


def test_change_is_audited(client, security_admin):
    client.force_login(security_admin)
    data = {item.key: policy.get(item.key) for item in policy.registered()}
    data[KEY] = 6
    client.post(URL, data)
    entry = AuditEntry.objects.get(action="policy.update")
    assert entry.changes == {KEY: [24, 6]}
    assert entry.actor == security_admin


def test_negative_value_rejected(client, security_admin):
    client.force_login(security_admin)
    data = {item.key: policy.get(item.key) for item in policy.registered()}
    data[KEY] = -1
    response = client.post(URL, data)
    assert response.status_code == 200
    assert KEY in response.context["form"].errors
    assert policy.get(KEY) == 24


@pytest.mark.parametrize("persona", ["city_ee_officer", "city_em_leader", "audit_admin", "city_expert"])
def test_others_cannot_open_settings(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(URL).status_code == 403


def test_system_admin_sees_settings(client, personas):
    client.force_login(personas["system_admin"])
    response = client.get(URL)
    assert response.status_code == 200
    assert KEY in response.context["form"].fields
