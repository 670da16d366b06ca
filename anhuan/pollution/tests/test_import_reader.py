"""File formats, encodings and header location of the list importer."""

import shutil
from pathlib import Path

import pytest

from anhuan.organizations.services import get_system_user
from anhuan.pollution.importing.columns import find_header_row, map_columns
from anhuan.pollution.importing.reader import decode_text, detect_format, read_sheets
from anhuan.pollution.models import ReductionEntry
from anhuan.pollution.tests.importfiles import (
    FIRST_DATA_ROW,
    SUB,
    TOP,
    generate_rows,
    make_row,
    rejected_errors,
    run_import,
    write_csv,
    write_xls,
    write_xlsx,
)

SAMPLE = Path(__file__).parent / "data" / "reduction-list-sample.xlsx"


@pytest.fixture
def system(db):
    return get_system_user()


def test_sample_file_imports_every_row(system, tmp_path):
    path = tmp_path / "reduction-list-sample.xlsx"
    shutil.copy(SAMPLE, path)
    summary = run_import(path, system)
    assert summary.rows == 345
    assert summary.entries_written == 345
    assert ReductionEntry.objects.count() == 345


def test_sample_file_keeps_row_numbers(system, tmp_path):
    path = tmp_path / "reduction-list-sample.xlsx"
    shutil.copy(SAMPLE, path)
    run_import(path, system)
    entry = ReductionEntry.objects.get(source_row=FIRST_DATA_ROW + 2)
    assert entry.production_line == "浮法玻璃熔窑"
    assert entry.sequence == 3


@pytest.mark.parametrize(
    ("writer", "name"),
    [
        (write_xlsx, "list.xlsx"),
        (write_xls, "list.xls"),
        (lambda path, rows: write_csv(path, rows, encoding="utf-8"), "list-utf8.csv"),
        (lambda path, rows: write_csv(path, rows, encoding="utf-8-sig"), "list-bom.csv"),
        (lambda path, rows: write_csv(path, rows, encoding="gbk"), "list-gbk.csv"),
        (lambda path, rows: write_csv(path, rows, encoding="gb18030"), "list-gb18030.csv"),
        (lambda path, rows: write_csv(path, rows, encoding="utf-16", delimiter="\t"), "list-unicode.txt.csv"),
    ],
)
def test_every_format_imports_same_rows(system, tmp_path, writer, name):
    path = writer(tmp_path / name, generate_rows(6))
    summary = run_import(path, system)
    assert summary.entries_written == 6
    entry = ReductionEntry.objects.get(source_row=FIRST_DATA_ROW)
    assert entry.enterprise.name == "襄都测试0号有限公司"
    assert entry.region.name == "襄都区"


def test_xls_keeps_number_cells(system, tmp_path):
    path = write_xls(tmp_path / "list.xls", [make_row(yellow_limit_percent=0.3, safe_shutdown_hours=48.0)])
    run_import(path, system)
    entry = ReductionEntry.objects.get()
    assert entry.yellow_limit_percent == 30
    assert entry.safe_shutdown_hours == 48


def test_format_comes_from_content(system, tmp_path):
    xlsx = write_xlsx(tmp_path / "list.xlsx", [make_row()])
    renamed = tmp_path / "list.csv"
    xlsx.rename(renamed)
    assert run_import(renamed, system).entries_written == 1


def test_detect_format_reads_magic_bytes():
    assert detect_format(b"PK\x03\x04rest") == "xlsx"
    assert detect_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest") == "xls"
    assert detect_format("序号,企业名称".encode("gbk")) == "csv"


def test_decode_prefers_utf8_then_gbk():
    assert decode_text("企业名称".encode("utf-8"), "a.csv") == "企业名称"
    assert decode_text("企业名称".encode("gbk"), "a.csv") == "企业名称"
    assert decode_text("\ufeff企业名称".encode("utf-8"), "a.csv") == "企业名称"


