"""A small city of key facilities for the overview tests, built through the facility services."""

import datetime as dt

import pytest
from django.utils import timezone

from anhuan.core.timeutil import to_local
from anhuan.facilities.services import existing, findings, lifecycle, risks
from anhuan.facilities.tests.fixtures import complete_until, existing_key_facility, new_key_facility


def local_today():
    return to_local(timezone.now()).date()


def build_county_a(personas, enterprise, order_number="信都应急〔2025〕12号"):
    """Build five key facilities of 信都区 in different states and return them by name."""
    ee = personas["county_a_ee_officer"]
    em = personas["county_a_em_officer"]

    planned = new_key_facility(ee, enterprise, name="1号RTO焚烧炉")
    findings.record_finding(
        planned, ee, found_on=local_today(), observed_status="under_construction", description="现场已开始基础施工，未见安全论证材料。",
    )

    reminded = new_key_facility(ee, enterprise, name="2号RTO焚烧炉")
    lifecycle.record_env_demonstration(
        reminded, ee, held_on=dt.date(2024, 3, 1), organiser="市生态环境局", expert_names="张工、李工",
        opinion="同意建设", outcome="passed",
    )
    lifecycle.remind_safety_demonstration(reminded, ee)

    running = complete_until(
        new_key_facility(ee, enterprise, name="污水处理站", facility_type="wastewater"), ee, "in_operation"
    )

    undesigned = existing_key_facility(ee, enterprise, name="1号脱硫脱硝设施")
    risks.set_formally_designed(undesigned, False, ee)

    failed = existing_key_facility(ee, enterprise, name="2号脱硫脱硝设施")
    assessment = existing.record_assessment(
        failed, em, assessed_on=dt.date(2025, 4, 1), assessor="河北某安全评价公司", risks="氨逃逸", controls="无",
        outcome="failed",
    )
    existing.issue_stop_use_order(
        failed, em, document_number=order_number, issued_on=dt.date(2025, 4, 3), reason="安全评估不合格",
        assessment=assessment,
    )
    return {"planned": planned, "reminded": reminded, "running": running, "undesigned": undesigned, "failed": failed}


def build_county_b(personas, enterprise):
    """One existing dust facility of 沙河市 whose last assessment passed and the next is not yet due."""
    ee = personas["county_b_ee_officer"]
    facility = existing_key_facility(ee, enterprise, name="窑炉除尘设施", facility_type="dust")
    existing.record_assessment(
        facility, personas["county_b_em_officer"], assessed_on=dt.date(2025, 6, 1), assessor="邢台某评价公司",
        risks="粉尘爆炸", controls="泄爆、接地", outcome="passed", next_due_on=local_today() + dt.timedelta(days=365),
    )
    return facility


@pytest.fixture
def scene(personas, enterprise_a, enterprise_b):
    """Key facilities in two counties: five in 信都区 (county A), one in 沙河市 (county B)."""
    county_a = build_county_a(personas, enterprise_a)
    county_b = build_county_b(personas, enterprise_b)
    return {**county_a, "dust_b": county_b}
