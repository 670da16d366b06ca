"""The enterprise portal: overview, receipt confirmation, isolation between enterprises, staff receipts."""

import pytest
from django.urls import reverse

from anhuan.core.models import AuditEntry, Notification
from anhuan.core.todo import todo_for
from anhuan.pollution.models import DutyRoster, MeasureReceipt
from anhuan.pollution.services.portal import confirm_receipt, portal_overview, receipts_for_event
from anhuan.pollution.tests.consultation_fixtures import city_event, make_event  # noqa: F401
from conftest import make_user


@pytest.fixture
def contacts(city_event):
    return {
        "steel": make_user("steel_contact", enterprise=city_event.items["steel"].enterprise),
        "glass": make_user("glass_contact", enterprise=city_event.items["glass"].enterprise),
    }


@pytest.fixture
def signed_in(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_overview_shows_own_items_only(contacts, city_event):
    enterprise, views = portal_overview(contacts["steel"])
    assert enterprise.name == "信都钢铁有限公司"
    assert len(views) == 1
    assert [item.production_line for item in views[0].items] == ["1号转炉"]


def test_portal_home_shows_enterprise_and_items(signed_in, contacts, city_event):
    html = signed_in(contacts["steel"]).get(reverse("pollution:portal-home")).content.decode()
    assert city_event.items["steel"].credit_code in html
    assert "1号转炉" in html
    assert 'data-flag="non_interruptible"' in html
    assert "2号熔窑" not in html


def test_portal_home_in_chinese(client, contacts, city_event):
    client.force_login(contacts["glass"])
    html = client.get(reverse("pollution:portal-home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2号熔窑" in html
    assert "限产" in html


def test_home_redirects_contact_to_portal(signed_in, contacts):
    response = signed_in(contacts["steel"]).get(reverse("home"))
    assert response.url == reverse("pollution:portal-home")


@pytest.mark.parametrize("persona", ["city_em_officer", "county_a_ee_officer", "system_admin"])
def test_staff_cannot_open_portal(signed_in, personas, persona):
    response = signed_in(personas[persona]).get(reverse("pollution:portal-home"))
    assert response.status_code == 403


def test_receipt_confirmed_and_audited(signed_in, contacts, city_event):
    response = signed_in(contacts["steel"]).post(reverse("pollution:portal-receipt", args=[city_event.id]))
    assert response.status_code == 302
    receipt = MeasureReceipt.objects.get(event=city_event)
    assert receipt.enterprise == city_event.items["steel"].enterprise
    assert receipt.acknowledged_by == contacts["steel"]
    assert AuditEntry.objects.filter(action="portal.receipt", object_id=str(receipt.pk)).count() == 1


def test_receipt_is_idempotent(contacts, city_event):
    first, created = confirm_receipt(contacts["steel"], city_event.id)
    second, created_again = confirm_receipt(contacts["steel"], city_event.id)
    assert created is True
    assert created_again is False
    assert first.pk == second.pk
    assert AuditEntry.objects.filter(action="portal.receipt").count() == 1


def test_second_receipt_says_already_confirmed(signed_in, contacts, city_event):
    client = signed_in(contacts["steel"])
    client.post(reverse("pollution:portal-receipt", args=[city_event.id]))
    response = client.post(reverse("pollution:portal-receipt", args=[city_event.id]), follow=True)
    assert "Receipt was already confirmed on" in response.content.decode()


def test_receipt_notifies_nobody(contacts, city_event):
    confirm_receipt(contacts["steel"], city_event.id)
    assert Notification.objects.count() == 0


def test_receipt_needs_post(signed_in, contacts, city_event):
    response = signed_in(contacts["steel"]).get(reverse("pollution:portal-receipt", args=[city_event.id]))
    assert response.status_code == 405


def test_receipt_of_uncovered_warning_404(signed_in, contacts):
    other = make_event(level="yellow", region_codes=["130582"])
    response = signed_in(contacts["steel"]).post(reverse("pollution:portal-receipt", args=[other.id]))
    assert response.status_code == 404


def test_receipt_rejected_for_replaced_event(contacts, city_event):
    make_event(level="red", kind="upgrade", warning=city_event.warning)
    from anhuan.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        confirm_receipt(contacts["steel"], city_event.id)


def test_receipt_rejected_without_measures(city_event):
    from anhuan.core.errors import ValidationFailed
    from anhuan.pollution.tests.consultation_fixtures import make_enterprise

    contact = make_user("idle_contact", enterprise=make_enterprise("无措施企业有限公司", "130503"))
    with pytest.raises(ValidationFailed):
        confirm_receipt(contact, city_event.id)


def test_staff_cannot_confirm_receipt(signed_in, personas, city_event):
    response = signed_in(personas["city_em_officer"]).post(reverse("pollution:portal-receipt", args=[city_event.id]))
    assert response.status_code == 403


def test_checklist_shows_states(signed_in, contacts, city_event):
    DutyRoster.objects.create(
        warning=city_event.warning, enterprise=city_event.items["steel"].enterprise,
        region=city_event.items["steel"].region, status=DutyRoster.Status.SUBMITTED,
    )
    html = signed_in(contacts["steel"]).get(reverse("pollution:portal-home")).content.decode()
    assert 'data-expectation="receipt"' in html
    assert 'data-expectation="shutdown_plan"' in html
    assert 'data-expectation="response_plan"' in html
    assert 'data-expectation="roster"' in html
    assert 'data-expectation="maintenance"' in html
    assert "submitted" in html


def test_contact_never_sees_other_roster(contacts, city_event):
    DutyRoster.objects.create(
        warning=city_event.warning, enterprise=city_event.items["glass"].enterprise,
        region=city_event.items["glass"].region, status=DutyRoster.Status.CONFIRMED,
    )
    _enterprise, views = portal_overview(contacts["steel"])
    assert views[0].roster is None


def test_receipt_todo_until_confirmed(contacts, city_event):
    kinds = [item.kind for item in todo_for(contacts["steel"])]
    assert kinds == ["portal.receipt"]
    confirm_receipt(contacts["steel"], city_event.id)
    assert todo_for(contacts["steel"]) == []


# --- Staff list of receipts ---------------------------------------------------------------


def test_receipts_list_marks_confirmed(contacts, city_event, personas):
    confirm_receipt(contacts["steel"], city_event.id)
    rows = receipts_for_event(city_event, personas["city_em_officer"])
    confirmed = {row.enterprise_name for row in rows if row.receipt}
    assert confirmed == {"信都钢铁有限公司"}
    assert len(rows) == 4
    assert rows[-1].receipt is not None


def test_receipts_list_scoped_to_county(contacts, city_event, personas):
    rows = receipts_for_event(city_event, personas["county_b_ee_officer"])
    assert {row.enterprise_name for row in rows} == {"沙河玻璃有限公司", "沙河砖瓦有限公司"}


def test_receipt_page_for_staff(signed_in, contacts, city_event, personas):
    confirm_receipt(contacts["glass"], city_event.id)
    html = signed_in(personas["county_b_em_officer"]).get(reverse("pollution:receipt-list", args=[city_event.id])).content.decode()
    assert "1 confirmed, 1 not confirmed" in html
    assert "信都钢铁有限公司" not in html


def test_receipt_page_out_of_scope_404(signed_in, personas):
    event = make_event(level="yellow", region_codes=["130503"])
    response = signed_in(personas["county_b_em_officer"]).get(reverse("pollution:receipt-list", args=[event.id]))
    assert response.status_code == 404


def test_receipt_page_forbidden_to_contacts(signed_in, contacts, city_event):
    response = signed_in(contacts["steel"]).get(reverse("pollution:receipt-list", args=[city_event.id]))
    assert response.status_code == 403
