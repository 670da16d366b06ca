"""The GB/T 9704-2012 document builder, checked by reading the saved .docx back with python-docx."""

import datetime as dt

import docx
import pytest
from django.utils import translation
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn

from anhuan.core.errors import ValidationFailed
from anhuan.core.officialdoc import (
    DocumentKind,
    OfficialDocument,
    chinese_numeral,
    format_document_number,
    validate_document_number,
)

ISSUERS = ["邢台市应急管理局", "邢台市生态环境局"]


@pytest.fixture
def saved(tmp_path):
    """Build a joint 通知 with every block, save it and return the re-opened document."""
    document = OfficialDocument(
        kind=DocumentKind.FILE, issuer=ISSUERS, number=format_document_number("邢应急", 2026, 7), title="关于做好重污染天气应对工作的通知"
    )
    document.recipients("各县（市、区）应急管理局")
    document.heading1("总体要求")
    document.paragraph("第一段正文。\n第二段正文。")
    document.heading2("工作措施")
    document.paragraph("第三段正文。")
    document.heading1("工作要求")
    document.heading2("加强组织领导")
    document.table([["信都区", 3], ["沙河市", None]], ["区县", "企业数"], widths=[2, 1])
    document.attendance("出席", ["张三", "李四"])
    document.signature(ISSUERS, dt.date(2026, 12, 5))
    document.imprint(["河北省应急管理厅", "河北省生态环境厅"], "邢台市应急管理局办公室", dt.date(2026, 12, 6))
    path = tmp_path / "notice.docx"
    document.save(path)
    return docx.Document(path)


def paragraph_with(document, text):
    return next(paragraph for paragraph in document.paragraphs if text in paragraph.text)


def east_asian_font(run):
    return run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_page_is_a4_with_standard_margins(saved):
    section = saved.sections[0]
    assert round(section.page_width.mm) == 210
    assert round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37
    assert round(section.bottom_margin.mm) == 35
    assert round(section.left_margin.mm) == 28
    assert round(section.right_margin.mm) == 26


def test_grid_gives_22_lines_of_28_chars(saved):
    grid = saved.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch = int(grid.get(qn("w:linePitch")))
    char_space = int(grid.get(qn("w:charSpace")))
    section = saved.sections[0]
    text_height_twips = section.page_height.twips - section.top_margin.twips - section.bottom_margin.twips
    text_width_pt = (section.page_width.twips - section.left_margin.twips - section.right_margin.twips) / 20
    assert 22 * line_pitch <= text_height_twips < 23 * line_pitch
    assert round(text_width_pt / (16 + char_space / 4096)) == 28


def test_normal_style_is_fixed_28_95_points(saved):
    paragraph_format = saved.styles["Normal"].paragraph_format
    assert paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert paragraph_format.line_spacing.pt == pytest.approx(28.95)
    assert saved.styles["Normal"].font.size.pt == 16


def test_body_is_fangsong_16_with_indent(saved):
    paragraph = paragraph_with(saved, "第一段正文。")
    run = paragraph.runs[0]
    assert run.font.size.pt == 16
    assert east_asian_font(run) == "FangSong_GB2312"
    assert paragraph.paragraph_format.first_line_indent.pt == 32
    assert paragraph._p.pPr.ind.get(qn("w:firstLineChars")) == "200"


def test_each_body_line_is_a_paragraph(saved):
    assert paragraph_with(saved, "第二段正文。").text == "第二段正文。"


def test_title_is_xiaobiaosong_22_centred(saved):
    paragraph = paragraph_with(saved, "关于做好重污染天气应对工作的通知")
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert paragraph.runs[0].font.size.pt == 22
    assert east_asian_font(paragraph.runs[0]) == "方正小标宋简体"


def test_joint_head_is_red_with_wenjian(saved):
    head = saved.tables[0]
    cells = head.rows[0].cells
    assert [paragraph.text for paragraph in cells[0].paragraphs] == ISSUERS
    assert cells[1].text == "文件"
    run = cells[1].paragraphs[0].runs[0]
    assert str(run.font.color.rgb) == "FF0000"
    assert east_asian_font(run) == "方正小标宋简体"


def test_number_uses_hexagonal_brackets(saved):
    paragraph = paragraph_with(saved, "邢应急")
    assert paragraph.text == "邢应急〔2026〕7号"
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_red_line_under_number(saved):
    border = paragraph_with(saved, "邢应急〔2026〕7号")._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert border.get(qn("w:color")) == "FF0000"
    assert border.get(qn("w:space")) == "11"


def test_headings_are_numbered_with_fonts(saved):
    texts = [paragraph.text for paragraph in saved.paragraphs]
    assert "一、总体要求" in texts
    assert "（一）工作措施" in texts
    assert "二、工作要求" in texts
    assert "（一）加强组织领导" in texts
    assert east_asian_font(paragraph_with(saved, "一、总体要求").runs[0]) == "黑体"
    assert east_asian_font(paragraph_with(saved, "（一）工作措施").runs[0]) == "KaiTi_GB2312"


def test_recipients_end_with_colon(saved):
    assert paragraph_with(saved, "各县").text == "各县（市、区）应急管理局："


def test_table_has_header_and_rows(saved):
    table = saved.tables[1]
    assert [cell.text for cell in table.rows[0].cells] == ["区县", "企业数"]
    assert [cell.text for cell in table.rows[2].cells] == ["沙河市", ""]
    assert east_asian_font(table.rows[0].cells[0].paragraphs[0].runs[0]) == "黑体"


