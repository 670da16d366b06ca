"""GET /api/v1/plan-items/: scope per persona, fields, the event filter and pagination."""

import pytest
from django.urls import reverse

from anhuan.pollution.tests.consultation_fixtures import (  # noqa: F401
    REGION_A,
    add_item,
    city_event,
    county_a_event,
    make_enterprise,
)
from conftest import make_user

URL = reverse("api:plan-items")


def production_lines(response):
    return sorted(item["production_line"] for item in response.json()["results"])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("city_ee_officer", ["1号转炉", "2号熔窑", "调漆工序", "隧道窑"]),
        ("city_ee_leader", ["1号转炉", "2号熔窑", "调漆工序", "隧道窑"]),
        ("city_em_officer", ["1号转炉", "2号熔窑", "调漆工序", "隧道窑"]),
        ("city_em_leader", ["1号转炉", "2号熔窑", "调漆工序", "隧道窑"]),
        ("city_expert", ["1号转炉", "2号熔窑", "调漆工序", "隧道窑"]),
        ("county_a_ee_officer", ["1号转炉", "调漆工序"]),
        ("county_a_em_officer", ["1号转炉", "调漆工序"]),
        ("county_a_ee_leader", ["1号转炉", "调漆工序"]),
        ("county_a_em_leader", ["1号转炉", "调漆工序"]),
        ("county_b_ee_officer", ["2号熔窑", "隧道窑"]),
        ("county_b_em_officer", ["2号熔窑", "隧道窑"]),
    ],
)
def test_staff_see_items_in_scope(api, city_event, personas, persona, expected):
    response = api(personas[persona]).get(URL)
    assert response.status_code == 200
    assert production_lines(response) == expected


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_administrators_rejected(api, city_event, personas, persona):
    response = api(personas[persona]).get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_contacts_see_only_own_enterprise(api, city_event):
    glass_contact = make_user("glass_contact", enterprise=city_event.items["glass"].enterprise)
    steel_contact = make_user("steel_contact", enterprise=city_event.items["steel"].enterprise)
    assert production_lines(api(glass_contact).get(URL)) == ["2号熔窑"]
    assert production_lines(api(steel_contact).get(URL)) == ["1号转炉"]


def test_anonymous_gets_json_403(api, city_event):
    response = api().get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_item_fields_match_plan_export(api, city_event, personas):
    steel = city_event.items["steel"]
    response = api(personas["city_em_officer"]).get(URL, {"event": city_event.pk})
    record = next(item for item in response.json()["results"] if item["id"] == steel.pk)
    assert record == {
        "id": steel.pk,
        "event": city_event.pk,
        "credit_code": steel.credit_code,
        "enterprise": "信都钢铁有限公司",
        "region_code": REGION_A,
        "production_line": "1号转炉",
        "measure_type": "halt",
        "limit_percent": None,
        "effective_at": "2026-12-06T02:00:00+08:00",
        "flags": ["insufficient_lead_time", "non_interruptible"],
        "lead_time_gap_hours": 6.0,
    }


def test_limit_percent_is_number(api, city_event, personas):
    response = api(personas["city_em_officer"]).get(URL)
    glass = next(item for item in response.json()["results"] if item["production_line"] == "2号熔窑")
    assert glass["limit_percent"] == 30.0


def test_event_filter_narrows_items(api, city_event, county_a_event, personas):
    client = api(personas["city_em_officer"])
    assert client.get(URL).json()["count"] == 5
    assert production_lines(client.get(URL, {"event": county_a_event.pk})) == ["1号线"]


def test_malformed_event_filter_rejected(api, city_event, personas):
    response = api(personas["city_em_officer"]).get(URL, {"event": "abc"})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert response.json()["fields"] == {"event": "invalid"}


def test_pages_hold_one_hundred_items(api, city_event, personas):
    enterprise = make_enterprise("信都分页测试有限公司", REGION_A)
    for number in range(101):
        add_item(city_event, enterprise, production_line=f"{number:03d}号线")
    client = api(personas["city_em_officer"])
    first = client.get(URL).json()
    assert first["count"] == 105
    assert len(first["results"]) == 100
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert second["next"] is None


def test_page_beyond_last_is_404(api, city_event, personas):
    response = api(personas["city_em_officer"]).get(URL, {"page": 9})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
