"""Word documents in the national official-document format (GB/T 9704-2012 党政机关公文格式).

``OfficialDocument`` lays out A4 pages with the standard's text block of 156 mm x 225 mm
(margins 37/35/28/26 mm) and 22 lines of 28 characters in 3号 (16 pt) 仿宋. It writes the red
head (发文机关标志 or the "…纪要" mark), the document number with 六角括号 and the title in
2号 小标宋. Headings, tables, the 出席 lines of minutes, the signature and date, the 版记 and
the "— 1 —" page numbers follow. Notices, circulars, minutes and approval forms are all built
with it.

The words the standard itself fixes (文件, 抄送, 印发, 号, the brackets and numerals) are
written here as literals; every other text is the caller's, already in the document's
language.
"""

import enum
import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph
from lxml import etree

from anhuan.core.errors import ValidationFailed
from anhuan.core.timeutil import chinese_date


@dataclass(frozen=True)
class Typeface:
    """A font as the document names it (``w:eastAsia``) and the installed font Word substitutes."""

    name: str
    fallback: str


# The GB2312 faces the standard names are often missing on current Windows and WPS
# installations, so the font table's altName names the installed face Word substitutes.
FANGSONG = Typeface("FangSong_GB2312", "仿宋")
KAITI = Typeface("KaiTi_GB2312", "楷体")
XIAOBIAOSONG = Typeface("方正小标宋简体", "宋体")
HEITI = Typeface("黑体", "SimHei")
SONGTI = Typeface("宋体", "SimSun")
LATIN_FONT = "Times New Roman"

# Chinese type sizes: 2号, 3号, 4号 and 小四.
SIZE_2 = Pt(22)
SIZE_3 = Pt(16)
SIZE_4 = Pt(14)
SIZE_SMALL_4 = Pt(12)
RED = RGBColor(0xFF, 0x00, 0x00)

PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(37)
MARGIN_BOTTOM = Mm(35)
MARGIN_LEFT = Mm(28)
MARGIN_RIGHT = Mm(26)
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

# Word stores page geometry in whole twips (1/20 pt). The grid is computed from those rounded
# values, so 22 lines of the fixed pitch fit inside the text block.
TEXT_WIDTH_TWIPS = PAGE_WIDTH.twips - MARGIN_LEFT.twips - MARGIN_RIGHT.twips
TEXT_HEIGHT_TWIPS = PAGE_HEIGHT.twips - MARGIN_TOP.twips - MARGIN_BOTTOM.twips
LINE_PITCH_TWIPS = TEXT_HEIGHT_TWIPS // LINES_PER_PAGE  # 579 twips = 28.95 pt
CHAR_PITCH_PT = TEXT_WIDTH_TWIPS / 20 / CHARS_PER_LINE
# w:charSpace is the difference between the grid pitch and the body font size, in 1/4096 pt.
CHAR_SPACE = round((CHAR_PITCH_PT - SIZE_3.pt) * 4096)

# Largest size of a red head; a longer head is set smaller so it fits on one line.
RED_HEAD_MAX_SIZE_PT = 42
# The red head's upper edge lies 35 mm below the top of the text block.
RED_HEAD_OFFSET = Mm(35)
# The red separator line lies 4 mm under the document number (w:space is in points).
SEPARATOR_SPACE_PT = round(Mm(4).pt)
# Line widths in eighths of a point: red separator; thick (0.35 mm) and thin (0.25 mm) 版记 lines.
SEPARATOR_SIZE = 12
IMPRINT_THICK_SIZE = 8
IMPRINT_THIN_SIZE = 6
# The page number's dashes lie 7 mm below the text block; 4号 text is about 5 mm tall.
FOOTER_DISTANCE = Mm(35 - 7 - 5)

# Child order of w:pPr (ECMA-376 CT_PPr) for the children python-docx has no property for.
_PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)

_DOCUMENT_NUMBER_RE = re.compile(r"^(?P<code>[^\s〔〕\[\]【】()（）]+)〔(?P<year>\d{4})〕(?P<sequence>\d+)号$")
_WRONG_BRACKETS = "[]【】()（）"
_NUMERALS = "零一二三四五六七八九"


class DocumentKind(enum.StrEnum):
    """Layouts of the head: 文件 (red issuer head), 纪要 (red minutes mark), plain (no head)."""

    FILE = "file"
    MINUTES = "minutes"
    PLAIN = "plain"


