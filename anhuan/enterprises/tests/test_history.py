"""anhuan.core.history: audit entries rendered with action labels, field names and old → new values."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from anhuan.core import audit
from anhuan.core.history import EMPTY, format_value, history_row, history_rows, register_detail_labels
from anhuan.enterprises.models import Enterprise
from anhuan.enterprises.services import update_enterprise
from anhuan.enterprises.tests.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_rows_newest_first(personas, region_a):
    enterprise = register(region_a, "旧名称")
    update_enterprise(enterprise, actor=personas["city_ee_officer"], name="新名称")
    actions = [row.action for row in history_rows(enterprise)]
    assert actions == [str(audit.action_label("enterprise.update")), str(audit.action_label("enterprise.create"))]


def test_row_keeps_actor_and_agency(personas, region_a):
    enterprise = register(region_a, "旧名称")
    update_enterprise(enterprise, actor=personas["county_a_ee_officer"], name="新名称")
    row = history_rows(enterprise)[0]
    assert (row.actor_name, row.agency_name) == ("county_a_ee_officer", "邢台市生态环境局信都区分局")


def test_limit_cuts_rows(personas, region_a):
    enterprise = register(region_a, "名称0")
    for number in range(1, 4):
        update_enterprise(enterprise, actor=personas["city_ee_officer"], name=f"名称{number}")
    assert len(history_rows(enterprise, limit=2)) == 2


def test_action_label_in_english(english, personas, region_a):
    enterprise = register(region_a)
    assert history_rows(enterprise)[0].action == "Enterprise registered"


def test_unregistered_action_shows_code(personas, region_a):
    enterprise = register(region_a)
    entry = audit.record(personas["city_ee_officer"], "enterprise.unknown_step", enterprise)
    assert history_row(entry, Enterprise).action == "enterprise.unknown_step"


def test_field_label_is_verbose_name(english, personas, region_a):
    enterprise = register(region_a, "旧名称")
    update_enterprise(enterprise, actor=personas["city_ee_officer"], name="新名称")
    change = history_rows(enterprise)[0].changes[0]
    assert (change.label, change.old, change.new) == ("Enterprise name", "旧名称", "新名称")


def test_removed_field_shows_stored_name(personas, region_a):
    enterprise = register(region_a)
    entry = audit.record(personas["city_ee_officer"], "enterprise.update", enterprise, changes={"fax": ["1", "2"]})
    assert history_row(entry, Enterprise).changes[0].label == "fax"


def test_choice_value_shows_label(english):
    assert format_value(Enterprise, "category", "guaranteed") == "guaranteed"
    assert format_value(Enterprise, "performance_grade", "leading") == "leading"


def test_choice_value_translated():
    with translation.override("en"):
        assert format_value(Enterprise, "category", "small_micro") == "small or micro emitter"


def test_boolean_shows_yes_no(english):
    assert format_value(Enterprise, "whitelisted", True) == "Yes"
    assert format_value(Enterprise, "whitelisted", False) == "No"


def test_empty_values_show_dash():
    assert [format_value(Enterprise, "address", value) for value in (None, "", [])] == [EMPTY] * 3


def test_datetime_shown_in_shanghai_time():
    stored = dt.datetime(2025, 12, 1, 6, 0, tzinfo=dt.UTC).isoformat()
    assert format_value(Enterprise, "updated_at", stored) == "2025-12-01 14:00"


def test_list_values_joined():
    assert format_value(None, "regions", ["信都区", "沙河市"]) == "信都区、沙河市"


def test_details_rendered_with_labels(english, personas, region_a):
    enterprise = register(region_a)
    entry = audit.record(personas["city_ee_officer"], "enterprise.update", enterprise, guaranteed=True)
    assert history_row(entry, Enterprise).details == [("Guaranteed enterprise", "Yes")]


def test_known_detail_key_labelled(english, personas, region_a):
    enterprise = register(region_a)
    entry = audit.record(personas["city_ee_officer"], "enterprise.update", enterprise, file_name="list.xlsx")
    assert history_row(entry, Enterprise).details == [("file name", "list.xlsx")]


def test_registered_detail_label_used(english, personas, region_a):
    register_detail_labels({"batch": "import batch"})
    enterprise = register(region_a)
    entry = audit.record(personas["city_ee_officer"], "enterprise.update", enterprise, batch=7)
    assert history_row(entry, Enterprise).details == [("import batch", "7")]


def test_creation_shows_only_new_values(english, personas, region_a):
    enterprise = register(region_a, "新建企业")
    html = render_to_string("core/history.html", {"history": history_rows(enterprise)})
    assert '<span class="label">Enterprise name</span>：新建企业' in html
    assert "<del>" not in html


def test_template_shows_old_and_new(english, personas, region_a):
    enterprise = register(region_a, "旧名称")
    update_enterprise(enterprise, actor=personas["city_ee_officer"], name="新名称")
    html = render_to_string("core/history.html", {"history": history_rows(enterprise)})
    assert "<del>旧名称</del> → <ins>新名称</ins>" in html


def test_template_shows_local_time(english, personas, region_a):
    enterprise = register(region_a)
    row = history_rows(enterprise)[0]
    html = render_to_string("core/history.html", {"history": [row]})
    assert row.at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M") in html


def test_template_without_entries(english):
    html = render_to_string("core/history.html", {"history": []})
    assert "No changes have been recorded yet." in html
