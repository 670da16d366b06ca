"""Consultation test data written straight through the ORM: a warning, its event, plan and items.

Test modules import the fixtures they use by name, e.g.
``from anhuan.pollution.tests.consultation_fixtures import city_event  # noqa: F401``.
"""

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from anhuan.core.timeutil import SHANGHAI
from anhuan.enterprises.domain.credit_code import check_character
from anhuan.enterprises.models import Enterprise, EnterpriseContact
from anhuan.organizations.models import Agency, Department, Level, Region, Role, User
from anhuan.organizations.services import get_system_user
from anhuan.pollution.models import (
    Consultation,
    PlanItem,
    PollutionWarning,
    ReductionEntry,
    ReductionList,
    ReductionPlan,
    WarningEvent,
)

REGION_A = "130503"  # 信都区
REGION_B = "130582"  # 沙河市
ANNOUNCED_AT = dt.datetime(2026, 12, 5, 8, 0, tzinfo=SHANGHAI)
STARTS_AT = dt.datetime(2026, 12, 5, 20, 0, tzinfo=SHANGHAI)

_serials = itertools.count(1)


def make_credit_code(region_code):
    first17 = f"91{region_code}{next(_serials):09d}"
    return first17 + check_character(first17)


def make_enterprise(name, region_code, **fields):
    return Enterprise.objects.create(
        name=name, credit_code=make_credit_code(region_code), region=Region.objects.get(code=region_code), **fields
    )


def make_event(*, level="orange", kind="issue", region_codes=(), announced_at=ANNOUNCED_AT, starts_at=STARTS_AT,
               ends_at=None, warning=None, warning_status="in_force", document_number="邢环〔2026〕30号"):
    """Create a warning (unless given), its next event, an empty plan and an open consultation."""
    regions = [Region.objects.get(code=code) for code in region_codes]
    if warning is None:
        warning = PollutionWarning.objects.create(
            level=level,
            status=warning_status,
            whole_city=not regions,
            issuer=Agency.objects.get(department=Department.ENVIRONMENT, level=Level.CITY),
            document_number=document_number,
            announced_at=announced_at,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        warning.regions.set(regions)
    sequence = warning.events.count() + 1
    event = WarningEvent.objects.create(
        warning=warning,
        sequence=sequence,
        kind=kind,
        level=level,
        whole_city=not regions,
        announced_at=announced_at,
        starts_at=starts_at,
        ends_at=ends_at,
        document_number=document_number,
        actor=get_system_user(),
    )
    event.regions.set(regions)
    reduction_list, _created = ReductionList.objects.get_or_create(year=2026)
    ReductionPlan.objects.create(event=event, reduction_list=reduction_list, derived_at=announced_at)
    Consultation.objects.create(event=event)
    return event


def add_item(event, enterprise, *, production_line="1号线", measure_type="halt", limit_percent=None, flags=(),
             effective_at=None, lead_time_gap_hours=None, shutdown_risk="normal", safe_shutdown_hours=4):
    """Add a plan item (and its list entry) for ``enterprise`` to the event's plan."""
    plan = event.plan
    entry = ReductionEntry.objects.create(
        reduction_list=plan.reduction_list,
        enterprise=enterprise,
        region=enterprise.region,
        production_line=production_line,
        yellow_measure=measure_type,
        orange_measure=measure_type,
        red_measure=measure_type,
        safe_shutdown_hours=Decimal(str(safe_shutdown_hours)),
        shutdown_risk=shutdown_risk,
    )
    return PlanItem.objects.create(
        plan=plan,
        entry=entry,
        enterprise=enterprise,
        region=enterprise.region,
        credit_code=enterprise.credit_code,
        enterprise_name=enterprise.name,
        industry_code=enterprise.industry_code,
        industry_name=enterprise.industry_name,
        performance_grade=enterprise.performance_grade,
        production_line=production_line,
        measure_type=measure_type,
        limit_percent=Decimal(str(limit_percent)) if limit_percent is not None else None,
        effective_at=effective_at or event.starts_at,
        safe_shutdown_hours=Decimal(str(safe_shutdown_hours)),
        shutdown_risk=shutdown_risk,
        lead_time_gap_hours=Decimal(str(lead_time_gap_hours)) if lead_time_gap_hours is not None else None,
        flags=list(flags),
    )


def fill_plan(event):
    """Give the event four items: two in 信都区 and two in 沙河市, with different flags."""
    steel = make_enterprise(
        "信都钢铁有限公司", REGION_A, industry_code="C3110", industry_name="炼钢", performance_grade="B",
        non_interruptible=True,
    )
    paint = make_enterprise("信都涂料有限公司", REGION_A, industry_code="C2641", industry_name="涂料制造", performance_grade="A")
    glass = make_enterprise("沙河玻璃有限公司", REGION_B, industry_code="C3041", industry_name="平板玻璃制造", performance_grade="C")
    brick = make_enterprise("沙河砖瓦有限公司", REGION_B, industry_code="C3031", industry_name="粘土砖瓦", performance_grade="D")
    return {
        "steel": add_item(
            event, steel, production_line="1号转炉", flags=["insufficient_lead_time", "non_interruptible"],
            effective_at=event.starts_at + dt.timedelta(hours=6), lead_time_gap_hours=6, safe_shutdown_hours=18,
        ),
        "paint": add_item(event, paint, production_line="调漆工序", measure_type="autonomous", flags=["autonomous"]),
        "glass": add_item(
            event, glass, production_line="2号熔窑", measure_type="limit", limit_percent=30,
            flags=["onsite_guidance_required"], shutdown_risk="high",
        ),
        "brick": add_item(event, brick, production_line="隧道窑"),
    }


def write_conclusion(consultation, text="同意减排方案，信都钢铁1号转炉延后6小时执行。"):
    consultation.conclusion = text
    consultation.save(update_fields=["conclusion"])
    return consultation


@pytest.fixture
def city_event(db):
    """A city-wide orange warning event with four plan items."""
    event = make_event()
    event.items = fill_plan(event)
    return event


@pytest.fixture
def county_a_event(db):
    """A yellow warning event limited to 信都区, with one plan item there."""
    event = make_event(level="yellow", region_codes=[REGION_A], document_number="")
    enterprise = make_enterprise("信都化工有限公司", REGION_A, industry_code="C2614", industry_name="有机化学原料制造")
    event.items = {"chemical": add_item(event, enterprise, flags=["onsite_guidance_required"], shutdown_risk="high")}
    return event


@pytest.fixture
def enterprise_contact(db):
    enterprise = make_enterprise("信都联系人企业有限公司", REGION_A)
    user = User.objects.create_user(username="contact", password="contact", role=Role.ENTERPRISE, last_name="联系人")
    EnterpriseContact.objects.create(user=user, enterprise=enterprise)
    return user
