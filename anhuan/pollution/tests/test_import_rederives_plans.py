"""A re-imported list changes the open plans of warnings in force, never a frozen one."""

import datetime as dt

import pytest

from anhuan.core.timeutil import SHANGHAI
from anhuan.organizations.services import get_system_user
from anhuan.pollution.models import PlanItem
from anhuan.pollution.services.warnings import issue_warning
from anhuan.pollution.tests.importfiles import make_row, run_import, write_xlsx

pytestmark = pytest.mark.django_db

ANNOUNCED = dt.datetime(2025, 12, 5, 8, 0, tzinfo=SHANGHAI)


def _issue_orange():
    return issue_warning(
        actor=get_system_user(), level="orange", announced_at=ANNOUNCED, starts_at=ANNOUNCED + dt.timedelta(hours=6)
    )


def _measures(warning):
    plan = warning.latest_event().plan
    return sorted(PlanItem.objects.filter(plan=plan).values_list("production_line", "measure_type"))


def test_reimport_rederives_open_plan(tmp_path):
    system = get_system_user()
    run_import(write_xlsx(tmp_path / "first.xlsx", [make_row()]), system)
    warning = _issue_orange()

    second = make_row(orange_measure="停产", orange_limit_percent="", production_line="浮法玻璃熔窑")
    summary = run_import(write_xlsx(tmp_path / "second.xlsx", [second]), system)

    assert _measures(warning) == [("浮法玻璃熔窑", "halt")]
    summary.job.refresh_from_db()
    assert summary.job.plans_rederived == 1
    assert summary.job.entries_deleted == 1


def test_reimport_leaves_frozen_plan(tmp_path):
    system = get_system_user()
    run_import(write_xlsx(tmp_path / "first.xlsx", [make_row()]), system)
    warning = _issue_orange()
    plan = warning.latest_event().plan
    plan.frozen = True
    plan.save(update_fields=["frozen"])

    second = make_row(orange_measure="停产", orange_limit_percent="")
    run_import(write_xlsx(tmp_path / "second.xlsx", [second]), system)

    assert _measures(warning) == [("浮法玻璃熔窑", "limit")]
