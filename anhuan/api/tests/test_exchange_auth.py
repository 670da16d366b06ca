"""Bearer token authentication of API clients: missing, malformed, wrong, revoked and valid tokens."""

import datetime as dt

from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext, override

from anhuan.api.tests.exchange_fixtures import enterprises, issue, list_url, rows, token_client  # noqa: F401
from anhuan.organizations.models import Department
from anhuan.sharing.models import ApiClient
from anhuan.sharing.services.api_clients import revoke_client

URL = list_url("safety-facilities")


def zh(message):
    with override("zh-hans"):
        return gettext(message)


def test_missing_token_is_401(rows):
    response = token_client(None).get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["message"] == zh("Send the API token in the Authorization header (Bearer), or sign in.")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_wrong_token_is_401(rows, issue):
    issue("市应急只读", Department.EMERGENCY)
    response = token_client("not-a-token-we-issued").get(URL)
    assert response.status_code == 401
    assert response.json() == {
        "code": "invalid_token", "message": zh("The API token is invalid or revoked."), "fields": {},
    }


def test_malformed_header_is_401(rows, issue):
    _client, token = issue("市应急只读", Department.EMERGENCY)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token} extra").get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_revoked_token_is_401(rows, issue, personas):
    client, token = issue("市应急只读", Department.EMERGENCY)
    revoke_client(client, actor=personas["system_admin"])
    response = token_client(token).get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_valid_token_reads_register(rows, issue):
    _client, token = issue("市应急只读", Department.EMERGENCY)
    response = token_client(token).get(URL)
    assert response.status_code == 200
    assert sorted(row["name"] for row in response.json()["results"]) == ["可燃气体报警系统", "泄爆墙"]


def test_keyword_is_case_insensitive(rows, issue):
    _client, token = issue("市应急只读", Department.EMERGENCY)
    response = Client(HTTP_AUTHORIZATION=f"bearer {token}").get(URL)
    assert response.status_code == 200


def test_valid_token_sets_last_used(rows, issue):
    client, token = issue("市应急只读", Department.EMERGENCY)
    token_client(token).get(URL)
    client.refresh_from_db()
    assert client.last_used_at is not None


def test_last_used_written_once_a_minute(rows, issue):
    client, token = issue("市应急只读", Department.EMERGENCY)
    recent = timezone.now() - dt.timedelta(seconds=30)
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=recent)
    token_client(token).get(URL)
    client.refresh_from_db()
    assert client.last_used_at == recent


def test_last_used_renewed_after_a_minute(rows, issue):
    client, token = issue("市应急只读", Department.EMERGENCY)
    old = timezone.now() - dt.timedelta(minutes=2)
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=old)
    token_client(token).get(URL)
    client.refresh_from_db()
    assert client.last_used_at > old


def test_session_user_still_reads(rows, personas, api):
    response = api(personas["county_a_em_officer"]).get(URL)
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["可燃气体报警系统"]


def test_token_client_reads_schema(issue):
    _client, token = issue("市应急只读", Department.EMERGENCY)
    response = token_client(token).get("/api/v1/schema/")
    assert response.status_code == 200
    assert "bearerAuth" in response.json()["components"]["securitySchemes"]