def format_document_number(code, year, sequence):
    """Return a document number such as 邢环〔2026〕12号: full year in 六角括号, no zero padding."""
    year = int(year)
    sequence = int(sequence)
    if not 1000 <= year <= 9999:
        raise ValueError(f"year must have four digits, not {year}")
    if sequence < 1:
        raise ValueError(f"sequence must be positive, not {sequence}")
    return f"{code}〔{year}〕{sequence}号"


def validate_document_number(text):
    """Return the stripped number, or raise ValidationFailed saying what to correct.

    The standard form is issuer code + 〔year〕 + sequence + 号, e.g. 邢环〔2026〕12号.
    Other brackets (【】, [], ()), zero-padded sequences and 第 are rejected.
    """
    number = str(text or "").strip()
    if any(char in number for char in _WRONG_BRACKETS):
        raise ValidationFailed(
            _("Document number %(number)s: write the year in hexagonal brackets 〔〕, e.g. 邢环〔2026〕12号.")
            % {"number": number}
        )
    if "第" in number:
        raise ValidationFailed(
            _("Document number %(number)s: write the sequence without 第, e.g. 邢环〔2026〕12号.") % {"number": number}
        )
    match = _DOCUMENT_NUMBER_RE.match(number)
    if match is None:
        raise ValidationFailed(
            _("Document number %(number)s is not in the form issuer code〔year〕sequence号, e.g. 邢环〔2026〕12号.")
            % {"number": number}
        )
    if match["sequence"].startswith("0"):
        raise ValidationFailed(
            _("Document number %(number)s: write the sequence without leading zeros, e.g. 12 rather than 012.")
            % {"number": number}
        )
    return number


def chinese_numeral(number):
    """Return 1..99 in Chinese numerals as headings count them: 一, 十, 十一, 二十一."""
    if not 1 <= number <= 99:
        raise ValueError(f"heading numbers run from 1 to 99, not {number}")
    tens, units = divmod(number, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _NUMERALS[tens]) + "十"
    if units:
        text += _NUMERALS[units]
    return text


def text_width_chars(text):
    """Width of ``text`` in full-width characters; ASCII letters and digits count half."""
    return sum(0.5 if ord(char) < 128 else 1 for char in text)


