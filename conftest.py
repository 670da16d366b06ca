"""Shared test fixtures: reference data comes from migrations; personas per role and region."""

import pytest

from anhuan.organizations.models import Agency, Department, Region, Role, User

# Two county-level regions used across the matrix tests.
REGION_A = "130503"  # 信都区
REGION_B = "130582"  # 沙河市


def make_user(username, department=None, region_code=None, role=Role.OFFICER, enterprise=None):
    """Create a user of the given department, region and role (password: the user name)."""
    agency = None
    if department is not None:
        region = Region.objects.get(code=region_code) if region_code else Region.objects.get(kind="city")
        agency = Agency.objects.get(department=department, region=region)
    user = User.objects.create_user(username=username, password=username, role=role, agency=agency, last_name=username)
    if enterprise is not None:
        from anhuan.enterprises.models import EnterpriseContact

        EnterpriseContact.objects.create(user=user, enterprise=enterprise)
    return user


@pytest.fixture
def personas(db):
    """One user per role that the access rules tell apart."""
    return {
        "city_ee_officer": make_user("city_ee_officer", Department.ENVIRONMENT),
        "city_ee_leader": make_user("city_ee_leader", Department.ENVIRONMENT, role=Role.LEADER),
        "city_em_officer": make_user("city_em_officer", Department.EMERGENCY),
        "city_em_leader": make_user("city_em_leader", Department.EMERGENCY, role=Role.LEADER),
        "county_a_ee_officer": make_user("county_a_ee_officer", Department.ENVIRONMENT, REGION_A),
        "county_a_em_officer": make_user("county_a_em_officer", Department.EMERGENCY, REGION_A),
        "county_a_ee_leader": make_user("county_a_ee_leader", Department.ENVIRONMENT, REGION_A, Role.LEADER),
        "county_a_em_leader": make_user("county_a_em_leader", Department.EMERGENCY, REGION_A, Role.LEADER),
        "county_b_ee_officer": make_user("county_b_ee_officer", Department.ENVIRONMENT, REGION_B),
        "county_b_em_officer": make_user("county_b_em_officer", Department.EMERGENCY, REGION_B),
        "city_expert": make_user("city_expert", Department.EMERGENCY, role=Role.EXPERT),
        "system_admin": make_user("system_admin", Department.EMERGENCY, role=Role.SYSTEM_ADMIN),
        "audit_admin": make_user("audit_admin", Department.EMERGENCY, role=Role.AUDIT_ADMIN),
    }


@pytest.fixture
def region_a(db):
    return Region.objects.get(code=REGION_A)


@pytest.fixture
def region_b(db):
    return Region.objects.get(code=REGION_B)
