"""``manage.py warning``: issue, upgrade, downgrade and lift from the command line."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anhuan.core.models import AuditEntry
from anhuan.core.timeutil import parse_local_datetime
from anhuan.organizations.models import Region
from anhuan.pollution.models import PollutionWarning
from anhuan.pollution.tests.factories import make_list
from conftest import REGION_A, REGION_B


def at(text):
    return parse_local_datetime(text)


def run(*args):
    out = io.StringIO()
    call_command("warning", *args, stdout=out)
    return out.getvalue()


def last_line(output):
    return output.rstrip("\n").splitlines()[-1]


@pytest.fixture
def lists(db):
    make_list(2016, [dict(enterprise=dict(region=REGION_A), production_line="1号窑", red=("halt", None), safe_shutdown_hours=8)])
    return make_list(2025, [
        dict(enterprise=dict(name="信都焦化有限公司", region=REGION_A), production_line="1号焦炉",
             orange=("limit", 30), red=("halt", None), safe_shutdown_hours=6),
        dict(enterprise=dict(name="沙河玻璃有限公司", region=REGION_B), production_line="1号窑"),
    ])


ISSUE_RED = ["issue", "--level", "red", "--announced", "2026-12-05 08:00", "--starts", "2026-12-05 12:00"]


def issue(*extra):
    output = run(*ISSUE_RED, *extra)
    return PollutionWarning.objects.get(pk=int(last_line(output))), output


# --- Issue -------------------------------------------------------------------------------------


def test_issue_prints_id_last(lists):
    output = run(*ISSUE_RED)
    warning = PollutionWarning.objects.get()
    assert last_line(output) == str(warning.id)


def test_issue_city_wide_without_regions(lists):
    warning, _output = issue()
    assert warning.whole_city is True
    assert warning.level == "red"
    assert warning.latest_event().plan.items.count() == 2


def test_issue_summary_lists_plan(lists):
    _warning, output = issue("--regions", "信都区")
    lines = output.splitlines()
    assert len(lines) == 3
    assert "信都区" in lines[0]
    assert "2026-12-05 12:00" in lines[0]
    assert "1" in lines[1]


def test_issue_reads_shanghai_times(lists):
    warning, _output = issue("--ends", "2026-12-07 24:00")
    assert warning.announced_at == at("2026-12-05 08:00")
    assert warning.ends_at == at("2026-12-08 00:00")


def test_issue_accepts_codes_and_names(lists):
    warning, _output = issue("--regions", f"{REGION_A},沙河市，市高新区、邢台高新技术产业开发区")
    names = sorted(region.name for region in warning.regions.all())
    assert names == sorted(["信都区", "沙河市", "邢台高新技术产业开发区"])


def test_issue_whole_city_word(lists):
    warning, _output = issue("--regions", "全市")
    assert warning.whole_city is True


def test_issue_records_document_number(lists):
    warning, _output = issue("--number", "邢环〔2026〕12号")
    assert warning.document_number == "邢环〔2026〕12号"


def test_issue_acts_as_system_user(lists):
    issue()
    assert AuditEntry.objects.get(action="warning.issue").actor.username == "system"


def test_issue_as_named_user(personas, lists):
    issue("--user", "city_ee_officer")
    assert AuditEntry.objects.get(action="warning.issue").actor == personas["city_ee_officer"]


def test_issue_without_list_says_so(db):
    warning, output = issue()
    assert warning.latest_event().plan.items.count() == 0
    assert len(output.splitlines()) == 3


# --- Real announcements --------------------------------------------------------------------------


def test_red_for_same_evening_open_end(lists):
    # Red warning announced 2016-12-29 for 22:00 that day, end to be announced.
    output = run("issue", "--level", "red", "--announced", "2016-12-29 16:00", "--starts", "2016-12-29 22:00")
    warning = PollutionWarning.objects.get(pk=int(last_line(output)))
    item = warning.latest_event().plan.items.get()
    assert warning.ends_at is None
    assert item.effective_at == at("2016-12-30 00:00")
    assert item.flags == ["insufficient_lead_time"]


def test_upgrade_to_red_same_morning(lists):
    output = run("issue", "--level", "orange", "--announced", "2026-12-04 16:00", "--starts", "2026-12-05 00:00")
    warning_id = last_line(output)
    output = run("upgrade", warning_id, "--level", "red", "--announced", "2026-12-05 07:30", "--starts", "2026-12-05 08:00")
    warning = PollutionWarning.objects.get(pk=int(warning_id))
    item = warning.latest_event().plan.items.get(production_line="1号焦炉")
    assert last_line(output) == warning_id
    assert warning.level == "red"
    assert item.effective_at == at("2026-12-05 13:30")


def test_orange_with_24_00_end(lists):
    output = run("issue", "--level", "orange", "--announced", "2018-11-10 17:00", "--starts", "2018-11-11 00:00",
                 "--ends", "2018-11-16 24:00")
    warning = PollutionWarning.objects.get(pk=int(last_line(output)))
    assert warning.ends_at == at("2018-11-17 00:00")


def test_blue_level_rejected(lists):
    with pytest.raises(CommandError):
        run("issue", "--level", "blue", "--announced", "2016-01-26 00:00", "--starts", "2016-01-27 00:00")
    assert PollutionWarning.objects.count() == 0


# --- Change and lift ------------------------------------------------------------------------------


def test_downgrade_prints_same_id(lists):
    warning, _output = issue()
    output = run("downgrade", str(warning.id), "--level", "yellow", "--announced", "2026-12-06 10:00",
                 "--starts", "2026-12-06 12:00")
    warning.refresh_from_db()
    assert last_line(output) == str(warning.id)
    assert warning.level == "yellow"


def test_change_with_new_regions(lists):
    warning, _output = issue("--regions", REGION_A)
    output = run("downgrade", str(warning.id), "--level", "orange", "--announced", "2026-12-06 10:00",
                 "--starts", "2026-12-06 12:00", "--regions", f"{REGION_A},{REGION_B}")
    warning.refresh_from_db()
    assert last_line(output) == str(warning.id)
    assert warning.regions.count() == 2
    assert warning.latest_event().plan.items.count() == 2


def test_lift_with_effective_time(lists):
    warning, _output = issue()
    output = run("lift", str(warning.id), "--announced", "2026-12-08 08:30", "--starts", "2026-12-08 10:00",
                 "--number", "邢环〔2026〕15号")
    warning.refresh_from_db()
    assert last_line(output) == str(warning.id)
    assert warning.status == "lifted"
    assert warning.ends_at == at("2026-12-08 10:00")


def test_lift_defaults_to_announcement(lists):
    warning, _output = issue()
    run("lift", str(warning.id), "--announced", "2026-12-08 08:30")
    warning.refresh_from_db()
    assert warning.ends_at == at("2026-12-08 08:30")


# --- Bad input --------------------------------------------------------------------------------------


def test_bad_time_rejected(lists):
    with pytest.raises(CommandError) as info:
        run("issue", "--level", "red", "--announced", "2026-12-05 8点", "--starts", "2026-12-05 12:00")
    assert "--announced" in str(info.value)
    assert PollutionWarning.objects.count() == 0


def test_unknown_region_rejected(lists):
    with pytest.raises(CommandError) as info:
        run(*ISSUE_RED, "--regions", "桥东区,999999")
    assert "桥东区" in str(info.value)
    assert PollutionWarning.objects.count() == 0


def test_start_before_announcement_rejected(lists):
    with pytest.raises(CommandError):
        run("issue", "--level", "red", "--announced", "2026-12-05 08:00", "--starts", "2026-12-05 07:00")
    assert PollutionWarning.objects.count() == 0


def test_unknown_user_rejected(lists):
    with pytest.raises(CommandError) as info:
        run(*ISSUE_RED, "--user", "nobody")
    assert "nobody" in str(info.value)


def test_county_user_city_wide_rejected(personas, lists):
    with pytest.raises(CommandError):
        run(*ISSUE_RED, "--user", "county_a_ee_officer")
    assert PollutionWarning.objects.count() == 0


def test_unknown_warning_rejected(lists):
    with pytest.raises(CommandError) as info:
        run("lift", "999999", "--announced", "2026-12-08 08:30")
    assert "999999" in str(info.value)


def test_invisible_warning_not_found(personas, lists):
    warning, _output = issue("--regions", REGION_B)
    with pytest.raises(CommandError):
        run("lift", str(warning.id), "--announced", "2026-12-08 08:30", "--user", "county_a_ee_officer")
    warning.refresh_from_db()
    assert warning.status == "in_force"


def test_upgrade_to_lower_level_rejected(lists):
    warning, _output = issue()
    with pytest.raises(CommandError):
        run("upgrade", str(warning.id), "--level", "orange", "--announced", "2026-12-06 10:00", "--starts", "2026-12-06 12:00")
    assert warning.events.count() == 1


def test_lifted_warning_cannot_change(lists):
    warning, _output = issue()
    run("lift", str(warning.id), "--announced", "2026-12-08 08:30")
    with pytest.raises(CommandError):
        run("lift", str(warning.id), "--announced", "2026-12-08 09:30")
    assert warning.events.count() == 2


def test_bad_input_exits_non_zero(lists):
    # manage.py prints a CommandError and exits with its return code.
    with pytest.raises(CommandError) as info:
        run("issue", "--level", "red", "--announced", "2026-12-05 08:00", "--starts", "2026-12-05 07:00")
    assert info.value.returncode == 1
    assert "2026-12-05 07:00" in str(info.value)


def test_high_tech_zone_has_no_code(db):
    assert Region.objects.get(short_name="市高新区").code is None
