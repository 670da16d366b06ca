"""Row validation of the list importer: every error names its row and column, and nothing is written."""

import pytest

from anhuan.enterprises.models import Enterprise
from anhuan.organizations.models import Region
from anhuan.organizations.services import get_system_user
from anhuan.pollution.importing.errors import MAX_ERRORS
from anhuan.pollution.models import ReductionEntry
from anhuan.pollution.tests.importfiles import (
    FIRST_DATA_ROW,
    errors_at,
    make_credit_code,
    make_row,
    rejected_errors,
    run_import,
    write_xlsx,
)

ROW1, ROW2, ROW3 = FIRST_DATA_ROW, FIRST_DATA_ROW + 1, FIRST_DATA_ROW + 2


@pytest.fixture
def system(db):
    return get_system_user()


def _errors(tmp_path, actor, rows):
    return rejected_errors(write_xlsx(tmp_path / "reduction.xlsx", rows), actor)


def _second(**values):
    """A valid second row: another line of another enterprise."""
    defaults = {
        "sequence": 2,
        "name": "信都第二化工有限公司",
        "credit_code": make_credit_code("130503", 2),
        "production_line": "导热油炉",
    }
    defaults.update(values)
    return make_row(**defaults)


def test_bad_check_character_names_cell(system, tmp_path):
    code = make_credit_code("130503", 1)
    wrong = code[:17] + ("1" if code[17] != "1" else "2")
    errors = _errors(tmp_path, system, [make_row(), _second(credit_code=wrong)])
    assert len(errors) == 1
    assert errors[0].row == ROW2
    assert errors[0].column == "统一社会信用代码"
    assert errors[0].cell == f"D{ROW2}"


def test_unknown_region_is_rejected(system, tmp_path):
    errors = _errors(tmp_path, system, [make_row(region="邢台新区")])
    assert len(errors_at(errors, ROW1, "县（市、区）")) == 1


def test_renamed_region_names_successor(system, tmp_path):
    errors = _errors(tmp_path, system, [make_row(region="桥东区")])
    (message,) = errors_at(errors, ROW1, "县（市、区）")
    assert "桥东区" in message
    assert "襄都区" in message


def test_former_county_name_names_district(system, tmp_path):
    errors = _errors(tmp_path, system, [make_row(region="任县")])
    (message,) = errors_at(errors, ROW1, "县（市、区）")
    assert "任泽区" in message


def test_abolished_county_names_both_successors(system, tmp_path):
    errors = _errors(tmp_path, system, [make_row(region="邢台县")])
    (message,) = errors_at(errors, ROW1, "县（市、区）")
    assert "襄都区" in message
    assert "信都区" in message


def test_city_is_no_county_level_region(system, tmp_path):
    errors = _errors(tmp_path, system, [make_row(region="邢台市")])
    assert len(errors_at(errors, ROW1, "县（市、区）")) == 1


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("任泽区", "任泽区"),
        ("任泽", "任泽区"),
        ("邢台市任泽区", "任泽区"),
        ("河北邢台经济开发区", "河北邢台经济开发区"),
        ("市经开区", "河北邢台经济开发区"),
        ("邢台高新技术产业开发区", "邢台高新技术产业开发区"),
        ("市高新区", "邢台高新技术产业开发区"),
        (" 沙河市 ", "沙河市"),
    ],
)
def test_region_names_and_short_names_resolve(system, tmp_path, written, expected):
    path = write_xlsx(tmp_path / "reduction.xlsx", [make_row(region=written)])
    run_import(path, system)
    assert ReductionEntry.objects.get().region == Region.objects.get(name=expected)


@pytest.mark.parametrize(
    ("values", "column"),
    [
        ({"grade": "E"}, "绩效等级"),
        ({"category": "重点企业"}, "管控类别"),
        ({"yellow_measure": "轮产"}, "黄色预警/措施类型"),
        ({"shutdown_risk": "一般般"}, "停限产安全风险"),
        ({"whitelisted": "不确定"}, "是否纳入白名单"),
        ({"safe_shutdown_hours": "-4"}, "安全停车所需时间（小时）"),
        ({"safe_shutdown_hours": "约两天"}, "安全停车所需时间（小时）"),
        ({"orange_limit_percent": 150}, "橙色预警/限产比例（%）"),
        ({"industry_code": "X99"}, "国民经济行业代码"),
        ({"name": "企" * 201}, "企业名称"),
    ],
)
def test_invalid_value_names_column(system, tmp_path, values, column):
    errors = _errors(tmp_path, system, [make_row(**values)])
    assert len(errors_at(errors, ROW1, column)) == 1


@pytest.mark.parametrize(
    ("key", "column"),
    [
        ("name", "企业名称"),
        ("credit_code", "统一社会信用代码"),
        ("region", "县（市、区）"),
        ("grade", "绩效等级"),
        ("category", "管控类别"),
        ("non_interruptible", "是否含不可中断工序"),
        ("production_line", "生产线/工序"),
        ("red_measure", "红色预警/措施类型"),
        ("safe_shutdown_hours", "安全停车所需时间（小时）"),
        ("shutdown_risk", "停限产安全风险"),
    ],
)
def test_required_blank_cell_is_named(system, tmp_path, key, column):
    errors = _errors(tmp_path, system, [make_row(**{key: "  "})])
    assert len(errors_at(errors, ROW1, column)) == 1


