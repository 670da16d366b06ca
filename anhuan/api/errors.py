"""The API's error format: ``{"code": ..., "message": ..., "fields": {...}}``.

``code`` is a stable English identifier, ``message`` a sentence in the
request's language (Chinese by default) and ``fields`` maps a request field to
the code of its fault. The HTTP status is the error's own. It is 400 for invalid
input or a rejected rule and 401 for a missing or invalid client token. It is
403 for an action the user or client may not take, 404 for a missing object or
one outside the scope, and 429 when a client exceeds its request rate.
"""

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import set_rollback

from anhuan.api.authentication import CSRF_FAILED
from anhuan.core.errors import DomainError, OutOfScope


class ErrorSerializer(serializers.Serializer):
    """The error body, for the OpenAPI schema."""

    code = serializers.CharField(help_text="Stable English identifier of the error, e.g. validation_failed.")
    message = serializers.CharField(help_text="The error in the request's language (Chinese by default).")
    fields = serializers.DictField(child=serializers.CharField(), help_text="Request field name to the code of its fault.")


def _framework_messages():
    # Built per call so each message is translated into the request's language.
    return {
        exceptions.NotAuthenticated: _("Sign in to use the API."),
        exceptions.AuthenticationFailed: _("Sign-in failed; sign in again."),
        exceptions.PermissionDenied: _("You are not permitted to do this."),
        exceptions.NotFound: _("The object was not found."),
        exceptions.MethodNotAllowed: _("This address does not accept the %(method)s method."),
        exceptions.NotAcceptable: _("The requested response format is not supported; ask for application/json."),
        exceptions.UnsupportedMediaType: _("The request body format is not supported; send application/json."),
        exceptions.ParseError: _("The request body is not valid JSON."),
        exceptions.Throttled: _("Too many requests; try again later."),
    }


def _first_code(codes):
    while isinstance(codes, list | tuple) and codes:
        codes = codes[0]
    if isinstance(codes, dict):
        return next(iter(codes.values()), "invalid")
    return str(codes) if codes else "invalid"


def _first_message(detail):
    while isinstance(detail, list | tuple) and detail:
        detail = detail[0]
    if isinstance(detail, dict):
        return _first_message(next(iter(detail.values()), ""))
    return str(detail)


def _validation_body(exc):
    """Turn a serializer's ``ValidationError`` into the error body, one entry per field."""
    detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
    codes = exc.get_codes() if isinstance(exc.get_codes(), dict) else {"non_field_errors": exc.get_codes()}
    fields = {name: _first_code(codes.get(name)) for name in detail}
    details = "; ".join(f"{name}: {_first_message(value)}" for name, value in detail.items())
    message = _("The request is invalid: %(details)s") % {"details": details}
    return {"code": "validation_failed", "message": message, "fields": fields}


def _domain_body(exc):
    """Return a domain error's body, with each field the service named mapped to the code ``invalid``.

    Services name the faulty field as ``field="name"`` for the pages' forms, and
    the register services list every faulty field in ``errors={name: message}``.
    """
    body = exc.as_dict()
    named = exc.fields.get("field")
    if isinstance(named, str):
        errors = exc.fields.get("errors")
        names = list(errors) if isinstance(errors, dict) and errors else [named]
        body["fields"] = {name: "invalid" for name in names}
    return body


def _headers(exc):
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(math.ceil(exc.wait))
    return headers


def error_body(exc, request=None):
    """Return ``(body, status)`` for a domain or framework error, or None for any other exception."""
    if isinstance(exc, Http404):
        exc = OutOfScope()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, DomainError):
        return _domain_body(exc), exc.status
    if isinstance(exc, exceptions.ValidationError):
        return _validation_body(exc), exc.status_code
    if isinstance(exc, exceptions.APIException):
        code = _first_code(exc.get_codes())
        message = _framework_messages().get(type(exc))
        if isinstance(exc, exceptions.MethodNotAllowed):
            message = message % {"method": request.method if request is not None else ""}
        elif isinstance(exc, exceptions.NotAuthenticated) and getattr(exc, "auth_header", None):
            # Views that try a client's token first return 401 with a WWW-Authenticate header.
            message = _("Send the API token in the Authorization header (Bearer), or sign in.")
        elif isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            message = _("Too many requests; try again in %(seconds)s seconds.") % {"seconds": math.ceil(exc.wait)}
        elif isinstance(exc, exceptions.UnsupportedMediaType):
            # DRF's detail names the media type it received, and ours names the one to send.
            pass
        elif code == CSRF_FAILED:
            message = _("The CSRF token is missing or invalid; send the csrftoken cookie's value in the X-CSRFToken header.")
        elif message is None or exc.detail != exc.default_detail:
            # A permission class or view gave its own (translated) reason.
            message = str(exc.detail)
        return {"code": code, "message": message, "fields": {}}, exc.status_code
    return None


def exception_handler(exc, context):
    """Convert domain and framework errors into a response in the API's error format.

    Configured as ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``. Any other exception
    returns None, so DRF re-raises it and Django logs it as a server error.
    """
    result = error_body(exc, context.get("request"))
    if result is None:
        return None
    body, status = result
    # A message may quote the rejected input, which can hold lone surrogates that UTF-8 cannot encode.
    body["message"] = str(body["message"]).encode("utf-8", "replace").decode("utf-8")
    set_rollback()
    return Response(body, status=status, headers=_headers(exc))
