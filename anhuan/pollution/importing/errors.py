"""Errors found in an imported reduction list, and the exception that carries them.

Every error names the spreadsheet row as Excel numbers it (1-based), the column label as the
file writes it, and a translated reason. The importer collects all of them before it gives up,
up to ``MAX_ERRORS``.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anhuan.core.errors import ValidationFailed

MAX_ERRORS = 1000


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in the file: ``row`` is None for problems of the whole file."""

    row: int | None
    column: str
    message: str
    cell: str = ""
    # 0-based column of the error, so the errors of a row can be listed left to right.
    position: int = -1

    def as_dict(self):
        return {"row": self.row, "column": self.column, "cell": self.cell, "message": self.message}


class ErrorCollector:
    """Collects row errors up to ``limit`` and remembers whether more were dropped."""

    def __init__(self, limit=MAX_ERRORS):
        self.limit = limit
        self.errors = []
        self.truncated = False

    def add(self, row, column, message, cell="", position=-1):
        if len(self.errors) >= self.limit:
            self.truncated = True
            return
        self.errors.append(RowError(row, column, message, cell, position))

    def sort_from(self, start):
        """Order the errors added since ``start`` (one row's) by their column."""
        self.errors[start:] = sorted(self.errors[start:], key=lambda error: error.position)

    def __bool__(self):
        return bool(self.errors)

    def __len__(self):
        return len(self.errors)


class ImportRejected(ValidationFailed):
    """The file cannot be imported; ``errors`` lists every problem found, nothing was written."""

    code = "import_rejected"

    def __init__(self, file_name, errors, truncated=False):
        self.file_name = file_name
        self.errors = list(errors)
        self.truncated = truncated
        if truncated:
            message = _(
                "%(file)s has more than %(count)s errors; the first %(count)s are listed. Nothing was imported."
            ) % {"file": file_name, "count": len(self.errors)}
        else:
            message = ngettext(
                "%(file)s has %(count)s error. Nothing was imported.",
                "%(file)s has %(count)s errors. Nothing was imported.",
                len(self.errors),
            ) % {"file": file_name, "count": len(self.errors)}
        super().__init__(message)

    def lines(self):
        """Return one translated line per error, then a note when the list was cut."""
        lines = [format_error_line(self.file_name, error) for error in self.errors]
        if self.truncated:
            lines.append(
                _("More than %(count)s errors were found; fix these and import the file again to see the rest.")
                % {"count": len(self.errors)}
            )
        return lines


def format_error_line(file_name, error):
    """Render one error as ``file row N, column "label": reason`` in the active language."""
    if error.row is None:
        return _("%(file)s: %(message)s") % {"file": file_name, "message": error.message}
    if not error.column:
        return _("%(file)s row %(row)s: %(message)s") % {
            "file": file_name,
            "row": error.row,
            "message": error.message,
        }
    return _('%(file)s row %(row)s, column "%(column)s": %(message)s') % {
        "file": file_name,
        "row": error.row,
        "column": error.column,
        "message": error.message,
    }
