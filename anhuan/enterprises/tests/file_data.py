"""Test data for the enterprise file: rows of every section for one enterprise, written through the ORM.

``fill_file(enterprise, rows)`` gives each section ``rows`` rows (two warnings'
worth of plan items per row, only the latest event's shown), so the query
bound can compare a small and a large file.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from anhuan.core.timeutil import SHANGHAI
from anhuan.organizations.models import Agency, Department, Level
from anhuan.organizations.services import get_system_user
from anhuan.pollution.models import (
    AdhocMeasure,
    DutyRoster,
    DutyShift,
    EnterpriseDocument,
    MaintenanceRequest,
    OnsiteGuidance,
    PlanItem,
    ReductionEntry,
    ReductionList,
)
from anhuan.pollution.services.plans import season_year
from anhuan.pollution.tests.consultation_fixtures import make_event
from anhuan.sharing.models import (
    Bulletin,
    BulletinFlow,
    EnforcementRecord,
    EnvFacility,
    ProjectApproval,
    Referral,
    SafetyFacility,
)

BASE = dt.datetime(2025, 12, 1, 8, 0, tzinfo=SHANGHAI)


def agency(department, region=None):
    if region is None:
        return Agency.objects.get(department=department, level=Level.CITY)
    return Agency.objects.get(department=department, region=region)


def add_plan_item(event, enterprise, production_line, *, flags=(), measure_type="halt", limit_percent=None):
    return PlanItem.objects.create(
        plan=event.plan, enterprise=enterprise, region=enterprise.region, credit_code=enterprise.credit_code,
        enterprise_name=enterprise.name, performance_grade=enterprise.performance_grade,
        production_line=production_line, measure_type=measure_type,
        limit_percent=Decimal(str(limit_percent)) if limit_percent is not None else None,
        effective_at=event.starts_at, safe_shutdown_hours=Decimal("4"), shutdown_risk="normal", flags=list(flags),
    )


def add_entries(enterprise, rows):
    """Give the enterprise ``rows`` entries on the lists of this season, last season and the season before."""
    year = season_year(timezone.now())
    for season in (year, year - 1, year - 2):
        reduction_list, _created = ReductionList.objects.get_or_create(year=season)
        for index in range(rows):
            ReductionEntry.objects.create(
                reduction_list=reduction_list, enterprise=enterprise, region=enterprise.region,
                production_line=f"{season}季{index + 1}号线", yellow_measure="limit", yellow_limit_percent=Decimal("20"),
                orange_measure="limit", orange_limit_percent=Decimal("50"), red_measure="halt",
                safe_shutdown_hours=Decimal("6"), shutdown_risk="high",
            )


def add_warning_records(enterprise, index):
    """One warning (issued, then upgraded) with plan items, a visit, a document, a roster, a request and an ad-hoc measure."""
    system = get_system_user()
    day = BASE + dt.timedelta(days=10 * index)
    issued = make_event(level="yellow", announced_at=day, starts_at=day + dt.timedelta(hours=2))
    upgraded = make_event(
        level="orange", kind="upgrade", warning=issued.warning,
        announced_at=day + dt.timedelta(days=1), starts_at=day + dt.timedelta(days=1, hours=2),
    )
    add_plan_item(issued, enterprise, f"旧方案{index}号窑", measure_type="limit", limit_percent=30)
    add_plan_item(upgraded, enterprise, f"{index}号窑", flags=["insufficient_lead_time"])
    warning = issued.warning

    OnsiteGuidance.objects.create(
        warning=warning, enterprise=enterprise, region=enterprise.region, status="done",
        scheduled_at=day + dt.timedelta(hours=3), visited_at=day + dt.timedelta(hours=4),
        findings=f"现场检查发现{index}", created_by=system,
    )
    EnterpriseDocument.objects.create(
        warning=warning, enterprise=enterprise, region=enterprise.region, kind="shutdown_plan",
        file=f"enterprise-documents/plan{index}.pdf", file_name=f"停限产方案{index}.pdf", sha256="0" * 64,
        uploaded_by=system,
    )
    roster = DutyRoster.objects.create(
        warning=warning, enterprise=enterprise, region=enterprise.region, status="submitted",
        submitted_by=system, submitted_at=day + dt.timedelta(hours=5),
    )
    DutyShift.objects.create(
        roster=roster, starts_at=day, ends_at=day + dt.timedelta(hours=12), person_name="值班员",
        person_phone="13800000000", leader_name="带班领导", leader_phone="13900000000",
    )
    MaintenanceRequest.objects.create(
        enterprise=enterprise, region=enterprise.region, warning=warning, status="submitted",
        work_types=["hot_work"], unit=f"{index}号检修装置", location="厂区东侧",
        planned_start=day + dt.timedelta(days=2), planned_end=day + dt.timedelta(days=3),
        description="更换阀门", risk_analysis="动火风险", safety_measures="隔离置换", emergency_arrangements="消防值守",
        submitted_by=system, submitted_at=day + dt.timedelta(hours=6), created_by=system,
    )
    AdhocMeasure.objects.create(
        event=upgraded, enterprise=enterprise, region=enterprise.region, production_line=f"{index}号窑",
        measure_type="limit", limit_percent=Decimal("40"), reason="排放超标",
        effective_at=day + dt.timedelta(hours=7), added_by=system,
    )


def add_register_rows(enterprise, index):
    system = get_system_user()
    day = BASE.date() + dt.timedelta(days=10 * index)
    shared = {"enterprise": enterprise, "region": enterprise.region, "updated_by": system}
    ProjectApproval.objects.create(
        project_name=f"技改项目{index}", kind="eia", approval_number=f"邢环审〔2025〕{index}号",
        approval_date=day, authority="邢台市生态环境局", **shared,
    )
    SafetyFacility.objects.create(name=f"可燃气体报警器{index}", facility_type="报警", commissioned_on=day, **shared)
    EnvFacility.objects.create(
        name=f"RTO焚烧炉{index}", facility_type="rto", is_key=True, commissioned_on=day,
        upgraded_on=day + dt.timedelta(days=3), **shared,
    )
    EnvFacility.objects.create(name=f"活性炭吸附{index}", facility_type="activated_carbon", is_key=False, **shared)
    EnforcementRecord.objects.create(
        agency=agency(Department.ENVIRONMENT, enterprise.region), department=Department.ENVIRONMENT,
        inspected_on=day, inspectors="张三、李四", findings=f"废气超标排放{index}", violation="超标排放",
        measure="fine", harder_measure_reason="屡次超标", amount=Decimal("50000"),
        rectification_deadline=day + dt.timedelta(days=5), **shared,
    )
    county_ee = agency(Department.ENVIRONMENT, enterprise.region)
    county_em = agency(Department.EMERGENCY, enterprise.region)
    Bulletin.objects.create(
        flow=BulletinFlow.ADHOC, sender=county_ee, receiver=county_em, title=f"新增环保设施通报{index}",
        content={"sections": [{"heading": "新增设施", "rows": [{"enterprise": enterprise.name, "facility": "RTO"}]}]},
        created_by=system, sent_at=BASE + dt.timedelta(days=10 * index, hours=9),
    )
    Referral.objects.create(
        sender=county_ee, receiver=county_em, enterprise=enterprise, facility=f"RTO焚烧炉{index}",
        subject=f"RTO未开展安全论证{index}", description="发现重点环保设施未开展安全论证",
        deadline=BASE + dt.timedelta(days=10 * index + 15), created_by=system,
    )


def fill_file(enterprise, rows=1):
    add_entries(enterprise, rows)
    for index in range(1, rows + 1):
        add_warning_records(enterprise, index)
        add_register_rows(enterprise, index)
