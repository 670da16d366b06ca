"""Shared data of the provider, unowned and unrectified tests: providers, key facilities, enforcement records.

Everything is made through the services, so their checks apply as in production. This module
contains no tests of its own.
"""

import datetime as dt

import pytest

from anhuan.enterprises.domain.credit_code import check_character
from anhuan.facilities.services import providers
from anhuan.facilities.tests.fixtures import enterprise_a, enterprise_b, existing_key_facility  # noqa: F401
from anhuan.sharing.models import EnforcementRecord
from anhuan.sharing.services.registers import create_record

INSPECTED = dt.date(2025, 5, 20)


def provider_code(serial, region_code="130503"):
    """Return a valid credit code of a company (type 91) registered in ``region_code``."""
    first17 = f"91{region_code}{serial:09d}"
    return first17 + check_character(first17)


def make_provider(actor, region, serial=1, name="邢台蓝天环保运维有限公司", **fields):
    return providers.create_provider(
        actor=actor, name=name, credit_code=provider_code(serial, region.code), region=region, **fields
    )


def enforcement(actor, enterprise, **fields):
    """Add an enforcement record of the actor's agency, by default an education visit without violation."""
    values = {"inspected_on": INSPECTED, "inspectors": "张三、李四", "findings": "检查RTO焚烧炉运行记录", "measure": "education"}
    values.update(fields)
    return create_record(EnforcementRecord, actor=actor, enterprise=enterprise, **values)


@pytest.fixture
def provider(personas, region_a):
    return make_provider(personas["county_a_ee_officer"], region_a)


@pytest.fixture
def facility_a(personas, enterprise_a):
    """A key desulfurisation facility of enterprise_a (信都区), in use since 2021."""
    return existing_key_facility(personas["county_a_ee_officer"], enterprise_a)


@pytest.fixture
def facility_b(personas, enterprise_b):
    """A key facility of enterprise_b (沙河市), outside county A."""
    return existing_key_facility(personas["county_b_ee_officer"], enterprise_b, name="沙河1号脱硫塔")