class OfficialDocument:
    """A document in the GB/T 9704-2012 layout, built block by block and saved with ``save``.

    Args:
        kind: the head layout (``DocumentKind``).
        issuer: issuing agency name, or several for a joint document; FILE heads show them
            with 文件.
        head: the red mark of minutes, e.g. 邢台市重污染天气应急减排联合会商纪要.
        number: the document number printed under the head, e.g. 邢环〔2026〕12号.
        title: the title; a list or line breaks make several centred lines.
    """

    def __init__(self, *, kind=DocumentKind.FILE, issuer=(), head="", number="", title=""):
        self.kind = DocumentKind(kind)
        self.issuers = [issuer] if isinstance(issuer, str) else list(issuer)
        self.document = Document()
        self._heading1_count = 0
        self._heading2_count = 0
        self._last_block = None
        self._setup_page()
        self._setup_styles()
        self._setup_font_table()
        self._setup_page_numbers()
        # The template's single empty paragraph would push the head down one line.
        for paragraph in list(self.document.paragraphs):
            paragraph._element.getparent().remove(paragraph._element)

        if self.kind == DocumentKind.FILE:
            self._write_file_head()
        elif self.kind == DocumentKind.MINUTES:
            self._write_red_text(head or "".join(self.issuers))
        if self.kind != DocumentKind.PLAIN:
            self.blank_line(2)
            self._write_number(number)
            self.blank_line(2)
        if title:
            self._write_title(title)
            self.blank_line()

    # --- Page, styles and fonts -------------------------------------------------------

    def _setup_page(self):
        section = self.document.sections[0]
        section.page_width = PAGE_WIDTH
        section.page_height = PAGE_HEIGHT
        section.top_margin = MARGIN_TOP
        section.bottom_margin = MARGIN_BOTTOM
        section.left_margin = MARGIN_LEFT
        section.right_margin = MARGIN_RIGHT
        section.header_distance = Mm(15)
        section.footer_distance = FOOTER_DISTANCE
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        grid.set(qn("w:charSpace"), str(CHAR_SPACE))

    def _setup_styles(self):
        styles = self.document.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(default_rpr, FANGSONG)
        _set_language(default_rpr)
        default_ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        for spacing in default_ppr.findall(qn("w:spacing")):
            default_ppr.remove(spacing)

        # The character grid takes its base size from the Normal style, so it must be 3号.
        normal = styles["Normal"]
        normal.font.size = SIZE_3
        _set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
        normal_format = normal.paragraph_format
        normal_format.space_before = Pt(0)
        normal_format.space_after = Pt(0)
        normal_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal_format.line_spacing = Twips(LINE_PITCH_TWIPS)
        normal_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

        lang = self.document.settings.element.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")

    def _setup_font_table(self):
        # NOTE: python-docx has no API for the font table; its part is rewritten as raw XML.
        for rel in self.document.part.rels.values():
            if rel.reltype.endswith("/fontTable"):
                part = rel.target_part
                break
        else:
            return
        fonts = parse_xml(part.blob)
        for face in (FANGSONG, KAITI, XIAOBIAOSONG, HEITI, SONGTI):
            font = OxmlElement("w:font")
            font.set(qn("w:name"), face.name)
            for tag, value in (("w:altName", face.fallback), ("w:charset", "86"), ("w:family", "modern"),
                               ("w:pitch", "fixed")):
                child = OxmlElement(tag)
                child.set(qn("w:val"), value)
                font.append(child)
            fonts.append(font)
        part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _setup_page_numbers(self):
        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        # Odd pages carry the number on the right, even pages on the left, one character in.
        self._write_page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
        self._write_page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    def _write_page_number(self, paragraph, alignment):
        paragraph.alignment = alignment
        _set_ppr_child(paragraph, "w:snapToGrid", {"w:val": "0"})
        paragraph_format = paragraph.paragraph_format
        paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        indent = Pt(SIZE_4.pt)
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph_format.right_indent = indent
        else:
            paragraph_format.left_indent = indent
        self._run(paragraph, "— ", SONGTI, SIZE_4, latin=SONGTI.name)
        for field_char, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            run = self._run(paragraph, "", SONGTI, SIZE_4, latin=SONGTI.name)
            if field_char is not None:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), field_char)
                run._r.append(element)
            elif text == " PAGE ":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
                run._r.append(element)
            else:
                run.text = text
        self._run(paragraph, " —", SONGTI, SIZE_4, latin=SONGTI.name)

    # --- Head, number and title ---------------------------------------------------------

    def _write_file_head(self):
        if len(self.issuers) <= 1:
            self._write_red_text("".join(self.issuers) + "文件")
            return
        # Joint documents stack the issuers, with 文件 to their right and centred on them.
        longest = max(text_width_chars(name) for name in self.issuers)
        size = Pt(min(RED_HEAD_MAX_SIZE_PT, math.floor(TEXT_WIDTH_TWIPS / 20 / (longest + 2.5))))
        table = self.document.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _clear_table_borders(table)
        table.autofit = False
        left, right = table.rows[0].cells
        for index, width in enumerate((Pt(size.pt * longest + 2), Pt(size.pt * 2.5))):
            table.columns[index].width = width
            table.rows[0].cells[index].width = width
        _set_space_before(table, RED_HEAD_OFFSET)
        left.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        right.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for index, name in enumerate(self.issuers):
            paragraph = left.paragraphs[0] if index == 0 else left.add_paragraph()
            self._format_red_paragraph(paragraph, size, WD_ALIGN_PARAGRAPH.DISTRIBUTE)
            self._run(paragraph, name, XIAOBIAOSONG, size, color=RED)
        paragraph = right.paragraphs[0]
        self._format_red_paragraph(paragraph, size, WD_ALIGN_PARAGRAPH.CENTER)
        self._run(paragraph, "文件", XIAOBIAOSONG, size, color=RED)
        self._last_block = "head"

    def _write_red_text(self, text):
        size = Pt(min(RED_HEAD_MAX_SIZE_PT, math.floor(TEXT_WIDTH_TWIPS / 20 / max(text_width_chars(text), 1))))
        paragraph = self.document.add_paragraph()
        self._format_red_paragraph(paragraph, size, WD_ALIGN_PARAGRAPH.CENTER)
        # NOTE: the offset is measured to the top of the line box, about 1 mm above the glyphs.
        paragraph.paragraph_format.space_before = RED_HEAD_OFFSET
        self._run(paragraph, text, XIAOBIAOSONG, size, color=RED)
        self._last_block = "head"

    def _format_red_paragraph(self, paragraph, size, alignment):
        paragraph.alignment = alignment
        _set_ppr_child(paragraph, "w:snapToGrid", {"w:val": "0"})
        paragraph_format = paragraph.paragraph_format
        paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph_format.line_spacing = Pt(size.pt * 1.2)

    def _write_number(self, number):
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if number:
            self._run(paragraph, number, FANGSONG, SIZE_3)
        _set_ppr_child(
            paragraph,
            "w:pBdr",
            {},
            children=[("w:bottom", {"w:val": "single", "w:sz": str(SEPARATOR_SIZE),
                                    "w:space": str(SEPARATOR_SPACE_PT), "w:color": "FF0000"})],
        )
        self._last_block = "number"

    def _write_title(self, title):
        lines = title if isinstance(title, (list, tuple)) else str(title).splitlines()
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_ppr_child(paragraph, "w:snapToGrid", {"w:val": "0"})
        for index, line in enumerate(lines):
            run = self._run(paragraph, line, XIAOBIAOSONG, SIZE_2)
            if index < len(lines) - 1:
                run.add_break()
        self._last_block = "title"

    # --- Body blocks --------------------------------------------------------------------

    def blank_line(self, count=1):
        """Add ``count`` empty body lines."""
        for _index in range(count):
            self.document.add_paragraph()

    def recipients(self, text):
        """Add the 主送机关 line: flush left, ending with a full-width colon."""
        text = str(text).rstrip("：:")
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        self._run(paragraph, text + "：", FANGSONG, SIZE_3)
        self._last_block = "recipients"
        return paragraph

    def heading1(self, text):
        """Add a level-1 heading numbered 一、二、… in 3号黑体."""
        self._heading1_count += 1
        self._heading2_count = 0
        return self._heading(f"{chinese_numeral(self._heading1_count)}、{text}", HEITI)

    def heading2(self, text):
        """Add a level-2 heading numbered （一）（二）… in 3号楷体."""
        self._heading2_count += 1
        return self._heading(f"（{chinese_numeral(self._heading2_count)}）{text}", KAITI)

    def _heading(self, text, face):
        paragraph = self.document.add_paragraph()
        _indent_first_line(paragraph, 2)
        paragraph.paragraph_format.keep_with_next = True
        self._run(paragraph, text, face, SIZE_3)
        self._last_block = "heading"
        return paragraph

    def paragraph(self, text):
        """Add body text in 3号仿宋, first line indented two characters; each line of ``text``
        becomes its own paragraph. Returns the paragraphs."""
        paragraphs = []
        for line in str(text).splitlines() or [""]:
            line = line.strip()
            if not line:
                continue
            paragraph = self.document.add_paragraph()
            _indent_first_line(paragraph, 2)
            self._run(paragraph, line, FANGSONG, SIZE_3)
            paragraphs.append(paragraph)
        self._last_block = "paragraph"
        return paragraphs

    def table(self, rows, header, *, widths=None, size=SIZE_SMALL_4):
        """Add a ruled table as wide as the text block; the header row repeats on every page.

        Args:
            rows: sequences of cell values (converted with ``str``; None prints empty).
            header: the column titles, set in 黑体.
            widths: optional relative column widths.
            size: the type size of the cells (小四 by default).
        """
        columns = len(header)
        table = self.document.add_table(rows=1, cols=columns)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        weights = list(widths or [1] * columns)
        column_widths = [Twips(int(TEXT_WIDTH_TWIPS * weight / sum(weights))) for weight in weights]
        for column, width in zip(table.columns, column_widths):
            column.width = width

        header_row = table.rows[0]
        row_properties = header_row._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        row_properties.append(repeat)
        for cell, title, width in zip(header_row.cells, header, column_widths):
            self._fill_cell(cell, title, HEITI, size, width, WD_ALIGN_PARAGRAPH.CENTER)
        for values in rows:
            cells = table.add_row().cells
            for cell, value, width in zip(cells, values, column_widths):
                self._fill_cell(cell, "" if value is None else str(value), FANGSONG, size, width, WD_ALIGN_PARAGRAPH.LEFT)
        self._last_block = "table"
        return table

    def _fill_cell(self, cell, text, face, size, width, alignment):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.alignment = alignment
        _set_ppr_child(paragraph, "w:snapToGrid", {"w:val": "0"})
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self._run(paragraph, text, face, size)

    def attendance(self, label, names):
        """Add a 纪要 attendance line: "出席：" in 3号黑体, then the names in 3号仿宋.

        Wrapped lines align with the first name after the colon. The first attendance line
        follows the body after one blank line.
        """
        if self._last_block != "attendance":
            self.blank_line()
        if not isinstance(names, str):
            names = "、".join(str(name) for name in names if str(name).strip())
        label = str(label).rstrip("：:")
        paragraph = self.document.add_paragraph()
        label_chars = text_width_chars(label) + 1
        _indent_chars(paragraph, left=2 + label_chars, hanging=label_chars)
        self._run(paragraph, label + "：", HEITI, SIZE_3)
        self._run(paragraph, names, FANGSONG, SIZE_3)
        self._last_block = "attendance"
        return paragraph

    def signature(self, agencies, date):
        """Add the issuers' names and the date of the document, for a document without seals.

        The block follows the body after one blank line. The names end two characters from the
        right edge, and the date starts two characters right of the names' first character.
        When that puts the date closer than two characters to the edge, the names move left.
        """
        names = [agencies] if isinstance(agencies, str) else list(agencies)
        date_text = chinese_date(date) if not isinstance(date, str) else date
        self.blank_line()
        name_width = max((text_width_chars(name) for name in names), default=0)
        date_width = text_width_chars(date_text)
        # Distances from the right edge, in characters, to the first character of each line.
        names_start = max(2 + name_width, 2 + date_width + 2)
        date_right = names_start - 2 - date_width
        for name in names:
            paragraph = self.document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _indent_chars(paragraph, right=names_start - text_width_chars(name))
            self._run(paragraph, name, FANGSONG, SIZE_3)
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _indent_chars(paragraph, right=date_right)
        self._run(paragraph, date_text, FANGSONG, SIZE_3)
        self._last_block = "signature"
        return paragraph

    def imprint(self, copy_to, printer, date):
        """Add the 版记: the 抄送 line and the printing agency with 印发 date, in 4号仿宋.

        The lines between them are text-block wide: thick first and last, thin in between.
        NOTE: the 版记 follows the content directly. The standard puts it at the foot of the
        last even page, which this builder does not compute.
        """
        copies = [copy_to] if isinstance(copy_to, str) else [str(name) for name in copy_to if str(name).strip()]
        date_text = (chinese_date(date) if not isinstance(date, str) else date) + "印发"
        self.blank_line()
        table = self.document.add_table(rows=0, cols=1)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _set_table_borders(table, top=IMPRINT_THICK_SIZE, bottom=IMPRINT_THICK_SIZE, inside=IMPRINT_THIN_SIZE)
        _set_cell_margins(table, left=0, right=0)
        table.autofit = False
        table.columns[0].width = Twips(TEXT_WIDTH_TWIPS)
        one_char = SIZE_4.pt
        if copies:
            cell = table.add_row().cells[0]
            cell.width = Twips(TEXT_WIDTH_TWIPS)
            paragraph = cell.paragraphs[0]
            _set_ppr_child(paragraph, "w:snapToGrid", {"w:val": "0"})
            # Wrapped lines align with the first name after "抄送：".
            paragraph.paragraph_format.left_indent = Pt(one_char * 4)
            paragraph.paragraph_format.first_line_indent = Pt(-one_char * 3)
            paragraph.paragraph_format.right_indent = Pt(one_char)
            self._run(paragraph, "抄送：", FANGSONG, SIZE_4)
            self._run(paragraph, "，".join(copies) + "。", FANGSONG, SIZE_4)
        cell = table.add_row().cells[0]
        cell.width = Twips(TEXT_WIDTH_TWIPS)
        paragraph = cell.paragraphs[0]
        _set_ppr_child(paragraph, "w:snapToGrid", {"w:val": "0"})
        paragraph.paragraph_format.left_indent = Pt(one_char)
        paragraph.paragraph_format.tab_stops.add_tab_stop(
            Pt(TEXT_WIDTH_TWIPS / 20 - one_char), WD_TAB_ALIGNMENT.RIGHT
        )
        self._run(paragraph, f"{printer}\t{date_text}", FANGSONG, SIZE_4)
        self._last_block = "imprint"
        return table

    def save(self, stream):
        """Write the .docx to a path or a binary stream."""
        self.document.save(stream)

    # --- Runs -------------------------------------------------------------------------

    def _run(self, paragraph, text, face, size, *, bold=False, color=None, latin=LATIN_FONT):
        run = paragraph.add_run(text)
        run.font.size = size
        if bold:
            run.font.bold = True
        if color is not None:
            run.font.color.rgb = color
        _set_fonts(run._r.get_or_add_rPr(), face, latin=latin)
        return run


