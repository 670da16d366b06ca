"""Incremental sync over an explicit timeline: updated_since, the sync cursor and the deletion feed."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from anhuan.api.tests.exchange_fixtures import (  # noqa: F401
    detail_url,
    enterprises,
    issue,
    list_url,
    token_client,
    tokens,
)
from anhuan.core.timeutil import SHANGHAI
from anhuan.organizations.services import get_system_user
from anhuan.sharing.models import SafetyFacility
from anhuan.sharing.services.registers import create_record

# Past times on which the rows were last changed; every change the test makes later is after them.
T1 = dt.datetime(2025, 1, 6, 9, 0, 0, 100000, tzinfo=SHANGHAI)
T2 = dt.datetime(2025, 1, 6, 9, 0, 0, 200000, tzinfo=SHANGHAI)
T3 = dt.datetime(2025, 1, 7, 17, 30, tzinfo=SHANGHAI)
URL = list_url("safety-facilities")


def add_facility(enterprise, name, updated_at):
    facility = create_record(SafetyFacility, actor=get_system_user(), enterprise=enterprise, name=name, facility_type="消防")
    SafetyFacility.objects.filter(pk=facility.pk).update(updated_at=updated_at)
    return facility


@pytest.fixture
def timeline(enterprises):
    """Three facilities changed at T1, T2 and T3; the third lies in region B."""
    return [
        add_facility(enterprises.a, "消防水池", T1),
        add_facility(enterprises.a, "喷淋系统", T2),
        add_facility(enterprises.b, "防火堤", T3),
    ]


def sync(client, url, **params):
    """Follow the next links from the first page; return the rows and the last page's sync_cursor."""
    response = client.get(url, params)
    assert response.status_code == 200, response.json()
    body = response.json()
    rows = body["results"]
    while body["next"]:
        body = client.get(body["next"]).json()
        rows += body["results"]
    return rows, body["sync_cursor"]


def test_first_sync_returns_all_oldest_first(timeline, tokens):
    rows, cursor = sync(token_client(tokens.city_em_read), URL)
    assert [row["name"] for row in rows] == ["消防水池", "喷淋系统", "防火堤"]
    assert cursor == "2025-01-07T17:30:00.000000+08:00"


def test_sync_cursor_keeps_microseconds(timeline, tokens):
    rows, cursor = sync(token_client(tokens.city_em_read), URL, updated_since="2025-01-06T09:00:00.100000+08:00")
    assert [row["name"] for row in rows] == ["喷淋系统", "防火堤"]
    assert rows[0]["updated_at"] == "2025-01-06T09:00:00.200000+08:00"


def test_empty_sync_keeps_cursor(timeline, tokens):
    rows, cursor = sync(token_client(tokens.city_em_read), URL, updated_since="2025-01-07T17:30:00+08:00")
    assert rows == []
    assert cursor == "2025-01-07T17:30:00.000000+08:00"


def test_second_sync_returns_only_changed(timeline, tokens):
    client = token_client(tokens.city_em_write)
    _rows, cursor = sync(client, URL)
    client.patch(detail_url("safety-facilities", timeline[0].pk), json.dumps({"location": "厂区北门"}), content_type="application/json")
    rows, new_cursor = sync(client, URL, updated_since=cursor)
    assert [row["name"] for row in rows] == ["消防水池"]
    assert new_cursor > cursor


def test_third_sync_after_change_is_empty(timeline, tokens):
    client = token_client(tokens.city_em_write)
    _rows, cursor = sync(client, URL)
    client.patch(detail_url("safety-facilities", timeline[1].pk), json.dumps({"location": "二号库"}), content_type="application/json")
    _rows, cursor = sync(client, URL, updated_since=cursor)
    rows, _cursor = sync(client, URL, updated_since=cursor)
    assert rows == []


def test_county_sync_sees_own_region(timeline, tokens):
    rows, cursor = sync(token_client(tokens.county_a_em_write), URL)
    assert [row["name"] for row in rows] == ["消防水池", "喷淋系统"]
    assert cursor == "2025-01-06T09:00:00.200000+08:00"


def test_cursor_without_offset_is_shanghai(timeline, tokens):
    rows, _cursor = sync(token_client(tokens.city_em_read), URL, updated_since="2025-01-07 09:00")
    assert [row["name"] for row in rows] == ["防火堤"]


