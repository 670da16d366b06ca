"""Authentication of API requests.

For now the API accepts the browser's Django session only. Per-client tokens
for other systems come with the data-exchange work.
"""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

CSRF_FAILED = "csrf_failed"


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, with a stable error code when the CSRF check fails.

    DRF checks CSRF on every unsafe request (POST, PUT, PATCH, DELETE) of a
    signed-in session, so a client sends the ``csrftoken`` cookie's value in the
    ``X-CSRFToken`` header.
    """

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc.detail), code=CSRF_FAILED) from exc


class SessionScheme(OpenApiAuthenticationExtension):
    """Describe the session cookie in the OpenAPI schema; registered when this module is imported."""

    target_class = "anhuan.api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
