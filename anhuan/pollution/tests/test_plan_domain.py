"""The pure plan derivation and the ad-hoc measure check; no database."""

from decimal import Decimal

import pytest

from anhuan.core.timeutil import parse_local_datetime
from anhuan.pollution.domain import measures
from anhuan.pollution.domain import plan as rules
from anhuan.pollution.domain.measures import AdhocMeasureRejected, check_adhoc_measure, strictness
from anhuan.pollution.models import EventKind, MeasureType, PlanFlag


def at(text):
    return parse_local_datetime(text)


def entry(key="line", *, grade="C", whitelisted=False, guaranteed=False, non_interruptible=False,
          measure=("halt", None), level="red", hours="4", risk="normal", detail=""):
    measure_type, limit = measure
    listed = rules.ListedMeasure(measure_type, Decimal(str(limit)) if limit is not None else None, detail)
    return rules.Entry(
        key=key,
        performance_grade=grade,
        whitelisted=whitelisted,
        guaranteed=guaranteed,
        non_interruptible=non_interruptible,
        measures={level: listed},
        safe_shutdown_hours=Decimal(hours),
        shutdown_risk=risk,
    )


def event(kind="issue", level="red", announced="2026-12-05 08:00", starts="2026-12-05 20:00"):
    return rules.Event(kind=kind, level=level, announced_at=at(announced), starts_at=at(starts))


def derive_one(an_event, an_entry, previous=None):
    return rules.derive_items(an_event, [an_entry], previous)[0]


def previous_item(measure_type, limit=None, effective="2026-12-04 00:00"):
    return rules.PreviousItem(measure_type, Decimal(str(limit)) if limit is not None else None, at(effective))


# --- Constants agree with the model choices ------------------------------------------


def test_measure_constants_match_choices():
    assert set(measures.MEASURE_TYPES) == set(MeasureType.values)


def test_flag_constants_match_choices():
    flags = {
        rules.FLAG_AUTONOMOUS, rules.FLAG_GUARANTEED, rules.FLAG_INSUFFICIENT_LEAD_TIME,
        rules.FLAG_ONSITE_GUIDANCE_REQUIRED, rules.FLAG_NON_INTERRUPTIBLE,
    }
    assert flags == set(PlanFlag.values)


def test_event_kinds_match_choices():
    assert {rules.ISSUE, rules.UPGRADE, rules.DOWNGRADE, rules.LIFT} == set(EventKind.values)


# --- Differentiated control ---------------------------------------------------------


@pytest.mark.parametrize("grade", ["A", "leading"])
def test_top_grades_take_autonomous_measures(grade):
    item = derive_one(event(), entry(grade=grade, measure=("halt", None), hours="48"))
    assert item.measure_type == "autonomous"
    assert item.limit_percent is None
    assert item.flags == ("autonomous",)
    assert item.lead_time_gap_hours is None


def test_whitelisted_enterprise_is_never_limited():
    item = derive_one(event(), entry(grade="C", whitelisted=True, measure=("limit", 50)))
    assert item.measure_type == "autonomous"
    assert item.limit_percent is None


def test_overridden_measure_drops_listed_detail():
    item = derive_one(event(), entry(whitelisted=True, measure=("halt", None), detail="停产，停止公路运输"))
    assert item.measure_detail == ""


def test_listed_measure_keeps_its_detail():
    item = derive_one(event(), entry(measure=("halt", None), detail="停产，停止公路运输"))
    assert item.measure_detail == "停产，停止公路运输"


def test_guaranteed_enterprise_keeps_its_load():
    item = derive_one(event(), entry(guaranteed=True, measure=("limit", 30), hours="48"))
    assert item.measure_type == "guaranteed"
    assert item.limit_percent is None
    assert item.flags == ("guaranteed",)


def test_listed_guaranteed_measure_gives_guaranteed():
    item = derive_one(event(), entry(measure=("guaranteed", None)))
    assert item.measure_type == "guaranteed"
    assert item.flags == ("guaranteed",)


