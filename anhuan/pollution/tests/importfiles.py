"""Writing reduction-list files for tests and benchmarks: .xlsx, .xls and CSV in the office layout.

The layout follows the lists offices exchange: a title row, a filing row, a two-row header with
the warning-level groups merged over their sub-columns, then one row per production line. With
the default title and filing rows the first data row is spreadsheet row 5 (``FIRST_DATA_ROW``).
"""

import csv

import openpyxl
import xlwt

from anhuan.enterprises.domain.credit_code import check_character

TITLE = "邢台市2025—2026年度重污染天气应急减排清单（工业源）"
FILING = "填报单位：邢台市生态环境局（盖章）        填报日期：2025年10月"
LEVEL_GROUPS = ("黄色预警", "橙色预警", "红色预警")
LEVEL_SUBS = ("措施类型", "限产比例（%）", "具体措施")

# (key, top label, sub label) in the template's column order.
COLUMNS = [
    ("sequence", "序号", ""),
    ("region", "县（市、区）", ""),
    ("name", "企业名称", ""),
    ("credit_code", "统一社会信用代码", ""),
    ("industry_name", "行业类别", ""),
    ("industry_code", "国民经济行业代码", ""),
    ("grade", "绩效等级", ""),
    ("category", "管控类别", ""),
    ("whitelisted", "是否纳入白名单", ""),
    ("non_interruptible", "是否含不可中断工序", ""),
    ("production_line", "生产线/工序", ""),
    ("products_capacity", "主要产品及产能", ""),
    *[
        (f"{level}_{part}", group, sub)
        for level, group in zip(("yellow", "orange", "red"), LEVEL_GROUPS)
        for part, sub in zip(("measure", "limit_percent", "detail"), LEVEL_SUBS)
    ],
    ("safe_shutdown_hours", "安全停车所需时间（小时）", ""),
    ("shutdown_risk", "停限产安全风险", ""),
    ("contact_name", "联系人", ""),
    ("contact_phone", "联系电话", ""),
    ("remark", "备注", ""),
]
KEYS = [key for key, _top, _sub in COLUMNS]
TOP = [top if (index == 0 or COLUMNS[index - 1][1] != top) else "" for index, (_k, top, _s) in enumerate(COLUMNS)]
SUB = [sub for _k, _t, sub in COLUMNS]
FIRST_DATA_ROW = 5


def make_credit_code(region_code, serial):
    """Return a valid unified social credit code of a company registered in ``region_code``."""
    first17 = f"91{region_code}{serial:09d}"
    return first17 + check_character(first17)


def make_row(**values):
    """Return one data row as a dict; keyword arguments replace the defaults (a valid 信都区 row)."""
    row = {
        "sequence": 1,
        "region": "信都区",
        "name": "信都测试玻璃有限公司",
        "credit_code": make_credit_code("130503", 1),
        "industry_name": "平板玻璃",
        "industry_code": "C3041",
        "grade": "C",
        "category": "重点行业",
        "whitelisted": "否",
        "non_interruptible": "是",
        "production_line": "浮法玻璃熔窑",
        "products_capacity": "30万吨/年",
        "yellow_measure": "限产",
        "yellow_limit_percent": 10,
        "yellow_detail": "调整生产计划降低负荷",
        "orange_measure": "限产",
        "orange_limit_percent": 20,
        "orange_detail": "限产20%",
        "red_measure": "停产",
        "red_limit_percent": "",
        "red_detail": "停产，停止公路运输",
        "safe_shutdown_hours": 24,
        "shutdown_risk": "较大",
        "contact_name": "刘洋",
        "contact_phone": "19402329146",
        "remark": "",
    }
    unknown = set(values) - set(row)
    if unknown:
        raise KeyError(f"unknown columns: {sorted(unknown)}")
    row.update(values)
    return row


def as_cells(row):
    """Return a row dict (or a ready list of cells) as a list in column order."""
    if isinstance(row, dict):
        return [row.get(key, "") for key in KEYS]
    return list(row)


def header_rows(title=True, filing=True):
    rows = []
    if title:
        rows.append([TITLE])
    if filing:
        rows.append([FILING])
    rows.extend([TOP, SUB])
    return rows


