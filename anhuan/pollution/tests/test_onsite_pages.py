"""The on-site guidance pages, the document download and the contacts' documents page, per persona."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anhuan.pollution.models import EnterpriseDocument, OnsiteGuidance
from anhuan.pollution.services.onsite import schedule_visit, upload_document
from anhuan.pollution.tests.onsite_fixtures import PDF_BYTES, english, media_root, onsite, pdf_upload, team_a  # noqa: F401
from conftest import make_user

pytestmark = pytest.mark.usefixtures("english", "media_root")


@pytest.fixture
def visit(onsite, personas):
    return schedule_visit(
        onsite.warning, onsite.chemical, actor=personas["county_a_em_officer"],
        scheduled_at=timezone.now() + dt.timedelta(hours=1), **team_a(personas, onsite),
    )


@pytest.fixture
def chemical_contact(onsite):
    return make_user("chemical_contact", enterprise=onsite.chemical)


@pytest.fixture
def glass_contact(onsite):
    return make_user("glass_contact", enterprise=onsite.glass)


@pytest.fixture
def document(onsite, chemical_contact):
    return upload_document(onsite.warning, actor=chemical_contact, kind="shutdown_plan", uploaded_file=pdf_upload())


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def list_url(onsite, **query):
    extra = "".join(f"&{name}={value}" for name, value in query.items())
    return f"{reverse('pollution:onsite-list')}?warning={onsite.warning.pk}{extra}"


# --- List -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona,status", [
    ("city_em_officer", 200),
    ("city_ee_leader", 200),
    ("county_a_ee_officer", 200),
    ("county_b_em_officer", 200),
    ("city_expert", 200),
    ("system_admin", 403),
    ("audit_admin", 403),
])
def test_list_status_per_persona(client, onsite, personas, persona, status):
    assert get(client, personas[persona], list_url(onsite)).status_code == status


def test_list_forbidden_to_contact(client, onsite, chemical_contact):
    assert get(client, chemical_contact, list_url(onsite)).status_code == 403


def test_county_list_shows_own_enterprise(client, onsite, personas):
    page = get(client, personas["county_a_ee_officer"], list_url(onsite)).content.decode()
    assert "信都化工有限公司" in page
    assert "沙河玻璃有限公司" not in page


def test_list_filters_by_state(client, onsite, personas, visit):
    page = get(client, personas["city_em_officer"], list_url(onsite, state="not_scheduled")).content.decode()
    assert "沙河玻璃有限公司" in page
    assert "信都化工有限公司" not in page


def test_list_filters_highlighted(client, onsite, personas):
    page = get(client, personas["city_em_officer"], list_url(onsite, alert="on")).content.decode()
    assert "信都化工有限公司" in page
    assert "沙河玻璃有限公司" not in page


def test_list_shows_schedule_button(client, onsite, personas):
    page = get(client, personas["county_a_em_officer"], list_url(onsite)).content.decode()
    assert reverse("pollution:onsite-schedule", args=[onsite.warning.pk, onsite.chemical.pk]) in page


def test_expert_sees_no_schedule_button(client, onsite, personas):
    page = get(client, personas["city_expert"], list_url(onsite)).content.decode()
    assert "/onsite/schedule/" not in page


# --- Schedule ---------------------------------------------------------------------------------------


def schedule_url(onsite, enterprise=None):
    return reverse("pollution:onsite-schedule", args=[onsite.warning.pk, (enterprise or onsite.chemical).pk])


@pytest.mark.parametrize("persona,status", [
    ("county_a_em_officer", 200),
    ("county_a_ee_leader", 200),
    ("city_ee_officer", 200),
    ("county_b_em_officer", 404),
    ("city_expert", 403),
    ("system_admin", 403),
])
def test_schedule_page_per_persona(client, onsite, personas, persona, status):
    assert get(client, personas[persona], schedule_url(onsite)).status_code == status


def test_schedule_page_unflagged_is_404(client, onsite, personas):
    assert get(client, personas["county_a_em_officer"], schedule_url(onsite, onsite.brick)).status_code == 404


def test_schedule_form_creates_visit(client, onsite, personas):
    client.force_login(personas["county_a_em_officer"])
    response = client.post(schedule_url(onsite), {
        "scheduled_at": "2026-12-06T09:00",
        "experts": [onsite.county_expert.pk],
        "officers": [personas["county_a_em_officer"].pk, personas["county_a_ee_officer"].pk],
    })
    visit = OnsiteGuidance.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pollution:onsite-detail", args=[visit.pk])


def test_schedule_form_shows_independence_error(client, onsite, personas):
    client.force_login(personas["county_a_em_officer"])
    response = client.post(schedule_url(onsite), {
        "scheduled_at": "2026-12-06T09:00",
        "experts": [onsite.insider.pk],
        "officers": [personas["county_a_em_officer"].pk, personas["county_a_ee_officer"].pk],
    })
    assert response.status_code == 400
    assert "赵内部" in response.content.decode()


# --- Detail, record, cancel -------------------------------------------------------------------------


@pytest.mark.parametrize("persona,status", [
    ("county_a_em_officer", 200),
    ("county_a_ee_officer", 200),
    ("city_em_leader", 200),
    ("city_expert", 200),
    ("county_b_ee_officer", 404),
    ("system_admin", 404),
])
def test_detail_status_per_persona(client, visit, personas, persona, status):
    assert get(client, personas[persona], reverse("pollution:onsite-detail", args=[visit.pk])).status_code == status


def test_detail_hidden_from_contact(client, visit, chemical_contact):
    assert get(client, chemical_contact, reverse("pollution:onsite-detail", args=[visit.pk])).status_code == 404


def test_detail_links_documents(client, visit, document, personas):
    page = get(client, personas["county_a_em_officer"], reverse("pollution:onsite-detail", args=[visit.pk])).content.decode()
    assert reverse("pollution:onsite-document-download", args=[document.pk]) in page


def test_record_form_marks_done(client, visit, personas):
    client.force_login(personas["county_a_ee_officer"])
    response = client.post(reverse("pollution:onsite-record", args=[visit.pk]), {
        "visited_at": "2026-01-01T09:00", "safety_risks": "无", "environmental_risks": "无",
        "documents_reviewed": "", "findings": "可行", "instructions": "按方案执行",
    })
    visit.refresh_from_db()
    assert response.status_code == 302
    assert visit.status == OnsiteGuidance.Status.DONE


def test_record_by_other_county_is_404(client, visit, personas):
    client.force_login(personas["county_b_ee_officer"])
    response = client.post(reverse("pollution:onsite-record", args=[visit.pk]), {})
    assert response.status_code == 404


def test_record_by_expert_is_403(client, visit, personas):
    client.force_login(personas["city_expert"])
    response = client.post(reverse("pollution:onsite-record", args=[visit.pk]), {
        "visited_at": "2026-01-01T09:00", "safety_risks": "无", "environmental_risks": "无",
        "findings": "可行", "instructions": "按方案执行",
    })
    assert response.status_code == 403


def test_cancel_form_cancels(client, visit, personas):
    client.force_login(personas["county_a_em_officer"])
    client.post(reverse("pollution:onsite-cancel", args=[visit.pk]), {"reason": "改期"})
    visit.refresh_from_db()
    assert visit.status == OnsiteGuidance.Status.CANCELLED


def test_cancel_done_shows_error(client, visit, personas):
    visit.status = OnsiteGuidance.Status.DONE
    visit.save()
    client.force_login(personas["county_a_em_officer"])
    response = client.post(
        reverse("pollution:onsite-cancel", args=[visit.pk]), {"reason": "改期"}, follow=True, HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "A visit that is done cannot become cancelled." in response.content.decode()


# --- Download ---------------------------------------------------------------------------------------


def download_url(document):
    return reverse("pollution:onsite-document-download", args=[document.pk])


def test_staff_download_returns_file(client, document, personas):
    response = get(client, personas["county_a_ee_officer"], download_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize("persona", ["county_b_em_officer", "system_admin", "audit_admin"])
def test_download_out_of_scope_is_404(client, document, personas, persona):
    assert get(client, personas[persona], download_url(document)).status_code == 404


def test_own_contact_downloads_document(client, document, chemical_contact):
    assert get(client, chemical_contact, download_url(document)).status_code == 200


def test_other_contact_download_is_404(client, document, glass_contact):
    assert get(client, glass_contact, download_url(document)).status_code == 404


# --- Portal documents -------------------------------------------------------------------------------


def portal_url(onsite):
    return reverse("pollution:portal-documents", args=[onsite.warning.pk])


def test_portal_page_for_contact(client, onsite, chemical_contact, document):
    page = get(client, chemical_contact, portal_url(onsite)).content.decode()
    assert "停限产方案.pdf" in page


def test_portal_hides_other_enterprise_documents(client, onsite, glass_contact, document):
    page = get(client, glass_contact, portal_url(onsite)).content.decode()
    assert "停限产方案.pdf" not in page


@pytest.mark.parametrize("persona", ["county_a_em_officer", "city_ee_leader", "system_admin"])
def test_portal_page_404_for_staff(client, onsite, personas, persona):
    assert get(client, personas[persona], portal_url(onsite)).status_code == 404


def test_portal_upload_stores_document(client, onsite, chemical_contact):
    client.force_login(chemical_contact)
    response = client.post(portal_url(onsite), {"kind": "response_plan", "file": pdf_upload("预案.pdf")})
    assert response.status_code == 302
    assert EnterpriseDocument.objects.get().file_name == "预案.pdf"


def test_portal_upload_shows_error(client, onsite, chemical_contact):
    client.force_login(chemical_contact)
    response = client.post(portal_url(onsite), {"kind": "response_plan", "file": pdf_upload("预案.txt")})
    assert response.status_code == 400
    assert "预案.txt" in response.content.decode()


def test_portal_lifted_warning_is_404(client, onsite, chemical_contact):
    onsite.warning.status = "lifted"
    onsite.warning.save()
    assert get(client, chemical_contact, portal_url(onsite)).status_code == 404