def test_autonomous_grade_wins_over_guaranteed():
    item = derive_one(event(), entry(grade="A", guaranteed=True))
    assert item.measure_type == "autonomous"


def test_limit_keeps_listed_percent_and_detail():
    item = derive_one(event(), entry(measure=("limit", 30), detail="限产30%"))
    assert item.measure_type == "limit"
    assert item.limit_percent == Decimal("30")
    assert item.measure_detail == "限产30%"


def test_measure_read_at_event_level():
    orange_entry = rules.Entry(
        "line", "C", False, False, False,
        {"orange": rules.ListedMeasure("limit", Decimal("20")), "red": rules.ListedMeasure("halt")},
        Decimal("1"), "normal",
    )
    item = derive_one(event(level="orange"), orange_entry)
    assert item.measure_type == "limit"
    assert item.limit_percent == Decimal("20")


# --- Reserve shutdown time ------------------------------------------------------------


def test_sufficient_lead_time_starts_on_time():
    item = derive_one(event(announced="2026-12-05 08:00", starts="2026-12-05 20:00"), entry(hours="12"))
    assert item.effective_at == at("2026-12-05 20:00")
    assert item.lead_time_gap_hours is None
    assert "insufficient_lead_time" not in item.flags


def test_short_notice_moves_halt_to_safe_time():
    item = derive_one(event(announced="2026-12-05 08:00", starts="2026-12-05 14:00"), entry(hours="10"))
    assert item.effective_at == at("2026-12-05 18:00")
    assert item.lead_time_gap_hours == Decimal("4.00")
    assert item.flags == ("insufficient_lead_time",)


def test_short_notice_applies_to_limits():
    item = derive_one(event(announced="2026-12-05 08:00", starts="2026-12-05 10:00"), entry(measure=("limit", 20), hours="3"))
    assert item.effective_at == at("2026-12-05 11:00")
    assert item.lead_time_gap_hours == Decimal("1.00")


def test_gap_rounded_to_hundredths():
    # 1 h 20 min of notice for a 2-hour shutdown leaves 0.666… hours missing.
    item = derive_one(event(announced="2026-12-05 08:00", starts="2026-12-05 09:20"), entry(hours="2"))
    assert item.lead_time_gap_hours == Decimal("0.67")


def test_fractional_safe_hours_give_exact_time():
    item = derive_one(event(announced="2026-12-05 08:00", starts="2026-12-05 08:00"), entry(hours="2.5"))
    assert item.effective_at == at("2026-12-05 10:30")


def test_lead_time_equal_to_safe_hours_suffices():
    item = derive_one(event(announced="2026-12-05 08:00", starts="2026-12-05 14:00"), entry(hours="6"))
    assert item.effective_at == at("2026-12-05 14:00")
    assert item.flags == ()


def test_zero_safe_hours_never_flagged():
    item = derive_one(event(announced="2026-12-05 08:00", starts="2026-12-05 08:00"), entry(hours="0"))
    assert item.effective_at == at("2026-12-05 08:00")
    assert item.flags == ()


def test_no_measure_needs_no_lead_time():
    item = derive_one(event(announced="2026-12-05 08:00", starts="2026-12-05 09:00"), entry(measure=("none", None), hours="48"))
    assert item.measure_type == "none"
    assert item.effective_at == at("2026-12-05 09:00")
    assert item.flags == ()


def test_autonomous_line_needs_no_lead_time():
    item = derive_one(event(announced="2026-12-05 08:00", starts="2026-12-05 09:00"), entry(grade="A", hours="48"))
    assert item.effective_at == at("2026-12-05 09:00")
    assert "insufficient_lead_time" not in item.flags


def test_start_before_announcement_counts_zero_lead():
    item = derive_one(event(announced="2026-12-05 08:00", starts="2026-12-05 07:00"), entry(hours="3"))
    assert item.lead_time_gap_hours == Decimal("3.00")
    assert item.effective_at == at("2026-12-05 11:00")


# --- Shutdown risk and non-interruptible processes --------------------------------------


