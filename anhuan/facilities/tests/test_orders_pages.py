"""Stop-use order pages: issue and lift through the forms, the list, the detail and the Word document."""

import datetime as dt

import docx
import pytest
from django.urls import reverse

from anhuan.facilities.exports.order_docx import file_name, title_of, write_order_docx
from anhuan.facilities.models import StopUseOrder
from anhuan.facilities.services import existing as services
from anhuan.facilities.tests.test_existing_support import (  # noqa: F401
    ASSESSED_ON,
    assess,
    client_for,
    contact_a,
    contact_b,
    english,
    enterprise_a,
    enterprise_b,
    facility_a,
    facility_b,
    issue,
)
from anhuan.sharing.models import EnvFacility

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(personas, facility_a):
    return assess(facility_a, personas["county_a_ee_officer"], outcome="failed")


@pytest.fixture
def order(personas, facility_a, failed):
    return issue(facility_a, personas["county_a_em_officer"], assessment=failed)


def issue_form(failed, **fields):
    return {"record": f"assessment:{failed.pk}", "document_number": "信都应急〔2025〕12号", "issued_on": "2025-03-15",
            "reason": "氨气泄漏报警失效", **fields}


# --- Issue and lift through the forms ----------------------------------------------------------------


def test_issue_page_preselects_failed_record(client, personas, facility_a, failed):
    url = reverse("facilities:order-issue", args=[facility_a.pk]) + f"?assessment={failed.pk}"
    body = client_for(client, personas["county_a_em_officer"]).get(url).content.decode()
    assert f'value="assessment:{failed.pk}" selected' in body
    assert "data-confirm" in body


def test_issue_form_creates_order(client, personas, facility_a, failed):
    response = client_for(client, personas["county_a_em_officer"]).post(
        reverse("facilities:order-issue", args=[facility_a.pk]), issue_form(failed))
    order = StopUseOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("facilities:order-detail", args=[order.pk])
    assert EnvFacility.objects.get(pk=facility_a.pk).status == "stopped"


def test_issue_form_shows_number_refusal(client, personas, facility_a, failed):
    response = client_for(client, personas["county_a_em_officer"]).post(
        reverse("facilities:order-issue", args=[facility_a.pk]), issue_form(failed, document_number="信都应急[2025]12号"))
    assert response.status_code == 400
    assert "hexagonal brackets" in response.content.decode()
    assert not StopUseOrder.objects.exists()


def test_issue_form_refused_for_environment(client, personas, facility_a, failed):
    response = client_for(client, personas["county_a_ee_officer"]).post(
        reverse("facilities:order-issue", args=[facility_a.pk]), issue_form(failed))
    assert response.status_code == 403
    assert not StopUseOrder.objects.exists()


def test_lift_form_lifts(client, personas, facility_a, order):
    passed = assess(facility_a, personas["county_a_ee_officer"], assessed_on=order.issued_on + dt.timedelta(days=3))
    response = client_for(client, personas["county_a_em_leader"]).post(
        reverse("facilities:order-lift", args=[order.pk]),
        {"assessment": str(passed.pk), "lifted_on": (order.issued_on + dt.timedelta(days=4)).isoformat()})
    assert response.status_code == 302
    assert StopUseOrder.objects.get().status == "lifted"


def test_lift_page_explains_missing_assessment(client, personas, order):
    body = client_for(client, personas["county_a_em_officer"]).get(
        reverse("facilities:order-lift", args=[order.pk])).content.decode()
    assert "None is on file yet" in body


@pytest.mark.parametrize("persona,status", [("county_a_ee_officer", 403), ("county_b_em_officer", 404),
                                            ("system_admin", 404)])
def test_lift_page_matrix(client, personas, order, persona, status):
    assert client_for(client, personas[persona]).get(reverse("facilities:order-lift", args=[order.pk])).status_code == status


# --- List and detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["county_a_em_officer", "county_a_ee_officer", "city_ee_leader", "city_expert"])
def test_order_list_for_both_bureaus(client, personas, order, persona):
    body = client_for(client, personas[persona]).get(reverse("facilities:order-list")).content.decode()
    assert order.document_number in body


