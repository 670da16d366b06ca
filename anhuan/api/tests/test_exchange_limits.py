"""Page sizes, the per-client rate limit and the JSON error body of the exchange endpoints."""

import json

import pytest
from django.test import override_settings
from django.utils.translation import gettext, override

from anhuan.api.tests.exchange_fixtures import (  # noqa: F401
    detail_url,
    enterprises,
    issue,
    list_url,
    rows,
    token_client,
    tokens,
)
from anhuan.organizations.services import get_system_user
from anhuan.sharing.models import SafetyFacility

URL = list_url("safety-facilities")


def bulk_facilities(enterprise, count):
    system = get_system_user()
    SafetyFacility.objects.bulk_create(
        SafetyFacility(enterprise=enterprise, region_id=enterprise.region_id, updated_by=system, name=f"设施{number:04d}", facility_type="消防")
        for number in range(count)
    )


# --- Pagination ---------------------------------------------------------------------------------


def test_default_page_holds_100(enterprises, tokens):
    bulk_facilities(enterprises.a, 101)
    body = token_client(tokens.city_em_read).get(URL).json()
    assert len(body["results"]) == 100
    assert body["next"] is not None


def test_second_page_holds_rest(enterprises, tokens):
    bulk_facilities(enterprises.a, 101)
    client = token_client(tokens.city_em_read)
    body = client.get(client.get(URL).json()["next"]).json()
    assert len(body["results"]) == 1
    assert body["next"] is None


def test_page_size_capped_at_1000(enterprises, tokens):
    bulk_facilities(enterprises.a, 1001)
    body = token_client(tokens.city_em_read).get(URL, {"page_size": 5000}).json()
    assert len(body["results"]) == 1000
    assert body["next"] is not None


@pytest.mark.parametrize("page_size", ["0", "-3", "abc"])
def test_bad_page_size_uses_default(enterprises, tokens, page_size):
    bulk_facilities(enterprises.a, 101)
    body = token_client(tokens.city_em_read).get(URL, {"page_size": page_size}).json()
    assert len(body["results"]) == 100


def test_page_keys(rows, tokens):
    body = token_client(tokens.city_em_read).get(URL).json()
    assert sorted(body) == ["next", "previous", "results", "sync_cursor"]


