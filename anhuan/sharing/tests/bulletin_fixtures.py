"""Bulletin test data over a frozen clock: register rows, warning events and visits of one period.

Rows are written through the ORM, and their ``created_at`` and ``updated_at`` are then moved
into place with ``update()``, because those columns are set by the database clock on save.
Test modules import the fixtures they use by name, e.g.
``from anhuan.sharing.tests.bulletin_fixtures import period_rows  # noqa: F401``.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import translation

from anhuan.core.timeutil import SHANGHAI
from anhuan.organizations.models import Agency, Department, Level, Region
from anhuan.organizations.services import get_system_user
from anhuan.pollution.models import Confirmation, OnsiteGuidance
from anhuan.pollution.tests.consultation_fixtures import REGION_A, REGION_B, add_item, make_enterprise, make_event
from anhuan.sharing.models import EnforcementRecord, EnvFacility, SafetyFacility

# Wednesday; the last complete weekly period runs Monday 2026-03-02 00:00 to Monday 2026-03-09 00:00.
NOW = dt.datetime(2026, 3, 11, 10, 0, tzinfo=SHANGHAI)
PERIOD_START = dt.datetime(2026, 3, 2, 0, 0, tzinfo=SHANGHAI)
PERIOD_END = dt.datetime(2026, 3, 9, 0, 0, tzinfo=SHANGHAI)
IN_PERIOD = dt.datetime(2026, 3, 4, 9, 30, tzinfo=SHANGHAI)
BEFORE_PERIOD = dt.datetime(2026, 2, 20, 9, 0, tzinfo=SHANGHAI)

# Periodic routes: the city EE -> EM route, 20 county EE -> EM routes and 21 EM -> EE routes.
ROUTE_COUNT = 42


def agency(department, region_code=None):
    if region_code is None:
        return Agency.objects.get(department=department, level=Level.CITY)
    return Agency.objects.get(department=department, region__code=region_code)


def set_times(instance, **times):
    """Move auto-set timestamps (created_at, updated_at) of one row to the given moments."""
    type(instance).objects.filter(pk=instance.pk).update(**times)
    instance.refresh_from_db()
    return instance


def env_facility(enterprise, name, *, facility_type="dust", is_key=True, created_at=IN_PERIOD, upgraded_on=None):
    facility = EnvFacility.objects.create(
        enterprise=enterprise, region=enterprise.region, name=name, facility_type=facility_type, is_key=is_key,
        capacity="5万立方米/小时", upgraded_on=upgraded_on, updated_by=get_system_user(),
    )
    return set_times(facility, created_at=created_at, updated_at=created_at)


def enforcement(enterprise, *, department=Department.EMERGENCY, updated_at=IN_PERIOD, findings="储罐区可燃气体报警器失效"):
    record = EnforcementRecord.objects.create(
        enterprise=enterprise, region=enterprise.region, agency=agency(department, enterprise.region.code),
        department=department, inspected_on=dt.date(2026, 3, 3), inspectors="张检查、李执法", findings=findings,
        violation="未按规定维护安全设备", measure="order_rectify", rectification_deadline=dt.date(2026, 3, 20),
        updated_by=get_system_user(),
    )
    return set_times(record, created_at=updated_at, updated_at=updated_at)


def safety_facility(enterprise, name, *, created_at=IN_PERIOD, updated_at=None):
    facility = SafetyFacility.objects.create(
        enterprise=enterprise, region=enterprise.region, name=name, facility_type="可燃气体检测报警",
        updated_by=get_system_user(),
    )
    return set_times(facility, created_at=created_at, updated_at=updated_at or created_at)


def onsite_visit(warning, enterprise, *, safety_risks="停炉降温过程可能发生煤气泄漏", updated_at=IN_PERIOD):
    visit = OnsiteGuidance.objects.create(
        warning=warning, enterprise=enterprise, region=enterprise.region, status=OnsiteGuidance.Status.DONE,
        scheduled_at=updated_at, visited_at=updated_at, safety_risks=safety_risks, instructions="先降负荷后停炉",
        created_by=get_system_user(),
    )
    return set_times(visit, updated_at=updated_at)


@pytest.fixture
def chinese():
    """Texts are compared in Chinese, the language generated bulletins are written in."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def period_rows(db):
    """Rows of every flow inside the period, and rows just outside it or out of the region.

    In 信都区: a warning event with two plan items and the EE confirmation; a key dust filter and a
    non-key carbon adsorber created in the period; a wastewater plant created earlier and upgraded
    in the period; one created before the period; an emergency enforcement record, a safety
    facility and an on-site visit with safety risks in the period; an environment enforcement
    record and an old emergency record that must not appear. In 沙河市: one new facility.
    """
    steel = make_enterprise("信都钢铁有限公司", REGION_A, industry_code="C3110", industry_name="炼钢")
    coke = make_enterprise("信都焦化有限公司", REGION_A)
    glass = make_enterprise("沙河玻璃有限公司", REGION_B)

    event = make_event(level="orange", announced_at=IN_PERIOD, starts_at=IN_PERIOD + dt.timedelta(hours=12))
    add_item(event, steel, production_line="1号高炉", flags=["onsite_guidance_required"], shutdown_risk="high")
    add_item(event, coke, production_line="焦炉", measure_type="limit", limit_percent=30)
    set_times(Confirmation.objects.create(
        consultation=event.consultation, department=Department.ENVIRONMENT, leader=get_system_user(),
        agency_name="邢台市生态环境局",
    ), confirmed_at=IN_PERIOD)
    old_event = make_event(level="yellow", announced_at=BEFORE_PERIOD, starts_at=BEFORE_PERIOD + dt.timedelta(hours=12))

    return SimpleNamespace(
        steel=steel, coke=coke, glass=glass, event=event, old_event=old_event,
        key_new=env_facility(steel, "1号布袋除尘器"),
        plain_new=env_facility(coke, "活性炭吸附装置", facility_type="activated_carbon", is_key=False),
        upgraded=env_facility(coke, "污水处理站", facility_type="wastewater", created_at=BEFORE_PERIOD,
                              upgraded_on=dt.date(2026, 3, 6)),
        old=env_facility(steel, "2号脱硫塔", facility_type="desulfurization_denitrification", created_at=BEFORE_PERIOD),
        other_region=env_facility(glass, "熔窑脱硝装置", facility_type="desulfurization_denitrification"),
        record=enforcement(steel),
        environment_record=enforcement(coke, department=Department.ENVIRONMENT, findings="废气超标排放"),
        old_record=enforcement(coke, updated_at=BEFORE_PERIOD, findings="旧检查记录"),
        safety=safety_facility(coke, "焦炉煤气报警器"),
        visit=onsite_visit(event.warning, steel),
    )


def region(code):
    return Region.objects.get(code=code)
