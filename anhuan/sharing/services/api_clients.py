"""Actions on data-exchange API clients: issue and revoke their tokens.

A client is another government system. It gets one bearer token, shown once
when issued. The platform stores only the token's SHA-256 hex digest and its
first eight characters, which identify it in lists and logs. Only the system
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
from anhuan.core.errors import Conflict, NotPermitted, OutOfScope, ValidationFailed
from anhuan.organizations.models import Department, Region, Role
from anhuan.organizations.services import get_system_user
from anhuan.sharing.models import APPROVAL_OWNERS, ApiClient, EnforcementRecord, ProjectApproval
from anhuan.sharing.services import registers

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
        regions: the regions whose rows the client may read; empty means the whole city.
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


# --- A client's scope ------------------------------------------------------------------------


def client_region_ids(client):
    """Return the ids of the regions whose rows a client may read, or None for the whole city.

    The result is cached on the client object.
    """
    if not hasattr(client, "_region_ids"):
        ids = set(client.regions.values_list("id", flat=True))
        client._region_ids = ids or None
    return client._region_ids


def client_covers_region(client, region_id):
    regions = client_region_ids(client)
    return regions is None or region_id in regions


def visible_to_client(queryset, client):
    """Narrow a register, enterprise or deletion queryset to the client's regions.

    The region field is the one the model's scoped queryset names
    (``scope_region_field``), or ``region`` for models without one.
    """
    regions = client_region_ids(client)
    if regions is None:
        return queryset
    field = getattr(queryset, "scope_region_field", "region")
    return queryset.filter(**{f"{field}__in": regions})


def require_write_access(client):
    """Raise NotPermitted unless the client was issued write access."""
    if client.access != ApiClient.Access.WRITE:
        raise NotPermitted(
            _("The API client %(name)s may only read; ask the administrator for write access.") % {"name": client.name}
        )


def require_client_owns(client, department):
    """Raise NotPermitted unless ``department`` (the owner of a register row) is the client's."""
    if department != client.department:
        raise NotPermitted(
            _("Rows of this kind are kept by the %(owner)s department; the API client %(name)s acts for %(department)s.")
            % {
                "owner": Department(department).label,
                "name": client.name,
                "department": Department(client.department).label,
            }
        )


# --- Register writes by a client ---------------------------------------------------------------
# The register services act as the system account, which may change every row of the city.
# So each function first checks the client's own scope (access, department, regions), then
# calls the register service, and records which client asked in the same transaction.


def _new_row_owner(model, fields):
    """Return the department that will own a new row with these values."""
    if model is ProjectApproval:
        if fields.get("kind") not in APPROVAL_OWNERS:
            raise ValidationFailed(_("Approval: choose one of the approval kinds."), field="kind")
        return APPROVAL_OWNERS[fields["kind"]]
    if model is EnforcementRecord:
        agency = fields.get("agency")
        if agency is None:
            raise ValidationFailed(_("Agency: name the agency that inspected."), field="agency")
        return agency.department
    return model.owner_department


def _require_enterprise_in_scope(client, enterprise):
    if enterprise is not None and not client_covers_region(client, enterprise.region_id):
        raise ValidationFailed(
            _("Enterprise: %(name)s lies outside the regions of the API client.") % {"name": enterprise.name},
            field="enterprise",
        )


def create_record_for_client(model, *, client, **fields):
    """Add a register row for a client; record ``register.create`` and ``api_client.create_record``.

    Raises:
        NotPermitted: the client may only read, or its department does not own such rows.
        ValidationFailed: the enterprise or agency lies outside the client's regions, or a value
            is invalid (as for ``registers.create_record``).
    """

    require_write_access(client)
    require_client_owns(client, _new_row_owner(model, fields))
    _require_enterprise_in_scope(client, fields.get("enterprise"))
    agency = fields.get("agency")
    if agency is not None and not client_covers_region(client, agency.region_id):
        raise ValidationFailed(
            _("Agency: %(name)s lies outside the regions of the API client.") % {"name": agency.name}, field="agency"
        )
    actor = get_system_user()

    with transaction.atomic():
        record = registers.create_record(model, actor=actor, **fields)
        audit.record(actor, ApiClientAction.CREATE_RECORD, record, client=client.name, register=registers.register_name(model))
    return record


def update_record_for_client(instance, *, client, **fields):
    """Change a register row for a client; record ``register.update`` and ``api_client.update_record``.

    A call that changes nothing records nothing.

    Raises:
        OutOfScope: the row lies outside the client's regions.
        NotPermitted: the client may only read, or its department does not own the row (before
            or, for an approval of another kind, after the change).
        ValidationFailed: as for ``registers.update_record``.
    """

    if not client_covers_region(client, instance.region_id):
        raise OutOfScope()
    require_write_access(client)
    require_client_owns(client, registers.owner_of(instance))
    if isinstance(instance, ProjectApproval) and "kind" in fields:
        require_client_owns(client, _new_row_owner(ProjectApproval, fields))
    _require_enterprise_in_scope(client, fields.get("enterprise"))
    actor = get_system_user()
    stamp = instance.updated_at

    with transaction.atomic():
        registers.update_record(instance, actor=actor, **fields)
        if instance.updated_at != stamp:
            audit.record(
                actor, ApiClientAction.UPDATE_RECORD, instance, client=client.name, register=registers.register_name(instance)
            )
    return instance


def delete_record_for_client(instance, *, client):
    """Delete a register row for a client; record ``register.delete`` and ``api_client.delete_record``.

    Raises:
        OutOfScope: the row lies outside the client's regions.
        NotPermitted: the client may only read, or its department does not own the row.
    """

    if not client_covers_region(client, instance.region_id):
        raise OutOfScope()
    require_write_access(client)
    require_client_owns(client, registers.owner_of(instance))
    actor = get_system_user()

    with transaction.atomic():
        # Recorded first: after the deletion the row has no primary key to point at.
        audit.record(
            actor, ApiClientAction.DELETE_RECORD, instance, client=client.name, register=registers.register_name(instance)
        )
        registers.delete_record(instance, actor=actor)
