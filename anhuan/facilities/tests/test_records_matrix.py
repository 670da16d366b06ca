"""Who may open the import, export and template pages of assessments and diagnoses, and what export shows."""

import io

import openpyxl
import pytest
from django.urls import reverse

from anhuan.facilities.tests.test_existing_support import (  # noqa: F401
    assess,
    client_for,
    contact_a,
    english,
    enterprise_a,
    enterprise_b,
    facility_a,
    facility_b,
)

pytestmark = pytest.mark.django_db

KINDS = ("assessment", "diagnosis")
# Officers and leaders of either bureau import. Staff and experts read exports and templates.
IMPORT_STATUS = {
    "county_a_ee_officer": 200, "county_a_em_leader": 200, "city_em_officer": 200,
    "city_expert": 403, "system_admin": 403, "audit_admin": 403,
}
READ_STATUS = {
    "county_a_ee_officer": 200, "county_b_em_officer": 200, "city_expert": 200,
    "system_admin": 403, "audit_admin": 403,
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("persona", "status"), IMPORT_STATUS.items())
def test_import_page_by_persona(client, personas, kind, persona, status):
    response = client_for(client, personas[persona]).get(reverse(f"facilities:{kind}-import"))
    assert response.status_code == status


@pytest.mark.parametrize("kind", KINDS)
def test_import_page_refuses_contact(client, contact_a, kind):
    assert client_for(client, contact_a).get(reverse(f"facilities:{kind}-import")).status_code == 403


@pytest.mark.parametrize("page", ("export", "template"))
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("persona", "status"), READ_STATUS.items())
def test_read_pages_by_persona(client, personas, kind, page, persona, status):
    response = client_for(client, personas[persona]).get(reverse(f"facilities:{kind}-{page}"))
    assert response.status_code == status


@pytest.mark.parametrize("kind", KINDS)
def test_read_pages_refuse_contact(client, contact_a, kind):
    for page in ("export", "template"):
        assert client_for(client, contact_a).get(reverse(f"facilities:{kind}-{page}")).status_code == 403


def test_export_keeps_to_region(client, personas, facility_a, facility_b):
    assess(facility_a, personas["county_a_ee_officer"])
    assess(facility_b, personas["county_b_ee_officer"])
    response = client_for(client, personas["county_b_em_officer"]).get(reverse("facilities:assessment-export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
    assert facility_b.name in names
    assert facility_a.name not in names
