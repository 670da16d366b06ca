"""The roster list queries, the per-region counts, the to-do provider and the Excel export."""

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anhuan.pollution.services import rosters as service
from anhuan.pollution.tests.consultation_fixtures import add_item, make_enterprise
from anhuan.pollution.tests.test_roster_fixtures import world  # noqa: F401
from anhuan.pollution.todo_rosters import roster_todo
from conftest import REGION_A


def submit(world, contact):
    return service.save_roster(world.warning.pk, world.shifts, actor=contact, submit=True)


def counts_by_region(user, world):
    return {row["region_name"]: (row["unconfirmed"], row["total"]) for row in service.unconfirmed_counts(user, [world.warning.pk])}


def test_city_sees_every_duty_enterprise(world, personas):
    rows = service.roster_rows(personas["city_ee_officer"], [world.warning.pk])
    assert {row.enterprise.name for row in rows} == {"信都化工有限公司", "信都砖瓦有限公司", "沙河玻璃有限公司"}


def test_county_sees_own_region_only(world, personas):
    rows = service.roster_rows(personas["county_b_em_officer"], [world.warning.pk])
    assert [row.enterprise.name for row in rows] == ["沙河玻璃有限公司"]


def test_rows_show_roster_state(world, personas):
    submit(world, world.chemical_contact)
    states = {row.enterprise.name: row.state for row in service.roster_rows(personas["city_ee_officer"], [world.warning.pk])}
    assert states == {"信都化工有限公司": "submitted", "信都砖瓦有限公司": "none", "沙河玻璃有限公司": "none"}


def test_state_filter_keeps_matching_rows(world, personas):
    submit(world, world.chemical_contact)
    rows = service.roster_rows(personas["city_ee_officer"], [world.warning.pk], state="none")
    assert [row.enterprise.name for row in rows] == ["信都砖瓦有限公司", "沙河玻璃有限公司"]


def test_region_filter_keeps_region(world, personas, region_b):
    rows = service.roster_rows(personas["city_ee_officer"], [world.warning.pk], region_id=region_b.pk)
    assert [row.enterprise.name for row in rows] == ["沙河玻璃有限公司"]


def test_last_spot_check_shown(world, personas):
    roster = submit(world, world.chemical_contact)
    officer = personas["county_a_em_officer"]
    service.record_spot_check(roster, actor=officer, phone="13800138000", answered=True)
    service.record_spot_check(roster, actor=officer, phone="13800138000", answered=False)
    row = next(row for row in service.roster_rows(officer, [world.warning.pk]) if row.roster == roster)
    assert row.last_check.answered is False


def test_row_queries_do_not_grow(world, personas):
    officer = personas["city_ee_officer"]
    submit(world, world.chemical_contact)
    with CaptureQueriesContext(connection) as before:
        service.roster_rows(officer, [world.warning.pk])
    for index in range(5):
        add_item(world.event, make_enterprise(f"信都新增{index}有限公司", REGION_A))
    with CaptureQueriesContext(connection) as after:
        rows = service.roster_rows(officer, [world.warning.pk])
    assert len(rows) == 8
    assert len(after) == len(before)


def test_counts_per_region(world, personas):
    roster = submit(world, world.chemical_contact)
    service.confirm_roster(roster, actor=personas["county_a_em_officer"])
    submit(world, world.glass_contact)
    counts = counts_by_region(personas["city_em_officer"], world)
    assert counts == {"信都区": (1, 2), "沙河市": (1, 1)}


def test_counts_run_in_one_query(world, personas):
    with CaptureQueriesContext(connection) as queries:
        service.unconfirmed_counts(personas["city_em_officer"], [world.warning.pk])
    # One query finds the latest events, one counts.
    assert len(queries) == 2


def test_counts_respect_scope(world, personas):
    assert counts_by_region(personas["county_b_ee_officer"], world) == {"沙河市": (1, 1)}


def test_counts_ignore_earlier_plans(world, personas):
    from anhuan.pollution.tests.consultation_fixtures import make_event

    upgrade = make_event(warning=world.warning, kind="upgrade", level="red")
    add_item(upgrade, world.glass)
    counts = counts_by_region(personas["city_em_officer"], world)
    assert counts == {"沙河市": (1, 1)}


def test_todo_groups_per_warning(world, personas):
    submit(world, world.chemical_contact)
    service.save_roster(world.warning.pk, world.shifts, actor=make_contact_for(world.brick), submit=True)
    items = roster_todo(personas["county_a_em_officer"])
    assert len(items) == 1
    assert "2" in items[0].title
    assert f"warning={world.warning.pk}" in items[0].link


def make_contact_for(enterprise):
    from conftest import make_user

    return make_user(f"contact_{enterprise.pk}", enterprise=enterprise)


def test_todo_ignores_other_county(world, personas):
    submit(world, world.chemical_contact)
    assert roster_todo(personas["county_b_em_officer"]) == []


def test_todo_only_for_county_officers(world, personas):
    submit(world, world.chemical_contact)
    assert roster_todo(personas["city_em_officer"]) == []
    assert roster_todo(personas["county_a_em_leader"]) == []


def test_todo_ignores_confirmed_rosters(world, personas):
    service.confirm_roster(submit(world, world.chemical_contact), actor=personas["county_a_em_officer"])
    assert roster_todo(personas["county_a_ee_officer"]) == []


def test_todo_due_after_confirm_hours(world, personas):
    roster = submit(world, world.chemical_contact)
    items = roster_todo(personas["county_a_em_officer"])
    assert (items[0].due_at - roster.submitted_at).total_seconds() == pytest.approx(2 * 3600)


def test_export_reads_back_with_phones_as_text(world, personas, tmp_path):
    service.save_roster(world.warning.pk, world.shifts, actor=world.chemical_contact, submit=True)
    rows = service.roster_rows(personas["city_ee_officer"], [world.warning.pk])
    path = tmp_path / "rosters.xlsx"
    service.write_roster_xlsx(rows, path, now=world.warning.starts_at)
    workbook = openpyxl.load_workbook(path)
    listing, shifts = workbook.worksheets
    values = [[cell.value for cell in row] for row in listing.iter_rows(min_row=3)]
    chemical = next(row for row in values if row[1] == "信都化工有限公司")
    assert chemical[5] == "13800138000"
    assert chemical[7] == "0319-2345678"
    assert listing.cell(row=3 + values.index(chemical), column=6).number_format == "@"
    assert len(values) == 3
    assert shifts.max_row == 1 + 3
    assert shifts.cell(row=2, column=6).value == "13800138000"
