"""The domain error family.

Every rule the platform enforces raises a ``DomainError`` subclass with a
stable ``code``, an HTTP status and a translated message. Views turn it into a
form error or a flash message; commands print it and exit non-zero; the API
returns ``{"code", "message", "fields"}``.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    status = 400
    default_message = _("The request is invalid.")

    def __init__(self, message=None, **fields):
        self.message = message if message is not None else self.default_message
        self.fields = fields
        super().__init__(str(self.message))

    def as_dict(self):
        return {"code": self.code, "message": str(self.message), "fields": self.fields}


class ValidationFailed(DomainError):
    code = "validation_failed"


class NotPermitted(DomainError):
    code = "not_permitted"
    status = 403
    default_message = _("You are not permitted to do this.")


class OutOfScope(DomainError):
    """Raised for an object outside the actor's scope; adapters return 404."""

    code = "not_found"
    status = 404
    default_message = _("The object was not found.")


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    status = 409


class Conflict(DomainError):
    code = "conflict"
    status = 409