def test_high_risk_halt_needs_onsite_guidance():
    item = derive_one(event(), entry(risk="high"))
    assert "onsite_guidance_required" in item.flags


def test_high_risk_limit_needs_onsite_guidance():
    item = derive_one(event(), entry(measure=("limit", 20), risk="high"))
    assert "onsite_guidance_required" in item.flags


def test_normal_risk_needs_no_guidance():
    item = derive_one(event(), entry(risk="normal"))
    assert "onsite_guidance_required" not in item.flags


def test_high_risk_autonomous_needs_no_guidance():
    item = derive_one(event(), entry(grade="A", risk="high"))
    assert "onsite_guidance_required" not in item.flags


def test_non_interruptible_flag_on_every_item():
    items = rules.derive_items(event(), [
        entry("halt", non_interruptible=True),
        entry("autonomous", grade="A", non_interruptible=True),
        entry("guaranteed", guaranteed=True, non_interruptible=True),
        entry("none", measure=("none", None), non_interruptible=True),
    ])
    assert [item.flags[-1] for item in items] == ["non_interruptible"] * 4


def test_flags_follow_fixed_order():
    item = derive_one(
        event(announced="2026-12-05 08:00", starts="2026-12-05 09:00"),
        entry(hours="8", risk="high", non_interruptible=True),
    )
    assert item.flags == ("insufficient_lead_time", "onsite_guidance_required", "non_interruptible")


def test_one_item_per_entry_in_order():
    entries = [entry(f"line-{number}") for number in range(5)]
    items = rules.derive_items(event(), entries)
    assert [item.key for item in items] == [f"line-{number}" for number in range(5)]


# --- Upgrades and downgrades ----------------------------------------------------------


UPGRADE = dict(kind="upgrade", announced="2026-12-06 07:30", starts="2026-12-06 08:00")


def test_upgrade_keeps_running_halt():
    previous = {"line": previous_item("halt", effective="2026-12-05 20:00")}
    item = derive_one(event(**UPGRADE), entry(hours="12"), previous)
    assert item.effective_at == at("2026-12-05 20:00")
    assert item.lead_time_gap_hours is None
    assert "insufficient_lead_time" not in item.flags


def test_upgrade_to_milder_limit_keeps_time():
    previous = {"line": previous_item("limit", 50, effective="2026-12-05 20:00")}
    item = derive_one(event(**UPGRADE), entry(measure=("limit", 30), hours="12"), previous)
    assert item.effective_at == at("2026-12-05 20:00")
    assert item.flags == ()


def test_upgrade_to_equal_limit_keeps_time():
    previous = {"line": previous_item("limit", 30, effective="2026-12-05 20:00")}
    item = derive_one(event(**UPGRADE), entry(measure=("limit", 30), hours="12"), previous)
    assert item.effective_at == at("2026-12-05 20:00")


def test_upgrade_to_stricter_limit_counts_lead():
    previous = {"line": previous_item("limit", 30, effective="2026-12-05 20:00")}
    item = derive_one(event(**UPGRADE), entry(measure=("limit", 50), hours="2"), previous)
    assert item.effective_at == at("2026-12-06 09:30")
    assert item.lead_time_gap_hours == Decimal("1.50")
    assert "insufficient_lead_time" in item.flags


def test_upgrade_limit_to_halt_counts_lead():
    previous = {"line": previous_item("limit", 50, effective="2026-12-05 20:00")}
    item = derive_one(event(**UPGRADE), entry(measure=("halt", None), hours="0.5"), previous)
    assert item.effective_at == at("2026-12-06 08:00")
    assert item.flags == ()


def test_upgrade_new_line_counts_lead():
    item = derive_one(event(**UPGRADE), entry(hours="6"), {"other": previous_item("halt")})
    assert item.effective_at == at("2026-12-06 13:30")
    assert item.lead_time_gap_hours == Decimal("5.50")


def test_upgrade_after_autonomous_counts_lead():
    previous = {"line": previous_item("autonomous")}
    item = derive_one(event(**UPGRADE), entry(hours="6"), previous)
    assert "insufficient_lead_time" in item.flags


