"""POST /api/v1/plan-items/{id}/adhoc-measures/: personas, the non-interruptible rule, CSRF."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from anhuan.core.errors import ValidationFailed
from anhuan.core.models import AuditEntry
from anhuan.core.timeutil import SHANGHAI
from anhuan.pollution.models import AdhocMeasure
from anhuan.pollution.services.adhoc import add_adhoc_measure
from anhuan.pollution.tests.consultation_fixtures import city_event  # noqa: F401
from conftest import make_user

BODY = {"measure_type": "limit", "limit_percent": 40, "reason": "臭氧超标", "effective_at": "2026-12-06T08:00:00+08:00"}


def url_of(item):
    return reverse("api:adhoc-measures", args=[item.pk])


def post(client, item, body=BODY, **extra):
    return client.post(url_of(item), json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def non_interruptible_item(city_event):
    """The steel works' converter: a non-interruptible enterprise whose listed measure is a 30 % limit."""
    item = city_event.items["steel"]
    item.measure_type, item.limit_percent = "limit", Decimal("30")
    item.save()
    return item


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("city_ee_officer", 201),
        ("city_ee_leader", 201),
        ("city_em_officer", 201),
        ("city_em_leader", 201),
        ("county_b_ee_officer", 201),
        ("county_b_em_officer", 201),
        ("county_a_ee_officer", 404),
        ("county_a_em_officer", 404),
        ("county_a_ee_leader", 404),
        ("county_a_em_leader", 404),
        ("city_expert", 403),
        ("system_admin", 403),
        ("audit_admin", 403),
    ],
)
def test_persona_matrix_on_county_b_item(api, city_event, personas, persona, status):
    response = post(api(personas[persona]), city_event.items["glass"])
    assert response.status_code == status
    assert AdhocMeasure.objects.count() == (1 if status == 201 else 0)


def test_created_measure_returned(api, city_event, personas):
    glass = city_event.items["glass"]
    response = post(api(personas["county_b_ee_officer"]), glass)
    measure = AdhocMeasure.objects.get()
    assert response.json() == {
        "id": measure.pk,
        "event": city_event.pk,
        "credit_code": glass.credit_code,
        "enterprise": "沙河玻璃有限公司",
        "region_code": "130582",
        "production_line": "2号熔窑",
        "measure_type": "limit",
        "limit_percent": 40.0,
        "reason": "臭氧超标",
        "effective_at": "2026-12-06T08:00:00+08:00",
        "added_by": "county_b_ee_officer",
        "added_at": response.json()["added_at"],
    }


def test_creation_is_audited(api, city_event, personas):
    post(api(personas["city_em_leader"]), city_event.items["glass"])
    entry = AuditEntry.objects.get(action="adhoc_measure.add")
    assert entry.actor == personas["city_em_leader"]
    assert entry.data["reason"] == "臭氧超标"


def test_time_without_offset_is_shanghai(api, city_event, personas):
    body = {**BODY, "effective_at": "2026-12-06 08:00"}
    post(api(personas["city_em_officer"]), city_event.items["glass"], body)
    assert AdhocMeasure.objects.get().effective_at == dt.datetime(2026, 12, 6, 8, 0, tzinfo=SHANGHAI)


def test_own_contact_forbidden(api, city_event):
    contact = make_user("glass_contact", enterprise=city_event.items["glass"].enterprise)
    response = post(api(contact), city_event.items["glass"])
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"


def test_other_enterprise_contact_gets_404(api, city_event):
    contact = make_user("steel_contact", enterprise=city_event.items["steel"].enterprise)
    response = post(api(contact), city_event.items["glass"])
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_item_is_404(api, city_event, personas):
    response = api(personas["city_em_officer"]).post(
        reverse("api:adhoc-measures", args=[999999]), json.dumps(BODY), content_type="application/json"
    )
    assert response.status_code == 404


def test_non_interruptible_rejected_in_chinese(api, non_interruptible_item, personas):
    body = {**BODY, "measure_type": "halt", "limit_percent": None}
    response = post(api(personas["city_em_officer"]), non_interruptible_item, body)
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as expected:
        add_adhoc_measure(
            non_interruptible_item, actor=personas["city_em_officer"], measure_type="halt",
            reason="臭氧超标", effective_at=dt.datetime(2026, 12, 6, 8, 0, tzinfo=SHANGHAI),
        )
    assert response.status_code == 400
    assert response.json() == {
        "code": "validation_failed",
        "message": str(expected.value.message),
        "fields": {"measure_type": "non_interruptible"},
    }
    assert "不可中断" in response.json()["message"]
    assert AdhocMeasure.objects.count() == 0


def test_non_interruptible_rejected_in_english(api, non_interruptible_item, personas):
    body = {**BODY, "limit_percent": 60}
    response = post(api(personas["city_em_officer"], language="en"), non_interruptible_item, body)
    assert response.status_code == 400
    assert "non-interruptible processes" in response.json()["message"]


def test_non_interruptible_within_listed_accepted(api, non_interruptible_item, personas):
    body = {**BODY, "limit_percent": 20}
    response = post(api(personas["city_em_officer"]), non_interruptible_item, body)
    assert response.status_code == 201


def test_post_without_csrf_token_rejected(api, city_event, personas):
    response = post(api(personas["city_em_officer"], enforce_csrf_checks=True), city_event.items["glass"])
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert AdhocMeasure.objects.count() == 0


def test_post_with_csrf_token_accepted(api, city_event, personas):
    client = api(personas["city_em_officer"], enforce_csrf_checks=True)
    client.get(reverse("login"))
    token = client.cookies["csrftoken"].value
    response = post(client, city_event.items["glass"], HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201
