"""Expert pool pages per persona: list, detail, create, edit and deactivate."""

import pytest
from django.urls import reverse

from anhuan.experts.models import Expert
from anhuan.organizations.models import Region
from anhuan.pollution.tests.factories import make_enterprise
from conftest import REGION_A, REGION_B, make_user


def make_expert(name, region_code=None, department="emergency"):
    region = Region.objects.get(code=region_code) if region_code else Region.objects.get(kind="city")
    return Expert.objects.create(name=name, department=department, region=region, specialties=["electrical"])


@pytest.fixture
def county_a_expert(db):
    return make_expert("王安全", REGION_A)


@pytest.fixture
def county_b_expert(db):
    return make_expert("孙沙河", REGION_B)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("persona,status", [
    ("city_em_officer", 200),
    ("county_a_ee_officer", 200),
    ("city_expert", 200),
    ("system_admin", 403),
    ("audit_admin", 403),
])
def test_list_status_per_persona(client, personas, persona, status):
    assert get(client, personas[persona], reverse("experts:list")).status_code == status


def test_list_forbidden_to_contact(client, db):
    contact = make_user("contact", enterprise=make_enterprise())
    assert get(client, contact, reverse("experts:list")).status_code == 403


def test_county_list_hides_other_county(client, personas, county_a_expert, county_b_expert):
    page = get(client, personas["county_a_em_officer"], reverse("experts:list")).content.decode()
    assert "王安全" in page
    assert "孙沙河" not in page


def test_list_filters_by_keyword(client, personas, county_a_expert, county_b_expert):
    page = get(client, personas["city_em_officer"], reverse("experts:list") + "?q=孙").content.decode()
    assert "孙沙河" in page
    assert "王安全" not in page


@pytest.mark.parametrize("persona,status", [
    ("county_a_em_officer", 200),
    ("city_ee_leader", 200),
    ("county_b_em_officer", 404),
    ("system_admin", 403),
])
def test_detail_status_per_persona(client, personas, county_a_expert, persona, status):
    response = get(client, personas[persona], reverse("experts:detail", args=[county_a_expert.pk]))
    assert response.status_code == status


def test_create_page_forbidden_to_expert(client, personas):
    assert get(client, personas["city_expert"], reverse("experts:create")).status_code == 403


def test_create_form_adds_expert(client, personas, region_a):
    client.force_login(personas["county_a_em_officer"])
    response = client.post(reverse("experts:create"), {
        "name": "周电气", "department": "emergency", "region": region_a.pk, "specialties": ["electrical", "mechanical"],
    })
    expert = Expert.objects.get(name="周电气")
    assert response.status_code == 302
    assert expert.specialties == ["electrical", "mechanical"]


def test_create_form_rejects_other_department(client, personas, region_a):
    client.force_login(personas["county_a_em_officer"])
    response = client.post(reverse("experts:create"), {
        "name": "周电气", "department": "environment", "region": region_a.pk, "specialties": ["electrical"],
    })
    assert response.status_code == 400
    assert not Expert.objects.exists()


def test_edit_page_for_other_department_is_403(client, personas, county_a_expert):
    assert get(client, personas["county_a_ee_officer"], reverse("experts:edit", args=[county_a_expert.pk])).status_code == 403


def test_edit_page_for_other_county_is_404(client, personas, county_a_expert):
    assert get(client, personas["county_b_em_officer"], reverse("experts:edit", args=[county_a_expert.pk])).status_code == 404


def test_edit_form_updates_expert(client, personas, county_a_expert, region_a):
    client.force_login(personas["county_a_em_leader"])
    response = client.post(reverse("experts:edit", args=[county_a_expert.pk]), {
        "name": "王安全", "department": "emergency", "region": region_a.pk, "specialties": ["electrical"],
        "title": "高级工程师",
    })
    county_a_expert.refresh_from_db()
    assert response.status_code == 302
    assert county_a_expert.title == "高级工程师"


def test_deactivate_button_deactivates(client, personas, county_a_expert):
    client.force_login(personas["county_a_em_officer"])
    client.post(reverse("experts:edit", args=[county_a_expert.pk]), {"deactivate": "1"})
    county_a_expert.refresh_from_db()
    assert not county_a_expert.active
