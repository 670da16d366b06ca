"""Scheduling, recording and cancelling the joint on-site visit: every allowed and rejected action."""

import datetime as dt

import pytest
from django.utils import timezone

from anhuan.core.errors import NotPermitted, OutOfScope, TransitionNotAllowed, ValidationFailed
from anhuan.core.models import AuditEntry
from anhuan.experts.services import ExpertNotIndependent
from anhuan.pollution.models import OnsiteGuidance
from anhuan.pollution.services.onsite import cancel_visit, record_visit, schedule_visit
from anhuan.pollution.tests.consultation_fixtures import enterprise_contact  # noqa: F401
from anhuan.pollution.tests.onsite_fixtures import english, onsite, team_a  # noqa: F401
from conftest import REGION_A, make_user

pytestmark = pytest.mark.usefixtures("english")


def schedule(personas, onsite, actor=None, enterprise=None, **overrides):
    arguments = {"scheduled_at": timezone.now() + dt.timedelta(hours=2), **team_a(personas, onsite), **overrides}
    return schedule_visit(
        onsite.warning, enterprise or onsite.chemical, actor=actor or personas["county_a_em_officer"], **arguments
    )


def record(visit, actor, **overrides):
    arguments = {
        "visited_at": timezone.now() - dt.timedelta(minutes=5),
        "safety_risks": "合成塔降温期间存在超压风险。",
        "environmental_risks": "停车期间火炬排放。",
        "documents_reviewed": "停限产方案、应急处置预案",
        "findings": "方案可行。",
        "instructions": "按方案分步降负荷。",
        **overrides,
    }
    return record_visit(visit, actor=actor, **arguments)


# --- Scheduling ------------------------------------------------------------------------------


def test_county_officer_schedules_visit(onsite, personas):
    visit = schedule(personas, onsite)
    assert visit.status == OnsiteGuidance.Status.SCHEDULED
    assert set(visit.experts.all()) == {onsite.county_expert}
    assert visit.officers.count() == 2


def test_schedule_writes_audit_entry(onsite, personas):
    visit = schedule(personas, onsite)
    entry = AuditEntry.objects.get(action="onsite.schedule", object_id=str(visit.pk))
    assert entry.actor == personas["county_a_em_officer"]
    assert entry.data["experts"] == ["王安全"]


def test_environment_officer_also_schedules(onsite, personas):
    visit = schedule(personas, onsite, actor=personas["county_a_ee_officer"])
    assert visit.created_by == personas["county_a_ee_officer"]


def test_city_officer_schedules_any_region(onsite, personas):
    team = {
        "experts": [onsite.city_expert],
        "officers": [personas["county_b_em_officer"], personas["city_ee_officer"]],
    }
    visit = schedule(personas, onsite, actor=personas["city_em_officer"], enterprise=onsite.glass, **team)
    assert visit.region == onsite.glass.region


def test_other_county_cannot_schedule(onsite, personas):
    with pytest.raises(OutOfScope):
        schedule(personas, onsite, actor=personas["county_b_em_officer"])


def test_expert_role_cannot_schedule(onsite, personas):
    with pytest.raises(NotPermitted):
        schedule(personas, onsite, actor=personas["city_expert"])


def test_contact_cannot_schedule(onsite, personas, enterprise_contact):
    with pytest.raises(NotPermitted):
        schedule(personas, onsite, actor=enterprise_contact)


def test_schedule_requires_an_expert(onsite, personas):
    with pytest.raises(ValidationFailed) as error:
        schedule(personas, onsite, experts=[])
    assert str(error.value.message) == "Choose at least one expert for the team."


def test_schedule_requires_both_departments(onsite, personas):
    with pytest.raises(ValidationFailed) as error:
        schedule(personas, onsite, officers=[personas["county_a_em_officer"], personas["county_a_em_leader"]])
    assert "ecology and environment" in str(error.value.message)


def test_schedule_rejects_other_county_officer(onsite, personas):
    officers = [personas["county_a_em_officer"], personas["county_b_ee_officer"]]
    with pytest.raises(ValidationFailed) as error:
        schedule(personas, onsite, officers=officers)
    assert "county_b_ee_officer" in str(error.value.message)


