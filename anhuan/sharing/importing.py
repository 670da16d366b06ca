"""Excel import of a shared register, all or nothing.

The file is read with the reduction-list reader (xlsx, xls or CSV, GBK included). The header is
the first row, among the first ``HEADER_SEARCH_ROWS``, that names 统一社会信用代码; columns
are matched by label or alias, and columns the register does not know (县（市、区）,
企业名称, 最后更新 of an export) are ignored. Every data row is checked with the same rules
as the edit form. If any row is wrong, nothing is written and every error names its row and
column.

Rows find their enterprise by credit code. An enterprise that is not registered, or lies
outside the importer's region, is an error. A row that matches an existing record by the
register's natural key (``RegisterSpec.natural_key``) updates it; other rows add records.
"""

import copy
import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from anhuan.core.errors import NotPermitted
from anhuan.enterprises.models import Enterprise
from anhuan.organizations.models import Department, Role
from anhuan.organizations.scope import covers_region
from anhuan.pollution.importing import normalise as norm
from anhuan.pollution.importing.columns import normalise_label
from anhuan.pollution.importing.errors import ErrorCollector, ImportRejected
from anhuan.pollution.importing.normalise import CellError
from anhuan.pollution.importing.reader import read_sheets
from anhuan.sharing import registry
from anhuan.sharing.models import APPROVAL_OWNERS, EnforcementRecord, EnvFacility, ProjectApproval
from anhuan.sharing.services import registers

logger = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 20
_HEADER_KEY = normalise_label("统一社会信用代码")
_DATE_RE = re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$")
_COMPACT_DATE_RE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
# Excel stores dates as days since 1899-12-30; a plain number cell in this range is taken as one
# (1982-01-01 to 2064-07-04), which leaves no room to confuse it with a year or a count.
_SERIAL_RANGE = (30000, 60000)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass
class ImportResult:
    """Counts of an import (or, for a check, of what it would do): rows added and rows updated."""

    file_name: str
    created: int = 0
    updated: int = 0
    records: list = field(default_factory=list)

    @property
    def total(self):
        return self.created + self.updated


# --- Cells ---------------------------------------------------------------------------------


