"""Writing and reading the audit trail.

Every service that changes supervised data calls ``record`` inside its own
transaction, with the acting user. Commands and jobs pass the system user
(``get_system_user``), never None.
"""

import datetime as dt
import decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from anhuan.core.models import AuditEntry

_ACTION_LABELS = {}


def register_actions(choices):
    """Register a TextChoices class of action codes so history can show their labels."""
    for value, label in choices.choices:
        _ACTION_LABELS[value] = label
    return choices


def action_label(code):
    return _ACTION_LABELS.get(code, code)


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(item) for item in value]
    return value


def snapshot(instance, fields):
    """Return the plain values of ``fields`` on ``instance``, for a later ``diff``."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before, after):
    """Return {field: [old, new]} for the fields whose value changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def record(actor, action, obj=None, changes=None, **data):
    """Insert one audit entry. Call it inside the transaction of the change."""
    agency = getattr(actor, "agency", None)
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor.get_full_name() or actor.get_username(),
        agency_name=str(agency) if agency else "",
        action=action,
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        changes=changes or {},
        data={key: _plain(value) for key, value in data.items()},
    )


def history_for(obj):
    """Return the audit entries of one object, newest first."""
    return AuditEntry.objects.filter(
        object_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
