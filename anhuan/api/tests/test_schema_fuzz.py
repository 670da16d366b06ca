"""Fuzzing the API with generated requests: no request may cause a server error (5xx).

Two runs: schemathesis, which generates requests from the OpenAPI schema (skipped
when the package is missing), and a standard-library run of random query
strings and bodies against every exchange endpoint, with a fixed seed.
"""

import contextlib
import datetime as dt
import json
import os
import random
import string
from urllib.parse import urlencode

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from django.urls import reverse

from anhuan.api.tests.exchange_fixtures import (  # noqa: F401
    detail_url,
    enterprises,
    issue,
    list_url,
    rows,
    token_client,
    tokens,
)
from anhuan.sharing.api import REGISTER_VIEWSETS

try:
    import schemathesis
except ImportError:
    schemathesis = None

# A rate no fuzz run reaches, so every request reaches the view instead of stopping at 429.
UNLIMITED = "1000000/minute"
SEED = 20261204
# Examples per operation and generation mode; set ANHUAN_FUZZ_EXAMPLES for a longer run.
EXAMPLES = int(os.environ.get("ANHUAN_FUZZ_EXAMPLES", "25"))


@contextlib.contextmanager
def shared_test_connection():
    """Keep the test's database connection open across requests sent straight to the WSGI handler.

    Django closes connections when a request ends; inside the test transaction that
    would roll back the test's data. Django's test client disconnects the same handler.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# --- schemathesis --------------------------------------------------------------------------------


@pytest.mark.skipif(schemathesis is None, reason="schemathesis is not installed; add schemathesis to the dev group")
@override_settings(ANHUAN_API_CLIENT_RATE=UNLIMITED)
def test_schemathesis_finds_no_server_error(rows, tokens, tmp_path):
    from hypothesis import HealthCheck, given, settings
    from hypothesis.configuration import set_hypothesis_home_dir
    from schemathesis.generation import GenerationMode

    # Hypothesis keeps caches in ./.hypothesis unless configured otherwise; keep the checkout clean.
    set_hypothesis_home_dir(tmp_path / "hypothesis")

    raw = token_client(tokens.city_em_write).get(reverse("api:schema")).json()
    schema = schemathesis.openapi.from_dict(raw)
    app = WSGIHandler()
    headers = {"Authorization": f"Bearer {tokens.city_em_write}"}
    failures = []
    statuses = set()

    def run(operation, mode):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(app=app, headers=headers)
            statuses.add(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {case.as_curl_command(headers=headers)}")

        check()

    with shared_test_connection():
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                run(operation, mode)

    assert failures == []
    # The run reached the views: some requests were accepted, some rejected for their content.
    assert {200, 400} <= statuses


# --- Standard-library fuzz -----------------------------------------------------------------------

QUERY_KEYS = ["updated_since", "since", "region", "credit_code", "page_size", "cursor", "register", "page", "x"]
REGISTER_FIELDS = sorted(
    {name for viewset in REGISTER_VIEWSETS.values() for name in viewset.serializer_class().fields} | {"unknown"}
)


def random_text(rng):
    alphabet = string.ascii_letters + string.digits + string.punctuation + " 信都区沙河市应急环境\x00\u200b\ud800\U0001f600"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))


def random_time(rng):
    return rng.choice([
        "2025-01-06T09:00:00+08:00",
        "2025-01-06 09:00",
        "2025-02-30",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59+14:00",
        "2025-01-06T09:00:00.123456789+08:00",
        (dt.datetime(2025, 1, 1) + dt.timedelta(seconds=rng.randint(0, 10**8))).isoformat(),
    ])


def random_value(rng, context, depth=0):
    """Return a value of a random JSON type, often one of the fixture's real codes, names and choices."""
    kind = rng.randrange(12)
    if kind == 0:
        return rng.choice([0, -1, 1, 10**30, -(10**30), 2**63, rng.randint(-1000, 1000)])
    if kind == 1:
        return rng.choice([0.5, -1e308, 1e308, 3.14159])
    if kind == 2:
        return rng.choice([None, True, False])
    if kind == 3:
        return random_text(rng)
    if kind == 4:
        return random_time(rng)
    if kind == 5:
        return rng.choice(context["codes"])
    if kind == 6:
        return rng.choice(context["agencies"])
    if kind == 7:
        return rng.choice(context["choices"])
    if kind == 8:
        return rng.choice(["2025-05-06", "2999-01-01", "2025-13-45", "1900-01-01", ""])
    if kind == 9:
        return rng.choice(["12.50", "-3", "1e6", "99999999999.99", "NaN", "Infinity"])
    if kind == 10 and depth < 2:
        return [random_value(rng, context, depth + 1) for _ in range(rng.randint(0, 3))]
    if depth < 2:
        return {random_text(rng): random_value(rng, context, depth + 1) for _ in range(rng.randint(0, 3))}
    return ""


