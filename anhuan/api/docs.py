"""The API documentation page at ``/api/v1/docs/``, rendered on the server from the OpenAPI schema.

Swagger UI and ReDoc load their scripts from a CDN, which the government
intranet cannot reach, so the page is an ordinary template: each endpoint with
its parameters, request fields, responses and examples, in the reader's language.
"""

import functools
import json

from django.urls import reverse
from django.utils import translation
from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator

from anhuan.api.throttling import ApiClientRateThrottle

API_PREFIX = "/api/v1/"
METHODS = ("get", "post", "patch", "put", "delete")


@functools.lru_cache(maxsize=4)
def _schema_for(language):
    # The schema depends only on the code and the language; building it takes a few hundred milliseconds.
    with translation.override(language):
        return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _type_of(node):
    if "allOf" in node:
        node = node["allOf"][0]
    kind = node.get("type", "object")
    if kind == "array":
        return f"array[{_type_of(node.get('items', {}))}]"
    return f"{kind} ({node['format']})" if node.get("format") else kind


def _fields(schema, node, *, for_request):
    """Return one row per property of a component: name, type, title, and whether it is required or read-only."""
    node = _resolve(schema, node)
    required = set(node.get("required", ()))
    rows = []
    for name, prop in node.get("properties", {}).items():
        choices = _resolve(schema, prop["allOf"][0]).get("enum") if "allOf" in prop else prop.get("enum")
        read_only = prop.get("readOnly", False)
        if for_request and read_only:
            continue
        rows.append(
            {
                "name": name,
                "type": _type_of(_resolve(schema, prop["allOf"][0]) if "allOf" in prop else prop),
                "title": prop.get("title", ""),
                "description": prop.get("description", ""),
                "required": name in required and not read_only,
                "read_only": read_only,
                "max_length": prop.get("maxLength"),
                "choices": [choice for choice in choices or () if choice not in ("", None)],
            }
        )
    return rows


def _row_schema(schema, node):
    """Return the schema of one row: the items of a page's ``results``, or the node itself."""
    resolved = _resolve(schema, node)
    results = resolved.get("properties", {}).get("results")
    if results is not None and results.get("type") == "array":
        return results.get("items", {})
    return node


def _example(schema, node):
    """Return a JSON example built from a response component's types, or '' when it has no properties."""
    node = _resolve(schema, node)
    if node.get("type") == "array":
        inner = _example_value(schema, node.get("items", {}))
        return json.dumps([inner], ensure_ascii=False, indent=2)
    if "properties" not in node:
        return ""
    return json.dumps(_example_value(schema, node), ensure_ascii=False, indent=2)


def _example_value(schema, node):
    node = _resolve(schema, node)
    if "allOf" in node:
        return _example_value(schema, node["allOf"][0])
    if "enum" in node:
        return next((choice for choice in node["enum"] if choice not in ("", None)), None)
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return {name: _example_value(schema, prop) for name, prop in node.get("properties", {}).items()}
    if kind == "array":
        return [_example_value(schema, node.get("items", {}))]
    samples = {
        ("string", "date-time"): "2026-01-05T08:00:00.000000+08:00",
        ("string", "date"): "2026-01-05",
        ("string", "uri"): "http://127.0.0.1:8000/api/v1/…?cursor=…",
        ("string", "decimal"): "5000.00",
        ("integer", None): 1,
        ("number", None): 1.0,
        ("boolean", None): True,
    }
    return samples.get((kind, node.get("format")), "…" if kind == "string" else None)


def _operations(schema):
    """Group the schema's operations under /api/v1/ by their first tag, in path order."""
    groups = {}
    for path, item in schema["paths"].items():
        if not path.startswith(API_PREFIX):
            continue
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            responses = []
            for code, response in operation.get("responses", {}).items():
                entry = {"code": code, "description": response.get("description", "")}
                content = response.get("content", {}).get("application/json", {}).get("schema")
                if code.startswith("2") and content is not None:
                    entry["example"] = _example(schema, content)
                    entry["fields"] = _fields(schema, _row_schema(schema, content), for_request=False)
                responses.append(entry)
            groups.setdefault(operation.get("tags", ["api"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "anchor": operation.get("operationId", f"{method}-{path}"),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "location": parameter["in"],
                            "required": parameter.get("required", False),
                            "type": _type_of(parameter.get("schema", {})),
                            "description": parameter.get("description", ""),
                            "choices": parameter.get("schema", {}).get("enum", []),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "request_fields": _fields(schema, body, for_request=True) if body else [],
                    "responses": responses,
                }
            )
    return groups


class ApiDocsView(TemplateView):
    """The documentation of the API for the developers of other systems; any signed-in user may read it."""

    template_name = "api/docs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        schema = _schema_for(translation.get_language())
        context["api_title"] = schema["info"]["title"]
        context["api_version"] = schema["info"]["version"]
        context["groups"] = _operations(schema)
        context["base_url"] = self.request.build_absolute_uri("/").rstrip("/")
        context["schema_url"] = reverse("api:schema")
        context["client_rate"] = ApiClientRateThrottle().get_rate()
        return context
