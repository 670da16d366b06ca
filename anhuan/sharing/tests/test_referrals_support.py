"""Referral test data: agencies, enterprises, uploads and a referral sent through the service.

Test modules import the fixtures they use by name, e.g.
``from anhuan.sharing.tests.test_referrals_support import sent  # noqa: F401``.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anhuan.organizations.models import Agency, Department, Level
from anhuan.pollution.tests.consultation_fixtures import REGION_A, REGION_B, make_enterprise
from anhuan.sharing.services import referrals as services

__all__ = [
    "REGION_A", "REGION_B", "agency", "city_agency", "make_referral", "media_root", "pdf", "plant", "plant_b", "sent",
]


def agency(department, region_code):
    return Agency.objects.get(department=department, region__code=region_code)


def city_agency(department):
    return Agency.objects.get(department=department, level=Level.CITY)


def pdf(name="证据.pdf", body=b"%PDF-1.4 evidence"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def make_referral(actor, receiver=None, *, days=10, **fields):
    """Send a referral from the actor's agency; by default to the other department of the same region."""
    if receiver is None:
        other = Department.EMERGENCY if actor.agency.department == Department.ENVIRONMENT else Department.ENVIRONMENT
        receiver = Agency.objects.get(department=other, region_id=actor.agency.region_id)
    values = {
        "subject": "脱硫塔检修动火未报备",
        "description": "现场检查发现企业在脱硫塔内动火作业，未见作业票。",
        "deadline": timezone.now() + dt.timedelta(days=days),
        "facility": "1号脱硫塔",
    }
    values.update(fields)
    return services.create_referral(actor=actor, receiver=receiver, **values)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def plant(db):
    return make_enterprise("信都焦化有限公司", REGION_A)


@pytest.fixture
def plant_b(db):
    return make_enterprise("沙河玻璃有限公司", REGION_B)


@pytest.fixture
def sent(personas, plant, media_root):
    """A referral from the county A environment agency to the county A emergency agency, with one file."""
    return make_referral(personas["county_a_ee_officer"], enterprise=plant, files=[pdf()])
