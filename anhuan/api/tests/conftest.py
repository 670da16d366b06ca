"""Fixtures of the API tests."""

import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture(autouse=True)
def empty_throttle_cache():
    """Start every test with no request counted, so one test's requests never throttle another's.

    Test databases reuse client ids, and the rate limit counts requests per client id in the cache.
    """
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """Return a function that gives a test client signed in as ``user`` (or anonymous for None).

    The client asks for Chinese, the platform's language, unless ``language`` names another.
    """

    def client_for(user=None, language="zh-hans", enforce_csrf_checks=False):
        client = Client(enforce_csrf_checks=enforce_csrf_checks, HTTP_ACCEPT_LANGUAGE=language)
        if user is not None:
            client.force_login(user)
        return client

    return client_for