def test_schedule_accepts_city_officers(onsite, personas):
    visit = schedule(personas, onsite, officers=[personas["city_em_officer"], personas["city_ee_officer"]])
    assert visit.officers.count() == 2


def test_schedule_rejects_inactive_officer(onsite, personas):
    personas["county_a_ee_officer"].is_active = False
    personas["county_a_ee_officer"].save()
    with pytest.raises(ValidationFailed):
        schedule(personas, onsite)


def test_schedule_rejects_employer_expert(onsite, personas):
    with pytest.raises(ExpertNotIndependent) as error:
        schedule(personas, onsite, experts=[onsite.county_expert, onsite.insider])
    assert "赵内部" in str(error.value.message)


def test_schedule_rejects_employer_by_name(onsite, personas):
    team = {"experts": [onsite.namesake], "officers": [personas["city_em_officer"], personas["city_ee_officer"]]}
    with pytest.raises(ExpertNotIndependent):
        schedule(personas, onsite, actor=personas["city_em_officer"], enterprise=onsite.glass, **team)


def test_schedule_rejects_inactive_expert(onsite, personas):
    onsite.county_expert.active = False
    onsite.county_expert.save()
    with pytest.raises(ValidationFailed) as error:
        schedule(personas, onsite)
    assert "王安全" in str(error.value.message)


def test_county_rejects_other_county_expert(onsite, personas):
    from anhuan.pollution.tests.onsite_fixtures import make_expert

    outsider = make_expert("孙沙河", "130582")
    with pytest.raises(ValidationFailed):
        schedule(personas, onsite, experts=[outsider])


def test_schedule_rejects_unflagged_enterprise(onsite, personas):
    with pytest.raises(ValidationFailed) as error:
        schedule(personas, onsite, enterprise=onsite.brick)
    assert "信都砖瓦有限公司" in str(error.value.message)


def test_schedule_rejects_lifted_warning(onsite, personas):
    onsite.warning.status = "lifted"
    onsite.warning.save()
    with pytest.raises(ValidationFailed):
        schedule(personas, onsite)


def test_schedule_requires_time(onsite, personas):
    with pytest.raises(ValidationFailed):
        schedule(personas, onsite, scheduled_at=None)


def test_second_schedule_is_rejected(onsite, personas):
    schedule(personas, onsite)
    with pytest.raises(TransitionNotAllowed):
        schedule(personas, onsite)


def test_cancelled_visit_can_be_rescheduled(onsite, personas):
    visit = schedule(personas, onsite)
    cancel_visit(visit, actor=personas["county_a_ee_officer"], reason="专家临时有事。")
    again = schedule(personas, onsite)
    assert again.pk == visit.pk
    assert again.status == OnsiteGuidance.Status.SCHEDULED


def test_failed_schedule_writes_nothing(onsite, personas):
    with pytest.raises(ExpertNotIndependent):
        schedule(personas, onsite, experts=[onsite.insider])
    assert not OnsiteGuidance.objects.exists()


# --- Recording ---------------------------------------------------------------------------------


def test_record_marks_visit_done(onsite, personas):
    visit = schedule(personas, onsite)
    done = record(visit, personas["county_a_ee_officer"])
    assert done.status == OnsiteGuidance.Status.DONE
    assert done.findings == "方案可行。"


def test_record_writes_audit_entry(onsite, personas):
    visit = schedule(personas, onsite)
    record(visit, personas["county_a_ee_officer"])
    entry = AuditEntry.objects.get(action="onsite.record", object_id=str(visit.pk))
    assert entry.changes["status"] == ["scheduled", "done"]


def test_record_done_visit_is_rejected(onsite, personas):
    visit = schedule(personas, onsite)
    record(visit, personas["county_a_ee_officer"])
    with pytest.raises(TransitionNotAllowed) as error:
        record(visit, personas["county_a_ee_officer"])
    assert str(error.value.message) == "A visit that is done cannot become done."


