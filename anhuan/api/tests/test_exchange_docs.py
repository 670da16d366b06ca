"""The OpenAPI schema of the exchange endpoints and the documentation page served from it."""

import re

import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from anhuan.api.tests.exchange_fixtures import issue, token_client  # noqa: F401
from anhuan.organizations.models import Department

DOCS = reverse("api:docs")


@pytest.fixture
def schema(issue):
    _client, token = issue("市应急只读", Department.EMERGENCY)
    return token_client(token).get(reverse("api:schema")).json()


def test_schema_is_valid(schema):
    validate_schema(schema)


@pytest.mark.parametrize("register_name", ["approvals", "safety-facilities", "env-facilities", "enforcement"])
def test_schema_lists_register_operations(schema, register_name):
    collection = schema["paths"][f"/api/v1/registers/{register_name}/"]
    item = schema["paths"][f"/api/v1/registers/{register_name}/{{id}}/"]
    assert sorted(collection) == ["get", "post"]
    assert sorted(item) == ["delete", "get", "patch"]


def test_schema_lists_sync_parameters(schema):
    names = [parameter["name"] for parameter in schema["paths"]["/api/v1/registers/approvals/"]["get"]["parameters"]]
    assert {"updated_since", "cursor", "page_size", "region", "credit_code"} <= set(names)


def test_schema_describes_bearer_token(schema):
    scheme = schema["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"


def test_schema_lists_deletion_feed(schema):
    names = [parameter["name"] for parameter in schema["paths"]["/api/v1/deletions/"]["get"]["parameters"]]
    assert {"register", "since", "cursor"} <= set(names)


def test_docs_page_lists_endpoints(api, personas):
    response = api(personas["city_em_officer"]).get(DOCS)
    page = response.content.decode()
    assert response.status_code == 200
    for path in ("/api/v1/registers/approvals/", "/api/v1/registers/enforcement/{id}/", "/api/v1/deletions/"):
        assert path in page


def test_docs_page_shows_parameters(api, personas):
    page = api(personas["city_em_officer"]).get(DOCS).content.decode()
    assert "<code>updated_since</code>" in page
    assert "&quot;sync_cursor&quot;" in page


def test_docs_page_readable_by_admins(api, personas):
    response = api(personas["system_admin"]).get(DOCS)
    assert response.status_code == 200


def test_docs_page_loads_nothing_external(api, personas):
    page = api(personas["city_em_officer"]).get(DOCS).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    assert [source for source in sources if source.startswith(("http:", "https:", "//"))] == []


def test_docs_page_needs_sign_in(api, db):
    response = api().get(DOCS)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("login"))
