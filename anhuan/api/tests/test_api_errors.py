"""The API's JSON error body for 400, 403, 404 and 405, and the OpenAPI schema."""

import json

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from drf_spectacular.validation import validate_schema

from anhuan.pollution.tests.consultation_fixtures import city_event  # noqa: F401


def post(client, item, body):
    return client.post(
        reverse("api:adhoc-measures", args=[item.pk]), json.dumps(body), content_type="application/json"
    )


def test_missing_field_names_field(api, city_event, personas):
    body = {"measure_type": "halt", "effective_at": "2026-12-06 08:00"}
    response = post(api(personas["city_em_officer"]), city_event.items["glass"], body)
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert response.json()["fields"] == {"reason": "required"}
    assert "reason" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"measure_type": "autonomous"}, {"measure_type": "invalid_choice"}),
        ({"limit_percent": "abc"}, {"limit_percent": "invalid"}),
        ({"effective_at": "明天"}, {"effective_at": "invalid"}),
        ({"limit_percent": 120}, {"limit_percent": "invalid"}),
        ({"limit_percent": None}, {"limit_percent": "missing"}),
        ({"reason": "  "}, {"reason": "missing"}),
    ],
)
def test_bad_body_names_field(api, city_event, personas, body, fields):
    full = {"measure_type": "limit", "limit_percent": 40, "reason": "原因", "effective_at": "2026-12-06 08:00", **body}
    response = post(api(personas["city_em_officer"]), city_event.items["glass"], full)
    assert response.status_code == 400
    assert response.json()["fields"] == fields


def test_error_body_has_three_keys(api, city_event, personas):
    for response in (
        post(api(personas["city_em_officer"]), city_event.items["glass"], {}),
        post(api(personas["city_expert"]), city_event.items["glass"], {}),
        post(api(personas["county_a_em_officer"]), city_event.items["glass"], {}),
    ):
        assert sorted(response.json()) == ["code", "fields", "message"]


def test_forbidden_message_is_translated(api, city_event, personas):
    body = {"measure_type": "halt", "reason": "原因", "effective_at": "2026-12-06 08:00"}
    response = post(api(personas["city_expert"]), city_event.items["glass"], body)
    with translation.override("zh-hans"):
        expected = gettext("Only officers and leaders of the two agencies may add ad-hoc measures.")
    assert response.status_code == 403
    assert response.json() == {"code": "not_permitted", "message": expected, "fields": {}}


def test_out_of_scope_message_is_translated(api, city_event, personas):
    response = post(api(personas["county_a_em_officer"]), city_event.items["glass"], {})
    with translation.override("zh-hans"):
        expected = gettext("The object was not found.")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": expected, "fields": {}}


def test_anonymous_post_is_403(api, city_event):
    response = post(api(), city_event.items["glass"], {})
    with translation.override("zh-hans"):
        expected = gettext("Sign in to use the API.")
    assert response.status_code == 403
    assert response.json() == {"code": "not_authenticated", "message": expected, "fields": {}}


def test_wrong_method_is_405(api, city_event, personas):
    response = api(personas["city_em_officer"]).get(reverse("api:adhoc-measures", args=[city_event.items["glass"].pk]))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_form_body_rejected(api, city_event, personas):
    response = api(personas["city_em_officer"]).post(
        reverse("api:adhoc-measures", args=[city_event.items["glass"].pk]), {"measure_type": "halt"}
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_malformed_json_rejected(api, city_event, personas):
    response = api(personas["city_em_officer"]).post(
        reverse("api:adhoc-measures", args=[city_event.items["glass"].pk]), "{", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


# --- Schema -----------------------------------------------------------------------------


def test_schema_is_valid_openapi(api, personas):
    response = api(personas["city_em_officer"]).get(reverse("api:schema"))
    schema = response.json()
    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_schema_lists_endpoints(api, personas):
    response = api(personas["city_em_officer"]).get(reverse("api:schema"))
    paths = response.json()["paths"]
    assert "get" in paths["/api/v1/plan-items/"]
    assert "post" in paths["/api/v1/plan-items/{plan_item_id}/adhoc-measures/"]


def test_schema_needs_sign_in(api, db):
    response = api().get(reverse("api:schema"))
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"
