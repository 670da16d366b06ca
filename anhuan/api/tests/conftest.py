"""Fixtures of the API tests."""

import pytest
from django.test import Client


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