def test_record_cancelled_visit_is_rejected(onsite, personas):
    visit = schedule(personas, onsite)
    cancel_visit(visit, actor=personas["county_a_em_officer"], reason="天气原因。")
    with pytest.raises(TransitionNotAllowed):
        record(visit, personas["county_a_em_officer"])


def test_record_requires_findings(onsite, personas):
    visit = schedule(personas, onsite)
    with pytest.raises(ValidationFailed) as error:
        record(visit, personas["county_a_em_officer"], findings="  ")
    assert error.value.fields == {"field": "findings"}


def test_record_rejects_future_time(onsite, personas):
    visit = schedule(personas, onsite)
    with pytest.raises(ValidationFailed) as error:
        record(visit, personas["county_a_em_officer"], visited_at=timezone.now() + dt.timedelta(hours=1))
    assert error.value.fields == {"field": "visited_at"}


def test_other_county_cannot_record(onsite, personas):
    visit = schedule(personas, onsite)
    with pytest.raises(OutOfScope):
        record(visit, personas["county_b_ee_officer"])


# --- Cancelling ---------------------------------------------------------------------------------


def test_cancel_records_reason(onsite, personas):
    visit = schedule(personas, onsite)
    cancel_visit(visit, actor=personas["county_a_em_officer"], reason="企业已提前停产。")
    entry = AuditEntry.objects.get(action="onsite.cancel", object_id=str(visit.pk))
    assert entry.data["reason"] == "企业已提前停产。"


def test_cancel_requires_reason(onsite, personas):
    visit = schedule(personas, onsite)
    with pytest.raises(ValidationFailed):
        cancel_visit(visit, actor=personas["county_a_em_officer"], reason="")


def test_cancel_done_visit_is_rejected(onsite, personas):
    visit = schedule(personas, onsite)
    record(visit, personas["county_a_em_officer"])
    with pytest.raises(TransitionNotAllowed):
        cancel_visit(visit, actor=personas["county_a_em_officer"], reason="误操作。")


def test_cancel_twice_is_rejected(onsite, personas):
    visit = schedule(personas, onsite)
    cancel_visit(visit, actor=personas["county_a_em_officer"], reason="天气原因。")
    with pytest.raises(TransitionNotAllowed):
        cancel_visit(visit, actor=personas["county_a_em_officer"], reason="天气原因。")


def test_county_leader_may_cancel(onsite, personas):
    visit = schedule(personas, onsite)
    cancelled = cancel_visit(visit, actor=personas["county_a_ee_leader"], reason="改期。")
    assert cancelled.status == OnsiteGuidance.Status.CANCELLED


def test_new_county_officer_is_eligible(onsite, personas):
    newcomer = make_user("newcomer", "environment", REGION_A)
    visit = schedule(personas, onsite, officers=[personas["county_a_em_officer"], newcomer])
    assert newcomer in visit.officers.all()


def test_issuing_warning_notifies_county_agencies(db):
    import datetime as dt

    from anhuan.core.models import Notification
    from anhuan.core.timeutil import SHANGHAI
    from anhuan.organizations.services import get_system_user
    from anhuan.pollution.services.warnings import issue_warning
    from anhuan.pollution.tests.factories import make_list
    from conftest import REGION_A, make_user
    from anhuan.organizations.models import Department

    officer = make_user("xindu_em", Department.EMERGENCY, REGION_A)
    make_list(entries=[{"enterprise": {"region": REGION_A}, "shutdown_risk": "high"}])
    announced = dt.datetime(2026, 12, 5, 8, 0, tzinfo=SHANGHAI)
    issue_warning(actor=get_system_user(), level="red", announced_at=announced, starts_at=announced + dt.timedelta(hours=6))

    assert Notification.objects.filter(recipient=officer, kind="onsite.needed").count() == 1


def test_visit_in_the_past_is_refused(personas, onsite):
    with pytest.raises(ValidationFailed, match="cannot be scheduled in the past") as refused:
        schedule(personas, onsite, scheduled_at=timezone.now() - dt.timedelta(minutes=5))
    assert refused.value.fields["field"] == "scheduled_at"
    assert not OnsiteGuidance.objects.exists()