def test_attendance_label_heiti_names_fangsong(saved):
    paragraph = paragraph_with(saved, "出席：")
    assert paragraph.text == "出席：张三、李四"
    assert east_asian_font(paragraph.runs[0]) == "黑体"
    assert east_asian_font(paragraph.runs[1]) == "FangSong_GB2312"
    assert paragraph.runs[0].font.size.pt == 16


def test_signature_has_agencies_and_chinese_date(saved):
    texts = [paragraph.text for paragraph in saved.paragraphs]
    date_index = texts.index("2026年12月5日")
    assert texts[date_index - 2:date_index] == ISSUERS
    assert paragraph_with(saved, "2026年12月5日").alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_date_starts_two_chars_right_of_names(saved):
    # Distances from the right edge to each line's first character, in points (one character = 16 pt).
    name = [paragraph for paragraph in saved.paragraphs if paragraph.text == "邢台市生态环境局"][-1]
    date = paragraph_with(saved, "2026年12月5日")
    name_start = name.paragraph_format.right_indent.pt + 8 * 16
    date_start = date.paragraph_format.right_indent.pt + 6.5 * 16
    assert name_start - date_start == pytest.approx(32)
    # The date is the wider line here, so it keeps two characters from the edge.
    assert date.paragraph_format.right_indent.pt == pytest.approx(32)


def test_imprint_lines_in_4_hao_fangsong(saved):
    imprint = saved.tables[-1]
    copy_line = imprint.rows[0].cells[0].paragraphs[0]
    printer_line = imprint.rows[1].cells[0].paragraphs[0]
    assert copy_line.text == "抄送：河北省应急管理厅，河北省生态环境厅。"
    assert printer_line.text == "邢台市应急管理局办公室\t2026年12月6日印发"
    assert copy_line.runs[0].font.size.pt == 14
    assert east_asian_font(printer_line.runs[0]) == "FangSong_GB2312"


def test_imprint_has_thick_and_thin_lines(saved):
    borders = saved.tables[-1]._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders.find(qn("w:top")).get(qn("w:sz")) == "8"
    assert borders.find(qn("w:bottom")).get(qn("w:sz")) == "8"
    assert borders.find(qn("w:insideH")).get(qn("w:sz")) == "6"


def test_page_numbers_odd_right_even_left(saved):
    section = saved.sections[0]
    odd = section.footer.paragraphs[0]
    even = section.even_page_footer.paragraphs[0]
    assert saved.settings.odd_and_even_pages_header_footer is True
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert odd.text == "— 1 —"
    assert "PAGE" in odd._p.xml
    assert odd.runs[0].font.size.pt == 14
    assert east_asian_font(odd.runs[0]) == "宋体"


def test_font_table_names_fallbacks(tmp_path):
    path = tmp_path / "plain.docx"
    OfficialDocument(kind=DocumentKind.PLAIN, title="审批表").save(path)
    document = docx.Document(path)
    font_table = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    xml = font_table.blob.decode("utf-8")
    assert '<w:font w:name="FangSong_GB2312"><w:altName w:val="仿宋"/>' in xml
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in xml


def test_minutes_head_fits_one_line(tmp_path):
    path = tmp_path / "minutes.docx"
    head = "邢台市重污染天气应急减排联合会商纪要"
    OfficialDocument(kind=DocumentKind.MINUTES, head=head, number="邢环〔2026〕12号", title="标题").save(path)
    document = docx.Document(path)
    paragraph = document.paragraphs[0]
    assert paragraph.text == head
    assert paragraph.runs[0].font.size.pt * len(head) <= 156 / 25.4 * 72
    assert str(paragraph.runs[0].font.color.rgb) == "FF0000"
    assert round(paragraph.paragraph_format.space_before.mm) == 35


def test_plain_document_has_no_head(tmp_path):
    path = tmp_path / "plain.docx"
    OfficialDocument(kind=DocumentKind.PLAIN, title="审批表").save(path)
    document = docx.Document(path)
    assert document.paragraphs[0].text == "审批表"
    assert document.tables == []


def test_single_issuer_head_adds_wenjian(tmp_path):
    path = tmp_path / "single.docx"
    OfficialDocument(kind=DocumentKind.FILE, issuer="邢台市生态环境局", number="邢环〔2026〕3号", title="通知").save(path)
    assert docx.Document(path).paragraphs[0].text == "邢台市生态环境局文件"


# --- Document numbers and numerals ------------------------------------------------------------


def test_format_document_number():
    assert format_document_number("邢环", 2026, 12) == "邢环〔2026〕12号"


@pytest.mark.parametrize(("year", "sequence"), [(26, 1), (2026, 0)])
def test_format_rejects_bad_parts(year, sequence):
    with pytest.raises(ValueError):
        format_document_number("邢环", year, sequence)


def test_validator_accepts_standard_number():
    assert validate_document_number(" 邢应急〔2023〕7号 ") == "邢应急〔2023〕7号"


@pytest.mark.parametrize(
    ("number", "hint"),
    [
        ("邢环【2026】12号", "hexagonal brackets"),
        ("邢环[2026]12号", "hexagonal brackets"),
        ("邢环（2026）12号", "hexagonal brackets"),
        ("邢环〔2026〕012号", "leading zeros"),
        ("邢环〔2026〕第12号", "without 第"),
        ("邢环〔26〕12号", "not in the form"),
        ("〔2026〕12号", "not in the form"),
    ],
)
def test_validator_rejects_malformed_numbers(number, hint):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        validate_document_number(number)
    assert hint in str(caught.value.message)
    assert number in str(caught.value.message)


@pytest.mark.parametrize(("number", "text"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (99, "九十九")])
def test_chinese_numerals(number, text):
    assert chinese_numeral(number) == text
