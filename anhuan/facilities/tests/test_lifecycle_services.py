"""The lifecycle services: sharing, demonstrations, reminder, design, plan, checkpoints, acceptance."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.models import AuditEntry, Notification
from anhuan.experts.models import Expert
from anhuan.experts.services import ExpertNotIndependent
from anhuan.facilities.models import (
    ConstructionPlan,
    Demonstration,
    FacilityDesign,
    KeyFacilityProfile,
    SimultaneityCheckpoint,
)
from anhuan.facilities.services import lifecycle as services
from anhuan.facilities.tests.fixtures import (  # noqa: F401 (fixtures)
    complete_until,
    enterprise_a,
    enterprise_b,
    existing_facility,
    new_key_facility,
    planned_facility,
)
from conftest import make_user

DAY = dt.date(2024, 3, 1)
DEMO = {"held_on": DAY, "organiser": "市生态环境局", "expert_names": "张工", "opinion": "同意", "outcome": "passed"}

pytestmark = pytest.mark.django_db


def notified(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind).first()


# --- Sharing ---------------------------------------------------------------------------------


def test_share_notifies_county_emergency_agency(personas, planned_facility):
    assert services.share_project(planned_facility, personas["county_a_ee_officer"]) is True

    profile = KeyFacilityProfile.objects.get(facility=planned_facility)
    assert profile.shared_at is not None
    assert notified(personas["county_a_em_officer"], "facility.shared").link == f"/facilities/{planned_facility.pk}/"
    assert notified(personas["county_a_em_leader"], "facility.shared") is not None
    assert notified(personas["county_b_em_officer"], "facility.shared") is None
    assert notified(personas["city_em_officer"], "facility.shared") is None
    assert notified(personas["county_a_ee_officer"], "facility.shared") is None


def test_share_is_idempotent(personas, planned_facility):
    officer = personas["county_a_ee_officer"]
    services.share_project(planned_facility, officer)

    assert services.share_project(planned_facility, officer) is False
    assert AuditEntry.objects.filter(action="facility.share").count() == 1
    assert Notification.objects.get(recipient=personas["county_a_em_officer"], kind="facility.shared").count == 1


def test_city_officer_share_reaches_city(personas, enterprise_a):
    facility = new_key_facility(personas["city_ee_officer"], enterprise_a)

    services.share_project(facility, personas["city_ee_officer"])

    assert notified(personas["county_a_em_officer"], "facility.shared") is not None
    assert notified(personas["city_em_officer"], "facility.shared") is not None


def test_share_refused_for_emergency_side(personas, planned_facility):
    with pytest.raises(NotPermitted):
        services.share_project(planned_facility, personas["county_a_em_officer"])


def test_share_refused_for_existing_facility(personas, existing_facility):
    with pytest.raises(ValidationFailed):
        services.share_project(existing_facility, personas["county_a_ee_officer"])


def test_share_other_county_out_of_scope(personas, planned_facility):
    with pytest.raises(OutOfScope):
        services.share_project(planned_facility, personas["county_b_ee_officer"])


def test_any_action_shares_first(personas, planned_facility):
    services.record_safety_demonstration(planned_facility, personas["county_a_em_officer"], **DEMO)

    assert KeyFacilityProfile.objects.get(facility=planned_facility).shared_at is not None
    assert AuditEntry.objects.filter(action="facility.share", actor=personas["county_a_em_officer"]).count() == 1


# --- Demonstrations --------------------------------------------------------------------------


def test_env_demonstration_recorded_with_file(personas, planned_facility):
    upload = SimpleUploadedFile("意见.pdf", b"%PDF-1.4 opinion", content_type="application/pdf")

    demonstration = services.record_env_demonstration(
        planned_facility, personas["county_a_ee_officer"], **DEMO, upload=upload
    )

    demonstration.refresh_from_db()
    assert demonstration.kind == "environmental"
    assert demonstration.file_name == "意见.pdf"
    assert demonstration.file.open("rb").read() == b"%PDF-1.4 opinion"
    assert len(demonstration.sha256) == 64
    entry = AuditEntry.objects.get(action="facility.env_demonstration")
    assert entry.data["facility"] == planned_facility.pk
    assert entry.changes["organiser"] == [None, "市生态环境局"]


def test_env_demonstration_refused_for_emergency_side(personas, planned_facility):
    with pytest.raises(NotPermitted):
        services.record_env_demonstration(planned_facility, personas["county_a_em_officer"], **DEMO)
    assert not Demonstration.objects.exists()


def test_demonstration_date_not_in_future(personas, planned_facility):
    future = services.today() + dt.timedelta(days=1)

    with pytest.raises(ValidationFailed) as error:
        services.record_env_demonstration(planned_facility, personas["county_a_ee_officer"], **{**DEMO, "held_on": future})

    assert error.value.fields["field"] == "held_on"
    assert not Demonstration.objects.exists()


def test_demonstration_needs_experts(personas, planned_facility):
    with pytest.raises(ValidationFailed) as error:
        services.record_env_demonstration(planned_facility, personas["county_a_ee_officer"], **{**DEMO, "expert_names": " "})

    assert error.value.fields["field"] == "expert_names"


def test_demonstration_missing_opinion_names_field(personas, planned_facility):
    with pytest.raises(ValidationFailed) as error:
        services.record_env_demonstration(planned_facility, personas["county_a_ee_officer"], **{**DEMO, "opinion": ""})

    assert error.value.fields["field"] == "opinion"


def test_demonstration_pool_experts_fill_names(personas, planned_facility, region_a):
    expert = Expert.objects.create(name="刘专家", department="environment", region=region_a)

    demonstration = services.record_env_demonstration(
        planned_facility, personas["county_a_ee_officer"], **{**DEMO, "expert_names": ""}, experts=[expert.pk]
    )

    assert demonstration.expert_names == "刘专家"
    assert list(demonstration.experts.all()) == [expert]


def test_demonstration_refuses_expert_of_the_enterprise(personas, planned_facility, enterprise_a, region_a):
    expert = Expert.objects.create(name="企业专家", department="emergency", region=region_a, employer=enterprise_a)

    with pytest.raises(ExpertNotIndependent):
        services.record_safety_demonstration(planned_facility, personas["county_a_em_officer"], **DEMO, experts=[expert])

    assert not Demonstration.objects.exists()


def test_safety_demonstration_by_either_side(personas, planned_facility):
    services.record_safety_demonstration(planned_facility, personas["county_a_em_officer"], **DEMO)
    services.record_safety_demonstration(planned_facility, personas["county_a_ee_leader"], **{**DEMO, "outcome": "failed"})

    assert Demonstration.objects.filter(kind="safety").count() == 2


def test_safety_demonstration_rejected_for_others(personas, planned_facility, enterprise_a):
    contact = make_user("contact_a", enterprise=enterprise_a)

    with pytest.raises(NotPermitted):
        services.record_safety_demonstration(planned_facility, personas["city_expert"], **DEMO)
    with pytest.raises(NotPermitted):
        services.record_safety_demonstration(planned_facility, contact, **DEMO)


def test_non_key_facility_out_of_scope(personas, enterprise_a):
    from anhuan.sharing.models import EnvFacility
    from anhuan.sharing.services.registers import create_record

    plain = create_record(EnvFacility, actor=personas["county_a_ee_officer"], enterprise=enterprise_a, name="活性炭",
                          facility_type="activated_carbon", status="planned")

    with pytest.raises(OutOfScope):
        services.record_env_demonstration(plain, personas["county_a_ee_officer"], **DEMO)


# --- Safety reminder ---------------------------------------------------------------------------


def test_reminder_notifies_contacts_and_records(personas, planned_facility, enterprise_a, enterprise_b):
    contact = make_user("contact_a", enterprise=enterprise_a)
    other = make_user("contact_b", enterprise=enterprise_b)
    officer = personas["county_a_ee_officer"]

    assert services.remind_safety_demonstration(planned_facility, officer) == 1

    profile = KeyFacilityProfile.objects.get(facility=planned_facility)
    assert profile.safety_reminded_by == officer
    assert notified(contact, "facility.safety_reminder").link == f"/facilities/{planned_facility.pk}/"
    assert notified(other, "facility.safety_reminder") is None


def test_second_reminder_is_recorded(personas, planned_facility, enterprise_a):
    contact = make_user("contact_a", enterprise=enterprise_a)
    officer = personas["county_a_ee_officer"]
    services.remind_safety_demonstration(planned_facility, officer)

    services.remind_safety_demonstration(planned_facility, personas["county_a_ee_leader"])

    entries = AuditEntry.objects.filter(action="facility.safety_reminder").order_by("pk")
    assert [entry.data["repeated"] for entry in entries] == [False, True]
    assert Notification.objects.get(recipient=contact, kind="facility.safety_reminder").count == 2
    assert KeyFacilityProfile.objects.get(facility=planned_facility).safety_reminded_by == personas["county_a_ee_leader"]


def test_reminder_refused_after_passing_demonstration(personas, planned_facility):
    services.record_safety_demonstration(planned_facility, personas["county_a_em_officer"], **DEMO)

    with pytest.raises(ValidationFailed):
        services.remind_safety_demonstration(planned_facility, personas["county_a_ee_officer"])


def test_reminder_refused_for_emergency_side(personas, planned_facility):
    with pytest.raises(NotPermitted):
        services.remind_safety_demonstration(planned_facility, personas["county_a_em_officer"])
    assert KeyFacilityProfile.objects.get(facility=planned_facility).safety_reminded_at is None


# --- Design, plan, checkpoints, acceptance -------------------------------------------------------


def test_design_environment_side_only(personas, planned_facility):
    fields = {"designer": "设计院", "qualification": "甲级", "certificate_number": "A1", "designed_on": DAY}

    with pytest.raises(NotPermitted):
        services.record_design(planned_facility, personas["county_a_em_officer"], **fields)
    services.record_design(planned_facility, personas["county_a_ee_officer"], **fields)

    assert FacilityDesign.objects.count() == 1


def test_design_missing_certificate_names_field(personas, planned_facility):
    with pytest.raises(ValidationFailed) as error:
        services.record_design(planned_facility, personas["county_a_ee_officer"], designer="设计院", qualification="甲级",
                               certificate_number="", designed_on=DAY)

    assert error.value.fields["field"] == "certificate_number"


def test_construction_plan_needs_safety_measures(personas, planned_facility):
    with pytest.raises(ValidationFailed) as error:
        services.record_construction_plan(planned_facility, personas["county_a_em_officer"], prepared_on=DAY,
                                          safety_measures="  ")

    assert error.value.fields["field"] == "safety_measures"
    assert not ConstructionPlan.objects.exists()


def test_construction_plan_by_emergency_side(personas, planned_facility):
    plan = services.record_construction_plan(planned_facility, personas["county_a_em_officer"], prepared_on=DAY,
                                             safety_measures="动火审批")

    assert plan.recorded_by == personas["county_a_em_officer"]


def test_checkpoint_designed_needs_design(personas, planned_facility):
    with pytest.raises(ValidationFailed) as error:
        services.confirm_checkpoint(planned_facility, personas["county_a_em_officer"], "designed", confirmed_on=DAY)

    assert "设计" in error.value.fields["reasons"][0]
    assert not SimultaneityCheckpoint.objects.exists()


def test_checkpoint_built_needs_designed(personas, planned_facility):
    complete_until(planned_facility, personas["county_a_ee_officer"], "construction_plan")

    with pytest.raises(ValidationFailed):
        services.confirm_checkpoint(planned_facility, personas["county_a_em_officer"], "built", confirmed_on=DAY)


def test_checkpoint_once_each(personas, planned_facility):
    complete_until(planned_facility, personas["county_a_ee_officer"], "checkpoint_designed")

    with pytest.raises(ValidationFailed) as error:
        services.confirm_checkpoint(planned_facility, personas["county_a_em_officer"], "designed", confirmed_on=DAY)

    assert error.value.fields["field"] == "checkpoint"


def test_checkpoint_in_use_not_manual(personas, planned_facility):
    with pytest.raises(ValidationFailed):
        services.confirm_checkpoint(planned_facility, personas["county_a_ee_officer"], "in_use", confirmed_on=DAY)


def test_acceptance_environment_side_only(personas, planned_facility):
    fields = {"accepted_on": DAY, "organiser": "企业", "opinion": "合格", "outcome": "passed"}

    with pytest.raises(NotPermitted):
        services.record_acceptance(planned_facility, personas["county_a_em_officer"], **fields)
    acceptance = services.record_acceptance(planned_facility, personas["county_a_ee_officer"], **fields)

    assert AuditEntry.objects.get(action="facility.acceptance").object_id == str(acceptance.pk)


def test_administrators_do_nothing(personas, planned_facility):
    for name in ("system_admin", "audit_admin"):
        with pytest.raises((NotPermitted, OutOfScope)):
            services.record_safety_demonstration(planned_facility, personas[name], **DEMO)


# --- To-do ---------------------------------------------------------------------------------------


def test_todo_until_reminded(personas, planned_facility):
    from anhuan.core.todo import todo_for

    def facility_items(user):
        return [item for item in todo_for(user) if item.kind == "facility"]

    assert [item.link for item in facility_items(personas["county_a_ee_officer"])] == [f"/facilities/{planned_facility.pk}/"]
    assert facility_items(personas["county_b_ee_officer"]) == []
    assert facility_items(personas["county_a_em_officer"]) == []
    services.remind_safety_demonstration(planned_facility, personas["county_a_ee_officer"])
    assert facility_items(personas["county_a_ee_officer"]) == []


# --- An accidental second submit -------------------------------------------------------------------


def _twice(record, *args, **kwargs):
    first = record(*args, **kwargs)
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        record(*args, **kwargs)
    return first, refused.value


@pytest.mark.parametrize("kind", ["env-demonstration", "safety-demonstration", "design", "plan", "acceptance"])
def test_identical_lifecycle_record_refused(personas, planned_facility, kind):
    officer = personas["county_a_ee_officer"]
    records = {
        "env-demonstration": (services.record_env_demonstration, DEMO),
        "safety-demonstration": (services.record_safety_demonstration, DEMO),
        "design": (services.record_design, {"designer": "某设计院", "qualification": "甲级", "certificate_number": "A1",
                                            "designed_on": dt.date(2024, 3, 2)}),
        "plan": (services.record_construction_plan, {"prepared_on": dt.date(2024, 3, 3), "safety_measures": "动火审批"}),
        "acceptance": (services.record_acceptance, {"accepted_on": dt.date(2024, 3, 4), "organiser": "企业",
                                                    "opinion": "同意", "outcome": "passed"}),
    }
    record, fields = records[kind]

    first, refused = _twice(record, planned_facility, officer, **fields)

    assert "is already on file for this facility" in str(refused.message)
    assert type(first).objects.count() == 1
    # Another value is another record.
    changed = {**fields, "organiser": "另一单位"} if "organiser" in fields else {**fields, "certificate_number": "A2"} \
        if "certificate_number" in fields else {**fields, "safety_measures": "其他措施"}
    record(planned_facility, officer, **changed)
    assert type(first).objects.count() == 2


def test_identical_checks_refused(personas, existing_facility):
    from anhuan.facilities.models import SafetyAssessment
    from anhuan.facilities.services import existing
    from anhuan.facilities.services.risks import set_formally_designed

    officer = personas["county_a_em_officer"]
    assessment = {"assessed_on": dt.date(2024, 5, 6), "assessor": "某评价公司", "risks": "中毒", "controls": "通风",
                  "outcome": "passed"}
    _first, refused = _twice(existing.record_assessment, existing_facility, officer, **assessment)
    assert "is already on file" in str(refused.message)
    assert SafetyAssessment.objects.count() == 1
    set_formally_designed(existing_facility, False, officer)
    diagnosis = {"diagnosed_on": dt.date(2024, 5, 7), "institute": "某设计院", "qualification": "甲级",
                 "certificate_number": "A1", "conclusion": "符合", "outcome": "passed"}
    _first, refused = _twice(existing.record_diagnosis, existing_facility, officer, **diagnosis)
    assert "is already on file" in str(refused.message)
