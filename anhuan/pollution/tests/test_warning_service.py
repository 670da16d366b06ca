"""Warning actions and plan storage, against the database."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anhuan.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from anhuan.core.models import AuditEntry
from anhuan.core.timeutil import parse_local_datetime
from anhuan.organizations.models import Agency, Department, Level, Region, Role
from anhuan.organizations.services import get_system_user
from anhuan.pollution.models import (
    Consultation,
    PlanItem,
    PollutionWarning,
    ReductionEntry,
    ReductionPlan,
    WarningEvent,
)
from anhuan.pollution.services import plans
from anhuan.pollution.services.warnings import (
    WHOLE_CITY,
    can_change_warning,
    can_manage_warnings,
    downgrade_warning,
    issue_warning,
    lift_warning,
    upgrade_warning,
)
from anhuan.pollution.tests.factories import make_enterprise, make_entry, make_list
from conftest import REGION_A, REGION_B, make_user


def at(text):
    return parse_local_datetime(text)


@pytest.fixture
def city_list(db):
    """A 2025 list with one line in 信都区 (A), one in 沙河市 (B) and one in 襄都区."""
    return make_list(2025, [
        dict(enterprise=dict(name="信都钢铁有限公司", region=REGION_A, non_interruptible=True),
             production_line="1号烧结机", red=("halt", None), orange=("limit", 50), safe_shutdown_hours=8,
             shutdown_risk="high"),
        dict(enterprise=dict(name="沙河玻璃有限公司", region=REGION_B), production_line="1号窑",
             red=("limit", 50), orange=("limit", 30), safe_shutdown_hours=2),
        dict(enterprise=dict(name="襄都涂装有限公司", region="130502", performance_grade="A"),
             production_line="喷涂线", red=("halt", None)),
    ])


def issue_red(actor, **overrides):
    arguments = dict(actor=actor, level="red", announced_at=at("2026-12-05 08:00"), starts_at=at("2026-12-05 12:00"))
    arguments.update(overrides)
    return issue_warning(**arguments)


def issue_orange(actor, **overrides):
    return issue_red(actor, level="orange", **overrides)


# --- Issuing -------------------------------------------------------------------------------


def test_issue_records_first_event(personas, city_list):
    warning = issue_red(personas["city_ee_officer"], document_number="邢环〔2026〕12号")
    event = warning.events.get()
    assert event.sequence == 1
    assert event.kind == "issue"
    assert event.document_number == "邢环〔2026〕12号"
    assert warning.status == "in_force"


def test_issue_whole_city_covers_every_entry(personas, city_list):
    warning = issue_red(personas["city_ee_officer"])
    assert warning.whole_city is True
    assert warning.latest_event().plan.items.count() == 3


def test_issue_for_regions_covers_their_entries(personas, city_list, region_a):
    warning = issue_red(personas["city_ee_officer"], regions=[region_a])
    items = warning.latest_event().plan.items.all()
    assert warning.whole_city is False
    assert list(warning.regions.all()) == [region_a]
    assert [item.enterprise_name for item in items] == ["信都钢铁有限公司"]


def test_issue_stores_derived_item(personas, city_list, region_a):
    warning = issue_red(personas["city_ee_officer"], regions=[region_a])
    item = warning.latest_event().plan.items.get()
    assert item.measure_type == "halt"
    assert item.effective_at == at("2026-12-05 16:00")
    assert item.lead_time_gap_hours == Decimal("4.00")
    assert item.flags == ["insufficient_lead_time", "onsite_guidance_required", "non_interruptible"]
    assert item.credit_code == item.enterprise.credit_code
    assert item.region_id == region_a.id


def test_issue_opens_consultation(personas, city_list):
    warning = issue_red(personas["city_ee_officer"])
    consultation = Consultation.objects.get(event__warning=warning)
    assert consultation.status == "open"


def test_issue_writes_audit_entry(personas, city_list):
    officer = personas["city_ee_officer"]
    warning = issue_red(officer)
    entry = AuditEntry.objects.get(action="warning.issue")
    assert entry.actor == officer
    assert entry.object_id == str(warning.id)
    assert entry.changes["level"] == [None, "red"]
    assert entry.data["plan_items"] == 3


def test_issue_by_officer_names_their_agency(personas, city_list):
    warning = issue_red(personas["city_ee_leader"])
    assert warning.issuer == personas["city_ee_leader"].agency


def test_system_user_issues_for_city_bureau(db, city_list):
    warning = issue_red(get_system_user())
    assert warning.issuer == Agency.objects.get(department=Department.ENVIRONMENT, level=Level.CITY)


def test_county_officer_issues_for_own_region(personas, city_list, region_a):
    warning = issue_red(personas["county_a_ee_officer"], regions=[region_a])
    assert warning.issuer == personas["county_a_ee_officer"].agency


def test_county_officer_cannot_issue_city_wide(personas, city_list):
    with pytest.raises(NotPermitted):
        issue_red(personas["county_a_ee_officer"])
    assert PollutionWarning.objects.count() == 0


def test_county_officer_cannot_issue_elsewhere(personas, city_list, region_b):
    with pytest.raises(NotPermitted):
        issue_red(personas["county_a_ee_officer"], regions=[region_b])


@pytest.mark.parametrize("persona", ["city_em_officer", "city_em_leader", "county_a_em_officer", "city_expert", "system_admin", "audit_admin"])
def test_only_environment_staff_issue(personas, city_list, persona):
    with pytest.raises(NotPermitted):
        issue_red(personas[persona])
    assert PollutionWarning.objects.count() == 0


def test_environment_expert_cannot_issue(db, city_list):
    expert = make_user("ee_expert", Department.ENVIRONMENT, role=Role.EXPERT)
    with pytest.raises(NotPermitted):
        issue_red(expert)


def test_start_before_announcement_rejected(personas, city_list):
    with pytest.raises(ValidationFailed) as info:
        issue_red(personas["city_ee_officer"], starts_at=at("2026-12-05 07:59"))
    assert info.value.fields["field"] == "starts_at"
    assert PollutionWarning.objects.count() == 0


def test_start_at_announcement_allowed(personas, city_list):
    warning = issue_red(personas["city_ee_officer"], starts_at=at("2026-12-05 08:00"))
    assert warning.starts_at == at("2026-12-05 08:00")


def test_end_not_after_start_rejected(personas, city_list):
    with pytest.raises(ValidationFailed) as info:
        issue_red(personas["city_ee_officer"], ends_at=at("2026-12-05 12:00"))
    assert info.value.fields["field"] == "ends_at"


def test_unknown_level_rejected(personas, city_list):
    with pytest.raises(ValidationFailed):
        issue_red(personas["city_ee_officer"], level="blue")


def test_empty_region_list_rejected(personas, city_list):
    with pytest.raises(ValidationFailed):
        issue_red(personas["city_ee_officer"], regions=[])


def test_city_region_means_whole_city(personas, city_list):
    city = Region.objects.get(kind="city")
    warning = issue_red(personas["city_ee_officer"], regions=[city])
    assert warning.whole_city is True


def test_long_document_number_rejected(personas, city_list):
    with pytest.raises(ValidationFailed):
        issue_red(personas["city_ee_officer"], document_number="号" * 51)


# --- Upgrading and downgrading -------------------------------------------------------------


def test_upgrade_raises_level(personas, city_list):
    officer = personas["city_ee_officer"]
    warning = issue_orange(officer)
    warning = upgrade_warning(warning, actor=officer, level="red", announced_at=at("2026-12-06 07:30"), starts_at=at("2026-12-06 08:00"))
    assert warning.level == "red"
    assert list(warning.events.values_list("sequence", "kind")) == [(1, "issue"), (2, "upgrade")]


def test_upgrade_writes_audit_change(personas, city_list):
    officer = personas["city_ee_officer"]
    warning = issue_orange(officer)
    upgrade_warning(warning, actor=officer, level="red", announced_at=at("2026-12-06 07:30"), starts_at=at("2026-12-06 08:00"))
    entry = AuditEntry.objects.get(action="warning.upgrade")
    assert entry.changes["level"] == ["orange", "red"]
    assert entry.data["sequence"] == 2


def test_upgrade_keeps_running_cut_time(personas, city_list, region_a):
    officer = personas["city_ee_officer"]
    warning = issue_red(officer, level="orange", regions=[region_a], starts_at=at("2026-12-05 20:00"))
    # Orange limits the sinter line by 50 %; red halts it: a new, stricter cut with 8 h to stop safely.
    warning = upgrade_warning(warning, actor=officer, level="red", announced_at=at("2026-12-06 07:30"), starts_at=at("2026-12-06 08:00"))
    item = warning.latest_event().plan.items.get()
    assert item.effective_at == at("2026-12-06 15:30")
    assert item.lead_time_gap_hours == Decimal("7.50")


def test_upgrade_keeps_time_of_equal_measure(personas, region_a):
    make_list(2025, [dict(enterprise=dict(region=REGION_A), orange=("halt", None), red=("halt", None), safe_shutdown_hours=12)])
    officer = personas["city_ee_officer"]
    warning = issue_red(officer, level="orange", starts_at=at("2026-12-05 20:00"), announced_at=at("2026-12-05 06:00"))
    warning = upgrade_warning(warning, actor=officer, level="red", announced_at=at("2026-12-06 07:30"), starts_at=at("2026-12-06 08:00"))
    item = warning.latest_event().plan.items.get()
    assert item.effective_at == at("2026-12-05 20:00")
    assert item.flags == []


def test_upgrade_matches_lines_after_reimport(personas):
    enterprise = make_enterprise(region=REGION_A)
    reduction_list = make_list(2025, [dict(enterprise=enterprise, production_line="1号窑", orange=("halt", None), red=("halt", None), safe_shutdown_hours=12)])
    officer = personas["city_ee_officer"]
    warning = issue_red(officer, level="orange", announced_at=at("2026-12-05 06:00"), starts_at=at("2026-12-05 20:00"))
    # A re-import replaces the entries; the line keeps its enterprise and name but gets a new id.
    ReductionEntry.objects.filter(reduction_list=reduction_list).delete()
    make_entry(reduction_list, 1, enterprise=enterprise, production_line="1号窑", orange=("halt", None), red=("halt", None), safe_shutdown_hours=12)
    warning = upgrade_warning(warning, actor=officer, level="red", announced_at=at("2026-12-06 07:30"), starts_at=at("2026-12-06 08:00"))
    assert warning.latest_event().plan.items.get().effective_at == at("2026-12-05 20:00")


@pytest.mark.parametrize("level", ["orange", "yellow"])
def test_upgrade_must_raise_level(personas, city_list, level):
    officer = personas["city_ee_officer"]
    warning = issue_orange(officer)
    with pytest.raises(TransitionNotAllowed):
        upgrade_warning(warning, actor=officer, level=level, announced_at=at("2026-12-06 07:30"), starts_at=at("2026-12-06 08:00"))
    assert warning.events.count() == 1


@pytest.mark.parametrize("level", ["orange", "red"])
def test_downgrade_must_lower_level(personas, city_list, level):
    officer = personas["city_ee_officer"]
    warning = issue_orange(officer)
    with pytest.raises(TransitionNotAllowed):
        downgrade_warning(warning, actor=officer, level=level, announced_at=at("2026-12-06 07:30"), starts_at=at("2026-12-06 08:00"))


def test_downgrade_lowers_level(personas, city_list):
    officer = personas["city_ee_officer"]
    warning = issue_red(officer)
    warning = downgrade_warning(warning, actor=officer, level="yellow", announced_at=at("2026-12-07 10:00"), starts_at=at("2026-12-07 12:00"))
    assert warning.level == "yellow"
    assert AuditEntry.objects.filter(action="warning.downgrade").count() == 1


def test_change_keeps_area_without_regions(personas, city_list, region_a):
    officer = personas["city_ee_officer"]
    warning = issue_orange(officer, regions=[region_a])
    warning = upgrade_warning(warning, actor=officer, level="red", announced_at=at("2026-12-06 07:30"), starts_at=at("2026-12-06 08:00"))
    assert list(warning.regions.all()) == [region_a]
    assert list(warning.latest_event().regions.all()) == [region_a]


def test_change_extends_area_to_whole_city(personas, city_list, region_a):
    officer = personas["city_ee_officer"]
    warning = issue_orange(officer, regions=[region_a])
    warning = upgrade_warning(
        warning, actor=officer, level="red", announced_at=at("2026-12-06 07:30"), starts_at=at("2026-12-06 08:00"),
        regions=WHOLE_CITY,
    )
    assert warning.whole_city is True
    assert warning.latest_event().plan.items.count() == 3


def test_change_sets_new_end(personas, city_list):
    officer = personas["city_ee_officer"]
    warning = issue_orange(officer, ends_at=at("2026-12-08 00:00"))
    warning = upgrade_warning(
        warning, actor=officer, level="red", announced_at=at("2026-12-06 07:30"), starts_at=at("2026-12-06 08:00"),
        ends_at=at("2026-12-09 24:00"),
    )
    assert warning.ends_at == at("2026-12-10 00:00")


def test_change_announced_before_previous_rejected(personas, city_list):
    officer = personas["city_ee_officer"]
    warning = issue_orange(officer)
    with pytest.raises(ValidationFailed) as info:
        upgrade_warning(warning, actor=officer, level="red", announced_at=at("2026-12-05 07:00"), starts_at=at("2026-12-05 09:00"))
    assert info.value.fields["field"] == "announced_at"


def test_county_officer_cannot_change_city_wide(personas, city_list):
    warning = issue_orange(personas["city_ee_officer"])
    with pytest.raises(NotPermitted):
        upgrade_warning(
            warning, actor=personas["county_a_ee_officer"], level="red",
            announced_at=at("2026-12-06 07:30"), starts_at=at("2026-12-06 08:00"),
        )


def test_county_officer_changes_own_warning(personas, city_list, region_a):
    officer = personas["county_a_ee_officer"]
    warning = issue_orange(officer, regions=[region_a])
    warning = upgrade_warning(warning, actor=officer, level="red", announced_at=at("2026-12-06 07:30"), starts_at=at("2026-12-06 08:00"))
    assert warning.level == "red"


def test_county_officer_cannot_extend_area(personas, city_list, region_a, region_b):
    officer = personas["county_a_ee_officer"]
    warning = issue_orange(officer, regions=[region_a])
    with pytest.raises(NotPermitted):
        upgrade_warning(
            warning, actor=officer, level="red", announced_at=at("2026-12-06 07:30"),
            starts_at=at("2026-12-06 08:00"), regions=[region_a, region_b],
        )


# --- Lifting -----------------------------------------------------------------------------


def test_lift_ends_warning_and_items(personas, city_list):
    officer = personas["city_ee_officer"]
    warning = issue_red(officer)
    warning = lift_warning(warning, actor=officer, announced_at=at("2026-12-08 09:00"), starts_at=at("2026-12-08 10:00"))
    items = warning.latest_event().plan.items.all()
    assert warning.status == "lifted"
    assert warning.ends_at == at("2026-12-08 10:00")
    assert {item.measure_type for item in items} == {"none"}
    assert {item.effective_at for item in items} == {at("2026-12-08 10:00")}


def test_lift_defaults_to_announcement(personas, city_list):
    officer = personas["city_ee_officer"]
    warning = lift_warning(issue_red(officer), actor=officer, announced_at=at("2026-12-08 09:00"))
    assert warning.ends_at == at("2026-12-08 09:00")


def test_lift_writes_audit_entry(personas, city_list):
    officer = personas["city_ee_officer"]
    lift_warning(issue_red(officer), actor=officer, announced_at=at("2026-12-08 09:00"))
    entry = AuditEntry.objects.get(action="warning.lift")
    assert entry.changes["status"] == ["in_force", "lifted"]


def test_lifted_warning_cannot_be_lifted(personas, city_list):
    officer = personas["city_ee_officer"]
    warning = lift_warning(issue_red(officer), actor=officer, announced_at=at("2026-12-08 09:00"))
    with pytest.raises(TransitionNotAllowed):
        lift_warning(warning, actor=officer, announced_at=at("2026-12-08 10:00"))
    assert warning.events.count() == 2


def test_lifted_warning_cannot_be_upgraded(personas, city_list):
    officer = personas["city_ee_officer"]
    warning = lift_warning(issue_orange(officer), actor=officer, announced_at=at("2026-12-08 09:00"))
    with pytest.raises(TransitionNotAllowed):
        upgrade_warning(warning, actor=officer, level="red", announced_at=at("2026-12-09 07:30"), starts_at=at("2026-12-09 08:00"))


def test_lift_by_emergency_officer_rejected(personas, city_list):
    warning = issue_red(personas["city_ee_officer"])
    with pytest.raises(NotPermitted):
        lift_warning(warning, actor=personas["city_em_officer"], announced_at=at("2026-12-08 09:00"))


def test_each_event_opens_consultation(personas, city_list):
    officer = personas["city_ee_officer"]
    warning = issue_orange(officer)
    upgrade_warning(warning, actor=officer, level="red", announced_at=at("2026-12-06 07:30"), starts_at=at("2026-12-06 08:00"))
    lift_warning(warning, actor=officer, announced_at=at("2026-12-08 09:00"))
    assert Consultation.objects.filter(event__warning=warning).count() == 3


# --- Who may act --------------------------------------------------------------------------


def test_can_manage_for_environment_staff(personas):
    assert can_manage_warnings(personas["county_b_ee_officer"]) is True
    assert can_manage_warnings(personas["city_em_leader"]) is False


def test_can_change_respects_area(personas, city_list, region_a):
    warning = issue_orange(personas["city_ee_officer"], regions=[region_a])
    assert can_change_warning(personas["county_a_ee_officer"], warning) is True
    assert can_change_warning(personas["county_b_ee_officer"], warning) is False


def test_cannot_change_lifted_warning(personas, city_list):
    officer = personas["city_ee_officer"]
    warning = lift_warning(issue_red(officer), actor=officer, announced_at=at("2026-12-08 09:00"))
    assert can_change_warning(officer, warning) is False


# --- Choosing the list ----------------------------------------------------------------------


@pytest.mark.parametrize(("moment", "season"), [
    ("2026-01-15 12:00", 2025),
    ("2026-09-30 23:59", 2025),
    ("2026-10-01 00:00", 2026),
    ("2026-12-31 23:00", 2026),
])
def test_season_year_by_month(moment, season):
    assert plans.season_year(at(moment)) == season


def test_season_uses_shanghai_time():
    # 2026-09-30 16:30 UTC is already 1 October in Shanghai.
    import datetime as dt

    moment = dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.timezone.utc)
    assert plans.season_year(moment) == 2026


def test_list_for_prefers_season_list(db):
    make_list(2024)
    season = make_list(2025)
    make_list(2026)
    assert plans.list_for(at("2026-03-01 00:00")) == season


def test_list_for_falls_back_to_earlier(db):
    earlier = make_list(2024)
    assert plans.list_for(at("2026-12-05 00:00")) == earlier


def test_list_for_ignores_later_seasons(db):
    make_list(2027)
    assert plans.list_for(at("2026-12-05 00:00")) is None


def test_plan_without_list_has_no_items(personas):
    warning = issue_red(personas["city_ee_officer"])
    plan = warning.latest_event().plan
    assert plan.reduction_list is None
    assert plan.items.count() == 0


# --- Storing and re-deriving ------------------------------------------------------------------


def test_bulk_flag_words_match_save(personas, city_list):
    warning = issue_red(personas["city_ee_officer"])
    for item in warning.latest_event().plan.items.all():
        stored = item.flag_words
        item.save()
        item.refresh_from_db()
        assert stored == item.flag_words


def test_with_flag_finds_bulk_items(personas, city_list):
    warning = issue_red(personas["city_ee_officer"])
    items = warning.latest_event().plan.items
    assert items.with_flag("non_interruptible").count() == 1
    assert items.with_flag("autonomous").count() == 1


def test_plan_items_are_snapshots(personas, city_list):
    warning = issue_red(personas["city_ee_officer"])
    item = warning.latest_event().plan.items.get(production_line="1号烧结机")
    item.enterprise.name = "改名后的企业"
    item.enterprise.save()
    item.refresh_from_db()
    assert item.enterprise_name == "信都钢铁有限公司"


def test_rederive_replaces_unfrozen_items(personas, city_list):
    warning = issue_red(personas["city_ee_officer"])
    event = warning.latest_event()
    plans.derive_plan(event)
    assert PlanItem.objects.filter(plan__event=event).count() == 3


def test_frozen_plan_never_changes(personas, city_list):
    warning = issue_red(personas["city_ee_officer"])
    event = warning.latest_event()
    ReductionPlan.objects.filter(event=event).update(frozen=True)
    make_list(2025, [dict(enterprise=dict(region=REGION_B))])
    plans.derive_plan(event)
    assert event.plan.items.count() == 3


def test_rederive_open_plans_after_import(personas, city_list):
    officer = personas["city_ee_officer"]
    warning = issue_red(officer)
    make_list(2025, [dict(enterprise=dict(region=REGION_B))])
    rederived = plans.rederive_open_plans(city_list, actor=officer)
    assert [plan.event.warning_id for plan in rederived] == [warning.id]
    assert warning.latest_event().plan.items.count() == 4
    assert AuditEntry.objects.filter(action="plan.rederive").count() == 1


def test_rederive_picks_up_new_season_list(personas):
    officer = personas["city_ee_officer"]
    warning = issue_red(officer)
    new_list = make_list(2026, [dict(enterprise=dict(region=REGION_A))])
    plans.rederive_open_plans(new_list, actor=officer)
    plan = warning.latest_event().plan
    assert plan.reduction_list == new_list
    assert plan.items.count() == 1


def test_rederive_skips_frozen_and_lifted(personas, city_list):
    officer = personas["city_ee_officer"]
    lifted = lift_warning(issue_red(officer), actor=officer, announced_at=at("2026-12-08 09:00"))
    frozen = issue_red(officer)
    ReductionPlan.objects.filter(event__warning=frozen).update(frozen=True)
    assert plans.rederive_open_plans(city_list, actor=officer) == []
    assert lifted.status == "lifted"


def test_rederive_skips_other_lists(personas, city_list):
    officer = personas["city_ee_officer"]
    issue_red(officer)
    other = make_list(2023)
    assert plans.rederive_open_plans(other, actor=officer) == []


def test_derivation_queries_independent_of_size(personas, region_a):
    officer = personas["city_ee_officer"]
    make_list(2025, [dict(enterprise=dict(region=REGION_A)) for _ in range(3)])
    small = issue_red(officer)
    with CaptureQueriesContext(connection) as few:
        plans.derive_plan(small.latest_event())
    make_list(2025, [dict(enterprise=dict(region=REGION_A)) for _ in range(12)])
    with CaptureQueriesContext(connection) as many:
        plans.derive_plan(small.latest_event())
    assert len(few.captured_queries) == len(many.captured_queries)


def test_compute_items_stores_nothing(personas, city_list):
    items = plans.compute_items_for_level("red", announced_at=at("2026-12-05 08:00"))
    assert len(items) == 3
    assert PlanItem.objects.count() == 0
    assert WarningEvent.objects.count() == 0


def test_second_warning_over_same_area_rejected(personas, city_list):
    officer = personas["city_ee_officer"]
    first = issue_red(officer)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        issue_red(officer)
    assert str(first.pk) in str(excinfo.value.message)


def test_county_warning_inside_city_warning_rejected(personas, city_list, region_a):
    officer = personas["city_ee_officer"]
    issue_red(officer)
    with pytest.raises(TransitionNotAllowed):
        issue_warning(
            actor=officer, level="orange", announced_at=at("2026-12-05 08:00"), starts_at=at("2026-12-05 20:00"),
            regions=[region_a],
        )


def test_warnings_for_separate_counties_coexist(personas, city_list, region_a, region_b):
    officer = personas["city_ee_officer"]
    issue_warning(actor=officer, level="orange", announced_at=at("2026-12-05 08:00"), starts_at=at("2026-12-05 20:00"), regions=[region_a])
    second = issue_warning(
        actor=officer, level="orange", announced_at=at("2026-12-05 08:00"), starts_at=at("2026-12-05 20:00"), regions=[region_b]
    )
    assert second.status == "in_force"
