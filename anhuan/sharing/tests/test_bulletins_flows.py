"""The three periodic flows over a frozen clock: who sends what to whom, from the period's rows."""

import pytest
from django.utils.translation import gettext as _

from anhuan.core.models import AuditEntry, Notification
from anhuan.organizations.models import Department
from anhuan.sharing.models import Bulletin, BulletinFlow
from anhuan.sharing.services.bulletins import generate_due_bulletins
from anhuan.sharing.tests.bulletin_fixtures import (  # noqa: F401
    NOW,
    PERIOD_END,
    PERIOD_START,
    REGION_A,
    REGION_B,
    ROUTE_COUNT,
    agency,
    chinese,
    period_rows,
)

pytestmark = pytest.mark.usefixtures("chinese")


def bulletin(flow, sender, receiver):
    return Bulletin.objects.get(flow=flow, sender=sender, receiver=receiver, period_start=PERIOD_START)


def table_cells(bulletin, section_index=None):
    cells = []
    sections = bulletin.content["sections"]
    for section in sections if section_index is None else [sections[section_index]]:
        for row in section.get("table", {}).get("rows", []):
            cells.extend(row)
    return cells


def test_generation_writes_every_route(period_rows):
    result = generate_due_bulletins(NOW)
    assert result.created == ROUTE_COUNT
    assert Bulletin.objects.count() == ROUTE_COUNT


def test_generation_uses_last_complete_week(period_rows):
    generate_due_bulletins(NOW)
    stored = Bulletin.objects.order_by().values_list("period_start", "period_end").distinct()
    assert list(stored) == [(PERIOD_START, PERIOD_END)]


def test_warnings_flow_goes_city_environment_to_emergency(period_rows):
    generate_due_bulletins(NOW)
    found = Bulletin.objects.filter(flow=BulletinFlow.WARNINGS_AND_REDUCTION).get()
    assert (found.sender, found.receiver) == (agency(Department.ENVIRONMENT), agency(Department.EMERGENCY))


def test_warnings_flow_reports_period_events_only(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.WARNINGS_AND_REDUCTION, agency(Department.ENVIRONMENT), agency(Department.EMERGENCY))
    assert found.content["counts"] == {"events": 1}


def test_warnings_flow_gives_plan_figures_by_region(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.WARNINGS_AND_REDUCTION, agency(Department.ENVIRONMENT), agency(Department.EMERGENCY))
    event_section = found.content["sections"][1]
    # Region, items, enterprises, then the safety flags: lead time, on-site guidance, non-interruptible.
    assert event_section["table"]["rows"] == [["信都区", "2", "2", "0", "1", "0"]]


def test_warnings_flow_names_confirmations(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.WARNINGS_AND_REDUCTION, agency(Department.ENVIRONMENT), agency(Department.EMERGENCY))
    paragraphs = found.content["sections"][1]["paragraphs"]
    confirmed = _("%(agency)s confirmed the plan: %(leader)s, %(time)s.") % {
        "agency": "邢台市生态环境局", "leader": "系统", "time": "2026-03-04 09:30",
    }
    missing = _("The %(department)s department has not confirmed the plan.") % {"department": Department.EMERGENCY.label}
    assert confirmed in paragraphs
    assert missing in paragraphs


def test_facilities_flow_lists_new_key_first(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.NEW_ENV_FACILITIES, agency(Department.ENVIRONMENT, REGION_A),
                     agency(Department.EMERGENCY, REGION_A))
    new_rows = found.content["sections"][0]["table"]["rows"]
    assert [row[2] for row in new_rows] == ["1号布袋除尘器", "活性炭吸附装置"]


def test_facilities_flow_lists_upgrades_separately(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.NEW_ENV_FACILITIES, agency(Department.ENVIRONMENT, REGION_A),
                     agency(Department.EMERGENCY, REGION_A))
    upgraded_rows = found.content["sections"][1]["table"]["rows"]
    assert [row[2] for row in upgraded_rows] == ["污水处理站"]


