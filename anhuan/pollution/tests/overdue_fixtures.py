"""Rows for the overdue digest tests: maintenance requests and duty rosters written through the ORM."""

import datetime as dt

from django.utils import timezone

from anhuan.organizations.services import get_system_user
from anhuan.pollution.models import AgencyDecision, DutyRoster, MaintenanceRequest


def make_request(enterprise, *, status=MaintenanceRequest.Status.SUBMITTED, due_in_hours=-1, now=None):
    """Create a submitted maintenance request of ``enterprise`` due ``due_in_hours`` from now (negative: overdue)."""
    now = now or timezone.now()
    return MaintenanceRequest.objects.create(
        enterprise=enterprise, region=enterprise.region, status=status,
        work_types=["hot_work"], unit="1号转炉", location="炼钢车间",
        planned_start=now + dt.timedelta(days=1), planned_end=now + dt.timedelta(days=2),
        description="更换炉衬", risk_analysis="高温作业", safety_measures="专人监护", emergency_arrangements="备用消防器材",
        submitted_by=get_system_user(), submitted_at=now - dt.timedelta(hours=30),
        due_at=now + dt.timedelta(hours=due_in_hours), created_by=get_system_user(),
    )


def decide(request, department, decision="approve_on_documents", outcome=AgencyDecision.Outcome.PENDING):
    """Record one county department's decision straight through the ORM."""
    from anhuan.organizations.models import Agency

    agency = Agency.objects.get(department=department, region_id=request.region_id)
    return AgencyDecision.objects.create(
        request=request, department=department, agency=agency, decision=decision, opinion="同意",
        decided_by=get_system_user(), outcome=outcome,
    )


def make_roster(warning, enterprise, *, submitted_hours_ago, status=DutyRoster.Status.SUBMITTED):
    return DutyRoster.objects.create(
        warning=warning, enterprise=enterprise, region=enterprise.region, status=status,
        submitted_by=get_system_user(), submitted_at=timezone.now() - dt.timedelta(hours=submitted_hours_ago),
    )
