"""The enterprise list as an Excel workbook, exactly as filtered on screen."""

import io

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from anhuan.core.excel import DATETIME, GENERAL, NUMBER, TEXT, Column, new_workbook, save, write_table
from anhuan.enterprises.models import Enterprise

# Model fields in column order, with the column width and cell kind. Codes and phone
# numbers are text cells so Excel keeps every digit and leading zero.
_FIELDS = [
    ("name", 36, GENERAL),
    ("credit_code", 22, TEXT),
    ("region", 18, GENERAL),
    ("address", 36, GENERAL),
    ("industry_code", 10, TEXT),
    ("industry_name", 16, GENERAL),
    ("category", 14, GENERAL),
    ("performance_grade", 10, GENERAL),
    ("key_industry", 8, GENERAL),
    ("whitelisted", 8, GENERAL),
    ("non_interruptible", 8, GENERAL),
    ("guaranteed", 8, GENERAL),
    ("contact_name", 10, GENERAL),
    ("contact_phone", 16, TEXT),
    ("updated_at", 17, DATETIME),
]
_FLAGS = {"key_industry", "whitelisted", "non_interruptible", "guaranteed"}


def _columns():
    columns = [Column(_("No."), 6, NUMBER)]
    for name, width, kind in _FIELDS:
        columns.append(Column(capfirst(str(Enterprise._meta.get_field(name).verbose_name)), width, kind))
    return columns


def _value(enterprise, name):
    if name in _FLAGS:
        return _("Yes") if getattr(enterprise, name) else _("No")
    if name == "region":
        return enterprise.region.name
    if name in ("category", "performance_grade"):
        return getattr(enterprise, f"get_{name}_display")()
    return getattr(enterprise, name)


def enterprise_workbook(enterprises):
    """Return the .xlsx bytes of ``enterprises`` (with regions joined), one row each, headers in the active language."""
    rows = (
        [index, *(_value(enterprise, name) for name, _width, _kind in _FIELDS)]
        for index, enterprise in enumerate(enterprises, start=1)
    )
    workbook = new_workbook()
    write_table(workbook.active, _columns(), rows, sheet_title=_("Enterprises"))
    buffer = io.BytesIO()
    save(workbook, buffer)
    return buffer.getvalue()
