"""Reading a reduction-list file into rows of cell values.

The format is taken from the file's first bytes, not its name: a ZIP container is an .xlsx
(Excel or WPS), an OLE2 container is an old .xls, anything else is read as CSV. python-calamine
reads both workbook formats. A CSV file may be UTF-8 (with or without BOM), UTF-16 with BOM, or
GBK/GB18030; the separator is a comma, a tab or a semicolon, whichever the first 20 lines use
most.

Rows keep their position: ``rows[i]`` is spreadsheet row ``i + 1``, blank rows included, so
errors can name the row number that Excel shows.
"""

import codecs
import csv
import io
import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from anhuan.pollution.importing.errors import ImportRejected, RowError

logger = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Sheet:
    """The cells of one worksheet; ``rows[i]`` is spreadsheet row ``i + 1``."""

    name: str
    rows: list


def detect_format(data):
    """Return "xlsx", "xls" or "csv" from the first bytes of ``data``."""
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    if data.startswith(XLS_MAGIC):
        return "xls"
    return "csv"


def read_sheets(data, file_name):
    """Return the worksheets of ``data`` (one for CSV).

    Raises:
        ImportRejected: the file is empty, not a readable workbook, or text in an unknown encoding.
    """
    if not data:
        raise _rejected(file_name, _("The file is empty."))
    kind = detect_format(data)
    if kind == "csv":
        if file_name.lower().endswith((".xlsx", ".xls", ".xlsm", ".et")):
            raise _rejected(
                file_name,
                _("The file is named as an Excel workbook but is not one; open it in Excel or WPS and save it as .xlsx."),
            )
        return [Sheet(name="", rows=read_csv_rows(data, file_name))]
    return read_workbook(data, file_name)


def read_workbook(data, file_name):
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in workbook.sheet_names:
            # skip_empty_area=False keeps leading blank rows, so list positions are row numbers.
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets.append(Sheet(name=name, rows=rows))
    except (CalamineError, ValueError) as exc:
        logger.warning("Workbook %s could not be read: %s", file_name, type(exc).__name__)
        raise _rejected(
            file_name,
            _("The workbook could not be read; it may be damaged or password-protected. Save it again as .xlsx and retry."),
        ) from exc
    return sheets


def decode_text(data, file_name):
    """Decode CSV bytes: BOMs first, then strict UTF-8, then GB18030 (a superset of GBK).

    Raises:
        ImportRejected: none of these encodings decodes the bytes.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _rejected(file_name, _("The text encoding of this CSV file is not recognised; save it as UTF-8 or GBK."))


def read_csv_rows(data, file_name):
    text = decode_text(data, file_name)
    head = "\n".join(text.split("\n", 20)[:20])
    delimiter = max((",", "\t", ";"), key=head.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise _rejected(
            file_name,
            _("The CSV file could not be read (%(reason)s); check its quotation marks.") % {"reason": exc},
        ) from exc


def _rejected(file_name, message):
    return ImportRejected(file_name, [RowError(None, "", message)])