def parse_date(value):
    """Return a date from a date cell, text such as 2025-12-01, 2025/12/1, 2025年12月1日 or 20251201, or an Excel serial."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        text = norm.number_text(value)
    else:
        text = norm.fold(value)
    # A time after the date (2025-12-01 00:00:00) is dropped.
    text = text.split("T")[0] if "T" in text else text
    text = re.sub(r"\d{1,2}:\d{2}(:\d{2})?$", "", text)
    match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if match is None:
        raise CellError(_("This is not a date; write it as 2025-12-01."))
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise CellError(_("This date does not exist; write it as 2025-12-01.")) from None


def parse_choice(value, column):
    """Return the stored value a choice cell names, by its Chinese word or its code."""
    folded = norm.fold(value)
    for stored, words in column.words.items():
        if folded == norm.fold(stored) or any(folded == norm.fold(word) for word in words):
            return stored
    accepted = "、".join(words[0] for words in column.words.values())
    raise CellError(_('"%(value)s" is not one of: %(accepted)s.') % {"value": norm.clean_text(value), "accepted": accepted})


def parse_cell(value, column):
    """Return the clean value of one cell, None or "" when blank; raise CellError when unusable."""
    if norm.is_blank(value):
        if column.required:
            raise CellError(_("This column is required; the cell is empty."))
        return None if column.kind in (registry.DATE, registry.DECIMAL, registry.CHOICE) else ""
    if column.kind == registry.CREDIT_CODE:
        return norm.parse_credit_code(value)
    if column.kind == registry.DATE:
        return parse_date(value)
    if column.kind == registry.DECIMAL:
        return norm.parse_decimal(value)
    if column.kind == registry.CHOICE:
        return parse_choice(value, column)
    if column.kind == registry.MULTILINE:
        return norm.clean_multiline(value)
    return norm.clean_text(value)


# --- Header --------------------------------------------------------------------------------


def _find_header(rows):
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(normalise_label(cell) == _HEADER_KEY for cell in row):
            return index
    return None


def _map_columns(spec, header):
    """Return {field: (position, label as written)} for the columns the register reads."""
    positions = {}
    for position, cell in enumerate(header):
        label = normalise_label(cell)
        if not label:
            continue
        for column in spec.import_columns:
            names = {normalise_label(name) for name in (column.label, *column.aliases)}
            if label in names and column.field not in positions:
                positions[column.field] = (position, "".join(str(cell).split()))
    return positions


# --- Rows ----------------------------------------------------------------------------------


def _natural_key(spec, values):
    return tuple(getattr(values[name], "pk", values[name]) for name in spec.natural_key)


def _existing(spec, actor, values):
    lookup = {name: values[name] for name in spec.natural_key}
    return spec.model.objects.visible_to(actor).filter(**lookup).first()


def _row_values(spec, row, columns, row_number, collector, enterprises, actor):
    """Parse one data row into field values; add its errors to ``collector`` and return None if any."""
    start = len(collector)
    values = {}
    for field_name, (position, label) in columns.items():
        column = spec.column_for(field_name)
        cell = row[position] if position < len(row) else None
        if column.kind == registry.CHOICE and not column.required and norm.is_blank(cell):
            # A blank optional choice keeps the stored value, or the default for a new record.
            continue
        try:
            values[field_name] = parse_cell(cell, column)
        except CellError as error:
            collector.add(row_number, label, error.message, norm.clean_text(cell), position)

    code = values.get("enterprise")
    if code:
        position, label = columns["enterprise"]
        enterprise = enterprises.get(code)
        if enterprise is None:
            collector.add(row_number, label, _(
                "No enterprise with the credit code %(code)s is registered; register it in the enterprise registry first."
            ) % {"code": code}, code, position)
        elif actor.role != Role.SYSTEM and not covers_region(actor, enterprise.region_id):
            collector.add(row_number, label, _("%(name)s lies in %(region)s, outside your region.") % {
                "name": enterprise.name, "region": enterprise.region.name,
            }, code, position)
        else:
            values["enterprise"] = enterprise

    for field_name, (position, label) in columns.items():
        if spec.column_for(field_name).kind == registry.FACILITY_NAME and field_name in values:
            _resolve_facility(values, field_name, row_number, position, label, collector)

    kind = values.get("kind")
    if spec.model is ProjectApproval and kind and actor.role != Role.SYSTEM and APPROVAL_OWNERS[kind] != actor.department:
        position, label = columns["kind"]
        collector.add(row_number, label, _("%(kind)s records are kept by the %(department)s department.") % {
            "kind": registry.APPROVAL_KIND_WORDS[kind][0], "department": Department(APPROVAL_OWNERS[kind]).label,
        }, norm.clean_text(row[position]), position)

    collector.sort_from(start)
    return None if len(collector) > start else values


def _resolve_facility(values, field_name, row_number, position, label, collector):
    """Replace a facility name by the row enterprise's environmental facility of that name; blank means none."""
    name = values.pop(field_name)
    if not name:
        values[field_name] = None
        return
    enterprise = values.get("enterprise")
    if not isinstance(enterprise, Enterprise):
        # The credit code cell is wrong and already reported.
        return
    matches = list(EnvFacility.objects.filter(enterprise=enterprise, name=name).order_by("pk")[:2])
    if not matches:
        collector.add(row_number, label, _(
            "%(enterprise)s has no facility named %(name)s in the environmental facility register; "
            "write the name as registered, or leave the cell empty."
        ) % {"enterprise": enterprise.name, "name": name}, name, position)
    elif len(matches) > 1:
        collector.add(row_number, label, _(
            "%(enterprise)s has more than one facility named %(name)s; rename them in the environmental facility "
            "register first."
        ) % {"enterprise": enterprise.name, "name": name}, name, position)
    else:
        values[field_name] = matches[0]


def _rule_errors(spec, values, existing, actor, row_number, columns, collector):
    """Check a parsed row with the service's own validation, on an unsaved copy of the record it becomes."""
    record = copy.copy(existing) if existing is not None else spec.model()
    for name, value in values.items():
        setattr(record, name, value)
    record.region_id = values["enterprise"].region_id
    if spec.model is EnforcementRecord:
        record.agency = actor.agency
        record.department = actor.department
    start = len(collector)
    for field_name, message in registers.record_errors(record):
        position, label = columns.get(field_name) or _unmapped(spec, field_name)
        collector.add(row_number, label, message, "", position)
    collector.sort_from(start)