def test_limit_measure_needs_percentage(system, tmp_path):
    errors = _errors(tmp_path, system, [make_row(yellow_measure="限产", yellow_limit_percent="")])
    assert len(errors_at(errors, ROW1, "黄色预警/限产比例（%）")) == 1


def test_halt_needs_no_percentage(system, tmp_path):
    path = write_xlsx(tmp_path / "reduction.xlsx", [make_row(red_measure="停产", red_limit_percent="")])
    run_import(path, system)
    assert ReductionEntry.objects.get().red_limit_percent is None


def test_duplicate_line_names_first_row(system, tmp_path):
    errors = _errors(tmp_path, system, [make_row(), _second(), make_row(sequence=3)])
    (message,) = errors_at(errors, ROW3, "生产线/工序")
    assert str(ROW1) in message


def test_duplicate_line_found_after_normalising(system, tmp_path):
    code = make_credit_code("130503", 1)
    rows = [make_row(), make_row(sequence=2, credit_code=code.lower(), production_line=" 浮法玻璃 熔窑 ")]
    errors = _errors(tmp_path, system, rows)
    assert len(errors_at(errors, ROW2, "生产线/工序")) == 1


@pytest.mark.parametrize(
    ("values", "column"),
    [
        ({"name": "信都另一家玻璃有限公司"}, "企业名称"),
        ({"region": "襄都区"}, "县（市、区）"),
        ({"industry_code": "C3042"}, "国民经济行业代码"),
        ({"grade": "B"}, "绩效等级"),
        ({"category": "一般工业企业"}, "管控类别"),
        ({"whitelisted": "是"}, "是否纳入白名单"),
        ({"non_interruptible": "否"}, "是否含不可中断工序"),
    ],
)
def test_conflicting_attribute_names_both_rows(system, tmp_path, values, column):
    rows = [make_row(), make_row(sequence=2, production_line="深加工线", **values)]
    errors = _errors(tmp_path, system, rows)
    (message,) = errors_at(errors, ROW2, column)
    assert str(ROW1) in message


def test_same_attribute_in_other_spelling_agrees(system, tmp_path):
    rows = [make_row(grade="B-"), make_row(sequence=2, production_line="深加工线", grade="b－级", whitelisted="N")]
    run_import(write_xlsx(tmp_path / "reduction.xlsx", rows), system)
    assert ReductionEntry.objects.count() == 2


def test_blank_industry_code_is_no_conflict(system, tmp_path):
    rows = [make_row(industry_code=""), make_row(sequence=2, production_line="深加工线")]
    run_import(write_xlsx(tmp_path / "reduction.xlsx", rows), system)
    assert Enterprise.objects.get().industry_code == "C3041"


def test_every_error_is_collected(system, tmp_path):
    rows = [make_row(grade="E"), _second(shutdown_risk="?"), make_row(sequence=3, production_line="第三线", region="桥西区")]
    errors = _errors(tmp_path, system, rows)
    assert [(error.row, error.column) for error in errors] == [
        (ROW1, "绩效等级"),
        (ROW2, "停限产安全风险"),
        (ROW3, "县（市、区）"),
    ]


def test_errors_stop_at_the_cap(system, tmp_path):
    rows = [make_row(sequence=index, production_line=f"线{index}", grade="E") for index in range(MAX_ERRORS + 5)]
    path = write_xlsx(tmp_path / "reduction.xlsx", rows)
    from anhuan.pollution.importing.errors import ImportRejected

    with pytest.raises(ImportRejected) as caught:
        run_import(path, system)
    assert len(caught.value.errors) == MAX_ERRORS
    assert caught.value.truncated is True
    assert str(MAX_ERRORS) in caught.value.lines()[-1]


def test_one_bad_row_writes_nothing(system, tmp_path):
    rows = [make_row(), _second(), make_row(sequence=3, production_line="第三线", safe_shutdown_hours="很久")]
    _errors(tmp_path, system, rows)
    assert ReductionEntry.objects.count() == 0
    assert Enterprise.objects.count() == 0


def test_blank_total_and_note_rows_skipped(system, tmp_path):
    rows = [
        make_row(),
        ["", "", "", "", "", "", "", "", "", "", "", ""],
        ["\u3000", " ", None],
        _second(),
        [3],
        ["合  计", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", 28],
        ["注：安全停车所需时间由企业填报。"],
    ]
    summary = run_import(write_xlsx(tmp_path / "reduction.xlsx", rows), system)
    assert summary.rows == 2
    assert sorted(ReductionEntry.objects.values_list("source_row", flat=True)) == [ROW1, ROW1 + 3]


def test_error_line_names_file_row_column(system, tmp_path):
    from anhuan.pollution.importing.errors import ImportRejected

    path = write_xlsx(tmp_path / "reduction.xlsx", [make_row(), _second(grade="E")])
    with pytest.raises(ImportRejected) as caught:
        run_import(path, system)
    (line,) = caught.value.lines()
    assert line.startswith("reduction.xlsx")
    assert str(ROW2) in line
    assert "绩效等级" in line