def test_upgrade_keeps_onsite_guidance_flag():
    previous = {"line": previous_item("halt")}
    item = derive_one(event(**UPGRADE), entry(risk="high"), previous)
    assert item.flags == ("onsite_guidance_required",)


DOWNGRADE = dict(kind="downgrade", level="orange", announced="2026-12-07 10:00", starts="2026-12-07 12:00")


def test_downgrade_relaxed_line_starts_at_downgrade():
    previous = {"line": previous_item("halt", effective="2026-12-05 20:00")}
    item = derive_one(event(**DOWNGRADE), entry(measure=("limit", 30), level="orange", hours="48"), previous)
    assert item.measure_type == "limit"
    assert item.effective_at == at("2026-12-07 12:00")
    assert item.lead_time_gap_hours is None


def test_downgrade_equal_line_starts_at_downgrade():
    previous = {"line": previous_item("halt", effective="2026-12-05 20:00")}
    item = derive_one(event(**DOWNGRADE), entry(measure=("halt", None), level="orange", hours="48"), previous)
    assert item.effective_at == at("2026-12-07 12:00")
    assert item.flags == ()


def test_downgrade_stricter_line_counts_lead():
    previous = {"line": previous_item("limit", 20)}
    item = derive_one(event(**DOWNGRADE), entry(measure=("halt", None), level="orange", hours="5"), previous)
    assert item.effective_at == at("2026-12-07 15:00")
    assert item.lead_time_gap_hours == Decimal("3.00")


def test_issue_ignores_previous_items():
    previous = {"line": previous_item("halt", effective="2026-12-01 00:00")}
    item = derive_one(event(announced="2026-12-05 08:00", starts="2026-12-05 09:00"), entry(hours="4"), previous)
    assert item.effective_at == at("2026-12-05 12:00")


# --- Lifting ----------------------------------------------------------------------------


def test_lift_ends_every_item():
    lift = event(kind="lift", announced="2026-12-08 09:00", starts="2026-12-08 10:00")
    items = rules.derive_items(lift, [
        entry("a", risk="high", non_interruptible=True, hours="48"),
        entry("b", grade="A"),
        entry("c", measure=("limit", 30)),
    ])
    assert {item.measure_type for item in items} == {"none"}
    assert {item.limit_percent for item in items} == {None}
    assert {item.effective_at for item in items} == {at("2026-12-08 10:00")}
    assert {item.flags for item in items} == {()}
    assert {item.lead_time_gap_hours for item in items} == {None}


# --- Real announcements -------------------------------------------------------------------
# Times of public heavy-pollution-weather notices (Hebei and neighbouring cities).


def test_red_announced_for_same_evening():
    # Red warning announced in the afternoon of 2016-12-29 for 22:00 that day, end to be announced.
    red = event(announced="2016-12-29 16:00", starts="2016-12-29 22:00")
    quick, slow = rules.derive_items(red, [entry("quick", hours="4"), entry("slow", hours="24", risk="high")])
    assert quick.effective_at == at("2016-12-29 22:00")
    assert slow.effective_at == at("2016-12-30 16:00")
    assert slow.lead_time_gap_hours == Decimal("18.00")
    assert slow.flags == ("insufficient_lead_time", "onsite_guidance_required")


def test_upgrade_effective_same_morning():
    # Orange in force since 2020-01-27 00:00; upgrade to red announced 07:30 for 08:00 on 2020-01-28.
    previous = {
        "kiln": previous_item("halt", effective="2020-01-27 00:00"),
        "dryer": previous_item("limit", 30, effective="2020-01-27 00:00"),
        "mill": previous_item("limit", 50, effective="2020-01-27 00:00"),
    }
    upgrade = event(kind="upgrade", announced="2020-01-28 07:30", starts="2020-01-28 08:00")
    kiln, dryer, mill = rules.derive_items(upgrade, [
        entry("kiln", hours="24"),
        entry("dryer", hours="6"),
        entry("mill", measure=("limit", 30), hours="6"),
    ], previous)
    assert kiln.effective_at == at("2020-01-27 00:00")
    assert kiln.flags == ()
    assert dryer.effective_at == at("2020-01-28 13:30")
    assert dryer.lead_time_gap_hours == Decimal("5.50")
    assert mill.effective_at == at("2020-01-27 00:00")


