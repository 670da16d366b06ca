"""The home page per persona: warnings in force, plan figures, to-do items, and the simple home."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anhuan.core.home import home_context
from anhuan.pollution.services.consultations import record_opinion
from anhuan.pollution.tests.consultation_fixtures import (  # noqa: F401
    REGION_A,
    REGION_B,
    add_item,
    city_event,
    county_a_event,
    enterprise_contact,
    fill_plan,
    make_event,
)


@pytest.fixture
def home(client):
    """Return a function that signs a persona in and returns the home page HTML in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def get(user):
        client.force_login(user)
        response = client.get(reverse("home"))
        assert response.status_code == 200
        return response

    return get


def test_officer_sees_warning_with_links(home, city_event, personas):
    html = home(personas["city_em_officer"]).content.decode()
    assert '<span class="tag tag-orange">orange (level II)</span>' in html
    assert f'href="/pollution/warnings/{city_event.warning_id}/"' in html
    assert f'href="{reverse("pollution:consultation-detail", args=[city_event.id])}"' in html
    assert "the whole city" in html


def test_officer_sees_opinion_todo(home, city_event, personas):
    response = home(personas["city_em_officer"])
    assert [row["kind"] for row in response.context["todo"]] == ["opinion"]
    assert "Give the consultation opinion" in response.content.decode()
    assert "2026-12-05 20:00" in response.content.decode()


def test_opinion_removes_todo(home, city_event, personas):
    record_opinion(city_event.consultation, actor=personas["city_em_officer"], text="同意。")
    assert home(personas["city_em_officer"]).context["todo"] == []


def test_leader_sees_confirm_todo(home, city_event, personas):
    html = home(personas["city_ee_leader"]).content.decode()
    assert "Confirm the reduction plan" in html


def test_overdue_todo_shows_red_tag(home, db, personas):
    now = timezone.now()
    make_event(announced_at=now - dt.timedelta(days=3), starts_at=now - dt.timedelta(days=2, hours=1))
    html = home(personas["city_em_officer"]).content.decode()
    assert '<span class="tag tag-red">Overdue by 2 days</span>' in html


def test_figures_by_flag_and_region(home, city_event, personas):
    context = home(personas["city_ee_officer"]).context
    regions = {row["region__name"]: row["total"] for row in context["region_counts"]}
    flags = {flag["value"]: flag["count"] for flag in context["flag_counts"]}
    assert regions == {"信都区": 2, "沙河市": 2}
    assert flags["insufficient_lead_time"] == 1
    assert flags["onsite_guidance_required"] == 1
    assert context["total_items"] == 4


def test_county_figures_cover_own_region(home, city_event, personas):
    context = home(personas["county_a_em_officer"]).context
    assert [row["region__name"] for row in context["region_counts"]] == ["信都区"]
    assert context["total_items"] == 2


def test_other_county_does_not_see_warning(home, county_a_event, personas):
    context = home(personas["county_b_em_officer"]).context
    assert context["warnings"] == []
    assert context["todo"] == []


def test_lifted_warning_not_shown(home, db, personas):
    make_event(warning_status="lifted")
    assert home(personas["city_em_officer"]).context["warnings"] == []


def test_figures_use_latest_event_only(home, db, personas):
    first = make_event(level="yellow")
    fill_plan(first)
    make_event(level="orange", kind="upgrade", warning=first.warning)
    context = home(personas["city_em_officer"]).context
    assert context["total_items"] == 0


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_administrators_get_simple_home(home, city_event, personas, persona):
    response = home(personas[persona])
    html = response.content.decode()
    assert 'id="home-simple"' in html
    assert "orange (level II)" not in html
    assert "信都区" not in html


def test_contact_is_sent_to_portal(client, city_event, enterprise_contact):
    client.force_login(enterprise_contact)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("pollution:portal-home")


def test_expert_sees_warnings_without_todo(home, city_event, personas):
    context = home(personas["city_expert"]).context
    assert len(context["warnings"]) == 1
    assert context["todo"] == []


def count_queries(user):
    with CaptureQueriesContext(connection) as captured:
        home_context(user)
    return len(captured)


def test_query_count_does_not_grow(db, personas):
    user = personas["city_em_leader"]
    event = make_event(region_codes=[REGION_A])
    fill_plan(event)
    small = count_queries(user)
    for _index in range(4):
        more = make_event(region_codes=[REGION_A, REGION_B])
        fill_plan(more)
    assert count_queries(user) == small
