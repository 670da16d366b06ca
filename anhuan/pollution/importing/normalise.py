"""Turning the cell values real list files carry into clean Python values.

Each ``parse_*`` function takes a raw cell (str, float, int, bool, date or None, as calamine
or the CSV reader returns it) and returns the clean value, or raises ``CellError`` with a
translated reason. The rules, in one place:

* Text: surrounding white space (full-width and non-breaking spaces included) is removed, runs
  of white space become one space, and white space next to a Chinese character is dropped, so
  "沙河 恒福玻璃" reads as "沙河恒福玻璃". Full-width brackets in names are kept as written.
* Codes and keywords (credit codes, grades, categories, yes/no): full-width letters and digits
  are folded to half-width (NFKC), spaces dropped, letters upper-cased.
* Numbers may be stored as numbers or as text; a whole float such as 1.0 is the integer 1.
* Percentages: "30%", "30" and 30 mean 30; a number strictly between 0 and 1 without a "%"
  sign is a fraction (0.3 means 30), because Excel stores a cell shown as 30% as 0.3.
* Hours: "48小时", "48h", "48 hours" and 48 mean 48; "2天" means 48.
"""

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from anhuan.core.errors import ValidationFailed
from anhuan.enterprises.domain import credit_code as credit_codes
from anhuan.enterprises.models import EnterpriseCategory, PerformanceGrade
from anhuan.enterprises.services import validate_phone
from anhuan.pollution.models.choices import MeasureType, ShutdownRisk

# Python's str.split() treats U+3000 and U+00A0 as white space but not these invisible ones.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
# Every character that str.isspace() accepts, plus the invisible ones. A cell of only these is blank.
BLANK_CHARS = "".join(chr(code) for code in range(0x3001) if chr(code).isspace()) + "\u200b\u200c\u200d\u2060\ufeff"
_ODD_SPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
# Integers up to 2**53 are exact as floats. A longer number stored in a cell has lost digits.
_FLOAT_EXACT = 2**53


class CellError(ValueError):
    """The cell's value cannot be used; ``message`` is the translated reason."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


def number_text(value):
    """Return a float or int cell as text without a spurious ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def clean_text(value):
    """Return the cell as tidy text ('' for an empty cell); see the module rules."""
    if type(value) is str:
        text = value.strip(BLANK_CHARS)
        if _ODD_SPACE.search(text) is None:
            return text
    elif value is None:
        return ""
    elif isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, (int, float)):
        text = number_text(value)
    elif isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.translate(_INVISIBLE).strip()
    if not _ODD_SPACE.search(text):
        return text
    return _join_words(text.split())


def _join_words(words):
    """Join words with one space, except where either side of the gap is a Chinese character."""
    parts = [words[0]]
    for word in words[1:]:
        if _CJK.match(parts[-1][-1]) or _CJK.match(word[0]):
            parts.append(word)
        else:
            parts.append(" " + word)
    return "".join(parts)


def clean_multiline(value):
    """Tidy free text but keep its line breaks (measure details, remarks)."""
    if isinstance(value, str) and "\n" in value:
        lines = (clean_text(line) for line in value.replace("\r\n", "\n").split("\n"))
        return "\n".join(line for line in lines if line)
    return clean_text(value)