def test_orange_announced_day_before_midnight():
    # Regional orange response announced 2014-11-22 for 2014-11-23 00:00.
    orange = event(level="orange", announced="2014-11-22 17:00", starts="2014-11-23 00:00")
    item = derive_one(orange, entry(level="orange", measure=("limit", 30), hours="8"))
    assert item.effective_at == at("2014-11-23 01:00")
    assert item.lead_time_gap_hours == Decimal("1.00")


def test_orange_same_evening_start():
    # Orange response announced 2019-11-20 for 18:00 that evening.
    orange = event(level="orange", announced="2019-11-20 12:00", starts="2019-11-20 18:00")
    item = derive_one(orange, entry(level="orange", measure=("limit", 30), hours="6"))
    assert item.effective_at == at("2019-11-20 18:00")
    assert item.flags == ()


def test_lift_effective_same_morning():
    # Orange warning lifted by a notice on the morning of 2021-12-24, effective 10:00.
    lift = event(kind="lift", level="orange", announced="2021-12-24 08:30", starts="2021-12-24 10:00")
    item = derive_one(lift, entry(level="orange"))
    assert item.effective_at == at("2021-12-24 10:00")


def test_end_at_24_00_is_next_midnight():
    assert at("2016-01-28 24:00") == at("2016-01-29 00:00")


# --- Strictness and ad-hoc measures ---------------------------------------------------


def test_strictness_orders_measures():
    ranked = sorted(
        [("none", None), ("limit", Decimal("20")), ("halt", None), ("limit", Decimal("50")), ("autonomous", None)],
        key=lambda measure: strictness(*measure),
    )
    assert ranked[-3:] == [("limit", Decimal("20")), ("limit", Decimal("50")), ("halt", None)]


def test_non_restricting_measures_rank_equal():
    assert strictness("autonomous") == strictness("guaranteed") == strictness("none")


def test_adhoc_halt_rejected_beyond_listed_limit():
    with pytest.raises(AdhocMeasureRejected) as info:
        check_adhoc_measure(True, "limit", Decimal("30"), "halt", None)
    assert "non-interruptible" in str(info.value)
    assert info.value.requested_type == "halt"


def test_adhoc_higher_limit_rejected():
    with pytest.raises(AdhocMeasureRejected):
        check_adhoc_measure(True, "limit", Decimal("30"), "limit", Decimal("50"))


def test_adhoc_limit_rejected_when_listed_none():
    with pytest.raises(AdhocMeasureRejected):
        check_adhoc_measure(True, "none", None, "limit", Decimal("10"))


def test_adhoc_equal_limit_passes():
    assert check_adhoc_measure(True, "limit", Decimal("30"), "limit", Decimal("30")) is None


def test_adhoc_milder_limit_passes():
    assert check_adhoc_measure(True, "limit", Decimal("30"), "limit", Decimal("20")) is None


def test_adhoc_halt_passes_when_listed_halt():
    assert check_adhoc_measure(True, "halt", None, "halt", None) is None


def test_adhoc_autonomous_request_passes():
    assert check_adhoc_measure(True, "none", None, "autonomous", None) is None


def test_adhoc_halt_passes_interruptible_enterprise():
    assert check_adhoc_measure(False, "none", None, "halt", None) is None


def test_derivation_has_no_django_import():
    import ast
    from pathlib import Path

    for module in (rules, measures):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = [
            alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        ] + [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [name for name in imported if name.startswith("django")], module.__name__


def test_lead_time_in_hours():
    lead = rules.lead_time_hours(event(announced="2026-12-05 08:00", starts="2026-12-05 08:45"))
    assert lead == Decimal("0.75")
