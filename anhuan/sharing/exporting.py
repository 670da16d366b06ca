"""Excel files of a register: the filtered list, and the import template.

Both use the register's columns (``RegisterSpec.columns``), so an exported list can be edited
and imported again. Credit codes are text cells, dates are written as 2025-12-01, and choices
as the Chinese word the importer reads back.
"""

import io

from anhuan.core import excel
from anhuan.core.timeutil import format_local
from anhuan.sharing import registry

_CELL_KINDS = {
    registry.CREDIT_CODE: excel.TEXT,
    registry.TEXT: excel.TEXT,
    registry.MULTILINE: excel.TEXT,
    registry.CHOICE: excel.TEXT,
    registry.DATE: excel.DATE,
    registry.DECIMAL: excel.NUMBER,
}


def _sheet_columns(columns):
    return [excel.Column(column.label, column.width, _CELL_KINDS.get(column.kind, excel.TEXT)) for column in columns]


def _cell(record, column):
    if column.field == "enterprise":
        return record.enterprise.credit_code
    if column.field == "enterprise_name":
        return record.enterprise.name
    if column.field == "region":
        return record.region.name
    if column.field == "agency":
        return record.agency.name
    if column.field == "facility":
        return record.facility.name if record.facility_id else ""
    if column.field == "is_key":
        return "是" if record.is_key else "否"
    if column.field == "updated_at":
        return format_local(record.updated_at)
    value = getattr(record, column.field)
    if column.kind == registry.CHOICE:
        words = column.words.get(value)
        return words[0] if words else value
    return value


def register_workbook(spec, records):
    """Return the bytes of an .xlsx file listing ``records`` (already scoped and filtered)."""
    workbook = excel.new_workbook()
    rows = ([_cell(record, column) for column in spec.columns] for record in records)
    excel.write_table(workbook.active, _sheet_columns(spec.columns), rows, sheet_title=spec.file_title)
    buffer = io.BytesIO()
    excel.save(workbook, buffer)
    return buffer.getvalue()


def template_workbook(spec):
    """Return the bytes of the import template: the header and one example row, codes as text.

    Replace the example row with real rows before importing; its credit code belongs to no
    registered enterprise, so an import that keeps it is rejected.
    """
    # The enterprise name helps the person filling it in; the importer goes by the credit code.
    columns = [column for column in spec.columns if column.kind != registry.EXPORT_ONLY or column.field == "enterprise_name"]
    workbook = excel.new_workbook()
    excel.write_table(
        workbook.active,
        _sheet_columns(columns),
        [[column.example for column in columns]],
        sheet_title=spec.file_title,
    )
    buffer = io.BytesIO()
    excel.save(workbook, buffer)
    return buffer.getvalue()
