"""Shared data of the maintenance tests: an enterprise under a halt measure, its contact, experts.

Test modules import the fixtures by name:
``from anhuan.pollution.tests.test_maintenance_support import *  # noqa: F401,F403``.
"""

import datetime as dt

import pytest
from django.utils import timezone

from anhuan.experts.models import Expert
from anhuan.organizations.models import Department, Region
from anhuan.pollution.services import maintenance as services
from anhuan.pollution.tests.consultation_fixtures import REGION_A, REGION_B, add_item, make_enterprise, make_event
from conftest import make_user

__all__ = ["plant", "contact", "other_contact", "experts", "draft", "submitted", "request_fields", "make_expert"]


def request_fields(**overrides):
    """Return the fields of a valid request whose work starts in four days, after every step's deadline."""
    start = timezone.now() + dt.timedelta(days=4)
    fields = {
        "work_types": ["hot_work", "confined_space"],
        "unit": "2号反应釜",
        "location": "一车间东侧",
        "planned_start": start,
        "planned_end": start + dt.timedelta(hours=8),
        "description": "更换反应釜搅拌器密封，需动火焊接。",
        "risk_analysis": "釜内残留可燃气体，存在火灾爆炸风险。",
        "safety_measures": "氮气置换并检测合格后动火，专人监护。",
        "emergency_arrangements": "现场配备灭火器两具，应急小组待命。",
    }
    fields.update(overrides)
    return fields


def make_expert(name, *, employer=None, department=Department.EMERGENCY):
    return Expert.objects.create(
        name=name, department=department, region=Region.objects.get(kind="city"), specialties=["chemical_process"],
        employer=employer,
    )


@pytest.fixture
def plant(db):
    """A 信都区 chemical plant with a halt item in the plan of a city-wide warning in force."""
    event = make_event(starts_at=timezone.now() - dt.timedelta(hours=2), announced_at=timezone.now() - dt.timedelta(hours=8))
    enterprise = make_enterprise("信都化工有限公司", REGION_A)
    add_item(event, enterprise, production_line="合成氨装置", measure_type="halt")
    enterprise.warning = event.warning
    return enterprise


@pytest.fixture
def contact(plant):
    return make_user("plant_contact", enterprise=plant)


@pytest.fixture
def other_contact(plant):
    """The contact of a 沙河市 enterprise that is also under a limit measure."""
    other = make_enterprise("沙河玻璃有限公司", REGION_B)
    add_item(plant.warning.latest_event(), other, production_line="熔窑", measure_type="limit", limit_percent=30)
    return make_user("glass_contact", enterprise=other)


@pytest.fixture
def experts(plant):
    return {
        "wang": make_expert("王工"),
        "li": make_expert("李工", department=Department.ENVIRONMENT),
        "zhao": make_expert("赵工"),
        "insider": make_expert("钱工", employer=plant),
    }


@pytest.fixture
def draft(contact):
    return services.create_draft(actor=contact, **request_fields())


@pytest.fixture
def submitted(draft, contact):
    return services.submit_request(draft, actor=contact)