def _unmapped(spec, field_name):
    # A rule about a column the file leaves out (for example 罚款金额 for a fine) still names the column.
    column = spec.column_for(field_name)
    return (-1, column.label if column else field_name)


def _is_blank_row(row):
    return all(norm.is_blank(cell) for cell in row)


# --- The action ----------------------------------------------------------------------------


def import_register(spec, data, file_name, *, actor, dry_run=False):
    """Import the rows of an Excel or CSV file into a register, or reject the whole file.

    Args:
        spec: the RegisterSpec of the register.
        data: the file's bytes.
        file_name: the name errors refer to.
        actor: an officer or leader of the owning department.
        dry_run: check every row and count what would be added and updated, but write nothing.

    Raises:
        NotPermitted: the actor may not change this register.
        ImportRejected: the file is unreadable or a row is wrong; ``errors`` lists every problem.
    """
    if not registers.can_edit(actor, spec.model):
        raise NotPermitted(_("You may not change this register."))
    if spec.model is EnforcementRecord and actor.agency_id is None:
        raise NotPermitted(_("Enforcement records are imported by staff of the inspecting agency."))

    sheet = read_sheets(data, file_name)[0]
    collector = ErrorCollector()
    header_index = _find_header(sheet.rows)
    if header_index is None:
        collector.add(None, "", _("No header row naming 统一社会信用代码 was found in the first %(count)s rows.") % {
            "count": HEADER_SEARCH_ROWS,
        })
        raise ImportRejected(file_name, collector.errors)
    columns = _map_columns(spec, sheet.rows[header_index])
    missing = [column.label for column in spec.import_columns if column.required and column.field not in columns]
    for label in missing:
        collector.add(header_index + 1, label, _("The required column %(column)s is missing.") % {"column": label})
    if collector:
        raise ImportRejected(file_name, collector.errors)

    codes = set()
    data_rows = []
    for index in range(header_index + 1, len(sheet.rows)):
        row = sheet.rows[index]
        if _is_blank_row(row):
            continue
        data_rows.append((index + 1, row))
        position = columns["enterprise"][0]
        if position < len(row):
            try:
                codes.add(norm.parse_credit_code(row[position]))
            except CellError:
                pass
    enterprises = {
        enterprise.credit_code: enterprise
        for enterprise in Enterprise.objects.filter(credit_code__in=codes).select_related("region")
    }
    if not data_rows:
        collector.add(None, "", _("The file has a header but no data rows."))
        raise ImportRejected(file_name, collector.errors)

    parsed = []
    seen = {}
    for row_number, row in data_rows:
        values = _row_values(spec, row, columns, row_number, collector, enterprises, actor)
        if values is None:
            continue
        if spec.model is EnforcementRecord:
            values["agency"] = actor.agency
        key = _natural_key(spec, values)
        if key in seen:
            collector.add(row_number, "", _("This row repeats row %(row)s: both describe the same record.") % {
                "row": seen[key],
            })
            continue
        seen[key] = row_number
        existing = _existing(spec, actor, values)
        fields = {name: value for name, value in values.items() if name != "agency"}
        start = len(collector)
        _rule_errors(spec, fields, existing, actor, row_number, columns, collector)
        if len(collector) == start:
            parsed.append((fields, existing))
    if collector:
        raise ImportRejected(file_name, collector.errors, truncated=collector.truncated)

    return _write(spec, parsed, file_name, actor=actor, dry_run=dry_run)


def _write(spec, parsed, file_name, *, actor, dry_run):
    result = ImportResult(file_name=file_name)
    if dry_run:
        result.updated = sum(1 for _fields, existing in parsed if existing is not None)
        result.created = len(parsed) - result.updated
        return result
    with transaction.atomic():
        for fields, existing in parsed:
            if existing is not None:
                result.updated += 1
                result.records.append(registers.update_record(existing, actor=actor, **fields))
            else:
                result.created += 1
                result.records.append(registers.create_record(spec.model, actor=actor, **fields))
    logger.info(
        "Register %s import of %s by user %s: %s added, %s updated",
        spec.slug, file_name, actor.pk, result.created, result.updated,
    )
    return result