def test_order_list_hides_other_county(client, personas, order):
    body = client_for(client, personas["county_b_ee_officer"]).get(reverse("facilities:order-list")).content.decode()
    assert order.document_number not in body


def test_order_list_in_force_by_default(client, personas, facility_a, order):
    assess(facility_a, personas["county_a_em_officer"], assessed_on=order.issued_on + dt.timedelta(days=1))
    services.lift_stop_use_order(order, personas["county_a_em_officer"], lifted_on=services.today())
    user_client = client_for(client, personas["county_a_em_officer"])
    assert order.document_number not in user_client.get(reverse("facilities:order-list")).content.decode()
    lifted = user_client.get(reverse("facilities:order-list") + "?status=lifted").content.decode()
    assert order.document_number in lifted


def test_order_filter_status_words(client, personas, order):
    from django.utils.text import capfirst

    response = client_for(client, personas["county_a_em_officer"]).get(reverse("facilities:order-list"))
    choices = dict(response.context["filters"].fields["status"].choices)
    for value, label in StopUseOrder.Status.choices:
        assert str(choices[value]) == str(capfirst(label))


def test_order_list_contact_sees_own_only(client, personas, order, contact_a, contact_b):
    assert order.document_number in client_for(client, contact_a).get(reverse("facilities:order-list")).content.decode()
    client.logout()
    assert order.document_number not in client_for(client, contact_b).get(reverse("facilities:order-list")).content.decode()


def test_order_list_refused_for_admin(client, personas):
    assert client_for(client, personas["audit_admin"]).get(reverse("facilities:order-list")).status_code == 403


@pytest.mark.parametrize("persona,status", [
    ("county_a_ee_officer", 200), ("city_em_officer", 200), ("county_b_em_officer", 404), ("system_admin", 404),
])
def test_order_detail_matrix(client, personas, order, persona, status):
    response = client_for(client, personas[persona]).get(reverse("facilities:order-detail", args=[order.pk]))
    assert response.status_code == status


def test_order_detail_for_own_contact(client, order, contact_a, contact_b):
    assert client_for(client, contact_a).get(reverse("facilities:order-detail", args=[order.pk])).status_code == 200
    client.logout()
    assert client_for(client, contact_b).get(reverse("facilities:order-detail", args=[order.pk])).status_code == 404


def test_lift_button_for_em_only(client, personas, order):
    lift_url = reverse("facilities:order-lift", args=[order.pk])
    assert lift_url in client_for(client, personas["county_a_em_officer"]).get(
        reverse("facilities:order-detail", args=[order.pk])).content.decode()
    client.logout()
    assert lift_url not in client_for(client, personas["county_a_ee_officer"]).get(
        reverse("facilities:order-detail", args=[order.pk])).content.decode()


# --- The Word document ----------------------------------------------------------------------------------


def test_order_docx_written_and_read_back(order, tmp_path):
    path = tmp_path / "order.docx"
    write_order_docx(order, path)
    document = docx.Document(path)
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "信都应急〔2025〕12号" in text
    assert title_of(order) in text
    assert f"{order.enterprise.name}：" in text
    assert "氨气泄漏报警失效" in text
    assert "2025年3月15日" in text


def test_order_docx_copies_environment_agency(order, tmp_path):
    path = tmp_path / "order.docx"
    write_order_docx(order, path)
    imprint = document_tables_text(docx.Document(path))
    assert "抄送：" in imprint
    assert "生态环境局" in imprint


def document_tables_text(document):
    return "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)


def test_order_docx_download(client, personas, order):
    response = client_for(client, personas["county_a_ee_officer"]).get(reverse("facilities:order-docx", args=[order.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert response.content.startswith(b"PK")


def test_order_docx_download_scoped(client, personas, order, contact_b):
    assert client_for(client, contact_b).get(reverse("facilities:order-docx", args=[order.pk])).status_code == 404


def test_order_title_names_enterprise_and_facility(order):
    assert order.enterprise.name in title_of(order)
    assert order.facility.name in title_of(order)


def test_order_file_name_title_date(order):
    assert file_name(order) == f"{title_of(order)}-2025-03-15.docx"
