"""Excel import of each register: valid files, rejected files naming row and column, and re-imports."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from anhuan.core.audit import history_for
from anhuan.core.errors import NotPermitted
from anhuan.pollution.importing.errors import ImportRejected
from anhuan.sharing import registry
from anhuan.sharing.exporting import register_workbook, template_workbook
from anhuan.sharing.importing import import_register, parse_date
from anhuan.sharing.models import ApprovalKind, EnforcementMeasure, EnforcementRecord, EnvFacility, ProjectApproval, SafetyFacility
from anhuan.sharing.services.registers import RegisterAction
from anhuan.sharing.tests.registers_fixtures import enterprise_a, enterprise_b, write_xlsx  # noqa: F401

pytestmark = pytest.mark.django_db

APPROVAL_HEADER = ["企业名称", "统一社会信用代码", "项目名称", "审批类型", "批复文号", "批复日期", "审批机关", "备注"]
SAFETY_HEADER = ["统一社会信用代码", "设施名称", "设施类型", "安装位置", "投用日期", "状态"]
ENV_HEADER = ["统一社会信用代码", "设施名称", "设施类型", "处理能力", "投用日期", "状态", "第三方运维单位"]
ENFORCEMENT_HEADER = [
    "统一社会信用代码", "检查日期", "执法人员", "检查发现问题", "处理措施", "从严处理理由", "罚款金额（元）", "整改期限",
]


def run(spec, path, actor, header, rows, **kwargs):
    data = write_xlsx(path, header, rows, **kwargs)
    return import_register(spec, data, path.name, actor=actor)


def rejected_lines(spec, path, actor, header, rows):
    with pytest.raises(ImportRejected) as error:
        run(spec, path, actor, header, rows)
    return error.value.lines()


# --- Construction project approvals --------------------------------------------------------


def test_approvals_import_creates_rows(personas, enterprise_a, tmp_path):
    rows = [
        ["示例", enterprise_a.credit_code, "精细化工项目", "环评批复", "邢环审〔2025〕8号", "2025-03-18", "邢台市生态环境局", ""],
        ["", enterprise_a.credit_code, "精细化工项目", "eia", "邢环审〔2025〕9号", "2025年4月2日", "邢台市生态环境局", "二期"],
    ]
    result = run(registry.APPROVALS, tmp_path / "审批.xlsx", personas["county_a_ee_officer"], APPROVAL_HEADER, rows,
                 title="建设项目审批台账")
    assert result.created == 2
    assert ProjectApproval.objects.get(approval_number="邢环审〔2025〕9号").approval_date == dt.date(2025, 4, 2)


def test_approvals_import_rejects_other_department_kind(personas, enterprise_a, tmp_path):
    rows = [["", enterprise_a.credit_code, "精细化工项目", "安全条件审查", "邢应急审〔2025〕1号", "2025-03-18", "邢台市应急管理局", ""]]
    with translation.override("en"):
        lines = rejected_lines(registry.APPROVALS, tmp_path / "a.xlsx", personas["county_a_ee_officer"], APPROVAL_HEADER, rows)
    assert len(lines) == 1
    assert lines[0].startswith('a.xlsx row 2, column "审批类型"')
    assert ProjectApproval.objects.count() == 0


def test_approvals_reimport_updates_by_number(personas, enterprise_a, tmp_path):
    actor = personas["county_a_ee_officer"]
    row = ["", enterprise_a.credit_code, "精细化工项目", "环评批复", "邢环审〔2025〕8号", "2025-03-18", "邢台市生态环境局", ""]
    run(registry.APPROVALS, tmp_path / "first.xlsx", actor, APPROVAL_HEADER, [row])
    row[2] = "精细化工项目（变更）"
    result = run(registry.APPROVALS, tmp_path / "second.xlsx", actor, APPROVAL_HEADER, [row])
    assert (result.created, result.updated) == (0, 1)
    record = ProjectApproval.objects.get()
    assert record.project_name == "精细化工项目（变更）"
    assert history_for(record).first().changes == {"project_name": ["精细化工项目", "精细化工项目（变更）"]}


# --- Safety facilities ----------------------------------------------------------------


def test_safety_facilities_import_creates_rows(personas, enterprise_a, tmp_path):
    rows = [
        [enterprise_a.credit_code, "可燃气体报警系统", "检测报警设施", "罐区", dt.datetime(2024, 6, 1), "运行"],
        [enterprise_a.credit_code, "紧急切断阀", "紧急处理设施", "", "20240701", ""],
    ]
    result = run(registry.SAFETY_FACILITIES, tmp_path / "安全设施.xlsx", personas["county_a_em_officer"], SAFETY_HEADER, rows)
    assert result.created == 2
    valve = SafetyFacility.objects.get(name="紧急切断阀")
    assert valve.commissioned_on == dt.date(2024, 7, 1)
    assert valve.status == "in_operation"


def test_safety_facilities_invalid_file_writes_nothing(personas, enterprise_a, enterprise_b, tmp_path):
    rows = [
        [enterprise_a.credit_code, "可燃气体报警系统", "检测报警设施", "罐区", "2024-06-01", "运行"],
        [enterprise_b.credit_code, "紧急切断阀", "紧急处理设施", "", "2024-13-01", "坏了"],
        ["91130503MA0000001", "", "检测报警设施", "", "", ""],
    ]
    with translation.override("en"):
        lines = rejected_lines(registry.SAFETY_FACILITIES, tmp_path / "s.xlsx", personas["county_a_em_officer"],
                               SAFETY_HEADER, rows)
    assert lines[0].startswith('s.xlsx row 3, column "统一社会信用代码"')
    assert "outside your region" in lines[0]
    assert lines[1].startswith('s.xlsx row 3, column "投用日期"')
    assert lines[2].startswith('s.xlsx row 3, column "状态"')
    assert lines[3].startswith('s.xlsx row 4, column "统一社会信用代码"')
    assert lines[4].startswith('s.xlsx row 4, column "设施名称"')
    assert len(lines) == 5
    assert SafetyFacility.objects.count() == 0


def test_safety_facilities_reimport_updates_by_name(personas, enterprise_a, tmp_path):
    actor = personas["county_a_em_officer"]
    row = [enterprise_a.credit_code, "可燃气体报警系统", "检测报警设施", "罐区", "2024-06-01", "运行"]
    run(registry.SAFETY_FACILITIES, tmp_path / "one.xlsx", actor, SAFETY_HEADER, [row])
    row[5] = "停用"
    result = run(registry.SAFETY_FACILITIES, tmp_path / "two.xlsx", actor, SAFETY_HEADER, [row])
    assert (result.created, result.updated) == (0, 1)
    assert SafetyFacility.objects.get().status == "stopped"


# --- Environmental facilities ----------------------------------------------------------


def test_env_facilities_import_sets_is_key(personas, enterprise_a, tmp_path):
    rows = [
        [enterprise_a.credit_code, "1号RTO焚烧炉", "RTO焚烧炉", "40000立方米/小时", "2023-09-15", "运行", ""],
        [enterprise_a.credit_code, "活性炭箱", "活性炭吸附", "", "", "", "某环保科技有限公司"],
    ]
    run(registry.ENV_FACILITIES, tmp_path / "环保设施.xlsx", personas["city_ee_officer"], ENV_HEADER, rows)
    assert EnvFacility.objects.get(name="1号RTO焚烧炉").is_key is True
    assert EnvFacility.objects.get(name="活性炭箱").is_key is False


def test_env_facilities_rejects_unknown_type_and_duplicates(personas, enterprise_a, tmp_path):
    rows = [
        [enterprise_a.credit_code, "1号RTO焚烧炉", "RTO焚烧炉", "", "", "拟建", ""],
        [enterprise_a.credit_code, "1号RTO焚烧炉", "RTO焚烧炉", "", "", "拟建", ""],
        [enterprise_a.credit_code, "洗涤塔", "喷淋塔", "", "", "", ""],
    ]
    with translation.override("en"):
        lines = rejected_lines(registry.ENV_FACILITIES, tmp_path / "e.xlsx", personas["county_a_ee_officer"], ENV_HEADER, rows)
    assert lines[0].startswith("e.xlsx row 3: This row repeats row 2")
    assert lines[1].startswith('e.xlsx row 4, column "设施类型"')
    assert EnvFacility.objects.count() == 0


def test_env_facilities_rejected_for_emergency(personas, enterprise_a, tmp_path):
    rows = [[enterprise_a.credit_code, "1号RTO焚烧炉", "RTO焚烧炉", "", "", "", ""]]
    with pytest.raises(NotPermitted):
        run(registry.ENV_FACILITIES, tmp_path / "e.xlsx", personas["county_a_em_officer"], ENV_HEADER, rows)


def test_env_facilities_reimport_recomputes_is_key(personas, enterprise_a, tmp_path):
    actor = personas["county_a_ee_officer"]
    row = [enterprise_a.credit_code, "治理设施", "RTO焚烧炉", "", "", "拟建", ""]
    run(registry.ENV_FACILITIES, tmp_path / "one.xlsx", actor, ENV_HEADER, [row])
    row[2] = "煤改气"
    result = run(registry.ENV_FACILITIES, tmp_path / "two.xlsx", actor, ENV_HEADER, [row])
    assert result.updated == 1
    assert EnvFacility.objects.get().is_key is False


# --- Enforcement records --------------------------------------------------------------


def test_enforcement_import_creates_rows(personas, enterprise_a, tmp_path):
    actor = personas["county_a_em_officer"]
    rows = [
        [enterprise_a.credit_code, "2025-05-20", "张三、李四", "报警器未检定", "行政提示", "", "", ""],
        [enterprise_a.credit_code, "2025-05-21", "张三", "未按规定培训", "罚款", "拒不改正", 5000, "2025-06-30"],
    ]
    result = run(registry.ENFORCEMENT, tmp_path / "执法.xlsx", actor, ENFORCEMENT_HEADER, rows)
    assert result.created == 2
    fine = EnforcementRecord.objects.get(measure=EnforcementMeasure.FINE)
    assert fine.amount == Decimal("5000")
    assert fine.agency == actor.agency


def test_enforcement_import_names_rule_columns(personas, enterprise_a, tmp_path):
    rows = [[enterprise_a.credit_code, "2025-05-21", "张三", "未按规定培训", "罚款", "", "", ""]]
    with translation.override("en"):
        lines = rejected_lines(registry.ENFORCEMENT, tmp_path / "x.xlsx", personas["county_a_em_officer"],
                               ENFORCEMENT_HEADER, rows)
    assert lines == [
        'x.xlsx row 2, column "从严处理理由": The measure "fine" goes beyond the soft measures; state why education, persuasion, '
        "admonition, an administrative notice, guidance or an interview would not do.",
        'x.xlsx row 2, column "罚款金额（元）": A fine needs its amount in yuan.',
        'x.xlsx row 2, column "整改期限": The measure "fine" needs a rectification deadline.',
    ]
    assert EnforcementRecord.objects.count() == 0


def test_enforcement_reimport_updates_same_day(personas, enterprise_a, tmp_path):
    actor = personas["county_a_em_officer"]
    row = [enterprise_a.credit_code, "2025-05-20", "张三", "报警器未检定", "行政提示", "", "", ""]
    run(registry.ENFORCEMENT, tmp_path / "one.xlsx", actor, ENFORCEMENT_HEADER, [row])
    row[4] = "责令改正"
    row[5] = "隐患较大"
    row[7] = "2025-06-10"
    result = run(registry.ENFORCEMENT, tmp_path / "two.xlsx", actor, ENFORCEMENT_HEADER, [row])
    assert (result.created, result.updated) == (0, 1)
    record = EnforcementRecord.objects.get()
    assert record.measure == EnforcementMeasure.ORDER_RECTIFY
    assert history_for(record).first().action == RegisterAction.UPDATE


def test_other_agency_same_day_is_new_record(personas, enterprise_a, tmp_path):
    row = [enterprise_a.credit_code, "2025-05-20", "张三", "报警器未检定", "行政提示", "", "", ""]
    run(registry.ENFORCEMENT, tmp_path / "one.xlsx", personas["county_a_em_officer"], ENFORCEMENT_HEADER, [row])
    run(registry.ENFORCEMENT, tmp_path / "two.xlsx", personas["city_em_officer"], ENFORCEMENT_HEADER, [row])
    assert EnforcementRecord.objects.count() == 2


# --- File-level problems --------------------------------------------------------------


def test_missing_required_column_is_named(personas, enterprise_a, tmp_path):
    header = [label for label in SAFETY_HEADER if label != "设施名称"]
    with translation.override("en"):
        lines = rejected_lines(registry.SAFETY_FACILITIES, tmp_path / "m.xlsx", personas["county_a_em_officer"], header,
                               [[enterprise_a.credit_code, "检测报警设施", "", "", ""]])
    assert lines == ['m.xlsx row 1, column "设施名称": The required column 设施名称 is missing.']


def test_file_without_header_is_rejected(personas, tmp_path):
    with pytest.raises(ImportRejected):
        run(registry.SAFETY_FACILITIES, tmp_path / "n.xlsx", personas["county_a_em_officer"], ["名称"], [["x"]])


def test_dry_run_counts_and_writes_nothing(personas, enterprise_a, tmp_path):
    data = write_xlsx(tmp_path / "d.xlsx", SAFETY_HEADER, [[enterprise_a.credit_code, "报警器", "检测报警设施", "", "", ""]])
    result = import_register(registry.SAFETY_FACILITIES, data, "d.xlsx", actor=personas["county_a_em_officer"], dry_run=True)
    assert result.created == 1
    assert SafetyFacility.objects.count() == 0


@pytest.mark.parametrize("cell, expected", [
    ("2025-12-01", dt.date(2025, 12, 1)),
    ("2025/12/1", dt.date(2025, 12, 1)),
    ("2025.12.01", dt.date(2025, 12, 1)),
    ("2025年12月1日", dt.date(2025, 12, 1)),
    ("20251201", dt.date(2025, 12, 1)),
    ("2025-12-01 00:00:00", dt.date(2025, 12, 1)),
    (45992.0, dt.date(2025, 12, 1)),
    (dt.datetime(2025, 12, 1, 8, 0), dt.date(2025, 12, 1)),
])
def test_parse_date_common_formats(cell, expected):
    assert parse_date(cell) == expected


# --- Template and export ----------------------------------------------------------------


def test_template_has_header_and_example(tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_workbook(registry.ENFORCEMENT))
    sheet = openpyxl.load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["企业名称", "统一社会信用代码", "检查日期"]
    assert "处理措施" in header
    assert sheet.max_row == 2
    code_cell = sheet.cell(row=2, column=2)
    assert code_cell.value == "91130503MA00000012"
    assert code_cell.number_format == "@"


def test_template_import_rejects_example_row(personas, tmp_path):
    data = template_workbook(registry.APPROVALS)
    with pytest.raises(ImportRejected) as error:
        import_register(registry.APPROVALS, data, "t.xlsx", actor=personas["county_a_em_officer"])
    assert error.value.errors[0].column == "统一社会信用代码"


def test_export_imports_back_unchanged(personas, enterprise_a, tmp_path):
    actor = personas["county_a_ee_officer"]
    rows = [[enterprise_a.credit_code, "1号RTO焚烧炉", "RTO焚烧炉", "40000", "2023-09-15", "停用", "某运维公司"]]
    run(registry.ENV_FACILITIES, tmp_path / "in.xlsx", actor, ENV_HEADER, rows)
    path = tmp_path / "out.xlsx"
    path.write_bytes(register_workbook(registry.ENV_FACILITIES, EnvFacility.objects.all()))
    sheet = openpyxl.load_workbook(path).active
    assert sheet.cell(row=2, column=3).value == enterprise_a.credit_code
    result = import_register(registry.ENV_FACILITIES, path.read_bytes(), path.name, actor=actor)
    assert (result.created, result.updated) == (0, 1)
    assert history_for(EnvFacility.objects.get()).count() == 1


def test_approval_kind_exported_as_chinese_word(personas, enterprise_a, tmp_path):
    rows = [["", enterprise_a.credit_code, "项目", "环评", "邢环审〔2025〕8号", "2025-03-18", "邢台市生态环境局", ""]]
    run(registry.APPROVALS, tmp_path / "in.xlsx", personas["city_ee_officer"], APPROVAL_HEADER, rows)
    path = tmp_path / "out.xlsx"
    path.write_bytes(register_workbook(registry.APPROVALS, ProjectApproval.objects.all()))
    header = [cell.value for cell in openpyxl.load_workbook(path).active[1]]
    values = [cell.value for cell in openpyxl.load_workbook(path).active[2]]
    assert values[header.index("审批类型")] == "环评批复"
    assert ProjectApproval.objects.get().kind == ApprovalKind.EIA
