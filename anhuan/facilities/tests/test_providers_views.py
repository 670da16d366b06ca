"""Provider pages and the provider section of a key facility: who reads and who changes what."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from anhuan.core.models import AuditEntry
from anhuan.facilities.models import KeyFacilityProfile, ProviderEvaluation, ServiceProvider
from anhuan.facilities.reads_providers import section
from anhuan.facilities.services import providers
from anhuan.facilities.tests.test_providers_support import (  # noqa: F401 (fixtures)
    enterprise_a,
    enterprise_b,
    facility_a,
    facility_b,
    make_provider,
    provider,
    provider_code,
)
from conftest import make_user

pytestmark = pytest.mark.django_db

READERS = ["county_a_ee_officer", "county_a_em_officer", "city_em_leader", "city_expert", "county_b_em_officer"]


@pytest.fixture
def contact(enterprise_a):
    return make_user("contact_a", enterprise=enterprise_a)


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(f"facilities:{name}", args=args), params)


def post(client, user, name, *args, data):
    client.force_login(user)
    return client.post(reverse(f"facilities:{name}", args=args), data)


# --- Reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", READERS)
def test_provider_pages_readable_by_staff(client, personas, provider, persona):
    assert get(client, personas[persona], "provider-list").status_code == 200
    assert get(client, personas[persona], "provider-detail", provider.pk).status_code == 200


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_provider_pages_refused_for_admins(client, personas, provider, persona):
    for name, args in [("provider-list", ()), ("provider-detail", (provider.pk,)), ("provider-export", ()),
                       ("unowned", ()), ("unrectified", ())]:
        response = get(client, personas[persona], name, *args)
        assert response.status_code == 403, name


def test_provider_pages_refused_for_contact(client, contact, provider, facility_a):
    for name, args in [("provider-list", ()), ("provider-detail", (provider.pk,)), ("provider-export", ()),
                       ("unowned", ()), ("unrectified", ()), ("facility-provider", (facility_a.pk,))]:
        response = get(client, contact, name, *args)
        assert response.status_code == 403, name
        assert provider.name not in response.content.decode()
        with translation.override("en"):
            english = client.get(reverse(f"facilities:{name}", args=args), HTTP_ACCEPT_LANGUAGE="en")
        assert "Enterprise contacts open their own key facilities" in english.content.decode(), name


def test_provider_list_search(client, personas, region_a, provider):
    make_provider(personas["county_a_ee_officer"], region_a, serial=2, name="河北清源水处理有限公司")
    response = get(client, personas["county_a_ee_officer"], "provider-list", q="清源")
    names = [row.name for row in response.context["page_obj"]]
    assert names == ["河北清源水处理有限公司"]
    by_code = get(client, personas["county_a_ee_officer"], "provider-list", q=provider.credit_code[-8:].lower())
    assert [row.name for row in by_code.context["page_obj"]] == [provider.name]


def test_provider_detail_scope_only(client, personas, provider, facility_a, facility_b):
    providers.assign_provider(facility_a.pk, actor=personas["city_ee_officer"], provider=provider, provider_role="operates")
    providers.assign_provider(facility_b.pk, actor=personas["city_ee_officer"], provider=provider, provider_role="builds")
    county_a = get(client, personas["county_a_em_officer"], "provider-detail", provider.pk)
    assert [profile.facility for profile in county_a.context["profiles"]] == [facility_a]
    city = get(client, personas["city_em_leader"], "provider-detail", provider.pk)
    assert {profile.facility for profile in city.context["profiles"]} == {facility_a, facility_b}


def test_provider_detail_lists_violations(client, personas, provider, facility_a):
    providers.record_evaluation(provider, actor=personas["county_a_ee_officer"], kind="violation",
                                evaluated_on=dt.date(2025, 5, 1), description="运维台账造假", facility=facility_a)
    providers.record_evaluation(provider, actor=personas["county_a_ee_officer"], kind="performance", rating="good",
                                evaluated_on=dt.date(2025, 4, 1), description="运行稳定")
    response = get(client, personas["county_a_em_officer"], "provider-detail", provider.pk)
    assert [evaluation.description for evaluation in response.context["violations"]] == ["运维台账造假"]
    assert [evaluation.description for evaluation in response.context["performance"]] == ["运行稳定"]
    assert "运维台账造假" in response.content.decode()
    other_county = get(client, personas["county_b_em_officer"], "provider-detail", provider.pk)
    assert other_county.context["violations"] == []


def test_unknown_provider_is_404(client, personas):
    assert get(client, personas["county_a_ee_officer"], "provider-detail", 999999).status_code == 404


# --- Registering, editing, evaluating -----------------------------------------------------------------


def provider_body(region, **fields):
    return {"name": "邢台绿源环保工程有限公司", "credit_code": provider_code(11), "region": region.pk, "qualification": "",
            "contact_person": "", "phone": "", "address": "", **fields}


def test_create_page_registers_provider(client, personas, region_a):
    response = post(client, personas["county_a_ee_officer"], "provider-create", data=provider_body(region_a))
    created = ServiceProvider.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("facilities:provider-detail", args=[created.pk])


def test_create_page_shows_credit_code_error(client, personas, region_a):
    response = post(client, personas["county_a_ee_officer"], "provider-create",
                    data=provider_body(region_a, credit_code="91130503000000000X"))
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert not ServiceProvider.objects.exists()


def test_create_page_shows_duplicate_code(client, personas, region_a, provider):
    response = post(client, personas["county_a_ee_officer"], "provider-create",
                    data=provider_body(region_a, credit_code=provider.credit_code))
    assert "credit_code" in response.context["form"].errors
    assert ServiceProvider.objects.count() == 1


@pytest.mark.parametrize("persona", ["county_a_em_officer", "city_em_leader", "city_expert"])
def test_em_and_experts_cannot_edit_providers(client, personas, region_a, provider, persona):
    user = personas[persona]
    assert get(client, user, "provider-create").status_code == 403
    assert post(client, user, "provider-create", data=provider_body(region_a)).status_code == 403
    assert get(client, user, "provider-edit", provider.pk).status_code == 403
    assert post(client, user, "provider-edit", provider.pk, data=provider_body(region_a, name="改名")).status_code == 403
    assert get(client, user, "provider-evaluate", provider.pk).status_code == 403
    assert get(client, user, "provider-import").status_code == 403
    assert ServiceProvider.objects.get().name == provider.name


def test_list_hides_edit_buttons_from_em(client, personas, provider):
    response = get(client, personas["county_a_em_officer"], "provider-list")
    assert response.context["can_edit"] is False
    assert reverse("facilities:provider-create") not in response.content.decode()


def test_edit_page_changes_provider(client, personas, region_a, provider):
    response = post(client, personas["city_ee_leader"], "provider-edit", provider.pk,
                    data=provider_body(region_a, name=provider.name, credit_code=provider.credit_code, phone="0319-1234567"))
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.phone == "0319-1234567"


def test_evaluate_page_records_violation_with_enforcement(client, personas, provider, facility_a, enterprise_a):
    from anhuan.facilities.tests.test_providers_support import enforcement

    actor = personas["county_a_ee_officer"]
    providers.assign_provider(facility_a.pk, actor=actor, provider=provider, provider_role="operates")
    record = enforcement(actor, enterprise_a, violation="台账造假", rectification_deadline=dt.date(2025, 6, 30))
    response = post(client, actor, "provider-evaluate", provider.pk, data={
        "kind": "violation", "evaluated_on": "2025-05-20", "rating": "", "description": "运维台账造假",
        "facility": facility_a.pk, "enforcement": record.pk,
    })
    assert response.status_code == 302
    evaluation = ProviderEvaluation.objects.get()
    assert (evaluation.facility, evaluation.enforcement) == (facility_a, record)


def test_evaluate_page_shows_missing_rating(client, personas, provider):
    response = post(client, personas["county_a_ee_officer"], "provider-evaluate", provider.pk, data={
        "kind": "performance", "evaluated_on": "2025-05-20", "rating": "", "description": "一般",
    })
    assert response.status_code == 200
    assert "rating" in response.context["form"].errors
    assert not ProviderEvaluation.objects.exists()


# --- A key facility's provider and responsible person -----------------------------------------------


@pytest.mark.parametrize("persona", ["county_a_ee_officer", "county_a_em_officer"])
def test_assign_page_by_either_department(client, personas, provider, facility_a, persona):
    response = post(client, personas[persona], "facility-provider", facility_a.pk,
                    data={"provider": provider.pk, "provider_role": "builds_and_operates"})
    assert response.status_code == 302
    profile = KeyFacilityProfile.objects.get(facility=facility_a)
    assert (profile.provider, profile.provider_role) == (provider, "builds_and_operates")


def test_assign_page_other_county_is_404(client, personas, provider, facility_b):
    user = personas["county_a_em_officer"]
    assert get(client, user, "facility-provider", facility_b.pk).status_code == 404
    response = post(client, user, "facility-provider", facility_b.pk, data={"provider": provider.pk, "provider_role": "builds"})
    assert response.status_code == 404
    assert KeyFacilityProfile.objects.get(facility=facility_b).provider is None


@pytest.mark.parametrize("persona", ["city_expert", "system_admin"])
def test_assign_page_rejected_for_others(client, personas, provider, facility_a, persona):
    response = post(client, personas[persona], "facility-provider", facility_a.pk,
                    data={"provider": provider.pk, "provider_role": "builds"})
    assert response.status_code == 403


def test_assign_page_shows_missing_role(client, personas, provider, facility_a):
    response = post(client, personas["county_a_ee_officer"], "facility-provider", facility_a.pk,
                    data={"provider": provider.pk, "provider_role": ""})
    assert response.status_code == 200
    assert "provider_role" in response.context["form"].errors
    assert not AuditEntry.objects.filter(action="facility.provider").exists()


def test_responsible_page_records_person(client, personas, facility_a):
    response = post(client, personas["county_a_em_officer"], "facility-responsible", facility_a.pk,
                    data={"responsible_person": "赵工", "responsible_phone": "13900000000"})
    assert response.status_code == 302
    assert KeyFacilityProfile.objects.get(facility=facility_a).responsible_person == "赵工"


def test_responsible_page_shows_missing_phone(client, personas, facility_a):
    response = post(client, personas["county_a_em_officer"], "facility-responsible", facility_a.pk,
                    data={"responsible_person": "赵工", "responsible_phone": ""})
    assert "responsible_phone" in response.context["form"].errors


def test_contact_cannot_record_responsible_person(client, contact, facility_a):
    response = post(client, contact, "facility-responsible", facility_a.pk,
                    data={"responsible_person": "赵工", "responsible_phone": "13900000000"})
    assert response.status_code == 403
    assert KeyFacilityProfile.objects.get(facility=facility_a).responsible_person == ""


# --- The facility page's section ----------------------------------------------------------------------


def test_section_flags_contracted_out_without_person(personas, provider, facility_a):
    providers.assign_provider(facility_a.pk, actor=personas["county_a_ee_officer"], provider=provider, provider_role="operates")
    context = section(facility_a, personas["county_a_em_officer"])["provider_section"]
    assert context["provider"] == provider
    assert context["unowned"] is True
    assert context["can_edit"] is True
    assert context["can_evaluate"] is False


def test_section_clear_once_person_named(personas, provider, facility_a):
    actor = personas["county_a_ee_officer"]
    providers.assign_provider(facility_a.pk, actor=actor, provider=provider, provider_role="operates")
    providers.record_responsible_person(facility_a.pk, actor=actor, responsible_person="赵工", responsible_phone="13900000000")
    context = section(facility_a, actor)["provider_section"]
    assert context["unowned"] is False
    assert context["can_evaluate"] is True


def test_section_empty_for_contacts_and_admins(personas, contact, facility_a):
    assert section(facility_a, contact) == {"provider_section": None}
    assert section(facility_a, personas["system_admin"]) == {"provider_section": None}


def test_facility_page_shows_section(client, personas, provider, facility_a):
    providers.assign_provider(facility_a.pk, actor=personas["county_a_ee_officer"], provider=provider, provider_role="operates")
    response = get(client, personas["county_a_em_officer"], "detail", facility_a.pk)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="provider-section"' in content
    assert provider.name in content
    assert reverse("facilities:facility-responsible", args=[facility_a.pk]) in content