def write_xlsx(path, rows, *, title=True, filing=True, header=None, number_formats=None, leading_blank_rows=0):
    """Write rows under the template header to an .xlsx file; return ``path``.

    ``header`` replaces the two header rows; ``number_formats`` maps a column key to an Excel
    number format applied to its data cells (for example ``{"yellow_limit_percent": "0%"}``).
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "应急减排清单"
    for _blank in range(leading_blank_rows):
        sheet.append([])
    top_rows = header_rows(title, filing) if header is None else [*header_rows(title, filing)[:-2], *header]
    for cells in top_rows:
        sheet.append(list(cells))
    header_row = leading_blank_rows + len(top_rows) - 1
    if header is None:
        for start in (13, 16, 19):
            sheet.merge_cells(start_row=header_row, start_column=start, end_row=header_row, end_column=start + 2)
    for row in rows:
        sheet.append(as_cells(row))
    if number_formats:
        first = leading_blank_rows + len(top_rows) + 1
        for key, number_format in number_formats.items():
            column = KEYS.index(key) + 1
            for row_number in range(first, first + len(rows)):
                sheet.cell(row=row_number, column=column).number_format = number_format
    workbook.save(path)
    return path


def write_xls(path, rows, *, title=True, filing=True):
    """Write rows under the template header to an old-format .xls file (BIFF8); return ``path``."""
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("应急减排清单")
    for row_index, cells in enumerate([*header_rows(title, filing), *(as_cells(row) for row in rows)]):
        for column_index, value in enumerate(cells):
            if value not in (None, ""):
                sheet.write(row_index, column_index, value)
    workbook.save(str(path))
    return path


def write_csv(path, rows, *, encoding="utf-8", title=True, filing=True, delimiter=","):
    """Write rows under the template header as CSV in ``encoding`` (utf-8, utf-8-sig, gbk …); return ``path``."""
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for cells in [*header_rows(title, filing), *(as_cells(row) for row in rows)]:
            writer.writerow(["" if value is None else value for value in cells])
    return path


REGIONS = [
    ("130502", "襄都区"), ("130503", "信都区"), ("130505", "任泽区"), ("130506", "南和区"), ("130522", "临城县"),
    ("130523", "内丘县"), ("130524", "柏乡县"), ("130525", "隆尧县"), ("130528", "宁晋县"), ("130529", "巨鹿县"),
    ("130530", "新河县"), ("130531", "广宗县"), ("130532", "平乡县"), ("130533", "威县"), ("130534", "清河县"),
    ("130535", "临西县"), ("130581", "南宫市"), ("130582", "沙河市"),
]
_LINES = ("熔窑", "制芯工序", "冲天炉", "喷涂线", "烘干炉", "硫化工序")


def generate_rows(count, lines_per_enterprise=3, serial_offset=0):
    """Return ``count`` valid rows, ``lines_per_enterprise`` production lines per enterprise."""
    measures = {"A": "自主减排", "B": "限产", "B-": "限产", "C": "限产", "D": "停产"}
    rows = []
    for index in range(count):
        enterprise = index // lines_per_enterprise
        region_code, region_name = REGIONS[enterprise % len(REGIONS)]
        grade = ("A", "B", "B-", "C", "D")[enterprise % 5]
        measure = measures[grade]
        limited = measure == "限产"
        rows.append(make_row(
            sequence=index + 1,
            region=region_name,
            name=f"{region_name[:2]}测试{enterprise + serial_offset}号有限公司",
            credit_code=make_credit_code(region_code, enterprise + serial_offset),
            grade=grade,
            category="重点行业",
            non_interruptible="是" if enterprise % 4 == 0 else "否",
            production_line=f"{_LINES[index % lines_per_enterprise % len(_LINES)]}{index % lines_per_enterprise + 1}",
            yellow_measure=measure,
            yellow_limit_percent=20 if limited else "",
            orange_measure=measure,
            orange_limit_percent=30 if limited else "",
            red_measure="自主减排" if grade == "A" else "停产",
            safe_shutdown_hours=float(index % 48),
            shutdown_risk="较大" if index % 7 == 0 else "一般",
            contact_phone=f"1{(enterprise * 7919) % 10**10:010d}",
        ))
    return rows


def run_import(path, actor, year=2025):
    """Import the file at ``path`` as ``actor``; return the ImportSummary."""
    from anhuan.pollution.importing.service import import_reduction_list

    return import_reduction_list(path.read_bytes(), file_name=path.name, year=year, actor=actor)


def rejected_errors(path, actor, year=2025):
    """Import the file at ``path`` expecting a rejection; return its list of RowError."""
    from anhuan.pollution.importing.errors import ImportRejected

    try:
        run_import(path, actor, year)
    except ImportRejected as exc:
        return exc.errors
    raise AssertionError(f"{path.name} was imported but should have been rejected")


def errors_at(errors, row, column):
    """Return the messages of the errors at one row and column label."""
    return [error.message for error in errors if error.row == row and error.column == column]