def test_unencoded_plus_still_parsed(timeline, tokens):
    response = token_client(tokens.city_em_read).get(URL + "?updated_since=2025-01-07T09:00:00+08:00")
    assert [row["name"] for row in response.json()["results"]] == ["防火堤"]


def test_utc_cursor_accepted(timeline, tokens):
    rows, _cursor = sync(token_client(tokens.city_em_read), URL, updated_since="2025-01-06T01:00:00.150000Z")
    assert [row["name"] for row in rows] == ["喷淋系统", "防火堤"]


@pytest.mark.parametrize("value", ["yesterday", "2025-13-01", "0001-01-01T00:00:00+08:00", "2025-01-07T25:00"])
def test_invalid_cursor_time_is_400(timeline, tokens, value):
    response = token_client(tokens.city_em_read).get(URL, {"updated_since": value})
    assert response.status_code == 400
    assert response.json()["fields"] == {"updated_since": "invalid"}


# --- Paging through equal times ---------------------------------------------------------------------


def test_pages_split_equal_times(enterprises, tokens):
    same = [add_facility(enterprises.a, f"设施{number}", T1) for number in range(5)]
    rows, cursor = sync(token_client(tokens.city_em_read), URL, page_size=2)
    assert [row["id"] for row in rows] == [facility.pk for facility in same]
    assert cursor == "2025-01-06T09:00:00.100000+08:00"


def test_row_changed_while_paging_comes_last(enterprises, tokens):
    client = token_client(tokens.city_em_write)
    facilities = [add_facility(enterprises.a, f"设施{number}", T1 + dt.timedelta(seconds=number)) for number in range(4)]
    first = client.get(URL, {"page_size": 2}).json()
    client.patch(detail_url("safety-facilities", facilities[0].pk), json.dumps({"remark": "改"}), content_type="application/json")
    rest = client.get(first["next"]).json()
    assert [row["id"] for row in rest["results"]] == [facilities[2].pk, facilities[3].pk]
    assert client.get(rest["next"]).json()["results"][0]["id"] == facilities[0].pk


# --- Deletions ---------------------------------------------------------------------------------------

DELETIONS = reverse("api:deletions")


def test_deletion_feed_shows_deleted_row(timeline, tokens):
    client = token_client(tokens.city_em_write)
    client.delete(detail_url("safety-facilities", timeline[1].pk))
    rows, _cursor = sync(client, DELETIONS)
    assert [(row["register"], row["object_id"], row["region_code"]) for row in rows] == [
        ("safety-facilities", timeline[1].pk, "130503")
    ]


def test_empty_deletion_feed_has_no_cursor(tokens):
    rows, cursor = sync(token_client(tokens.city_em_read), DELETIONS)
    assert rows == []
    assert cursor is None


def test_deletion_feed_since_cursor(timeline, tokens):
    client = token_client(tokens.city_em_write)
    client.delete(detail_url("safety-facilities", timeline[0].pk))
    _rows, cursor = sync(client, DELETIONS)
    client.delete(detail_url("safety-facilities", timeline[1].pk))
    rows, _cursor = sync(client, DELETIONS, since=cursor)
    assert [row["object_id"] for row in rows] == [timeline[1].pk]


def test_deletion_feed_scoped_by_region(timeline, tokens):
    token_client(tokens.city_em_write).delete(detail_url("safety-facilities", timeline[2].pk))
    rows, _cursor = sync(token_client(tokens.county_a_em_write), DELETIONS)
    assert rows == []


def test_deletion_feed_filters_register(timeline, tokens):
    token_client(tokens.city_em_write).delete(detail_url("safety-facilities", timeline[0].pk))
    rows, _cursor = sync(token_client(tokens.city_em_read), DELETIONS, register="env-facilities")
    assert rows == []


def test_deletion_feed_rejects_unknown_register(tokens):
    response = token_client(tokens.city_em_read).get(DELETIONS, {"register": "bulletins"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"register": "invalid_choice"}


def test_empty_updated_since_is_full_sync(timeline, tokens):
    rows, _cursor = sync(token_client(tokens.city_em_read), URL, updated_since="")
    assert len(rows) == 3


def test_date_alone_is_midnight(timeline, tokens):
    rows, _cursor = sync(token_client(tokens.city_em_read), URL, updated_since="2025-01-07")
    assert [row["name"] for row in rows] == ["防火堤"]
