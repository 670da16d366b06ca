"""A small xlsx writer for the platform's exports, on openpyxl.

Every export looks the same in Excel and WPS: an optional title row, a bold
header row that stays in view when scrolling, set column widths, and cells
typed by column so that codes and phone numbers keep their leading zeros and
times read as Asia/Shanghai wall time::

    columns = [Column("企业名称", 30), Column("统一社会信用代码", 22, TEXT), Column("开始时间", 18, DATETIME)]
    workbook = new_workbook()
    write_table(workbook.active, columns, rows, title="减排方案", sheet_title="方案")
    save(workbook, "plan.xlsx")
"""

import datetime as dt
import decimal
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from anhuan.core.timeutil import format_local

GENERAL = "general"
TEXT = "text"
NUMBER = "number"
DATETIME = "datetime"
DATE = "date"

# Excel's own limit for a sheet title.
SHEET_TITLE_MAX = 31


@dataclass(frozen=True)
class Column:
    """One column: its header, width in characters and cell kind (GENERAL, TEXT, NUMBER, DATETIME, DATE)."""

    header: str
    width: float = 14
    kind: str = GENERAL


def new_workbook():
    """Return an empty workbook with one sheet."""
    return Workbook()


def _cell_value(value, kind):
    if value is None:
        return None
    if kind == TEXT:
        return str(value)
    if kind == DATETIME:
        return format_local(value) if isinstance(value, dt.datetime) else str(value)
    if kind == DATE:
        if isinstance(value, dt.datetime):
            return format_local(value, "%Y-%m-%d")
        return value.strftime("%Y-%m-%d") if isinstance(value, dt.date) else str(value)
    if kind == NUMBER and isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return format_local(value)
    return value


def write_table(sheet, columns, rows, *, title=None, sheet_title=None):
    """Write a title row (optional), a header row and one row per item of ``rows``.

    Args:
        sheet: an openpyxl worksheet, usually ``workbook.active``.
        columns: ``Column`` objects.
        rows: sequences of values in column order.
        title: text of a merged, bold first row.
        sheet_title: the sheet's tab name, cut to Excel's 31 characters.

    Returns:
        The number of data rows written.
    """
    if sheet_title:
        sheet.title = sheet_title[:SHEET_TITLE_MAX]
    header_row = 1
    if title:
        sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
        sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
        if len(columns) > 1:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
        sheet.row_dimensions[1].height = 24
        header_row = 2

    bold = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index, value=column.header)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)

    count = 0
    for count, values in enumerate(rows, start=1):
        row_number = header_row + count
        for index, (column, value) in enumerate(zip(columns, values), start=1):
            cell = sheet.cell(row=row_number, column=index, value=_cell_value(value, column.kind))
            if isinstance(cell.value, str):
                # openpyxl reads a string starting with "=" as a formula; data never is one.
                cell.data_type = TYPE_STRING
            if column.kind == TEXT:
                cell.number_format = "@"
    if columns:
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + max(count, 1)}"
    return count


def save(workbook, target):
    """Save ``workbook`` to a path or a binary stream."""
    workbook.save(target)
