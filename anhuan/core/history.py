"""Audit entries rendered for people: action labels, field names and old → new values.

Entries store codes and plain values (see ``anhuan.core.audit``); this module
turns them into the reader's language when a history is shown. Render the
rows with ``{% include "core/history.html" with history=rows %}``.
"""

import dataclasses
import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.audit import action_label, history_for
from anhuan.core.timeutil import format_local

EMPTY = "—"

# Labels of keys that services put into an entry's ``data`` rather than its ``changes``.
_DETAIL_LABELS = {
    "file_name": gettext_lazy("file name"),
    "year": gettext_lazy("year"),
    "import_job": gettext_lazy("import job"),
    "reason": gettext_lazy("reason"),
    "comment": gettext_lazy("comment"),
}


# ``data`` keys that only link the entry to other records (ids, register names): never shown.
_HIDDEN_DETAILS = set()
# Models whose fields a history of another model also records (a facility's profile on the facility).
_FIELD_MODELS = {}


def register_detail_labels(labels):
    """Register translated labels for ``data`` keys that are not fields of the changed model."""
    _DETAIL_LABELS.update(labels)


def hide_details(*names):
    """Keep ``data`` keys that only link an entry to other records out of the rendered history."""
    _HIDDEN_DETAILS.update(names)


def register_field_models(model, *others):
    """Let the history of ``model`` name and format fields of ``others`` recorded on it."""
    _FIELD_MODELS.setdefault(model, []).extend(others)


@dataclasses.dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclasses.dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    actor_name: str
    agency_name: str
    action: str
    changes: list
    details: list

    @property
    def only_new_values(self):
        """True when every change starts from nothing, as when an object is created."""
        return all(change.old == EMPTY for change in self.changes)


def history_rows(obj, limit=None):
    """Return the history of ``obj``, newest first, as HistoryRow items ready for the template (one query)."""
    entries = history_for(obj)
    if limit is not None:
        entries = entries[:limit]
    return [history_row(entry, type(obj)) for entry in entries]


def history_row(entry, model=None):
    """Render one AuditEntry with the field names and choice labels of the model it was recorded on.

    ``model`` serves entries that carry no object type.
    """
    model = _entry_model(entry) or model
    changes = [
        FieldChange(label=field_label(model, name), old=format_value(model, name, values[0]),
                    new=format_value(model, name, values[1]))
        for name, values in (entry.changes or {}).items()
        if isinstance(values, (list, tuple)) and len(values) == 2
    ]
    details = [
        (str(_DETAIL_LABELS[name]) if name in _DETAIL_LABELS else field_label(model, name), format_value(model, name, value))
        for name, value in (entry.data or {}).items()
        if name not in _HIDDEN_DETAILS
    ]
    return HistoryRow(
        at=entry.created_at,
        actor_name=entry.actor_name,
        agency_name=entry.agency_name,
        action=str(action_label(entry.action)),
        changes=changes,
        details=details,
    )


def _entry_model(entry):
    if not entry.object_type_id:
        return None
    # ContentType caches every type it has read, so a long history costs no query per entry.
    return ContentType.objects.get_for_id(entry.object_type_id).model_class()


def _field(model, name):
    if model is None:
        return None
    for candidate in (model, *_FIELD_MODELS.get(model, ())):
        try:
            return candidate._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def field_label(model, name):
    """The field's verbose name in the active language, or the stored name for a field that no longer exists."""
    field = _field(model, name)
    label = getattr(field, "verbose_name", None)
    return capfirst(str(label)) if label else name


def format_value(model, name, value):
    """Render one stored value: choice labels, 是/否, local times, lists joined, '—' for nothing."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (list, tuple)):
        return "、".join(format_value(model, name, item) for item in value)

    field = _field(model, name)
    if field is not None and field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            return format_local(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)
