"""Validating the data rows of a reduction list.

``RowValidator.validate`` normalises each cell of a data row, checks it and collects every
error with its row number and column label. Rows that carry no data are skipped: blank rows,
rows with only a serial number, totals rows (合计, 总计, 小计 in the first cells) and footnote
rows (a single cell starting with 注, 说明, 填表人 …). Across rows it checks that a production
line appears once per enterprise and that an enterprise's attributes agree on all its rows.
"""

from dataclasses import dataclass
from operator import itemgetter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from anhuan.enterprises.models import EnterpriseCategory
from anhuan.pollution.importing import normalise as norm
from anhuan.pollution.importing.columns import LEVEL_LABELS, column_letter
from anhuan.pollution.importing.normalise import BLANK_CHARS, CellError
from anhuan.pollution.models.choices import MeasureType

LEVELS = tuple(LEVEL_LABELS)

# Attributes of the enterprise, not of the line: every row of one credit code must agree.
# The industry code is compared apart, because a blank code on some rows is no conflict.
SAME_ON_EVERY_ROW = ("name", "region", "grade", "category", "whitelisted", "non_interruptible")

_TOTAL_WORDS = ("合计", "总计", "小计")
_NOTE_WORDS = ("注", "说明", "填表人", "填报人", "审核人", "制表人", "制表", "备注：")

# Text columns and the longest text the model stores for each.
TEXT_LIMITS = {
    "name": 200,
    "production_line": 200,
    "products_capacity": 200,
    "industry_name": 100,
    "contact_name": 50,
    "contact_phone": 30,
    "remark": 255,
}


@dataclass(slots=True)
class ParsedRow:
    """One valid data row: ``values`` maps column keys to clean values."""

    row: int
    values: dict


class _Failed:
    """A remembered parse error: the translated reason for one distinct cell value."""

    __slots__ = ("message",)

    def __init__(self, message):
        self.message = message


class _Memoised:
    """A parser that parses each distinct cell value once and remembers errors as reasons.

    ``memo`` maps text cells to their result, so the row loop can look text up without a call.
    """

    def __init__(self, parse):
        self.parse = parse
        self.memo = {}

    def __call__(self, value):
        # 1, 1.0 and True are equal as dict keys, so keys other than text carry their type.
        key = value if type(value) is str else (type(value), value)
        try:
            result = self.memo[key]
        except KeyError:
            try:
                result = self.parse(value)
            except CellError as exc:
                result = _Failed(exc.message)
            self.memo[key] = result
        except TypeError:
            return self.parse(value)
        if type(result) is _Failed:
            raise CellError(result.message)
        return result


def _text(max_length):
    """Return a memoising parser of text up to ``max_length`` characters."""

    def parse(value):
        text = norm.clean_text(value)
        if len(text) > max_length:
            raise CellError(
                _("The text has %(length)s characters; at most %(max)s fit.") % {"length": len(text), "max": max_length}
            )
        return text

    return _Memoised(parse)


def _phone(value):
    text = norm.parse_phone(value)
    limit = TEXT_LIMITS["contact_phone"]
    if len(text) > limit:
        raise CellError(_("The text has %(length)s characters; at most %(max)s fit.") % {"length": len(text), "max": limit})
    return text


def _keyword(table, message):
    """Return a parser for a keyword column; ``message`` is an English msgid naming the accepted words."""

    def parse(value):
        found = table.get(norm.fold(value))
        if found is None:
            raise CellError(_(message) % {"value": norm.clean_text(value)})
        return found

    return _Memoised(parse)


# English msgids, marked for extraction here and translated when an error is raised.
GRADE_MESSAGE = gettext_noop('"%(value)s" is not a performance grade; use A, B, B-, C, D, 引领性, 非引领性 or 非重点行业.')
CATEGORY_MESSAGE = gettext_noop('"%(value)s" is not a control category; use 重点行业, 一般工业企业, 小微涉气企业 or 保障类.')
MEASURE_MESSAGE = gettext_noop('"%(value)s" is not a measure type; use 停产, 限产, 自主减排 or 保障类.')
RISK_MESSAGE = gettext_noop('"%(value)s" is not a shutdown safety risk; use 一般 or 较大.')


