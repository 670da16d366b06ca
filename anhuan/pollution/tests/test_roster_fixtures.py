"""Duty roster test data: a city-wide warning in force, three enterprises in two regions, two contacts.

Test modules import the fixtures they use by name, e.g.
``from anhuan.pollution.tests.test_roster_fixtures import world  # noqa: F401``.
This module contains no tests.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from anhuan.pollution.domain.rosters import Shift
from anhuan.pollution.tests.consultation_fixtures import REGION_A, REGION_B, add_item, make_enterprise, make_event
from conftest import make_user


def day_shifts(starts_at, hours=(8, 8, 8), **fields):
    """Return back-to-back valid shifts from ``starts_at`` lasting ``hours`` each."""
    values = dict(person_name="张值班", person_phone="13800138000", leader_name="李厂长", leader_phone="0319-2345678")
    values.update(fields)
    shifts = []
    start = starts_at
    for length in hours:
        end = start + dt.timedelta(hours=length)
        shifts.append(Shift(starts_at=start, ends_at=end, **values))
        start = end
    return shifts


@pytest.fixture
def world(db):
    """A warning starting in ten hours; ``chemical`` and ``brick`` in 信都区, ``glass`` in 沙河市.

    ``outsider`` (信都区) has no plan item. ``chemical_contact`` and ``glass_contact`` are the
    contacts of the chemical works and the glass works.
    """
    now = timezone.now()
    event = make_event(announced_at=now, starts_at=now + dt.timedelta(hours=10))
    chemical = make_enterprise("信都化工有限公司", REGION_A)
    glass = make_enterprise("沙河玻璃有限公司", REGION_B)
    brick = make_enterprise("信都砖瓦有限公司", REGION_A)
    outsider = make_enterprise("信都无关有限公司", REGION_A)
    add_item(event, chemical, production_line="合成氨装置")
    add_item(event, chemical, production_line="尿素装置")
    add_item(event, glass, production_line="2号熔窑", measure_type="limit", limit_percent=30)
    add_item(event, brick, production_line="隧道窑")
    return SimpleNamespace(
        event=event,
        warning=event.warning,
        chemical=chemical,
        glass=glass,
        brick=brick,
        outsider=outsider,
        chemical_contact=make_user("chemical_contact", enterprise=chemical),
        glass_contact=make_user("glass_contact", enterprise=glass),
        outsider_contact=make_user("outsider_contact", enterprise=outsider),
        shifts=day_shifts(event.warning.starts_at - dt.timedelta(hours=1)),
    )
