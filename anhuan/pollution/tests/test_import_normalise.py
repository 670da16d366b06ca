"""Cell normalisation rules of the list importer (no database)."""

from decimal import Decimal

import pytest

from anhuan.enterprises.models import EnterpriseCategory, PerformanceGrade
from anhuan.pollution.importing import normalise as norm
from anhuan.pollution.importing.normalise import CellError
from anhuan.pollution.models import MeasureType, ShutdownRisk
from anhuan.pollution.tests.importfiles import make_credit_code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  沙河恒福玻璃有限公司 ", "沙河恒福玻璃有限公司"),
        ("\u3000沙河恒福玻璃\u3000有限公司\u00a0", "沙河恒福玻璃有限公司"),
        ("沙河 恒福 玻璃", "沙河恒福玻璃"),
        ("ABC  Glass   Co.", "ABC Glass Co."),
        ("A线 2号", "A线2号"),
        ("\u200b炼胶工序\ufeff", "炼胶工序"),
        ("邢台（分公司）", "邢台（分公司）"),
        (12.0, "12"),
        (12.5, "12.5"),
        (None, ""),
    ],
)
def test_clean_text_tidies_spaces(raw, expected):
    assert norm.clean_text(raw) == expected


def test_clean_multiline_keeps_line_breaks():
    assert norm.clean_multiline(" 停产 \r\n\r\n 停止公路运输 ") == "停产\n停止公路运输"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("30%", Decimal("30.00")),
        ("３０％", Decimal("30.00")),
        ("30", Decimal("30.00")),
        (30, Decimal("30.00")),
        (30.0, Decimal("30.00")),
        (0.3, Decimal("30.00")),
        ("0.3", Decimal("30.00")),
        ("0.5%", Decimal("0.50")),
        (1, Decimal("1.00")),
        (100, Decimal("100.00")),
        (" 12.5 % ", Decimal("12.50")),
    ],
)
def test_percent_reads_office_forms(raw, expected):
    assert norm.parse_percent(raw) == expected


@pytest.mark.parametrize("raw", [0, "0%", 150, "101%", -10, "三成", "30%以上"])
def test_percent_rejects_out_of_range(raw):
    with pytest.raises(CellError):
        norm.parse_percent(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (48, Decimal("48.00")),
        (48.0, Decimal("48.00")),
        ("48", Decimal("48.00")),
        ("48小时", Decimal("48.00")),
        ("48 小时", Decimal("48.00")),
        ("48h", Decimal("48.00")),
        ("48H", Decimal("48.00")),
        ("４８ｈ", Decimal("48.00")),
        ("0.5小时", Decimal("0.50")),
        ("2天", Decimal("48.00")),
        (0, Decimal("0.00")),
    ],
)
def test_hours_read_units(raw, expected):
    assert norm.parse_hours(raw) == expected


@pytest.mark.parametrize("raw", [-1, "-2小时", "约48小时", "两小时", 10000])
def test_hours_reject_invalid_values(raw):
    with pytest.raises(CellError):
        norm.parse_hours(raw)


@pytest.mark.parametrize("raw", ["是", "Y", "y", "yes", "√", "✓", "１", True, 1.0])
def test_bool_reads_yes_marks(raw):
    assert norm.parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["否", "N", "n", "No", "×", "0", False, 0.0])
def test_bool_reads_no_marks(raw):
    assert norm.parse_bool(raw) is False


def test_bool_rejects_other_words():
    with pytest.raises(CellError):
        norm.parse_bool("可能")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (15520741785.0, "15520741785"),
        (1.5520741785e10, "15520741785"),
        ("15520741785", "15520741785"),
        ("1.5520741785E+10", "15520741785"),
        ("0319-2345678", "0319-2345678"),
        (" 155 2074 1785 ", "155 2074 1785"),
        ("", ""),
    ],
)
def test_phone_reads_numbers_and_text(raw, expected):
    assert norm.parse_phone(raw) == expected


def test_phone_rejects_text_without_digits():
    with pytest.raises(CellError):
        norm.parse_phone("张伟的手机")


def test_phone_rejects_lost_digits():
    with pytest.raises(CellError):
        norm.parse_phone("1.55207E+10")


def test_sequence_reads_float_as_integer():
    assert norm.parse_sequence(1.0) == 1


def test_sequence_rejects_fraction():
    with pytest.raises(CellError):
        norm.parse_sequence(1.5)


def test_credit_code_folds_case_and_width():
    code = make_credit_code("130503", 42)
    messy = " " + code.lower().replace("9", "９") + "\u3000"
    assert norm.parse_credit_code(messy) == code


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("91130503000000042", "17"),
        ("91130503000000042IO", "19"),
        ("9113050300000004I2", "I"),
    ],
)
def test_credit_code_reasons_name_problem(raw, fragment):
    with pytest.raises(CellError) as caught:
        norm.parse_credit_code(raw)
    assert fragment in caught.value.message


def test_credit_code_rejects_wrong_check_character():
    code = make_credit_code("130503", 42)
    wrong = code[:17] + ("1" if code[17] != "1" else "2")
    with pytest.raises(CellError):
        norm.parse_credit_code(wrong)


def test_credit_code_rejects_number_cell():
    with pytest.raises(CellError):
        norm.parse_credit_code(9.11305827405638e17)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("C3041", "C3041"), ("c3041", "C3041"), ("3041", "C3041"), (3041.0, "C3041"), ("D4430", "D4430"), ("", "")],
)
def test_industry_code_adds_section_letter(raw, expected):
    assert norm.parse_industry_code(raw) == expected


def test_industry_code_rejects_wrong_section():
    with pytest.raises(CellError):
        norm.parse_industry_code("D3041")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("A", PerformanceGrade.A),
        ("a级", PerformanceGrade.A),
        ("Ｂ－", PerformanceGrade.B_MINUS),
        ("B-级", PerformanceGrade.B_MINUS),
        ("引领性", PerformanceGrade.LEADING),
        ("非引领性", PerformanceGrade.UNRATED),
        ("非重点行业", PerformanceGrade.UNRATED),
    ],
)
def test_grade_words_map_to_choices(raw, expected):
    assert norm.GRADES[norm.fold(raw)] == expected


def test_keyword_tables_cover_template_words():
    assert norm.CATEGORIES[norm.fold("保障类")] == EnterpriseCategory.GUARANTEED
    assert norm.CATEGORIES[norm.fold("小微涉气企业")] == EnterpriseCategory.SMALL_MICRO
    assert norm.MEASURES[norm.fold("自主减排")] == MeasureType.AUTONOMOUS
    assert norm.RISKS[norm.fold("重大")] == ShutdownRisk.HIGH
    assert norm.RISKS[norm.fold("低")] == ShutdownRisk.NORMAL
