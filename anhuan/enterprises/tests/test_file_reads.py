"""The read functions behind the enterprise file: follow-up state, bulletin mentions, scope."""

import datetime as dt
from types import SimpleNamespace

import pytest

from conftest import REGION_A
from anhuan.enterprises.tests.file_data import agency, fill_file
from anhuan.organizations.models import Department
from anhuan.organizations.services import get_system_user
from anhuan.pollution import reads as pollution_reads
from anhuan.pollution.tests.consultation_fixtures import make_enterprise
from anhuan.sharing import reads as sharing_reads
from anhuan.sharing.models import Bulletin

TODAY = dt.date(2026, 3, 10)


def record(measure, deadline=None, result="", rectified_on=None):
    return SimpleNamespace(
        measure=measure, rectification_deadline=deadline, rectification_result=result, rectified_on=rectified_on,
    )


FOLLOW_UP_CASES = [
    ("fine past deadline", record("fine", TODAY - dt.timedelta(days=1)), sharing_reads.NO_FOLLOW_UP),
    ("order past deadline", record("order_rectify", TODAY - dt.timedelta(days=30)), sharing_reads.NO_FOLLOW_UP),
    ("fine due today", record("fine", TODAY), sharing_reads.PENDING),
    ("fine result without date", record("fine", TODAY - dt.timedelta(days=1), result="已整改到位"), sharing_reads.NO_FOLLOW_UP),
    ("fine rectified date", record("fine", TODAY - dt.timedelta(days=1), rectified_on=TODAY), sharing_reads.RECTIFIED),
    ("fine without deadline", record("suspension"), sharing_reads.NO_DEADLINE),
    ("soft measure", record("education"), sharing_reads.NOT_REQUIRED),
    ("soft past deadline", record("admin_guidance", TODAY - dt.timedelta(days=1)), sharing_reads.OVERDUE),
    ("no measure", record("none"), sharing_reads.NOT_REQUIRED),
    ("blank result ignored", record("fine", TODAY - dt.timedelta(days=1), result="  "), sharing_reads.NO_FOLLOW_UP),
]


@pytest.mark.parametrize("case, row, expected", FOLLOW_UP_CASES, ids=[case[0] for case in FOLLOW_UP_CASES])
def test_follow_up_state_cases(case, row, expected):
    assert sharing_reads.follow_up_state(row, TODAY) == expected


@pytest.mark.parametrize("measure, hard", [("fine", True), ("order_rectify", True), ("education", False),
                                           ("admin_interview", False), ("none", False)])
def test_hard_measure_classification(measure, hard):
    assert sharing_reads.is_hard_measure(measure) is hard


@pytest.fixture
def works(db):
    return make_enterprise("信都通报测试化工有限公司", REGION_A)


def bulletin(title, body="", content=None):
    """Create an ad-hoc bulletin from city emergency to city environment."""
    sender = agency(Department.EMERGENCY)
    receiver = agency(Department.ENVIRONMENT)
    return Bulletin.objects.create(
        flow="adhoc", sender=sender, receiver=receiver, title=title, body=body, content=content or {},
        created_by=get_system_user(), sent_at=dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc),
    )


def test_bulletin_found_by_credit_code(personas, works):
    bulletin("安全风险通报", body=f"涉及企业信用代码{works.credit_code}。")

    found = sharing_reads.get_bulletins(personas["city_em_officer"], works)

    assert [item.title for item in found] == ["安全风险通报"]


def test_bulletin_found_by_name_in_content(personas, works):
    bulletin("周通报", content={"rows": [{"name": works.name, "risk": "较大"}]})

    found = sharing_reads.get_bulletins(personas["city_em_officer"], works)

    assert len(found) == 1


def test_bulletin_found_by_name_in_title(personas, works):
    bulletin(f"关于{works.name}的通报")

    assert len(sharing_reads.get_bulletins(personas["city_ee_officer"], works)) == 1


def test_bulletin_of_other_enterprise_ignored(personas, works):
    bulletin("周通报", content={"rows": [{"name": "沙河某玻璃有限公司"}]})

    assert sharing_reads.get_bulletins(personas["city_em_officer"], works) == []


def test_county_bulletin_hidden_from_other_county(personas, works):
    sender = agency(Department.ENVIRONMENT, works.region)
    receiver = agency(Department.EMERGENCY, works.region)
    Bulletin.objects.create(
        flow="adhoc", sender=sender, receiver=receiver, title=works.name, created_by=get_system_user(),
        sent_at=dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc),
    )

    assert sharing_reads.get_bulletins(personas["county_b_em_officer"], works) == []


def test_register_rows_hidden_outside_scope(personas, works):
    fill_file(works)

    assert sharing_reads.get_enforcement_records(personas["county_b_ee_officer"], works) == []
    assert len(sharing_reads.get_enforcement_records(personas["county_a_em_officer"], works)) == 1


def test_pollution_rows_hidden_outside_scope(personas, works):
    fill_file(works)

    assert pollution_reads.get_rosters(personas["county_b_em_officer"], works) == []
    assert len(pollution_reads.get_rosters(personas["county_a_em_officer"], works)) == 1


def test_roster_counts_its_shifts(personas, works):
    fill_file(works)

    roster = pollution_reads.get_rosters(personas["city_em_officer"], works)[0]

    assert roster.shift_count == 1
