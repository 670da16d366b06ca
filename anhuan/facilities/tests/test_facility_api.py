"""The register API goes through the lifecycle gate: a key facility's status change is refused with the Chinese reason."""

import json

import pytest

from anhuan.api.tests.exchange_fixtures import detail_url, issue, token_client, tokens  # noqa: F401 (fixtures)
from anhuan.core.models import AuditEntry
from anhuan.facilities.tests.fixtures import complete_until, enterprise_a, planned_facility  # noqa: F401 (fixtures)
from anhuan.organizations.models import Department
from anhuan.sharing.models import EnvFacility

pytestmark = pytest.mark.django_db


def patch(client, facility, body):
    return client.patch(detail_url("env-facilities", facility.pk), json.dumps(body), content_type="application/json")


def test_api_refuses_operation_with_chinese_reason(tokens, planned_facility):
    response = patch(token_client(tokens.city_ee_write), planned_facility, {"status": "in_operation"})

    body = response.json()
    assert response.status_code == 400
    assert "安全论证" in body["message"]
    assert "status" in json.dumps(body["fields"])
    assert EnvFacility.objects.get(pk=planned_facility.pk).status == "planned"
    assert not AuditEntry.objects.filter(action="register.update").exists()


def test_api_refuses_construction_with_chinese_reason(tokens, planned_facility):
    response = patch(token_client(tokens.city_ee_write), planned_facility, {"status": "under_construction"})

    assert response.status_code == 400
    assert "安全论证" in response.json()["message"]


def test_api_english_reason_on_request(tokens, planned_facility):
    response = patch(token_client(tokens.city_ee_write, language="en"), planned_facility, {"status": "in_operation"})

    assert response.status_code == 400
    assert "No passing safety demonstration" in response.json()["message"]


def test_api_accepts_move_when_lifecycle_complete(personas, tokens, planned_facility):
    complete_until(planned_facility, personas["county_a_ee_officer"], "checkpoint_designed")

    response = patch(token_client(tokens.city_ee_write), planned_facility, {"status": "under_construction"})

    assert response.status_code == 200
    assert EnvFacility.objects.get(pk=planned_facility.pk).status == "under_construction"


def test_api_emergency_client_cannot_change_status(tokens, planned_facility, issue):
    _client, token = issue("信都应急读写2", Department.EMERGENCY, ["130503"], access="write")

    response = patch(token_client(token), planned_facility, {"status": "decommissioned"})

    assert response.status_code in (403, 404)
    assert EnvFacility.objects.get(pk=planned_facility.pk).status == "planned"
