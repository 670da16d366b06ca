"""Reading and writing shared by the facility app's Excel imports (assessments, diagnoses, providers).

A file is read with the reduction-list reader (xlsx, xls or CSV, GBK included). Its header is
the first row, among the first ``HEADER_SEARCH_ROWS``, that names 统一社会信用代码, and columns
are matched by label or alias. Cells are parsed by the caller's own ``parse`` function, because
each import has cell kinds of its own.
"""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from anhuan.core import excel
from anhuan.pollution.importing import normalise as norm
from anhuan.pollution.importing.columns import normalise_label
from anhuan.pollution.importing.errors import ErrorCollector, ImportRejected
from anhuan.pollution.importing.normalise import CellError
from anhuan.pollution.importing.reader import read_sheets

HEADER_SEARCH_ROWS = 20
_HEADER_KEY = normalise_label("统一社会信用代码")


@dataclass(frozen=True)
class Table:
    """The first sheet of an import file, with its header row found and its columns matched."""

    rows: list
    header_index: int
    # {field: (position, label as written)} for the columns the import reads.
    columns: dict
    import_columns: tuple

    def data_rows(self):
        """Yield (row number as Excel shows it, row) for every non-blank row below the header."""
        for index in range(self.header_index + 1, len(self.rows)):
            row = self.rows[index]
            if not all(norm.is_blank(cell) for cell in row):
                yield index + 1, row

    def parse_row(self, row, row_number, parse, collector):
        """Return {field: parse(cell, column)} for one row, and add each CellError to ``collector``."""
        by_field = {column.field: column for column in self.import_columns}
        values = {}
        for field_name, (position, label) in self.columns.items():
            cell = row[position] if position < len(row) else None
            try:
                values[field_name] = parse(cell, by_field[field_name])
            except CellError as error:
                collector.add(row_number, label, error.message, norm.clean_text(cell), position)
        return values


def _find_header(rows):
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(normalise_label(cell) == _HEADER_KEY for cell in row):
            return index
    return None


def _map_columns(import_columns, header):
    positions = {}
    for position, cell in enumerate(header):
        label = normalise_label(cell)
        if not label:
            continue
        for column in import_columns:
            names = {normalise_label(name) for name in (column.label, *column.aliases)}
            if label in names and column.field not in positions:
                positions[column.field] = (position, "".join(str(cell).split()))
    return positions


def read_table(data, file_name, import_columns):
    """Read the first sheet of an Excel or CSV file and match its header to ``import_columns``.

    Each column needs ``field``, ``label``, ``aliases`` and ``required``.

    Raises:
        ImportRejected: the file is unreadable, no header row names 统一社会信用代码, or a required
            column is missing; ``errors`` lists every problem.
    """
    sheet = read_sheets(data, file_name)[0]
    collector = ErrorCollector()
    header_index = _find_header(sheet.rows)
    if header_index is None:
        collector.add(None, "", _("No header row naming 统一社会信用代码 was found in the first %(count)s rows.") % {
            "count": HEADER_SEARCH_ROWS,
        })
        raise ImportRejected(file_name, collector.errors)
    columns = _map_columns(import_columns, sheet.rows[header_index])
    for column in import_columns:
        if column.required and column.field not in columns:
            collector.add(header_index + 1, column.label,
                          _("The required column %(column)s is missing.") % {"column": column.label})
    if collector:
        raise ImportRejected(file_name, collector.errors)
    return Table(rows=sheet.rows, header_index=header_index, columns=columns, import_columns=tuple(import_columns))


def workbook_bytes(workbook):
    """Return the bytes of ``workbook`` saved as .xlsx."""
    buffer = io.BytesIO()
    excel.save(workbook, buffer)
    return buffer.getvalue()
