"""Key facility factories shared by the facility tests (import the functions or the pytest fixtures).

Facilities are created through the register service (``sharing.services.registers.create_record``),
so the register's own checks and the lifecycle gate apply as they do in production.
"""

import datetime as dt

import pytest

from anhuan.facilities.services.common import profile_for
from anhuan.sharing.models import EnvFacility
from anhuan.sharing.services.registers import create_record
from anhuan.sharing.tests.registers_fixtures import enterprise_a, enterprise_b  # noqa: F401 (re-exported fixtures)

EXISTING_COMMISSIONED_ON = dt.date(2021, 5, 1)


def new_key_facility(actor, enterprise, name="1号RTO焚烧炉", facility_type="rto", status="planned", **fields):
    """Register a new key facility project (status planned by default) and create its profile (new-project path)."""
    facility = create_record(
        EnvFacility, actor=actor, enterprise=enterprise, name=name, facility_type=facility_type, status=status, **fields
    )
    profile_for(facility, actor=actor)
    return facility


def existing_key_facility(actor, enterprise, name="2号脱硫脱硝设施", facility_type="desulfurization_denitrification",
                          status="in_operation", commissioned_on=EXISTING_COMMISSIONED_ON, **fields):
    """Register a key facility in use since before the mechanism (existing-facility path) and create its profile."""
    facility = create_record(
        EnvFacility, actor=actor, enterprise=enterprise, name=name, facility_type=facility_type, status=status,
        commissioned_on=commissioned_on, **fields,
    )
    profile_for(facility, actor=actor)
    return facility


def complete_until(facility, actor, last_step):
    """Put the new-project records on file up to and including ``last_step`` (a NEW_PROJECT_STEPS name).

    ``actor`` must be an environment-side officer of the facility's region (every step is open to it).
    Returns the facility, refreshed.
    """
    from anhuan.facilities.domain.lifecycle import NEW_PROJECT_STEPS
    from anhuan.facilities.services import lifecycle as services

    day = dt.date(2024, 3, 1)
    steps = {
        "registered": lambda: services.share_project(facility, actor),
        "env_demonstration": lambda: services.record_env_demonstration(
            facility, actor, held_on=day, organiser="市生态环境局", expert_names="张工、李工", opinion="同意建设", outcome="passed"),
        "safety_reminder": lambda: services.remind_safety_demonstration(facility, actor),
        "safety_demonstration": lambda: services.record_safety_demonstration(
            facility, actor, held_on=day, organiser="企业", expert_names="王工、赵工", opinion="风险可控", outcome="passed"),
        "design": lambda: services.record_design(
            facility, actor, designer="河北某设计院", qualification="环境工程设计专项甲级", certificate_number="A113000001",
            designed_on=day),
        "construction_plan": lambda: services.record_construction_plan(
            facility, actor, prepared_on=day, contractor="某建设公司", safety_measures="动火作业审批，专人监护。"),
        "checkpoint_designed": lambda: services.confirm_checkpoint(facility, actor, "designed", confirmed_on=day),
        "under_construction": lambda: services.change_status(facility, "under_construction", actor),
        "checkpoint_built": lambda: services.confirm_checkpoint(facility, actor, "built", confirmed_on=day),
        "acceptance": lambda: services.record_acceptance(
            facility, actor, accepted_on=day, organiser="企业", opinion="验收合格", outcome="passed"),
        "in_operation": lambda: services.change_status(facility, "in_operation", actor),
    }
    for step in NEW_PROJECT_STEPS[: NEW_PROJECT_STEPS.index(last_step) + 1]:
        steps[step]()
    facility.refresh_from_db()
    return facility


@pytest.fixture
def ee_officer_a(personas):
    return personas["county_a_ee_officer"]


@pytest.fixture
def planned_facility(personas, enterprise_a):
    """A new RTO incinerator of enterprise_a (信都区), registered as planned by the county EE officer."""
    return new_key_facility(personas["county_a_ee_officer"], enterprise_a)


@pytest.fixture
def existing_facility(personas, enterprise_a):
    """A desulfurisation facility of enterprise_a in operation since 2021 (existing-facility path)."""
    return existing_key_facility(personas["county_a_ee_officer"], enterprise_a)