def _field_parsers():
    """Return {column key: (parser, required)} for every column except region and limit percentages."""
    parsers = {
        "sequence": (norm.parse_sequence, False),
        "name": (_text(TEXT_LIMITS["name"]), True),
        "credit_code": (_Memoised(norm.parse_credit_code), True),
        "industry_name": (_text(TEXT_LIMITS["industry_name"]), False),
        "industry_code": (_Memoised(norm.parse_industry_code), False),
        "grade": (_keyword(norm.GRADES, GRADE_MESSAGE), True),
        "category": (_keyword(norm.CATEGORIES, CATEGORY_MESSAGE), True),
        "whitelisted": (_Memoised(norm.parse_bool), True),
        "non_interruptible": (_Memoised(norm.parse_bool), True),
        "production_line": (_text(TEXT_LIMITS["production_line"]), True),
        "products_capacity": (_text(TEXT_LIMITS["products_capacity"]), False),
        "safe_shutdown_hours": (_Memoised(norm.parse_hours), True),
        "shutdown_risk": (_keyword(norm.RISKS, RISK_MESSAGE), True),
        "contact_name": (_text(TEXT_LIMITS["contact_name"]), False),
        "contact_phone": (_Memoised(_phone), False),
        "remark": (_text(TEXT_LIMITS["remark"]), False),
    }
    measure = _keyword(norm.MEASURES, MEASURE_MESSAGE)
    detail = _Memoised(norm.clean_multiline)
    for level in LEVELS:
        parsers[f"{level}_measure"] = (measure, True)
        parsers[f"{level}_detail"] = (detail, False)
    return parsers


# The value of a blank optional cell (or of an optional column the file lacks).
_EMPTY = {
    "sequence": None,
    **{f"{level}_limit_percent": None for level in LEVELS},
    "industry_name": "",
    "industry_code": "",
    "products_capacity": "",
    "contact_name": "",
    "contact_phone": "",
    "remark": "",
}


def is_skipped(cells, sequence_index, name_index=None, code_index=None):
    """True for a row with no list data: blank, serial number only, totals or a footnote.

    With the name and credit-code columns given, a row that fills both is only checked for
    totals words, which keeps the common case cheap.
    """
    width = len(cells)
    if (
        name_index is not None and code_index is not None and name_index < width and code_index < width
        and not norm.is_blank(cells[name_index]) and not norm.is_blank(cells[code_index])
    ):
        return _is_totals(cells)
    filled = []
    for index, cell in enumerate(cells):
        if index != sequence_index and not norm.is_blank(cell):
            filled.append(cell)
            if len(filled) == 2:
                break
    if not filled:
        return True
    if _is_totals(cells):
        return True
    if len(filled) == 1 and isinstance(filled[0], str):
        return norm.clean_text(filled[0]).startswith(_NOTE_WORDS)
    return False


def _is_totals(cells):
    for cell in cells[:3]:
        if isinstance(cell, str) and "计" in cell and norm.fold(cell).startswith(_TOTAL_WORDS):
            return True
    return False


_MISSING = object()


