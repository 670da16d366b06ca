"""Warning pages: the permission matrix, forms, filters and the timeline."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext

from anhuan.core.timeutil import parse_local_datetime
from anhuan.organizations.models import Role
from anhuan.organizations.services import get_system_user
from anhuan.pollution.models import PollutionWarning
from anhuan.pollution.services.warnings import issue_warning, lift_warning
from anhuan.pollution.tests.factories import make_enterprise, make_list
from conftest import REGION_A, REGION_B, make_user

ALL_PERSONAS = [
    "city_ee_officer", "city_ee_leader", "city_em_officer", "city_em_leader",
    "county_a_ee_officer", "county_a_em_officer", "county_a_ee_leader", "county_a_em_leader",
    "county_b_ee_officer", "county_b_em_officer", "city_expert", "system_admin", "audit_admin",
]
ENVIRONMENT_ACTORS = {"city_ee_officer", "city_ee_leader", "county_a_ee_officer", "county_a_ee_leader", "county_b_ee_officer"}
ADMINISTRATORS = {"system_admin", "audit_admin"}
COUNTY_B = {"county_b_ee_officer", "county_b_em_officer"}


def at(text):
    return parse_local_datetime(text)


@pytest.fixture
def region_a_warning(db, region_a):
    make_list(2026, [dict(enterprise=dict(name="信都焦化有限公司", region=REGION_A), safe_shutdown_hours=6)])
    return issue_warning(
        actor=get_system_user(), level="orange", announced_at=at("2026-12-05 06:00"),
        starts_at=at("2026-12-05 10:00"), regions=[region_a], document_number="邢环〔2026〕12号",
    )


@pytest.fixture
def city_warning(db):
    return issue_warning(actor=get_system_user(), level="red", announced_at=at("2026-11-20 06:00"), starts_at=at("2026-11-20 10:00"))


@pytest.fixture
def lifted_city_warning(db):
    """A red city-wide warning of November, already lifted, so other warnings may be issued."""
    warning = issue_warning(actor=get_system_user(), level="red", announced_at=at("2026-11-20 06:00"), starts_at=at("2026-11-20 10:00"))
    return lift_warning(warning, actor=get_system_user(), announced_at=at("2026-11-25 06:00"))


def as_user(client, user):
    client.force_login(user)
    return client


def html(response):
    return response.content.decode()


# --- Permission matrix ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_list_matrix(client, personas, persona):
    response = as_user(client, personas[persona]).get(reverse("pollution:warning-list"))
    assert response.status_code == (403 if persona in ADMINISTRATORS else 200)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_new_button_matrix(client, personas, persona):
    response = as_user(client, personas[persona]).get(reverse("pollution:warning-list"))
    shown = reverse("pollution:warning-issue") in html(response)
    assert shown is (persona in ENVIRONMENT_ACTORS)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_detail_matrix(client, personas, region_a_warning, persona):
    response = as_user(client, personas[persona]).get(reverse("pollution:warning-detail", args=[region_a_warning.pk]))
    if persona in ADMINISTRATORS:
        expected = 403
    elif persona in COUNTY_B:
        expected = 404
    else:
        expected = 200
    assert response.status_code == expected


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_city_wide_detail_matrix(client, personas, city_warning, persona):
    response = as_user(client, personas[persona]).get(reverse("pollution:warning-detail", args=[city_warning.pk]))
    assert response.status_code == (403 if persona in ADMINISTRATORS else 200)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_issue_page_matrix(client, personas, persona):
    response = as_user(client, personas[persona]).get(reverse("pollution:warning-issue"))
    assert response.status_code == (200 if persona in ENVIRONMENT_ACTORS else 403)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_change_page_matrix(client, personas, region_a_warning, persona):
    response = as_user(client, personas[persona]).get(reverse("pollution:warning-change", args=[region_a_warning.pk]))
    if persona in COUNTY_B:
        expected = 404
    elif persona in ENVIRONMENT_ACTORS:
        expected = 200
    else:
        expected = 403
    assert response.status_code == expected


@pytest.mark.parametrize("persona", [name for name in ALL_PERSONAS if name not in ADMINISTRATORS | COUNTY_B])
def test_change_button_matrix(client, personas, region_a_warning, persona):
    response = as_user(client, personas[persona]).get(reverse("pollution:warning-detail", args=[region_a_warning.pk]))
    shown = reverse("pollution:warning-change", args=[region_a_warning.pk]) in html(response)
    assert shown is (persona in ENVIRONMENT_ACTORS)


@pytest.mark.parametrize("persona", sorted(set(ALL_PERSONAS) - ENVIRONMENT_ACTORS))
def test_issue_post_forbidden(client, personas, persona):
    response = as_user(client, personas[persona]).post(reverse("pollution:warning-issue"), issue_data())
    assert response.status_code == 403
    assert PollutionWarning.objects.count() == 0


def test_forbidden_page_gives_reason(client, personas):
    response = as_user(client, personas["city_em_officer"]).get(reverse("pollution:warning-issue"))
    expected = gettext("Only officers and leaders of the ecology and environment department may issue warnings.")
    assert expected in html(response)


def test_anonymous_redirected_to_login(client, db):
    response = client.get(reverse("pollution:warning-list"))
    assert response.status_code == 302


def test_county_officer_cannot_change_city_wide(client, personas, city_warning):
    response = as_user(client, personas["county_a_ee_officer"]).get(reverse("pollution:warning-change", args=[city_warning.pk]))
    assert response.status_code == 403


def test_enterprise_contact_uses_portal_not_warnings(client, region_a_warning):
    contact = make_user("contact", role=Role.ENTERPRISE, enterprise=make_enterprise(region=REGION_A))
    assert as_user(client, contact).get(reverse("pollution:warning-list")).status_code == 403
    assert as_user(client, contact).get(reverse("pollution:warning-detail", args=[region_a_warning.pk])).status_code == 403


# --- Issuing ----------------------------------------------------------------------------------------------


def issue_data(**overrides):
    data = {
        "level": "red",
        "whole_city": "on",
        "announced_at": "2026-12-05T08:00",
        "starts_at": "2026-12-05T12:00",
        "ends_at": "",
        "document_number": "邢环〔2026〕20号",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_issue_post_creates_warning(client, personas):
    response = as_user(client, personas["city_ee_officer"]).post(reverse("pollution:warning-issue"), issue_data())
    warning = PollutionWarning.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("pollution:warning-detail", args=[warning.pk])
    assert warning.starts_at == at("2026-12-05 12:00")
    assert warning.whole_city is True


def test_issue_post_for_regions(client, personas, region_a, region_b):
    data = issue_data(whole_city=None, regions=[str(region_a.pk), str(region_b.pk)])
    as_user(client, personas["city_ee_officer"]).post(reverse("pollution:warning-issue"), data)
    assert set(PollutionWarning.objects.get().regions.all()) == {region_a, region_b}


def test_county_form_offers_own_region(client, personas, region_a):
    response = as_user(client, personas["county_a_ee_officer"]).get(reverse("pollution:warning-issue"))
    form = response.context["form"]
    assert "whole_city" not in form.fields
    assert list(form.fields["regions"].queryset) == [region_a]


def test_county_post_for_other_region_rejected(client, personas, region_b):
    data = issue_data(whole_city=None, regions=[str(region_b.pk)])
    response = as_user(client, personas["county_a_ee_officer"]).post(reverse("pollution:warning-issue"), data)
    assert response.status_code == 200
    assert "regions" in response.context["form"].errors
    assert PollutionWarning.objects.count() == 0


def test_start_before_announcement_shown_beside_field(client, personas):
    data = issue_data(starts_at="2026-12-05T07:00")
    response = as_user(client, personas["city_ee_officer"]).post(reverse("pollution:warning-issue"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"]
    assert 'id="id_starts_at-errors"' in html(response)
    assert PollutionWarning.objects.count() == 0


def test_missing_area_shown_beside_field(client, personas):
    response = as_user(client, personas["city_ee_officer"]).post(reverse("pollution:warning-issue"), issue_data(whole_city=None))
    assert "regions" in response.context["form"].errors


def test_bad_datetime_shown_beside_field(client, personas):
    response = as_user(client, personas["city_ee_officer"]).post(reverse("pollution:warning-issue"), issue_data(announced_at="明天"))
    assert "announced_at" in response.context["form"].errors


def test_issue_form_uses_datetime_inputs(client, personas):
    page = html(as_user(client, personas["city_ee_officer"]).get(reverse("pollution:warning-issue")))
    assert page.count('type="datetime-local"') == 3
    assert 'type="checkbox"' in page


def test_submit_asks_for_confirmation(client, personas):
    page = html(as_user(client, personas["city_ee_officer"]).get(reverse("pollution:warning-issue")))
    assert "data-confirm=" in page


# --- Changing ------------------------------------------------------------------------------------------------


def change_data(**overrides):
    data = {
        "kind": "upgrade",
        "level": "red",
        "regions": [],
        "announced_at": "2026-12-06T07:30",
        "starts_at": "2026-12-06T08:00",
        "ends_at": "",
        "document_number": "",
    }
    data.update(overrides)
    return data


def test_county_officer_upgrades_own_warning(client, personas, region_a, region_a_warning):
    data = change_data(regions=[str(region_a.pk)])
    response = as_user(client, personas["county_a_ee_officer"]).post(
        reverse("pollution:warning-change", args=[region_a_warning.pk]), data
    )
    region_a_warning.refresh_from_db()
    assert response.status_code == 302
    assert region_a_warning.level == "red"


def test_change_form_starts_with_current_area(client, personas, region_a, region_a_warning):
    response = as_user(client, personas["city_ee_officer"]).get(reverse("pollution:warning-change", args=[region_a_warning.pk]))
    form = response.context["form"]
    assert form.fields["regions"].initial == [region_a.pk]
    assert form.fields["whole_city"].initial is False


def test_change_form_starts_with_current_end(client, personas, region_a):
    warning = issue_warning(
        actor=get_system_user(), level="yellow", announced_at=at("2026-12-05 06:00"),
        starts_at=at("2026-12-05 10:00"), ends_at=at("2026-12-07 24:00"), regions=[region_a],
    )
    page = html(as_user(client, personas["city_ee_officer"]).get(reverse("pollution:warning-change", args=[warning.pk])))
    assert 'value="2026-12-08T00:00"' in page


def test_upgrade_needs_level(client, personas, region_a, region_a_warning):
    data = change_data(level="", regions=[str(region_a.pk)])
    response = as_user(client, personas["city_ee_officer"]).post(reverse("pollution:warning-change", args=[region_a_warning.pk]), data)
    assert "level" in response.context["form"].errors


def test_upgrade_to_lower_level_shown_beside_level(client, personas, region_a, region_a_warning):
    data = change_data(level="yellow", regions=[str(region_a.pk)])
    response = as_user(client, personas["city_ee_officer"]).post(reverse("pollution:warning-change", args=[region_a_warning.pk]), data)
    assert response.status_code == 200
    assert "level" in response.context["form"].errors
    assert region_a_warning.events.count() == 1


def test_lift_without_area_or_start(client, personas, region_a_warning):
    data = change_data(kind="lift", level="", starts_at="", announced_at="2026-12-08T09:00")
    response = as_user(client, personas["city_ee_officer"]).post(reverse("pollution:warning-change", args=[region_a_warning.pk]), data)
    region_a_warning.refresh_from_db()
    assert response.status_code == 302
    assert region_a_warning.status == "lifted"
    assert region_a_warning.ends_at == at("2026-12-08 09:00")


def test_change_post_forbidden_for_emergency(client, personas, region_a, region_a_warning):
    data = change_data(regions=[str(region_a.pk)])
    response = as_user(client, personas["city_em_officer"]).post(reverse("pollution:warning-change", args=[region_a_warning.pk]), data)
    region_a_warning.refresh_from_db()
    assert response.status_code == 403
    assert region_a_warning.level == "orange"


def test_change_post_out_of_scope_404(client, personas, region_a, region_a_warning):
    data = change_data(regions=[str(region_a.pk)])
    response = as_user(client, personas["county_b_ee_officer"]).post(reverse("pollution:warning-change", args=[region_a_warning.pk]), data)
    assert response.status_code == 404


def test_lifted_warning_change_redirects(client, personas, city_warning):
    lift_warning(city_warning, actor=get_system_user(), announced_at=at("2026-11-22 09:00"))
    response = as_user(client, personas["city_ee_officer"]).get(reverse("pollution:warning-change", args=[city_warning.pk]))
    assert response.status_code == 302
    assert response.url == reverse("pollution:warning-detail", args=[city_warning.pk])


# --- List and detail contents -------------------------------------------------------------------------------------


def test_list_shows_level_tag_and_number(client, personas, region_a_warning):
    page = html(as_user(client, personas["city_ee_officer"]).get(reverse("pollution:warning-list")))
    assert 'class="tag tag-orange"' in page
    assert "邢环〔2026〕12号" in page
    assert "2026-12-05 10:00" in page


@pytest.mark.parametrize(("query", "count"), [
    ({}, 2),
    ({"level": "red"}, 1),
    ({"level": "orange"}, 1),
    ({"status": "lifted"}, 1),
    ({"status": "in_force"}, 1),
    ({"date_from": "2026-12-01"}, 1),
    ({"date_to": "2026-11-30"}, 1),
    ({"date_from": "2026-11-20", "date_to": "2026-11-20"}, 1),
])
def test_list_filters(client, personas, lifted_city_warning, region_a_warning, query, count):
    response = as_user(client, personas["city_ee_officer"]).get(reverse("pollution:warning-list"), query)
    assert response.context["page"].paginator.count == count


def test_invalid_filter_ignored(client, personas, region_a_warning):
    response = as_user(client, personas["city_ee_officer"]).get(reverse("pollution:warning-list"), {"date_from": "昨天"})
    assert response.status_code == 200


def test_county_list_hides_other_regions(client, personas, lifted_city_warning, region_a_warning):
    response = as_user(client, personas["county_b_em_officer"]).get(reverse("pollution:warning-list"))
    assert response.context["page"].paginator.count == 1


def test_detail_links_each_consultation(client, personas, region_a_warning):
    event = region_a_warning.latest_event()
    try:
        expected = reverse("pollution:consultation-detail", kwargs={"event_id": event.id})
    except NoReverseMatch:
        expected = f"/pollution/consultations/{event.id}/"
    page = html(as_user(client, personas["county_a_em_officer"]).get(reverse("pollution:warning-detail", args=[region_a_warning.pk])))
    assert f'href="{expected}"' in page


def test_detail_shows_timeline(client, personas, region_a_warning):
    lift_warning(region_a_warning, actor=get_system_user(), announced_at=at("2026-12-08 09:00"))
    response = as_user(client, personas["city_em_leader"]).get(reverse("pollution:warning-detail", args=[region_a_warning.pk]))
    assert [event.kind for event in response.context["events"]] == ["issue", "lift"]
    assert response.context["events"][0].item_count == 1
    assert response.context["events"][0].lead_count == 1


def test_detail_says_no_list_imported(client, personas, city_warning):
    page = html(as_user(client, personas["city_ee_officer"]).get(reverse("pollution:warning-detail", args=[city_warning.pk])))
    with translation.override("zh-hans"):
        expected = gettext("No reduction list has been imported for this season; the plan has no items.")
    assert expected in page


def test_contact_detail_hides_consultations(client, region_a_warning):
    contact = make_user("contact_a", role=Role.ENTERPRISE, enterprise=make_enterprise(region=REGION_A))
    page = html(as_user(client, contact).get(reverse("pollution:warning-detail", args=[region_a_warning.pk])))
    assert "/consultations/" not in page


def test_issue_with_city_and_regions_rejected(client, personas, region_a):
    data = issue_data(whole_city="on", regions=[region_a.pk])
    response = as_user(client, personas["city_ee_officer"]).post(reverse("pollution:warning-issue"), data)
    assert response.status_code == 200
    assert "regions" in response.context["form"].errors
    assert not PollutionWarning.objects.exists()
