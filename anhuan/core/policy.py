"""Organisational policy values: defaults in code, overrides in the database.

Each setting is registered once with its default, unit and label; services
read it with ``get``. Administrators change a value through ``set_value``,
which is audited.
"""

from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext_lazy

from anhuan.core.audit import record, register_actions
from anhuan.core.models import PolicySetting


@register_actions
class PolicyAction(models.TextChoices):
    UPDATE = "policy.update", gettext_lazy("Policy setting changed")


@dataclass(frozen=True)
class Policy:
    key: str
    default: int
    unit: str
    label: str


_REGISTRY = {}


def register(key, default, unit, label):
    """Register a policy setting; ``label`` is a lazy translated string, ``unit`` e.g. "hours"."""
    _REGISTRY[key] = Policy(key, default, unit, label)
    return key


def registered():
    return sorted(_REGISTRY.values(), key=lambda policy: policy.key)


def get(key):
    """Return the value of a registered setting: the stored override or the default."""
    policy = _REGISTRY[key]
    stored = PolicySetting.objects.filter(key=key).values_list("value", flat=True).first()
    return policy.default if stored is None else stored


def set_value(key, value, *, actor):
    """Store ``value`` for a registered setting and record the change."""
    policy = _REGISTRY[key]
    with transaction.atomic():
        old = get(key)
        setting, _created = PolicySetting.objects.update_or_create(key=key, defaults={"value": value, "updated_by": actor})
        record(actor, PolicyAction.UPDATE, setting, changes={key: [old, value]}, unit=policy.unit)
    return setting