def fold(value):
    """Return a code or keyword: NFKC-folded, without white space, upper-cased."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = number_text(value)
    text = unicodedata.normalize("NFKC", str(value)).translate(_INVISIBLE)
    return "".join(text.split()).upper()


def is_blank(value):
    """True for an empty cell: None, '' or only white space and invisible characters."""
    if value is None:
        return True
    if type(value) is str:
        return not value.strip(BLANK_CHARS)
    return False


def _decimal(text):
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_decimal(value):
    """Return the cell as a Decimal; raise CellError for anything that is not a number."""
    if isinstance(value, bool):
        raise CellError(_("This is not a number."))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(_("This is not a number."))
        return Decimal(repr(value))
    number = _decimal(fold(value).replace(",", ""))
    if number is None:
        raise CellError(_("This is not a number."))
    return number


def parse_sequence(value):
    """Return the serial number (序号) as an int, or None when blank."""
    if type(value) is float and value.is_integer() and value >= 0:
        return int(value)
    if is_blank(value):
        return None
    try:
        number = parse_decimal(value)
    except CellError:
        raise CellError(_("The serial number must be a whole number.")) from None
    if number != number.to_integral_value() or number < 0:
        raise CellError(_("The serial number must be a whole number."))
    return int(number)


_PERCENT_SIGNS = ("%", "％")


def parse_percent(value):
    """Return a limit percentage as a Decimal between 0 and 100 (see the module rules)."""
    explicit_percent = False
    if isinstance(value, str):
        text = fold(value)
        if text.endswith("%"):
            explicit_percent = True
            text = text[:-1]
        number = _decimal(text)
        if number is None:
            raise CellError(_('This is not a percentage; write it as 30 or 30%.'))
    else:
        try:
            number = parse_decimal(value)
        except CellError:
            raise CellError(_('This is not a percentage; write it as 30 or 30%.')) from None
    if not explicit_percent and 0 < number < 1:
        number *= 100
    if number <= 0 or number > 100:
        raise CellError(
            _("The limit percentage must be more than 0 and at most 100, not %(value)s.") % {"value": _plain(number)}
        )
    return number.quantize(Decimal("0.01"))


_HOURS_RE = re.compile(r"^(?P<number>[-+]?\d+(?:\.\d+)?)(?P<unit>小时|个小时|时|H|HR|HRS|HOUR|HOURS|天|日|D|DAY|DAYS)?$")
MAX_HOURS = Decimal("9999.99")


def parse_hours(value):
    """Return the hours a safe shutdown takes as a non-negative Decimal (see the module rules)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = parse_decimal(value)
    else:
        match = _HOURS_RE.match(fold(value))
        if match is None:
            raise CellError(_('This is not a number of hours; write it as 48 or 48小时.'))
        number = Decimal(match["number"])
        if match["unit"] in {"天", "日", "D", "DAY", "DAYS"}:
            number *= 24
    if number < 0:
        raise CellError(_("The number of hours cannot be negative."))
    if number > MAX_HOURS:
        raise CellError(_("%(value)s hours is more than the largest value accepted (9999.99).") % {"value": _plain(number)})
    return number.quantize(Decimal("0.01"))


_TRUE = {"是", "Y", "YES", "√", "✓", "✔", "1", "TRUE", "有", "T"}
_FALSE = {"否", "N", "NO", "×", "✗", "✘", "X", "0", "FALSE", "无", "F"}


def parse_bool(value):
    """Return True for 是/Y/√ (and similar), False for 否/N/× (and similar)."""
    if isinstance(value, bool):
        return value
    text = fold(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_('Write 是 or 否 here, not "%(value)s".') % {"value": clean_text(value)})


def parse_phone(value):
    """Return a phone number as text; a number cell becomes its digits (1.552e10 → 15520741785)."""
    if is_blank(value):
        return ""
    if isinstance(value, float):
        if not value.is_integer() or value >= _FLOAT_EXACT:
            raise CellError(_("The phone number was stored as a number and lost digits; format the column as text."))
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if type(value) is str and value.isascii() and value.isdigit():
        return value
    text = fold(value)
    if re.fullmatch(r"\d(?:\.\d+)?E\+?\d+", text):
        # Excel writes long numbers like "1.55207E+10" when a CSV is saved; only keep exact ones.
        mantissa, exponent = text.split("E")
        digits = len(mantissa.replace(".", ""))
        if digits < int(exponent) + 1:
            raise CellError(_("The phone number was stored as a number and lost digits; format the column as text."))
        return str(int(Decimal(text)))
    # The registry's rule: digits and the separators people type, such as 0319-2222222转8001.
    try:
        return validate_phone(value)
    except ValidationFailed:
        raise CellError(
            _('"%(value)s" is not a phone number; enter digits, for example 0319-2222222.') % {"value": clean_text(value)}
        ) from None


def parse_credit_code(value):
    """Return a valid unified social credit code (GB 32100-2015) or raise CellError."""
    if isinstance(value, float):
        # Eighteen digits never survive as a float: Excel kept only 15 significant ones.
        raise CellError(_("The code was stored as a number and lost digits; format the column as text and enter it again."))
    try:
        return credit_codes.validate(value)
    except credit_codes.CreditCodeError as exc:
        raise CellError(_credit_code_reason(exc)) from None