def test_fake_excel_file_is_rejected(system, tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    errors = rejected_errors(path, system)
    assert len(errors) == 1
    assert errors[0].row is None


def test_damaged_workbook_is_rejected(system, tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    errors = rejected_errors(path, system)
    assert len(errors) == 1


def test_empty_file_is_rejected(system, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"")
    assert len(rejected_errors(path, system)) == 1


def test_undecodable_csv_is_rejected(system, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"\x81\x30\xff\xff")
    assert len(rejected_errors(path, system)) == 1


def test_header_found_below_blank_rows(system, tmp_path):
    path = write_xlsx(tmp_path / "list.xlsx", [make_row()], title=False, filing=False, leading_blank_rows=3)
    run_import(path, system)
    assert ReductionEntry.objects.get().source_row == 6


def test_header_found_in_second_sheet(system, tmp_path):
    import openpyxl

    path = write_xlsx(tmp_path / "list.xlsx", [make_row()])
    workbook = openpyxl.load_workbook(path)
    cover = workbook.create_sheet("说明", 0)
    cover["A1"] = "填表说明：每条生产线一行"
    workbook.save(path)
    assert run_import(path, system).entries_written == 1


def test_labels_match_tolerantly(system, tmp_path):
    top = list(TOP)
    top[1] = "县(市、区)"
    top[3] = "统一社会\n信用代码"
    top[21] = " 安全停车所需时间(小时) "
    top[22] = "*停（限）产安全风险"
    sub = list(SUB)
    sub[13] = "限产比例(%)"
    path = write_xlsx(tmp_path / "list.xlsx", [make_row()], header=[top, sub])
    assert run_import(path, system).entries_written == 1


def test_single_row_header_is_read(system, tmp_path):
    combined = [sub and f"{group}{sub}" or top for top, sub, group in _groups()]
    path = write_csv(tmp_path / "flat.csv", [make_row()], title=False, filing=False)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = ",".join(combined)
    del lines[1]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    entry_count = run_import(path, system).entries_written
    assert entry_count == 1
    assert ReductionEntry.objects.get().yellow_limit_percent == 10


def _groups():
    group = ""
    for top, sub in zip(TOP, SUB):
        group = top or group
        yield top, sub, group


def test_missing_columns_named_in_one_error(system, tmp_path):
    top = list(TOP)
    top[21] = "备用"
    sub = list(SUB)
    sub[18] = "其他"
    path = write_xlsx(tmp_path / "list.xlsx", [make_row()], header=[top, sub])
    errors = rejected_errors(path, system)
    assert len(errors) == 1
    assert errors[0].row == 3
    assert "安全停车所需时间（小时）" in errors[0].message
    assert "红色预警/措施类型" in errors[0].message


def test_duplicate_column_is_rejected(system, tmp_path):
    top = list(TOP)
    top[11] = "企业名称"
    path = write_xlsx(tmp_path / "list.xlsx", [make_row()], header=[top, SUB])
    errors = rejected_errors(path, system)
    assert [error.column for error in errors] == ["企业名称"]


def test_file_without_header_is_rejected(system, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    errors = rejected_errors(path, system)
    assert len(errors) == 1
    assert "企业名称" in errors[0].message


def test_header_without_rows_is_rejected(system, tmp_path):
    path = write_xlsx(tmp_path / "list.xlsx", [])
    assert len(rejected_errors(path, system)) == 1


def test_map_columns_labels_level_columns():
    rows = [TOP, SUB]
    columns, errors = map_columns(rows, find_header_row(rows))
    assert errors == []
    assert columns.labels["orange_limit_percent"] == "橙色预警/限产比例（%）"
    assert columns.first_data_row == 3


def test_read_sheets_keeps_leading_blank_rows(tmp_path):
    path = write_xlsx(tmp_path / "list.xlsx", [make_row()], title=False, filing=False, leading_blank_rows=2)
    rows = read_sheets(path.read_bytes(), path.name)[0].rows
    assert rows[2][0] == "序号"