class RowValidator:
    """Checks data rows against one column map; keeps what it needs for the cross-row checks."""

    def __init__(self, columns, resolver, *, allowed_region_ids, scope_name, errors):
        self.columns = columns
        self.resolver = resolver
        self.allowed_region_ids = allowed_region_ids
        self.scope_name = scope_name
        self.errors = errors
        parsers = _field_parsers()
        parsers["region"] = (_Memoised(self._parse_region), True)
        percent = _Memoised(norm.parse_percent)
        for level in LEVELS:
            parsers[f"{level}_limit_percent"] = (percent, False)
        # Only the columns the file has; a missing optional column gives its empty value.
        self.plan = [
            (key, columns.index[key], parse, getattr(parse, "memo", {}), required)
            for key, (parse, required) in parsers.items()
            if key in columns.index
        ]
        self.absent = {key: _EMPTY.get(key, "") for key in parsers if key not in columns.index}
        self.signature = itemgetter(*SAME_ON_EVERY_ROW)
        self.first_row_of = {}
        self.industry_code_of = {}
        self.line_rows = {}
        self.rows_read = 0

    def validate(self, cells, row_number):
        """Return a ParsedRow, or None when the row has errors (they are added to ``errors``)."""
        self.rows_read += 1
        values = dict(self.absent)
        failed = set()
        found = self.errors.errors
        error_count = len(found)
        width = len(cells)

        for key, index, parse, memo, required in self.plan:
            raw = cells[index] if index < width else None
            if type(raw) is str:
                # Most cells repeat a value already parsed; look it up without a call.
                result = memo.get(raw, _MISSING)
                if result is not _MISSING and type(result) is not _Failed:
                    values[key] = result
                    continue
            if raw is None or raw == "" or (type(raw) is str and not raw.strip(BLANK_CHARS)):
                if required:
                    self._error(row_number, key, _("The value is missing; this column is required."))
                    failed.add(key)
                else:
                    values[key] = _EMPTY.get(key, "")
                continue
            try:
                values[key] = parse(raw)
            except CellError as exc:
                self._error(row_number, key, exc.message)
                failed.add(key)

        for level in LEVELS:
            key = f"{level}_limit_percent"
            if values.get(f"{level}_measure") == MeasureType.LIMIT and values.get(key) is None and key not in failed:
                self._error(row_number, key, _("A 限产 measure needs its limit percentage."))
        if "credit_code" not in failed and "production_line" not in failed:
            self._check_against_other_rows(cells, row_number, values, failed)

        if len(found) > error_count or self.errors.truncated:
            self.errors.sort_from(error_count)
            return None
        return ParsedRow(row_number, values)

    def _error(self, row_number, key, message):
        label = self.columns.labels.get(key, "")
        index = self.columns.index.get(key, -1)
        cell = f"{column_letter(index)}{row_number}" if index >= 0 else ""
        self.errors.add(row_number, label, message, cell, index)

    def _parse_region(self, value):
        region = self.resolver.resolve(norm.clean_text(value))
        if self.allowed_region_ids is not None and region.id not in self.allowed_region_ids:
            raise CellError(
                _("%(region)s is outside your area (%(scope)s); you may import rows of your own region only.")
                % {"region": region.name, "scope": self.scope_name}
            )
        return region

    def _check_against_other_rows(self, cells, row_number, values, failed):
        code = values["credit_code"]
        line_key = (code, values["production_line"])
        first_line_row = self.line_rows.setdefault(line_key, row_number)
        if first_line_row != row_number:
            self._error(
                row_number,
                "production_line",
                _("Row %(row)s already lists this production line of the same enterprise; merge the two rows.")
                % {"row": first_line_row},
            )
        self._check_industry_code(cells, row_number, values, failed)

        first = self.first_row_of.get(code)
        if first is None:
            self.first_row_of[code] = (row_number, values, cells, failed)
            return
        first_row, first_values, first_cells, first_failed = first
        if not failed and not first_failed and self.signature(values) == self.signature(first_values):
            return
        for key in SAME_ON_EVERY_ROW:
            if key in failed or key in first_failed or values[key] == first_values[key]:
                continue
            self._conflict(row_number, key, first_row, self._display(first_cells, key, first_values),
                           self._display(cells, key, values))

    def _check_industry_code(self, cells, row_number, values, failed):
        """Compare the industry code with the first row that gives one; a blank code gives none."""
        value = values.get("industry_code")
        if not value or "industry_code" in failed:
            return
        code = values["credit_code"]
        first = self.industry_code_of.setdefault(code, (row_number, value, cells))
        first_row, first_value, first_cells = first
        if first_value != value:
            self._conflict(row_number, "industry_code", first_row, self._display(first_cells, "industry_code", None),
                           self._display(cells, "industry_code", None))

    def _conflict(self, row_number, key, first_row, first_text, text):
        self._error(
            row_number,
            key,
            _(
                'Row %(row)s of the same enterprise gives "%(other)s" and this row gives "%(value)s"; '
                "an enterprise has one value on every row."
            )
            % {"row": first_row, "other": first_text, "value": text},
        )

    def _display(self, cells, key, values):
        if key == "region":
            return values["region"].name
        index = self.columns.index[key]
        return norm.clean_text(cells[index] if index < len(cells) else None)


def enterprise_flags(category):
    """Return (key_industry, guaranteed) as the control category implies them."""
    return category == EnterpriseCategory.KEY_INDUSTRY, category == EnterpriseCategory.GUARANTEED