def _set_fonts(rpr, face, latin=LATIN_FONT):
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), face.name)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


def _set_language(rpr):
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _set_ppr_child(paragraph, tag, attributes, children=()):
    """Replace the w:pPr child ``tag`` of a paragraph, keeping the schema's child order."""
    ppr = paragraph._p.get_or_add_pPr()
    for old in ppr.findall(qn(tag)):
        ppr.remove(old)
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(name), value)
    for child_tag, child_attributes in children:
        child = OxmlElement(child_tag)
        for name, value in child_attributes.items():
            child.set(qn(name), value)
        element.append(child)
    successors = _PPR_ORDER[_PPR_ORDER.index(tag) + 1:]
    ppr.insert_element_before(element, *successors)
    return element


def _indent_first_line(paragraph, chars):
    # firstLineChars (hundredths of a grid character) follows the character grid. firstLine in
    # twips gives the same indent to readers that ignore it.
    paragraph.paragraph_format.first_line_indent = Pt(SIZE_3.pt * chars)
    paragraph.paragraph_format.element.pPr.ind.set(qn("w:firstLineChars"), str(int(chars * 100)))


def _indent_chars(paragraph, left=None, right=None, hanging=None):
    paragraph_format = paragraph.paragraph_format
    if left is not None:
        paragraph_format.left_indent = Pt(SIZE_3.pt * left)
    if right is not None:
        paragraph_format.right_indent = Pt(SIZE_3.pt * right)
    if hanging is not None:
        paragraph_format.first_line_indent = Pt(-SIZE_3.pt * hanging)
    ind = paragraph._p.pPr.ind
    if left is not None:
        ind.set(qn("w:leftChars"), str(int(round(left * 100))))
    if right is not None:
        ind.set(qn("w:rightChars"), str(int(round(right * 100))))
    if hanging is not None:
        ind.set(qn("w:hangingChars"), str(int(round(hanging * 100))))


