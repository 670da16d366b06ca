"""Plan exports (JSON, Excel) and the shared xlsx writer, read back from real files."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from anhuan.core import excel
from anhuan.core.timeutil import parse_local_datetime
from anhuan.organizations.services import get_system_user
from anhuan.pollution.exports.plan_json import item_record, write_plan_json
from anhuan.pollution.exports.plan_xlsx import write_plan_xlsx
from anhuan.pollution.models import MeasureType, PlanFlag
from anhuan.pollution.services.warnings import issue_warning
from anhuan.pollution.tests.factories import make_credit_code, make_list
from conftest import REGION_A, REGION_B


STEEL_CODE = make_credit_code(REGION_A, 424242)


def at(text):
    return parse_local_datetime(text)


@pytest.fixture
def warning(db):
    make_list(2026, [
        dict(enterprise=dict(name="信都钢铁有限公司", region=REGION_A, credit_code=STEEL_CODE,
                             non_interruptible=True),
             production_line="1号烧结机", red=("halt", None, "烧结机停产"), safe_shutdown_hours=8, shutdown_risk="high"),
        dict(enterprise=dict(name="沙河玻璃有限公司", region=REGION_B), production_line="1号窑",
             red=("limit", 50, "限产50%"), safe_shutdown_hours=2),
        dict(enterprise=dict(name="高新区涂装有限公司", region="130582", performance_grade="A"), production_line="喷涂线"),
    ])
    return issue_warning(
        actor=get_system_user(), level="red", announced_at=at("2026-12-05 06:00"), starts_at=at("2026-12-05 10:00")
    )


def plan_items(warning):
    return list(warning.latest_event().plan.items.select_related("region"))


def records(warning):
    stream = io.StringIO()
    write_plan_json(plan_items(warning), stream)
    return json.loads(stream.getvalue())


def by_line(rows, line):
    return next(row for row in rows if row["production_line"] == line)


# --- JSON -----------------------------------------------------------------------------------------


def test_json_has_one_object_per_item(warning):
    assert len(records(warning)) == 3


def test_json_object_keys(warning):
    assert set(records(warning)[0]) == {
        "credit_code", "enterprise", "region_code", "production_line", "measure_type", "limit_percent",
        "effective_at", "flags", "lead_time_gap_hours",
    }


def test_json_halt_item(warning):
    row = by_line(records(warning), "1号烧结机")
    assert row["credit_code"] == STEEL_CODE
    assert row["enterprise"] == "信都钢铁有限公司"
    assert row["region_code"] == REGION_A
    assert row["measure_type"] == "halt"
    assert row["limit_percent"] is None
    assert row["effective_at"] == "2026-12-05T14:00:00+08:00"
    assert row["flags"] == ["insufficient_lead_time", "onsite_guidance_required", "non_interruptible"]
    assert row["lead_time_gap_hours"] == 4.0


def test_json_limit_is_number(warning):
    row = by_line(records(warning), "1号窑")
    assert row["limit_percent"] == 50.0
    assert row["effective_at"] == "2026-12-05T10:00:00+08:00"
    assert row["lead_time_gap_hours"] is None


def test_json_autonomous_item(warning):
    row = by_line(records(warning), "喷涂线")
    assert row["measure_type"] == "autonomous"
    assert row["flags"] == ["autonomous"]


def test_json_keeps_chinese_readable(warning):
    stream = io.StringIO()
    write_plan_json(plan_items(warning), stream)
    assert "信都钢铁有限公司" in stream.getvalue()


def test_region_without_code_gives_null(warning):
    item = plan_items(warning)[0]
    item.region.code = None
    assert item_record(item)["region_code"] is None


# --- Plan workbook ----------------------------------------------------------------------------------


@pytest.fixture
def sheet(warning, tmp_path):
    path = tmp_path / "plan.xlsx"
    with path.open("wb") as stream:
        write_plan_xlsx(warning.latest_event(), plan_items(warning), stream)
    return load_workbook(path).active


def data_rows(sheet):
    return list(sheet.iter_rows(min_row=3, values_only=True))


def test_workbook_has_title_header_rows(sheet):
    assert sheet.max_row == 2 + 3
    assert "2026-12-05 06:00" in sheet["A1"].value
    assert sheet["A2"].font.b is True


def test_workbook_freezes_header(sheet):
    assert sheet.freeze_panes == "A3"


def test_workbook_codes_are_text(sheet):
    cell = next(cell for cell in sheet["D"][2:] if cell.value == STEEL_CODE)
    assert cell.data_type == "s"
    assert cell.number_format == "@"


def test_workbook_uses_measure_labels(sheet):
    with translation.override("zh-hans"):
        halt = str(MeasureType.HALT.label)
        limit = str(MeasureType.LIMIT.label)
    assert [row[7] for row in data_rows(sheet)].count(halt) == 1
    assert [row[7] for row in data_rows(sheet)].count(limit) == 1


def test_workbook_uses_flag_labels(sheet):
    with translation.override("zh-hans"):
        onsite = str(PlanFlag.ONSITE_GUIDANCE_REQUIRED.label)
    row = next(row for row in data_rows(sheet) if row[6] == "1号烧结机")
    assert onsite in row[14]


def test_workbook_times_are_shanghai_text(sheet):
    row = next(row for row in data_rows(sheet) if row[6] == "1号烧结机")
    assert row[10] == "2026-12-05 14:00"
    assert row[13] == 4


def test_workbook_lists_enterprises(sheet):
    assert {row[2] for row in data_rows(sheet)} == {"信都钢铁有限公司", "沙河玻璃有限公司", "高新区涂装有限公司"}


# --- Shared xlsx writer ---------------------------------------------------------------------------------


def write_sample(tmp_path, rows, title=None):
    columns = [
        excel.Column("企业名称", 30),
        excel.Column("联系电话", 16, excel.TEXT),
        excel.Column("开始时间", 18, excel.DATETIME),
        excel.Column("日期", 12, excel.DATE),
        excel.Column("比例", 8, excel.NUMBER),
    ]
    workbook = excel.new_workbook()
    count = excel.write_table(workbook.active, columns, rows, title=title, sheet_title="样表")
    path = tmp_path / "sample.xlsx"
    excel.save(workbook, path)
    return count, load_workbook(path).active


def test_writer_keeps_leading_zeros(tmp_path):
    _count, sheet = write_sample(tmp_path, [["甲公司", "03192345678", None, None, None]])
    assert sheet["B2"].value == "03192345678"
    assert sheet["B2"].data_type == "s"


def test_writer_numbers_as_text_stay_text(tmp_path):
    _count, sheet = write_sample(tmp_path, [["甲公司", 130503, None, None, None]])
    assert sheet["B2"].value == "130503"


def test_writer_formula_text_stays_text(tmp_path):
    _count, sheet = write_sample(tmp_path, [["=HYPERLINK(\"x\")", "", None, None, None]])
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == "=HYPERLINK(\"x\")"


def test_writer_dates_in_shanghai(tmp_path):
    utc = dt.datetime(2026, 12, 4, 22, 30, tzinfo=dt.timezone.utc)
    _count, sheet = write_sample(tmp_path, [["甲公司", "", utc, utc, None]])
    assert sheet["C2"].value == "2026-12-05 06:30"
    assert sheet["D2"].value == "2026-12-05"


def test_writer_plain_date(tmp_path):
    _count, sheet = write_sample(tmp_path, [["甲公司", "", None, dt.date(2026, 1, 5), None]])
    assert sheet["D2"].value == "2026-01-05"


def test_writer_decimal_as_number(tmp_path):
    _count, sheet = write_sample(tmp_path, [["甲公司", "", None, None, Decimal("12.50")]])
    assert sheet["E2"].value == 12.5


def test_writer_header_bold_and_frozen(tmp_path):
    _count, sheet = write_sample(tmp_path, [])
    assert sheet["A1"].font.b is True
    assert sheet.freeze_panes == "A2"


def test_writer_column_widths(tmp_path):
    _count, sheet = write_sample(tmp_path, [])
    assert sheet.column_dimensions["A"].width == 30
    assert sheet.column_dimensions["B"].width == 16


def test_writer_title_row_merged(tmp_path):
    _count, sheet = write_sample(tmp_path, [["甲公司", "", None, None, None]], title="标题")
    assert sheet["A1"].value == "标题"
    assert "A1:E1" in {str(cells) for cells in sheet.merged_cells.ranges}
    assert sheet.freeze_panes == "A3"


def test_writer_counts_rows(tmp_path):
    count, sheet = write_sample(tmp_path, [["甲", "", None, None, None], ["乙", "", None, None, None]])
    assert count == 2
    assert sheet.title == "样表"
