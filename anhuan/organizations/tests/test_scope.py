"""The scope rule (anhuan.organizations.scope) and the enterprise pages across every persona."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from anhuan.core.errors import NotPermitted
from anhuan.enterprises.models import Enterprise
from anhuan.enterprises.tests.factories import credit_code_for, register
from anhuan.organizations.models import Department, Region, Role
from anhuan.organizations.scope import (
    covers_region,
    covers_whole_city,
    enterprise_id_of,
    region_ids_of,
    require_department,
    require_role,
    require_staff,
)
from anhuan.organizations.services import get_system_user
from conftest import REGION_A, REGION_B, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprises(region_a, region_b):
    return {"a": register(region_a, "信都测试企业"), "b": register(region_b, "沙河测试企业")}


@pytest.fixture
def contact_a(enterprises):
    return make_user("contact_a", role=Role.ENTERPRISE, enterprise=enterprises["a"])


@pytest.fixture
def security_admin(db):
    return make_user("security_admin", Department.EMERGENCY, role=Role.SECURITY_ADMIN)


# --- region_ids_of -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["city_ee_officer", "city_em_leader", "city_expert"])
def test_city_staff_see_whole_city(personas, persona):
    assert region_ids_of(personas[persona]) is None


@pytest.mark.parametrize("persona", ["county_a_ee_officer", "county_a_em_officer", "county_a_ee_leader"])
def test_county_staff_see_own_region(personas, region_a, persona):
    assert region_ids_of(personas[persona]) == {region_a.pk}


def test_county_b_staff_see_region_b(personas, region_b):
    assert region_ids_of(personas["county_b_em_officer"]) == {region_b.pk}


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_administrators_see_no_region(personas, persona):
    assert region_ids_of(personas[persona]) == set()


def test_security_admin_sees_no_region(security_admin):
    assert region_ids_of(security_admin) == set()


def test_contact_sees_no_region(contact_a):
    assert region_ids_of(contact_a) == set()


def test_inactive_officer_sees_nothing(personas):
    officer = personas["city_ee_officer"]
    officer.is_active = False
    assert region_ids_of(officer) == set()


def test_anonymous_sees_nothing():
    assert region_ids_of(AnonymousUser()) == set()


def test_staff_without_agency_sees_nothing(db):
    assert region_ids_of(make_user("loose_officer")) == set()


def test_system_account_sees_whole_city(db):
    assert region_ids_of(get_system_user()) is None


# --- covers_region, covers_whole_city, enterprise_id_of ---------------------------------------


def test_city_officer_covers_any_region(personas, region_b):
    assert covers_region(personas["city_em_officer"], region_b.pk) is True


def test_county_officer_covers_own_region(personas, region_a):
    assert covers_region(personas["county_a_em_officer"], region_a.pk) is True


def test_county_officer_not_other_region(personas, region_b):
    assert covers_region(personas["county_a_em_officer"], region_b.pk) is False


def test_administrator_covers_no_region(personas, region_a):
    assert covers_region(personas["system_admin"], region_a.pk) is False


def test_only_city_staff_cover_whole_city(personas):
    assert covers_whole_city(personas["city_ee_leader"]) is True
    assert covers_whole_city(personas["county_a_ee_leader"]) is False


def test_contact_acts_for_own_enterprise(contact_a, enterprises):
    assert enterprise_id_of(contact_a) == enterprises["a"].pk


def test_officer_acts_for_no_enterprise(personas):
    assert enterprise_id_of(personas["city_ee_officer"]) is None


def test_contact_role_without_link_acts_for_none(db):
    assert enterprise_id_of(make_user("unlinked_contact", role=Role.ENTERPRISE)) is None


# --- visible_to and get_for_user ------------------------------------------------------------


def visible_names(user):
    return sorted(Enterprise.objects.visible_to(user).values_list("name", flat=True))


def test_city_officer_sees_all_enterprises(personas, enterprises):
    assert visible_names(personas["city_em_officer"]) == ["信都测试企业", "沙河测试企业"]


def test_county_officer_sees_own_enterprises(personas, enterprises):
    assert visible_names(personas["county_b_ee_officer"]) == ["沙河测试企业"]


def test_contact_sees_own_enterprise_only(contact_a, enterprises):
    assert visible_names(contact_a) == ["信都测试企业"]


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_administrator_sees_no_enterprise(personas, enterprises, persona):
    assert visible_names(personas[persona]) == []


def test_inactive_county_officer_sees_none(personas, enterprises):
    officer = personas["county_a_em_officer"]
    officer.is_active = False
    officer.save()
    assert visible_names(officer) == []


def test_system_account_sees_every_enterprise(enterprises):
    assert visible_names(get_system_user()) == ["信都测试企业", "沙河测试企业"]


def test_get_for_user_returns_visible(personas, enterprises):
    found = Enterprise.objects.get_for_user(personas["county_a_em_officer"], pk=enterprises["a"].pk)
    assert found == enterprises["a"]


def test_get_for_user_out_of_scope_404(personas, enterprises):
    with pytest.raises(Http404):
        Enterprise.objects.get_for_user(personas["county_a_em_officer"], pk=enterprises["b"].pk)


def test_get_for_user_missing_404(personas):
    with pytest.raises(Http404):
        Enterprise.objects.get_for_user(personas["city_em_officer"], pk=987654)


def test_get_for_user_contact_other_404(contact_a, enterprises):
    with pytest.raises(Http404):
        Enterprise.objects.get_for_user(contact_a, pk=enterprises["b"].pk)


# --- require_* --------------------------------------------------------------------------------------


def test_require_department_accepts_own(personas):
    require_department(personas["county_a_em_officer"], Department.EMERGENCY)


def test_require_department_rejects_other(personas):
    with pytest.raises(NotPermitted):
        require_department(personas["county_a_em_officer"], Department.ENVIRONMENT)


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_require_staff_rejects_administrators(personas, persona):
    with pytest.raises(NotPermitted):
        require_staff(personas[persona])


def test_require_staff_rejects_contact(contact_a):
    with pytest.raises(NotPermitted):
        require_staff(contact_a)


def test_require_staff_rejects_system_account(db):
    with pytest.raises(NotPermitted):
        require_staff(get_system_user())


def test_require_role_rejects_other_role(personas):
    with pytest.raises(NotPermitted):
        require_role(personas["city_expert"], Role.OFFICER, Role.LEADER)


# --- the enterprise pages, persona by persona ---------------------------------------------------------
#
# Expected status per persona: list, detail of A, detail of B, export, new form, edit form of A, edit form of B.
# 302 on the list sends a contact to their own page; 403 means the page exists but the role may not use it;
# 404 means the enterprise is outside the user's scope.

PAGES = ["list", "detail_a", "detail_b", "export", "create", "edit_a", "edit_b"]
MATRIX = {
    "city_ee_officer": [200, 200, 200, 200, 200, 200, 200],
    "city_ee_leader": [200, 200, 200, 200, 200, 200, 200],
    "city_em_officer": [200, 200, 200, 200, 200, 200, 200],
    "city_em_leader": [200, 200, 200, 200, 200, 200, 200],
    "county_a_ee_officer": [200, 200, 404, 200, 200, 200, 404],
    "county_a_em_officer": [200, 200, 404, 200, 200, 200, 404],
    "county_a_ee_leader": [200, 200, 404, 200, 200, 200, 404],
    "county_a_em_leader": [200, 200, 404, 200, 200, 200, 404],
    "county_b_ee_officer": [200, 404, 200, 200, 200, 404, 200],
    "county_b_em_officer": [200, 404, 200, 200, 200, 404, 200],
    "city_expert": [200, 200, 200, 200, 403, 403, 403],
    "system_admin": [403, 404, 404, 403, 403, 404, 404],
    "audit_admin": [403, 404, 404, 403, 403, 404, 404],
    "security_admin": [403, 404, 404, 403, 403, 404, 404],
    "contact_a": [302, 200, 404, 403, 403, 403, 404],
    "anonymous": [302, 302, 302, 302, 302, 302, 302],
}


def page_url(page, enterprises):
    if page in ("list", "export", "create"):
        return reverse(f"enterprises:{page}")
    name, key = page.split("_")
    return reverse(f"enterprises:{name}", args=[enterprises[key].pk])


@pytest.mark.parametrize(
    ("persona", "page", "expected"),
    [(persona, page, status) for persona, statuses in MATRIX.items() for page, status in zip(PAGES, statuses, strict=True)],
)
def test_enterprise_page_matrix(client, personas, enterprises, contact_a, security_admin, persona, page, expected):
    users = {**personas, "contact_a": contact_a, "security_admin": security_admin}
    if persona != "anonymous":
        client.force_login(users[persona])
    response = client.get(page_url(page, enterprises))
    assert response.status_code == expected


@pytest.mark.parametrize("persona", [name for name, statuses in MATRIX.items() if statuses[PAGES.index("list")] == 200])
def test_list_shows_only_scope(client, personas, enterprises, persona):
    client.force_login(personas[persona])
    response = client.get(reverse("enterprises:list"))
    listed = sorted(enterprise.name for enterprise in response.context["page_obj"])
    assert listed == visible_names(personas[persona])


@pytest.mark.parametrize(
    ("persona", "region_code", "saved"),
    [
        ("city_ee_officer", REGION_B, True),
        ("county_a_em_officer", REGION_A, True),
        ("county_a_em_officer", REGION_B, False),
        ("county_b_ee_officer", REGION_B, True),
        ("city_expert", REGION_A, False),
    ],
)
def test_create_post_matrix(client, personas, persona, region_code, saved):
    region = Region.objects.get(code=region_code)
    code = credit_code_for(region_code)
    client.force_login(personas[persona])
    client.post(reverse("enterprises:create"), {
        "credit_code": code, "name": "矩阵测试企业", "region": region.pk,
        "category": "key_industry", "performance_grade": "unrated",
    })
    assert Enterprise.objects.filter(credit_code=code).exists() is saved