def _border_element(tag, size):
    element = OxmlElement(tag)
    if size:
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
    else:
        element.set(qn("w:val"), "nil")
    return element


def _set_table_borders(table, *, top=0, bottom=0, inside=0):
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for tag, size in (("w:top", top), ("w:left", 0), ("w:bottom", bottom), ("w:right", 0),
                      ("w:insideH", inside), ("w:insideV", 0)):
        borders.append(_border_element(tag, size))
    _insert_table_property(tbl_pr, borders)


def _clear_table_borders(table):
    _set_table_borders(table)


def _set_cell_margins(table, *, left, right):
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for tag, value in (("w:left", left), ("w:right", right)):
        element = OxmlElement(tag)
        element.set(qn("w:w"), str(value))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _insert_table_property(tbl_pr, margins)


# Child order of w:tblPr (ECMA-376 CT_TblPr).
_TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
)


def _insert_table_property(tbl_pr, element):
    tag = element.tag.split("}")[1]
    successors = _TBLPR_ORDER[_TBLPR_ORDER.index(f"w:{tag}") + 1:]
    tbl_pr.insert_element_before(element, *successors)


def _set_space_before(table, length):
    # A table cannot carry space before, so an empty paragraph of exact height goes above it.
    spacer = OxmlElement("w:p")
    table._tbl.addprevious(spacer)
    paragraph = Paragraph(spacer, table._parent)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = length
    _set_ppr_child(paragraph, "w:snapToGrid", {"w:val": "0"})
