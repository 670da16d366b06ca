"""Test data of the data-exchange API: enterprises in two counties, register rows, clients and their tokens.

Rows are added through the register services as the system account, clients
through ``issue_client`` as the system administrator persona. Test modules
import the fixtures they use by name, e.g.
``from anhuan.api.tests.exchange_fixtures import rows, issue  # noqa: F401``.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from anhuan.enterprises.tests.factories import credit_code_for, register
from anhuan.organizations.models import Agency, Department, Level, Region
from anhuan.organizations.services import get_system_user
from anhuan.sharing.models import EnforcementRecord, EnvFacility, ProjectApproval, SafetyFacility
from anhuan.sharing.services.api_clients import issue_client
from anhuan.sharing.services.registers import create_record
from conftest import REGION_A, REGION_B

INSPECTED_ON = dt.date(2025, 5, 6)


def list_url(register_name):
    return reverse(f"api:register-{register_name}-list")


def detail_url(register_name, pk):
    return reverse(f"api:register-{register_name}-detail", args=[pk])


def token_client(token, language="zh-hans"):
    """Return a test client that sends ``Authorization: Bearer <token>`` (no header for None)."""
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client(**headers)


def agency(department, region_code=None):
    if region_code is None:
        return Agency.objects.get(department=department, level=Level.CITY)
    return Agency.objects.get(department=department, region__code=region_code)


@pytest.fixture
def enterprises(db):
    region_a = Region.objects.get(code=REGION_A)
    region_b = Region.objects.get(code=REGION_B)
    return SimpleNamespace(
        a=register(region_a, "信都区交换测试化工有限公司", credit_code=credit_code_for(REGION_A, 720001)),
        b=register(region_b, "沙河市交换测试玻璃有限公司", credit_code=credit_code_for(REGION_B, 720002)),
    )


@pytest.fixture
def rows(enterprises):
    """One row of each register in region A and one in region B, owned as the register says."""
    system = get_system_user()
    a, b = enterprises.a, enterprises.b
    return SimpleNamespace(
        eia_a=create_record(
            ProjectApproval, actor=system, enterprise=a, project_name="年产5万吨溶剂项目", kind="eia",
            approval_number="邢环审〔2025〕12号", approval_date=dt.date(2025, 3, 1), authority="邢台市生态环境局",
        ),
        safety_approval_b=create_record(
            ProjectApproval, actor=system, enterprise=b, project_name="二号窑炉改造", kind="safety_conditions",
            approval_number="邢应急审〔2025〕3号", approval_date=dt.date(2025, 4, 2), authority="邢台市应急管理局",
        ),
        safety_a=create_record(SafetyFacility, actor=system, enterprise=a, name="可燃气体报警系统", facility_type="监测报警"),
        safety_b=create_record(SafetyFacility, actor=system, enterprise=b, name="泄爆墙", facility_type="防爆泄压"),
        env_a=create_record(EnvFacility, actor=system, enterprise=a, name="RTO焚烧炉", facility_type="rto",
                             commissioned_on=dt.date(2021, 5, 1)),
        env_b=create_record(EnvFacility, actor=system, enterprise=b, name="布袋除尘器", facility_type="dust",
                             commissioned_on=dt.date(2020, 3, 1)),
        enforcement_a=create_record(
            EnforcementRecord, actor=system, enterprise=a, agency=agency(Department.EMERGENCY, REGION_A),
            inspected_on=INSPECTED_ON, inspectors="张三、李四", findings="动火作业票填写不全", measure="education",
        ),
        enforcement_b=create_record(
            EnforcementRecord, actor=system, enterprise=b, agency=agency(Department.ENVIRONMENT),
            inspected_on=INSPECTED_ON, inspectors="王五、赵六", findings="除尘器压差计损坏", measure="admin_notice",
        ),
    )


@pytest.fixture
def issue(personas):
    """Return a function that issues a client and returns ``(client, token)``.

    ``regions`` are region codes; none means the whole city.
    """

    def issue_for(name, department, regions=(), access="read"):
        return issue_client(
            actor=personas["system_admin"],
            name=name,
            department=department,
            regions=[Region.objects.get(code=code) for code in regions],
            access=access,
        )

    return issue_for


@pytest.fixture
def tokens(issue):
    """Tokens of five clients that the scope rules tell apart."""
    return SimpleNamespace(
        city_em_read=issue("市应急只读", Department.EMERGENCY)[1],
        city_em_write=issue("市应急读写", Department.EMERGENCY, access="write")[1],
        city_ee_write=issue("市环境读写", Department.ENVIRONMENT, access="write")[1],
        county_a_em_write=issue("信都应急读写", Department.EMERGENCY, [REGION_A], access="write")[1],
        county_a_ee_read=issue("信都环境只读", Department.ENVIRONMENT, [REGION_A])[1],
    )
