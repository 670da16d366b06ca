"""The pure lifecycle gates: which prerequisites each status needs, for new and existing facilities."""

import datetime as dt
from dataclasses import replace

import pytest
from django.utils import translation

from anhuan.facilities.domain import lifecycle
from anhuan.facilities.domain.lifecycle import Facts, blockers

COMPLETE = Facts(
    env_demonstration=True, safety_demonstration=True, design=True, construction_plan=True,
    checkpoint_designed=True, checkpoint_built=True, acceptance=True,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("target", [lifecycle.PLANNED, lifecycle.STOPPED, lifecycle.DECOMMISSIONED])
def test_ungated_statuses_need_nothing(target):
    assert blockers(Facts(), target) == []


@pytest.mark.parametrize("target", lifecycle.GATED_STATUSES)
def test_complete_new_project_passes(target):
    assert blockers(COMPLETE, target) == []


@pytest.mark.parametrize("target", lifecycle.GATED_STATUSES)
def test_safety_demonstration_reason_first(target):
    reasons = blockers(Facts(), target)
    assert reasons[0].startswith("No passing safety demonstration is on file")


@pytest.mark.parametrize("target", lifecycle.GATED_STATUSES)
def test_safety_demonstration_alone_is_refused(target):
    assert blockers(replace(COMPLETE, safety_demonstration=False), target) == [
        "No passing safety demonstration is on file: a key environmental facility may not be built or put into "
        "operation before its safety demonstration."
    ]


@pytest.mark.parametrize(("missing", "start"), [
    ("design", "No design"),
    ("construction_plan", "No construction plan"),
    ("checkpoint_designed", 'The 三同时 checkpoint "designed'),
])
def test_construction_needs_design_and_plan(missing, start):
    reasons = blockers(replace(COMPLETE, **{missing: False}), lifecycle.UNDER_CONSTRUCTION)
    assert len(reasons) == 1
    assert reasons[0].startswith(start)
    # Operation does not require again what construction required.
    assert blockers(replace(COMPLETE, **{missing: False}), lifecycle.IN_OPERATION) == []


@pytest.mark.parametrize(("missing", "start"), [
    ("checkpoint_built", 'The 三同时 checkpoint "built'),
    ("acceptance", "No passing acceptance is on file"),
])
def test_operation_needs_second_checkpoint_and_acceptance(missing, start):
    reasons = blockers(replace(COMPLETE, **{missing: False}), lifecycle.IN_OPERATION)
    assert len(reasons) == 1
    assert reasons[0].startswith(start)
    assert blockers(replace(COMPLETE, **{missing: False}), lifecycle.UNDER_CONSTRUCTION) == []


def test_existing_needs_no_project_steps():
    assert blockers(Facts(is_existing=True), lifecycle.IN_OPERATION) == []
    assert blockers(Facts(is_existing=True), lifecycle.UNDER_CONSTRUCTION) == []


@pytest.mark.parametrize("facts", [Facts(is_existing=True, stop_order_in_force=True), replace(COMPLETE, stop_order_in_force=True)])
def test_stop_use_order_refuses_operation_only(facts):
    assert blockers(facts, lifecycle.IN_OPERATION)[0].startswith("A stop-use order is in force")
    assert not any(reason.startswith("A stop-use order") for reason in blockers(facts, lifecycle.UNDER_CONSTRUCTION))


@pytest.mark.parametrize(("commissioned_on", "existing"), [
    (None, False),
    (dt.date(2023, 11, 16), True),
    (dt.date(2023, 11, 17), False),
    (dt.date(2019, 1, 1), True),
])
def test_existing_means_in_use_earlier(commissioned_on, existing):
    assert lifecycle.is_existing(commissioned_on) is existing


def test_checkpoints_follow_the_design():
    assert lifecycle.checkpoint_blockers(Facts(), "designed")
    assert lifecycle.checkpoint_blockers(Facts(design=True), "designed") == []
    assert lifecycle.checkpoint_blockers(Facts(design=True), "built")
    assert lifecycle.checkpoint_blockers(Facts(design=True, checkpoint_designed=True), "built") == []


@pytest.mark.parametrize(("last", "next_due", "due"), [
    (None, None, True),
    (dt.date(2025, 1, 1), None, False),
    (dt.date(2025, 1, 1), dt.date(2026, 1, 1), True),
    (dt.date(2025, 1, 1), dt.date(2026, 6, 1), False),
])
def test_assessment_due(last, next_due, due):
    assert lifecycle.assessment_due(last, next_due, dt.date(2026, 1, 1)) is due