def test_facilities_flow_omits_old_and_other_regions(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.NEW_ENV_FACILITIES, agency(Department.ENVIRONMENT, REGION_A),
                     agency(Department.EMERGENCY, REGION_A))
    cells = table_cells(found)
    assert "2号脱硫塔" not in cells
    assert "熔窑脱硝装置" not in cells


def test_facilities_flow_counts_key_facilities(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.NEW_ENV_FACILITIES, agency(Department.ENVIRONMENT, REGION_A),
                     agency(Department.EMERGENCY, REGION_A))
    assert found.content["counts"] == {"new": 2, "upgraded": 1, "key": 2}


def test_safety_flow_goes_emergency_to_environment(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.SAFETY_RISKS, agency(Department.EMERGENCY, REGION_A),
                     agency(Department.ENVIRONMENT, REGION_A))
    assert found.content["counts"] == {"enforcement": 1, "safety_facilities": 1, "onsite": 1}


def test_safety_flow_reports_emergency_findings_only(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.SAFETY_RISKS, agency(Department.EMERGENCY, REGION_A),
                     agency(Department.ENVIRONMENT, REGION_A))
    cells = table_cells(found)
    assert "储罐区可燃气体报警器失效" in cells
    assert "废气超标排放" not in cells
    assert "旧检查记录" not in cells


def test_safety_flow_includes_onsite_risks(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.SAFETY_RISKS, agency(Department.EMERGENCY, REGION_A),
                     agency(Department.ENVIRONMENT, REGION_A))
    assert "停炉降温过程可能发生煤气泄漏" in table_cells(found)


def test_city_safety_flow_covers_whole_city(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.SAFETY_RISKS, agency(Department.EMERGENCY), agency(Department.ENVIRONMENT))
    assert found.content["counts"]["enforcement"] == 1


def test_empty_flow_still_sends_saying_so(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.SAFETY_RISKS, agency(Department.EMERGENCY, REGION_B),
                     agency(Department.ENVIRONMENT, REGION_B))
    assert found.content["empty"] is True
    assert found.content["sections"] == []


def test_empty_flow_body_names_region(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.SAFETY_RISKS, agency(Department.EMERGENCY, REGION_B),
                     agency(Department.ENVIRONMENT, REGION_B))
    assert "沙河市" in found.body


def test_document_number_uses_short_code(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.WARNINGS_AND_REDUCTION, agency(Department.ENVIRONMENT), agency(Department.EMERGENCY))
    assert found.document_number == "邢环通〔2026〕1号"


def test_document_number_derived_without_short_code(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.SAFETY_RISKS, agency(Department.EMERGENCY, REGION_A),
                     agency(Department.ENVIRONMENT, REGION_A))
    assert found.document_number == "信都应急通〔2026〕1号"


def test_document_numbers_run_per_sender_and_year(period_rows):
    generate_due_bulletins(NOW)
    generate_due_bulletins(NOW.replace(day=18))
    numbers = list(
        Bulletin.objects.filter(sender=agency(Department.ENVIRONMENT), flow=BulletinFlow.WARNINGS_AND_REDUCTION)
        .order_by("period_start").values_list("document_number", flat=True)
    )
    assert numbers == ["邢环通〔2026〕1号", "邢环通〔2026〕2号"]


def test_each_bulletin_notifies_receiver_staff_once(period_rows, personas):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.SAFETY_RISKS, agency(Department.EMERGENCY, REGION_A),
                     agency(Department.ENVIRONMENT, REGION_A))
    recipients = set(Notification.objects.filter(digest_key=f"bulletin:{found.pk}").values_list("recipient__username", flat=True))
    assert recipients == {"county_a_ee_officer", "county_a_ee_leader"}


def test_each_bulletin_records_send_audit(period_rows):
    generate_due_bulletins(NOW)
    assert AuditEntry.objects.filter(action="bulletin.send").count() == ROUTE_COUNT


def test_remind_at_follows_policy_delay(period_rows):
    generate_due_bulletins(NOW)
    found = bulletin(BulletinFlow.WARNINGS_AND_REDUCTION, agency(Department.ENVIRONMENT), agency(Department.EMERGENCY))
    assert (found.remind_at - found.sent_at).total_seconds() == 24 * 3600
