"""Authentication of API requests: the browser's Django session, or a client's bearer token.

Signed-in users call the API with their session. Other government systems send
``Authorization: Bearer <token>``; the token identifies one registered
``ApiClient``, and the request then acts within that client's scope.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

CSRF_FAILED = "csrf_failed"
INVALID_TOKEN = "invalid_token"
# last_used_at is written at most this often per client, so busy clients cost no write per request.
LAST_USED_INTERVAL = dt.timedelta(minutes=1)


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


class ClientPrincipal:
    """``request.user`` of a request authenticated by an API client's token.

    It is not an account. It has no role and no agency, so a ``visible_to(user)``
    call given it by mistake returns nothing. The client's scope is applied by
    ``anhuan.sharing.services.api_clients`` instead.
    """

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    role = ""
    agency = None
    agency_id = None
    pk = None
    id = None

    def __init__(self, client):
        self.client = client
        self.username = client.name

    def get_username(self):
        return self.username

    def __str__(self):
        return self.username


class ApiClientTokenAuthentication(authentication.BaseAuthentication):
    """Authenticate ``Authorization: Bearer <token>`` against the active API clients.

    The token is looked up by its SHA-256 digest, so the database compares
    digests, never the token, and the lookup's timing reveals nothing useful. A request
    without the header is left to the next authentication class.
    """

    keyword = "bearer"

    def authenticate(self, request):
        from anhuan.sharing.models import ApiClient
        from anhuan.sharing.services.api_clients import hash_token

        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header must be the word Bearer, one space and the token."), code=INVALID_TOKEN
            )
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("The API token is invalid or revoked."), code=INVALID_TOKEN) from exc

        client = ApiClient.objects.filter(token_hash=hash_token(token), active=True).first()
        if client is None:
            raise exceptions.AuthenticationFailed(_("The API token is invalid or revoked."), code=INVALID_TOKEN)

        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at >= LAST_USED_INTERVAL:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
            client.last_used_at = now
        return ClientPrincipal(client), client

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class SessionScheme(OpenApiAuthenticationExtension):
    """Describe the session cookie in the OpenAPI schema; registered when this module is imported."""

    target_class = "anhuan.api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


class BearerScheme(OpenApiAuthenticationExtension):
    """Describe the API client token in the OpenAPI schema."""

    target_class = "anhuan.api.authentication.ApiClientTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": str(_("The token issued to the client system."))}