def random_query(rng, context):
    if rng.random() < 0.1:
        return rng.choice(["%ff%fe", "updated_since=%00", "&&==&", "cursor=%", "page_size=1&page_size=2", "region=%E4%BF"])
    params = {}
    for key in rng.sample(QUERY_KEYS, rng.randint(0, 4)):
        value = random_value(rng, context)
        params[key] = value if isinstance(value, str) else json.dumps(value)
    # A lone surrogate becomes bytes that are not UTF-8, which the server must reject, not fail on.
    return urlencode(params, errors="surrogatepass")


def random_body(rng, context):
    """Return ``(body, content_type)``: mostly JSON objects of register fields, sometimes anything else."""
    roll = rng.random()
    if roll < 0.05:
        return "{not json", "application/json"
    if roll < 0.1:
        return "name=x&enterprise=y", "application/x-www-form-urlencoded"
    if roll < 0.15:
        return json.dumps(random_value(rng, context)), "application/json"
    fields = {name: random_value(rng, context) for name in rng.sample(REGISTER_FIELDS, rng.randint(0, 10))}
    return json.dumps(fields), "application/json"


@pytest.fixture
def fuzz_context(rows, enterprises):
    choices = ["eia", "safety_conditions", "safety_design", "completion_acceptance", "rto", "dust", "activated_carbon",
               "in_operation", "stopped", "education", "fine", "order_rectify", "emergency", "environment",
               "approvals", "env-facilities", "130503", "130582"]
    return {
        "codes": [enterprises.a.credit_code, enterprises.b.credit_code, "91130503MA0000000X"],
        "agencies": ["信都区应急管理局", "邢台市生态环境局", "沙河市应急管理局", "不存在的局"],
        "choices": choices,
        "ids": [row.pk for row in vars(rows).values()] + [0, 999999, 10**20],
    }


@override_settings(ANHUAN_API_CLIENT_RATE=UNLIMITED)
def test_random_requests_cause_no_server_error(rows, tokens, fuzz_context):
    rng = random.Random(SEED)
    clients = [token_client(tokens.city_em_write), token_client(tokens.city_ee_write), token_client(tokens.county_a_ee_read)]
    statuses = set()

    for register_name in REGISTER_VIEWSETS:
        for _ in range(60):
            client = rng.choice(clients)
            pk = rng.choice(fuzz_context["ids"])
            query = random_query(rng, fuzz_context)
            body, content_type = random_body(rng, fuzz_context)
            responses = [
                client.get(f"{list_url(register_name)}?{query}"),
                client.get(f"{detail_url(register_name, pk)}?{query}"),
                client.post(list_url(register_name), body, content_type=content_type),
                client.patch(detail_url(register_name, pk), body, content_type=content_type),
            ]
            if rng.random() < 0.1:
                responses.append(client.delete(detail_url(register_name, pk)))
            for response in responses:
                assert response.status_code < 500, (register_name, query, body)
                statuses.add(response.status_code)

    for _ in range(100):
        query = random_query(rng, fuzz_context)
        response = rng.choice(clients).get(f"{reverse('api:deletions')}?{query}")
        assert response.status_code < 500, query
        statuses.add(response.status_code)

    # The run reached the views: some requests were accepted, some rejected for their content.
    assert {200, 400} <= statuses
