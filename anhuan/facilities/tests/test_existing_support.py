"""Fixtures and helpers of the existing-facility tests (assessments, diagnoses, orders, risks, hazards).

Records are made through the services, so every rule applies as in production.
"""

import datetime as dt

import pytest
from django.utils import translation

from conftest import make_user
from anhuan.facilities.services import existing as services
from anhuan.facilities.services import risks as risk_services
from anhuan.facilities.tests.fixtures import enterprise_a, enterprise_b, existing_key_facility  # noqa: F401

ASSESSED_ON = dt.date(2025, 3, 10)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def facility_a(personas, enterprise_a):  # noqa: F811
    """An existing desulfurisation facility of enterprise_a (信都区) in operation since 2021."""
    return existing_key_facility(personas["county_a_ee_officer"], enterprise_a)


@pytest.fixture
def facility_b(personas, enterprise_b):  # noqa: F811
    """An existing dust treatment facility of enterprise_b (沙河市)."""
    return existing_key_facility(personas["county_b_ee_officer"], enterprise_b, name="1号除尘设施", facility_type="dust")


def client_for(client, user):
    """Log ``user`` in and request English pages, so the checks read the msgids."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def contact_a(enterprise_a):  # noqa: F811
    return make_user("contact_a", enterprise=enterprise_a)


@pytest.fixture
def contact_b(enterprise_b):  # noqa: F811
    return make_user("contact_b", enterprise=enterprise_b)


def assess(facility, actor, outcome="passed", assessed_on=ASSESSED_ON, **fields):
    values = {
        "assessor": "河北某安全评价有限公司", "risks": "氨逃逸中毒风险", "controls": "氨气报警仪与通风联锁",
        "hazards_found": "", "next_due_on": None, **fields,
    }
    return services.record_assessment(facility, actor, assessed_on=assessed_on, outcome=outcome, **values)


def diagnose(facility, actor, outcome="passed", diagnosed_on=ASSESSED_ON, **fields):
    values = {
        "institute": "河北某工程设计研究院有限公司", "qualification": "环境工程设计专项甲级",
        "certificate_number": "A113000001", "conclusion": "设计基本符合安全要求", **fields,
    }
    return services.record_diagnosis(facility, actor, diagnosed_on=diagnosed_on, outcome=outcome, **values)


def not_designed(facility, actor):
    return risk_services.set_formally_designed(facility, False, actor)


def issue(facility, actor, *, assessment=None, diagnosis=None, number="信都应急〔2025〕12号", issued_on=None):
    return services.issue_stop_use_order(
        facility, actor, document_number=number, issued_on=issued_on or ASSESSED_ON + dt.timedelta(days=5),
        reason="脱硝系统氨气泄漏报警失效，存在中毒风险。", assessment=assessment, diagnosis=diagnosis,
    )
