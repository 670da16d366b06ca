"""Actions on data-exchange API clients: issue and revoke their tokens.

A client is another government system. It gets one bearer token, shown once
when issued; the platform stores only the token's SHA-256 hex digest and its
first eight characters (to recognise it in lists and logs). Only the system
administrator and the security administrator may issue or revoke a token, and
management commands do it as the system account.
"""

import hashlib
import logging
import secrets

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit
from anhuan.core.errors import Conflict, NotPermitted, ValidationFailed
from anhuan.organizations.models import Department, Region, Role
from anhuan.sharing.models import ApiClient

logger = logging.getLogger(__name__)

# Roles that may manage API clients. The system account is the actor of management
# commands, which only the operator of the server can run.
CLIENT_ADMIN_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.SYSTEM}
TOKEN_PREFIX_LENGTH = 8


@audit.register_actions
class ApiClientAction(models.TextChoices):
    ISSUE = "api_client.issue", gettext_lazy("API client token issued")
    REVOKE = "api_client.revoke", gettext_lazy("API client token revoked")
    CREATE_RECORD = "api_client.create_record", gettext_lazy("Register row created through the API")
    UPDATE_RECORD = "api_client.update_record", gettext_lazy("Register row changed through the API")
    DELETE_RECORD = "api_client.delete_record", gettext_lazy("Register row deleted through the API")


def hash_token(token):
    """Return the SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def require_client_admin(actor):
    if actor.role not in CLIENT_ADMIN_ROLES:
        raise NotPermitted(_("Only the system administrator or the security administrator may manage API clients."))


def _clean_scope(name, department, regions, access):
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("The system name is missing."), name="required")
    if len(name) > ApiClient._meta.get_field("name").max_length:
        raise ValidationFailed(_("The system name is longer than 100 characters."), name="max_length")
    if department not in Department.values:
        raise ValidationFailed(
            _("The department %(department)s is unknown; use emergency or environment.") % {"department": department},
            department="invalid_choice",
        )
    if access not in ApiClient.Access.values:
        raise ValidationFailed(
            _("The access %(access)s is unknown; use read or write.") % {"access": access}, access="invalid_choice"
        )
    regions = list(regions or [])
    for region in regions:
        if not isinstance(region, Region):
            raise ValidationFailed(_("The regions must be regions of the city."), regions="invalid")
        if region.is_city:
            raise ValidationFailed(
                _("The city stands for the whole city; leave the regions empty instead of naming %(region)s.")
                % {"region": region.name},
                regions="whole_city",
            )
    return name, regions


def _scope_snapshot(client):
    return {
        "name": client.name,
        "department": client.department,
        "access": client.access,
        "regions": sorted(client.regions.values_list("code", flat=True)),
        "active": client.active,
        "token_prefix": client.token_prefix,
    }


def issue_client(*, actor, name, department, regions, access):
    """Register a client (or re-activate a revoked one) with a new token; record ``api_client.issue``.

    Args:
        actor: a system or security administrator, or the system account.
        name: the client system's name, unique.
        department: ``emergency`` or ``environment``; only that department's registers may be written.
        regions: the regions the client sees; empty means the whole city.
        access: ``read`` or ``write``.

    Returns:
        ``(client, token)``. The token is not stored and cannot be shown again.

    Raises:
        NotPermitted: the actor may not manage API clients.
        ValidationFailed: a value is invalid; the field name is in ``fields``.
        Conflict: an active client of that name exists.
    """
    require_client_admin(actor)
    name, regions = _clean_scope(name, department, regions, access)
    token = secrets.token_urlsafe(32)

    with transaction.atomic():
        client = ApiClient.objects.select_for_update().filter(name=name).first()
        if client is not None and client.active:
            raise Conflict(
                _("The API client %(name)s already has an active token; revoke it first.") % {"name": name}, name="unique"
            )
        before = _scope_snapshot(client) if client is not None else {}
        if client is None:
            client = ApiClient(name=name, created_by=actor)
        client.department = department
        client.access = access
        client.token_hash = hash_token(token)
        client.token_prefix = token[:TOKEN_PREFIX_LENGTH]
        client.active = True
        client.last_used_at = None
        client.save()
        client.regions.set(regions)
        audit.record(actor, ApiClientAction.ISSUE, client, changes=audit.diff(before, _scope_snapshot(client)))

    logger.info("API client %s issued a token by user %s", client.pk, actor.pk)
    return client, token


def revoke_client(client, *, actor):
    """Deactivate a client's token at once; record ``api_client.revoke``.

    Raises:
        NotPermitted: the actor may not manage API clients.
        Conflict: the token is already revoked.
    """
    require_client_admin(actor)

    with transaction.atomic():
        current = ApiClient.objects.select_for_update().get(pk=client.pk)
        if not current.active:
            raise Conflict(_("The token of API client %(name)s is already revoked.") % {"name": current.name})
        current.active = False
        current.save(update_fields=["active"])
        audit.record(actor, ApiClientAction.REVOKE, current, changes={"active": [True, False]})

    client.active = False
    logger.info("API client %s revoked by user %s", client.pk, actor.pk)
    return client
