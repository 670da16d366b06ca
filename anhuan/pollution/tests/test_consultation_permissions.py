"""Who may open the consultation page and its two downloads, per persona and warning area."""

import pytest
from django.urls import reverse

from anhuan.pollution.tests.consultation_fixtures import (  # noqa: F401
    city_event,
    county_a_event,
    enterprise_contact,
)

PAGES = ["consultation-detail", "consultation-plan-xlsx", "consultation-minutes-docx"]

# Expected status per persona: a city-wide event, then an event limited to 信都区 (region A).
MATRIX = {
    "city_ee_officer": (200, 200),
    "city_ee_leader": (200, 200),
    "city_em_officer": (200, 200),
    "city_em_leader": (200, 200),
    "county_a_ee_officer": (200, 200),
    "county_a_em_officer": (200, 200),
    "county_a_ee_leader": (200, 200),
    "county_a_em_leader": (200, 200),
    "county_b_ee_officer": (200, 404),
    "county_b_em_officer": (200, 404),
    "city_expert": (200, 200),
    "system_admin": (403, 403),
    "audit_admin": (403, 403),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_city_event_access(client, city_event, personas, persona, page):
    client.force_login(personas[persona])
    response = client.get(reverse(f"pollution:{page}", args=[city_event.id]))
    assert response.status_code == MATRIX[persona][0]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_county_event_access(client, county_a_event, personas, persona, page):
    client.force_login(personas[persona])
    response = client.get(reverse(f"pollution:{page}", args=[county_a_event.id]))
    assert response.status_code == MATRIX[persona][1]


@pytest.mark.parametrize("page", PAGES)
def test_enterprise_contact_gets_403(client, city_event, enterprise_contact, page):
    client.force_login(enterprise_contact)
    response = client.get(reverse(f"pollution:{page}", args=[city_event.id]))
    assert response.status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_missing_event_gets_404(client, personas, page):
    client.force_login(personas["city_ee_officer"])
    response = client.get(reverse(f"pollution:{page}", args=[999999]))
    assert response.status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_redirected_to_login(client, city_event, page):
    response = client.get(reverse(f"pollution:{page}", args=[city_event.id]))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("action", ["consultation-opinion", "consultation-conclusion", "consultation-confirm"])
@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_administrators_cannot_post(client, city_event, personas, persona, action):
    client.force_login(personas[persona])
    response = client.post(reverse(f"pollution:{action}", args=[city_event.id]), {"text": "x", "conclusion": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("action", ["consultation-opinion", "consultation-conclusion", "consultation-confirm"])
def test_contact_cannot_post(client, city_event, enterprise_contact, action):
    client.force_login(enterprise_contact)
    response = client.post(reverse(f"pollution:{action}", args=[city_event.id]), {"text": "x", "conclusion": "x"})
    assert response.status_code == 403