def _credit_code_reason(exc):
    if exc.reason == "length":
        return _("A unified social credit code has 18 characters; this one has %(count)s.") % {"count": len(exc.code)}
    if exc.reason == "character":
        bad = "".join(sorted({char for char in exc.code if char not in credit_codes.ALPHABET}))
        return _("The code contains %(chars)s; a unified social credit code uses digits and capital letters except I, O, S, V and Z.") % {
            "chars": bad
        }
    if exc.reason == "region":
        return _("Characters 3 to 8 of the code must be a 6-digit division code.")
    return _("The check character (the last one) does not match the first 17; compare the code with the business licence.")


_INDUSTRY_RE = re.compile(r"^(?P<section>[A-T])?(?P<digits>\d{2,4})$")
# GB/T 4754-2017 sections by their last division (the first two digits). Sections A to M are the
# same as in the 2011 edition. In 2017, division 79 was added to N, which moved O to T up by one.
_SECTIONS = [
    (5, "A"), (12, "B"), (43, "C"), (46, "D"), (50, "E"), (52, "F"), (60, "G"), (62, "H"), (65, "I"),
    (69, "J"), (70, "K"), (72, "L"), (75, "M"), (79, "N"), (82, "O"), (83, "P"), (85, "Q"), (90, "R"),
    (96, "S"), (97, "T"),
]


def parse_industry_code(value):
    """Return a GB/T 4754-2017 code such as C3041; a code without its letter gets it from the division."""
    if is_blank(value):
        return ""
    match = _INDUSTRY_RE.match(fold(value))
    if match is None:
        raise CellError(_("This is not an industry code of GB/T 4754-2017, such as C3041."))
    digits = match["digits"]
    division = int(digits[:2])
    expected = next((letter for last, letter in _SECTIONS if division <= last), None)
    if expected is None or division == 0:
        raise CellError(_("This is not an industry code of GB/T 4754-2017, such as C3041."))
    if match["section"] and match["section"] != expected:
        raise CellError(
            _("Industry division %(division)s belongs to section %(section)s, so the code should start with %(section)s.")
            % {"division": digits[:2], "section": expected}
        )
    return expected + digits


def _keyword_table(pairs):
    """Build a lookup from folded keyword to value."""
    return {fold(word): value for words, value in pairs for word in words}


GRADES = _keyword_table([
    (("A", "A级"), PerformanceGrade.A),
    (("B", "B级"), PerformanceGrade.B),
    (("B-", "B-级", "B－", "B—"), PerformanceGrade.B_MINUS),
    (("C", "C级"), PerformanceGrade.C),
    (("D", "D级"), PerformanceGrade.D),
    (("引领性", "绩效引领性", "引领性企业", "绩效引领性企业"), PerformanceGrade.LEADING),
    (("非引领性", "非引领性企业", "非重点行业", "非重点", "非重点行业企业"), PerformanceGrade.UNRATED),
])

CATEGORIES = _keyword_table([
    (("重点行业", "重点行业企业"), EnterpriseCategory.KEY_INDUSTRY),
    (("一般工业企业", "一般工业", "一般企业", "一般行业"), EnterpriseCategory.GENERAL),
    (("小微涉气企业", "小微涉气", "小微企业"), EnterpriseCategory.SMALL_MICRO),
    (("保障类", "保障类企业", "民生保障类"), EnterpriseCategory.GUARANTEED),
])

MEASURES = _keyword_table([
    (("停产", "停止生产", "全部停产"), MeasureType.HALT),
    (("限产", "限制生产", "部分限产"), MeasureType.LIMIT),
    (("自主减排", "自主减排措施", "自主采取减排措施"), MeasureType.AUTONOMOUS),
    (("保障类", "保障", "保障类生产", "民生保障"), MeasureType.GUARANTEED),
    (("无", "无措施", "不采取措施"), MeasureType.NONE),
])

RISKS = _keyword_table([
    (("较大", "高", "较高", "重大", "大"), ShutdownRisk.HIGH),
    (("一般", "低", "较低", "较小", "小"), ShutdownRisk.NORMAL),
])


def _plain(number):
    """Format a Decimal without exponent or trailing zeros, for messages."""
    return format(number.normalize(), "f")
