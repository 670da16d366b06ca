"""Ad-hoc measures: who may add them, the non-interruptible rule, the page and the command."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.models import AuditEntry, Notification
from anhuan.core.notifications import render
from anhuan.pollution.models import AdhocMeasure, ReductionPlan
from anhuan.pollution.services.adhoc import add_adhoc_measure
from anhuan.pollution.services.portal import portal_overview
from anhuan.pollution.tests.consultation_fixtures import city_event, make_event  # noqa: F401
from conftest import make_user


def add(item, actor, measure_type="limit", limit_percent=50, reason="空气质量持续恶化"):
    return add_adhoc_measure(
        item, actor=actor, measure_type=measure_type, limit_percent=limit_percent, reason=reason,
        effective_at=item.plan.event.starts_at + dt.timedelta(hours=2),
    )


@pytest.mark.parametrize("persona", ["city_em_officer", "city_ee_officer", "county_b_em_officer", "county_b_ee_officer"])
def test_officers_of_both_departments_add(city_event, personas, persona):
    measure = add(city_event.items["glass"], personas[persona])
    assert measure.production_line == "2号熔窑"
    assert measure.limit_percent == Decimal("50")
    assert measure.event == city_event


def test_measure_is_audited(city_event, personas):
    measure = add(city_event.items["glass"], personas["city_em_officer"])
    entry = AuditEntry.objects.get(action="adhoc_measure.add")
    assert entry.object_id == str(measure.pk)
    assert entry.data["reason"] == "空气质量持续恶化"


def test_other_county_is_out_of_scope(city_event, personas):
    with pytest.raises(OutOfScope):
        add(city_event.items["glass"], personas["county_a_em_officer"])
    assert AdhocMeasure.objects.count() == 0


@pytest.mark.parametrize("persona", ["city_expert", "system_admin"])
def test_experts_and_admins_not_permitted(city_event, personas, persona):
    with pytest.raises(NotPermitted):
        add(city_event.items["glass"], personas[persona])


def test_non_interruptible_stricter_rejected(city_event, personas):
    # The steel works is non-interruptible with a listed limit of 30 %.
    item = city_event.items["steel"]
    item.measure_type, item.limit_percent = "limit", Decimal("30")
    item.save()
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        add(item, personas["city_em_officer"], measure_type="halt", limit_percent=None)
    assert "non-interruptible processes" in str(caught.value.message)
    assert AdhocMeasure.objects.count() == 0


def test_non_interruptible_rejection_in_chinese(city_event, personas):
    item = city_event.items["steel"]
    item.measure_type, item.limit_percent = "limit", Decimal("30")
    item.save()
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as caught:
        add(item, personas["city_em_officer"], measure_type="limit", limit_percent=60)
    assert "信都钢铁有限公司" in str(caught.value.message)
    assert "不可中断" in str(caught.value.message)


def test_non_interruptible_within_listed_allowed(city_event, personas):
    item = city_event.items["steel"]
    item.measure_type, item.limit_percent = "limit", Decimal("30")
    item.save()
    measure = add(item, personas["city_em_officer"], measure_type="limit", limit_percent=20)
    assert measure.limit_percent == Decimal("20")


def test_enterprise_flag_alone_rejects(city_event, personas):
    item = city_event.items["brick"]
    item.enterprise.non_interruptible = True
    item.enterprise.save()
    item.measure_type, item.limit_percent = "limit", Decimal("10")
    item.save()
    with pytest.raises(ValidationFailed):
        add(item, personas["city_em_officer"], measure_type="limit", limit_percent=40)


def test_frozen_plan_accepts_measure(city_event, personas):
    ReductionPlan.objects.filter(pk=city_event.plan.pk).update(frozen=True)
    assert add(city_event.items["glass"], personas["city_em_officer"]).pk


def test_lifted_warning_rejected(city_event, personas):
    city_event.warning.status = "lifted"
    city_event.warning.save()
    with pytest.raises(ValidationFailed):
        add(city_event.items["glass"], personas["city_em_officer"])


def test_replaced_event_rejected(city_event, personas):
    make_event(level="red", kind="upgrade", warning=city_event.warning)
    with pytest.raises(ValidationFailed):
        add(city_event.items["glass"], personas["city_em_officer"])


@pytest.mark.parametrize(
    ("measure_type", "limit_percent", "reason"),
    [("autonomous", None, "原因"), ("limit", None, "原因"), ("limit", 0, "原因"), ("limit", 120, "原因"), ("limit", "abc", "原因"), ("halt", None, "  ")],
)
def test_invalid_input_rejected(city_event, personas, measure_type, limit_percent, reason):
    with pytest.raises(ValidationFailed):
        add(city_event.items["glass"], personas["city_em_officer"], measure_type, limit_percent, reason)


def test_halt_drops_limit(city_event, personas):
    measure = add(city_event.items["brick"], personas["city_em_officer"], measure_type="halt", limit_percent=40)
    assert measure.limit_percent is None


def test_contacts_notified_and_see_measure(city_event, personas):
    contact = make_user("glass_contact", enterprise=city_event.items["glass"].enterprise)
    other = make_user("steel_contact", enterprise=city_event.items["steel"].enterprise)
    add(city_event.items["glass"], personas["city_em_officer"])
    notification = Notification.objects.get(recipient=contact)
    with translation.override("en"):
        assert "2号熔窑" in render(notification)
    assert not Notification.objects.filter(recipient=other).exists()
    _enterprise, views = portal_overview(contact)
    assert len(views[0].adhoc_measures) == 1
    _enterprise, other_views = portal_overview(other)
    assert other_views[0].adhoc_measures == []


# --- Page -------------------------------------------------------------------------------


@pytest.fixture
def signed_in(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_page_adds_measure(signed_in, city_event, personas):
    url = reverse("pollution:adhoc-new", args=[city_event.items["glass"].pk])
    response = signed_in(personas["city_ee_officer"]).post(
        url, {"measure_type": "limit", "limit_percent": "40", "reason": "臭氧超标", "effective_at": "2026-12-06 08:00"}
    )
    assert response.status_code == 302
    measure = AdhocMeasure.objects.get()
    assert measure.effective_at == dt.datetime.fromisoformat("2026-12-06T08:00:00+08:00")


def test_page_allows_listed_halt(signed_in, city_event, personas):
    item = city_event.items["steel"]
    response = signed_in(personas["city_em_officer"]).post(
        reverse("pollution:adhoc-new", args=[item.pk]),
        {"measure_type": "halt", "reason": "加严", "effective_at": "2026-12-06 08:00"},
    )
    # The listed measure is a halt, so a halt is not stricter and passes.
    assert response.status_code == 302


def test_page_rejects_stricter_on_non_interruptible(signed_in, city_event, personas):
    item = city_event.items["steel"]
    item.measure_type, item.limit_percent = "limit", Decimal("30")
    item.save()
    response = signed_in(personas["city_em_officer"]).post(
        reverse("pollution:adhoc-new", args=[item.pk]),
        {"measure_type": "halt", "reason": "加严", "effective_at": "2026-12-06 08:00"},
    )
    assert response.status_code == 400
    assert "non-interruptible processes" in response.content.decode()


def test_page_out_of_scope_404(signed_in, city_event, personas):
    response = signed_in(personas["county_a_em_officer"]).get(reverse("pollution:adhoc-new", args=[city_event.items["glass"].pk]))
    assert response.status_code == 404


def test_page_forbidden_to_contacts(signed_in, city_event):
    contact = make_user("glass_contact", enterprise=city_event.items["glass"].enterprise)
    response = signed_in(contact).get(reverse("pollution:adhoc-new", args=[city_event.items["glass"].pk]))
    assert response.status_code == 403


# --- Command ------------------------------------------------------------------------------


def test_command_adds_measure(city_event, personas, capsys):
    call_command(
        "adhoc_measure", str(city_event.items["glass"].pk), "--type", "limit", "--limit", "60",
        "--reason", "夜间加严", "--effective", "2026-12-06 20:00", "--user", "city_em_officer",
    )
    measure = AdhocMeasure.objects.get()
    assert capsys.readouterr().out.strip().splitlines()[-1] == str(measure.pk)
    assert measure.added_by == personas["city_em_officer"]


def test_command_prints_chinese_rejection(city_event, personas):
    item = city_event.items["steel"]
    item.measure_type, item.limit_percent = "limit", Decimal("30")
    item.save()
    with translation.override("zh-hans"), pytest.raises(CommandError) as caught:
        call_command("adhoc_measure", str(item.pk), "--type", "halt", "--reason", "加严", "--user", "city_em_officer")
    assert "信都钢铁有限公司" in str(caught.value)
    assert "不可中断" in str(caught.value)
    assert AdhocMeasure.objects.count() == 0


def test_command_rejects_unknown_item(db, personas):
    with pytest.raises(CommandError):
        call_command("adhoc_measure", "999999", "--type", "halt", "--reason", "x", "--user", "city_em_officer")