@pytest.mark.parametrize("cursor", ["not-base64!", "cD1ub3QtYS10aW1l", "bz05OTk5OQ=="])
def test_invalid_cursor_is_400(rows, tokens, cursor):
    # The second is base64 of "p=not-a-time", the third of "o=99999".
    response = token_client(tokens.city_em_read).get(URL, {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["fields"] == {"cursor": "invalid"}


def test_plan_items_accept_page_size(api, personas):
    response = api(personas["city_em_officer"]).get("/api/v1/plan-items/", {"page_size": 1000})
    assert response.status_code == 200


# --- Rate limit ----------------------------------------------------------------------------------


@override_settings(ANHUAN_API_CLIENT_RATE="3/minute")
def test_fourth_request_is_429(rows, tokens):
    client = token_client(tokens.city_em_read)
    statuses = [client.get(URL).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@override_settings(ANHUAN_API_CLIENT_RATE="3/minute")
def test_429_body_is_chinese_json(rows, tokens):
    client = token_client(tokens.city_em_read)
    for _ in range(3):
        client.get(URL)
    response = client.get(URL)
    with override("zh-hans"):
        expected = gettext("Too many requests; try again in %(seconds)s seconds.") % {"seconds": response.headers["Retry-After"]}
    assert response.json() == {"code": "throttled", "message": expected, "fields": {}}
    assert 1 <= int(response.headers["Retry-After"]) <= 60


@override_settings(ANHUAN_API_CLIENT_RATE="3/minute")
def test_rate_counted_per_client(rows, tokens):
    first = token_client(tokens.city_em_read)
    for _ in range(4):
        first.get(URL)
    response = token_client(tokens.city_ee_write).get(URL)
    assert response.status_code == 200


@override_settings(ANHUAN_API_CLIENT_RATE="3/minute")
def test_writes_count_toward_rate(rows, tokens):
    client = token_client(tokens.city_em_write)
    for _ in range(3):
        client.patch(detail_url("safety-facilities", rows.safety_a.pk), json.dumps({"remark": "x"}), content_type="application/json")
    response = client.delete(detail_url("safety-facilities", rows.safety_a.pk))
    assert response.status_code == 429
    assert SafetyFacility.objects.filter(pk=rows.safety_a.pk).exists()


@override_settings(ANHUAN_API_CLIENT_RATE="3/minute")
def test_session_users_not_throttled(rows, api, personas):
    client = api(personas["city_em_officer"])
    statuses = {client.get(URL).status_code for _ in range(5)}
    assert statuses == {200}


# --- Error body -----------------------------------------------------------------------------------


def error_responses(rows, tokens):
    """One response per error status the exchange endpoints give: 400, 401, 403, 404, 405, 415."""
    read = token_client(tokens.city_em_read)
    write = token_client(tokens.city_em_write)
    return {
        400: write.post(URL, json.dumps({"name": ""}), content_type="application/json"),
        401: token_client("wrong").get(URL),
        403: read.post(URL, json.dumps({}), content_type="application/json"),
        404: read.get(detail_url("safety-facilities", 999999)),
        405: read.put(detail_url("safety-facilities", rows.safety_a.pk), json.dumps({}), content_type="application/json"),
        415: write.post(URL, "name=x", content_type="application/x-www-form-urlencoded"),
    }


def test_errors_have_three_keys(rows, tokens):
    for status, response in error_responses(rows, tokens).items():
        assert response.status_code == status
        assert sorted(response.json()) == ["code", "fields", "message"], status


def test_error_messages_in_request_language(rows, tokens):
    responses = error_responses(rows, tokens)
    with override("zh-hans"):
        expected = {
            401: gettext("The API token is invalid or revoked."),
            403: gettext("The API client %(name)s may only read; ask the administrator for write access.") % {"name": "市应急只读"},
            404: gettext("The object was not found."),
            405: gettext("This address does not accept the %(method)s method.") % {"method": "PUT"},
            415: gettext("The request body format is not supported; send application/json."),
        }
    for status, message in expected.items():
        assert responses[status].json()["message"] == message, status


def test_known_messages_are_chinese(rows, tokens):
    responses = error_responses(rows, tokens)
    for status in (404, 405, 415):
        message = responses[status].json()["message"]
        assert any("\u4e00" <= character <= "\u9fff" for character in message), (status, message)


def test_validation_error_names_fields(rows, tokens):
    response = error_responses(rows, tokens)[400]
    assert response.json()["fields"] == {"enterprise": "required", "name": "blank", "facility_type": "required"}


def test_huge_id_is_404(rows, tokens):
    response = token_client(tokens.city_em_read).get(detail_url("safety-facilities", 10**30))
    assert response.status_code == 404


@pytest.mark.parametrize("code", ["91130503\u0000", "\ud800"])
def test_unstorable_credit_code_is_400(rows, tokens, code):
    body = {"enterprise": code, "name": "紧急切断阀", "facility_type": "紧急切断"}
    response = token_client(tokens.city_em_write).post(URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"enterprise": "invalid"}


def test_offset_beyond_postgresql_range_accepted(rows, tokens):
    response = token_client(tokens.city_em_read).get(URL, {"updated_since": "2025-01-01T00:00:00-17:47"})
    assert response.status_code == 200


def test_unstorable_agency_name_is_400(rows, tokens, enterprises):
    body = {
        "enterprise": enterprises.a.credit_code, "agency": "信都区\u0000应急管理局", "inspected_on": "2025-05-06",
        "inspectors": "甲", "findings": "乙", "measure": "education",
    }
    response = token_client(tokens.city_em_write).post(list_url("enforcement"), json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"agency": "invalid"}
