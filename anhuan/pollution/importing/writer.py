"""Writing a validated reduction list: enterprises, the year's entries and the audit trail.

``ListWriter.write`` runs inside the caller's transaction. It creates or updates each enterprise by
credit code, replaces the year's entries inside the actor's scope, and writes one audit entry
per created or updated enterprise with its old and new values. Large writes go through
``core.sqlbulk`` so a 40,000-row list costs a few statements per thousand rows.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from anhuan.core.errors import Conflict
from anhuan.core.models import AuditEntry
from anhuan.enterprises.models import Enterprise
from anhuan.enterprises.services import EnterpriseAction
from anhuan.core import sqlbulk
from anhuan.pollution.importing.rows import LEVELS, enterprise_flags
from anhuan.pollution.models import ReductionEntry

# Enterprise fields the list sets, in the order of the write statements.
ENTERPRISE_FIELDS = [
    "name", "region_id", "industry_code", "industry_name", "category", "key_industry", "performance_grade",
    "whitelisted", "non_interruptible", "guaranteed", "contact_name", "contact_phone",
]
# Optional columns: a blank cell keeps what is stored instead of erasing it.
KEEP_WHEN_BLANK = {"industry_code", "industry_name", "contact_name", "contact_phone"}

ENTRY_FIELDS = [
    "reduction_list_id", "enterprise_id", "region_id", "sequence", "production_line", "products_capacity",
    *[f"{level}_{part}" for level in LEVELS for part in ("measure", "limit_percent", "detail")],
    "safe_shutdown_hours", "shutdown_risk", "remark", "source_row",
]

EXISTING_FIELDS = ["id", "credit_code", "address", *ENTERPRISE_FIELDS]

# Chunk size of IN (...) lookups; below SQLite's oldest limit of 999 parameters.
LOOKUP_CHUNK = 900


@dataclass
class WriteCounts:
    entries_written: int = 0
    entries_deleted: int = 0
    enterprises_created: int = 0
    enterprises_updated: int = 0


def chunks(items, size):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load_existing(codes, *, lock=False):
    """Return {credit code: dict of stored fields} for the enterprises among ``codes``."""
    existing = {}
    for chunk in chunks(codes, LOOKUP_CHUNK):
        queryset = Enterprise.objects.filter(credit_code__in=chunk).order_by()
        if lock:
            queryset = queryset.select_for_update()
        for values in queryset.values(*EXISTING_FIELDS):
            existing[values["credit_code"]] = values
    return existing


def enterprise_values(rows):
    """Return {credit code: {field: value}} from the parsed rows, one dict per enterprise.

    Rows of one enterprise agree on its attributes (the validator checks it); optional text
    comes from the first row that fills it.
    """
    enterprises = {}
    for row in rows:
        values = row.values
        code = values["credit_code"]
        current = enterprises.get(code)
        if current is None:
            key_industry, guaranteed = enterprise_flags(values["category"])
            enterprises[code] = {
                "name": values["name"],
                "region_id": values["region"].id,
                "industry_code": values["industry_code"],
                "industry_name": values["industry_name"],
                "category": values["category"],
                "key_industry": key_industry,
                "performance_grade": values["grade"],
                "whitelisted": values["whitelisted"],
                "non_interruptible": values["non_interruptible"],
                "guaranteed": guaranteed,
                "contact_name": values["contact_name"],
                "contact_phone": values["contact_phone"],
            }
            continue
        for field in KEEP_WHEN_BLANK:
            if not current[field] and values[field]:
                current[field] = values[field]
    return enterprises


class ListWriter:
    """Writes one validated list for one actor; call ``write`` inside a transaction."""

    def __init__(self, *, actor, reduction_list, scope_region_ids, regions_by_id, audit_data):
        self.actor = actor
        self.reduction_list = reduction_list
        self.scope_region_ids = scope_region_ids
        self.regions_by_id = regions_by_id
        self.audit_data = audit_data
        self.now = timezone.now()
        self.now_db = connection.ops.adapt_datetimefield_value(self.now)
        self.counts = WriteCounts()

    def write(self, rows, existing):
        """Upsert the enterprises, replace the entries in scope and audit each enterprise change."""
        incoming = enterprise_values(rows)
        created, updated = self._upsert_enterprises(incoming, existing)
        ids = {code: stored["id"] for code, stored in existing.items()}
        ids.update(self._ids_of(created))
        self._audit_enterprises(created, updated, incoming, existing, ids)
        self._replace_entries(rows, ids)
        return self.counts

    def _upsert_enterprises(self, incoming, existing):
        created, updated = [], []
        for code, values in incoming.items():
            stored = existing.get(code)
            if stored is None:
                created.append(code)
                continue
            for field in KEEP_WHEN_BLANK:
                if not values[field]:
                    values[field] = stored[field]
            if any(values[field] != stored[field] for field in ENTERPRISE_FIELDS):
                updated.append(code)

        now = self.now_db
        insert = sqlbulk.InsertStatement(
            Enterprise, ["credit_code", "address", *ENTERPRISE_FIELDS, "created_at", "updated_at"],
            prepared={"created_at", "updated_at"},
        )
        insert.execute((code, "", *(incoming[code][field] for field in ENTERPRISE_FIELDS), now, now) for code in created)
        update = sqlbulk.UpdateStatement(Enterprise, [*ENTERPRISE_FIELDS, "updated_at"], prepared={"updated_at"})
        update.execute(
            (*(incoming[code][field] for field in ENTERPRISE_FIELDS), now, existing[code]["id"]) for code in updated
        )
        self.counts.enterprises_created = len(created)
        self.counts.enterprises_updated = len(updated)
        return created, updated

    def _ids_of(self, codes):
        ids = {}
        for chunk in chunks(codes, LOOKUP_CHUNK):
            ids.update(Enterprise.objects.filter(credit_code__in=chunk).order_by().values_list("credit_code", "id"))
        return ids

    def _audit_enterprises(self, created, updated, incoming, existing, ids):
        """Insert one audit entry per created or updated enterprise, as ``core.audit.record`` fills it."""
        agency = getattr(self.actor, "agency", None)
        actor_name = self.actor.get_full_name() or self.actor.get_username()
        agency_name = str(agency) if agency else ""
        enterprise_type = ContentType.objects.get_for_model(Enterprise).id
        fields = ["created_at", "actor_id", "actor_name", "agency_name", "action", "object_type_id", "object_id",
                  "object_repr", "changes", "data"]

        def entries():
            for code in created:
                values = incoming[code]
                # As the registry records a registration: new values only, without empty text.
                changes = {"credit_code": [None, code]}
                changes.update({
                    self._audit_name(f): [None, self._plain(f, values[f])]
                    for f in ENTERPRISE_FIELDS
                    if values[f] not in (None, "")
                })
                yield (self.now_db, self.actor.id, actor_name, agency_name, EnterpriseAction.CREATE, enterprise_type,
                       str(ids[code]), values["name"][:255], changes, self.audit_data)
            for code in updated:
                values, stored = incoming[code], existing[code]
                changes = {
                    self._audit_name(f): [self._plain(f, stored[f]), self._plain(f, values[f])]
                    for f in ENTERPRISE_FIELDS
                    if values[f] != stored[f]
                }
                yield (self.now_db, self.actor.id, actor_name, agency_name, EnterpriseAction.UPDATE, enterprise_type,
                       str(ids[code]), values["name"][:255], changes, self.audit_data)

        sqlbulk.InsertStatement(AuditEntry, fields, prepared={"created_at"}).execute(entries())

    @staticmethod
    def _audit_name(field):
        return "region" if field == "region_id" else field

    def _plain(self, field, value):
        # The audit trail shows a region by name, as ``core.audit`` renders related objects.
        if field == "region_id":
            region = self.regions_by_id.get(value)
            return region.name if region is not None else value
        return value

    def _replace_entries(self, rows, ids):
        self.counts.entries_deleted = self._delete_old_entries()
        list_id = self.reduction_list.id

        def values():
            for row in rows:
                item = row.values
                yield (
                    list_id, ids[item["credit_code"]], item["region"].id, item["sequence"], item["production_line"],
                    item["products_capacity"],
                    item["yellow_measure"], item["yellow_limit_percent"], item["yellow_detail"],
                    item["orange_measure"], item["orange_limit_percent"], item["orange_detail"],
                    item["red_measure"], item["red_limit_percent"], item["red_detail"],
                    item["safe_shutdown_hours"], item["shutdown_risk"], item["remark"], row.row,
                )

        self.counts.entries_written = sqlbulk.InsertStatement(ReductionEntry, ENTRY_FIELDS).execute(values())

    def _delete_old_entries(self):
        """Delete the list's entries inside the scope; return how many were deleted.

        Django's ``delete()`` loads every entry to clear the links pointing at it, which costs
        seconds for a city's list. When every such link is SET_NULL (plan items keep their own
        copies), one UPDATE per link and one DELETE do the same work.
        """
        old = ReductionEntry.objects.filter(reduction_list=self.reduction_list)
        if self.scope_region_ids is not None:
            old = old.filter(region_id__in=self.scope_region_ids)
        # The same relations Django's delete() follows, hidden ones (related_name="+") included.
        relations = [
            field
            for field in ReductionEntry._meta.get_fields(include_hidden=True)
            if field.auto_created and not field.concrete and (field.one_to_one or field.one_to_many)
        ]
        if any(relation.on_delete is not models.SET_NULL for relation in relations):
            try:
                _total, deleted_by_model = old.delete()
            except models.ProtectedError as exc:
                raise Conflict(
                    _("The list cannot be replaced because other records refer to its entries: %(objects)s.")
                    % {"objects": "、".join(sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects}))}
                ) from exc
            return deleted_by_model.get(ReductionEntry._meta.label, 0)
        for relation in relations:
            name = relation.field.name
            relation.related_model._base_manager.filter(**{f"{name}__in": old.values("pk")}).update(**{name: None})
        return sqlbulk.delete_where(
            ReductionEntry,
            {"reduction_list_id": [self.reduction_list.id], "region_id": self.scope_region_ids},
        )
