"""Excel import and export of safety assessments and design diagnoses, and the due lists as Excel.

Files are read by ``importing_common.read_table``: xlsx, xls or CSV (GBK included), with the
header in the row that names 统一社会信用代码. Export-only columns (县（市、区）, 企业名称,
报告) are ignored.
A row finds its facility by the enterprise's credit code and the facility's name in the
environmental facility register, within the importer's scope.

The import is all or nothing. Every new row is recorded through the service
(``record_assessment`` or ``record_diagnosis``) inside one transaction, so the rules are the
service's own. If any row is wrong, the transaction is rolled back and every error names its
row and column. A row equal to a record already on file (same facility, date and assessor or
institute, same content) is left alone, so an exported file imports back unchanged. A row with
the same facility, date and assessor but other content is an error: records on file are not
changed by an import. Reports are not imported; upload them on the facility page
(``attach_report``).
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from anhuan.core import excel
from anhuan.core.errors import NotPermitted, ValidationFailed
from anhuan.facilities.importing_common import read_table, workbook_bytes
from anhuan.facilities.models import DesignDiagnosis, Outcome, SafetyAssessment
from anhuan.facilities.services import existing as services
from anhuan.pollution.importing import normalise as norm
from anhuan.pollution.importing.errors import ErrorCollector, ImportRejected
from anhuan.sharing import registry
from anhuan.sharing.importing import parse_cell
from anhuan.sharing.registry import RegisterColumn

logger = logging.getLogger(__name__)

# Chinese words of the outcome column; the first one is written on export.
OUTCOME_WORDS = {
    Outcome.PASSED: ("通过", "合格", "符合安全要求", "符合", "已通过"),
    Outcome.FAILED: ("不通过", "不合格", "不符合安全要求", "不符合", "未通过", "失败"),
}
_LOCATION_COLUMNS = (
    RegisterColumn("region", "县（市、区）", registry.EXPORT_ONLY, width=12),
    RegisterColumn("enterprise_name", "企业名称", registry.EXPORT_ONLY, width=30, example="信都区示例化工有限公司"),
    RegisterColumn("enterprise", "统一社会信用代码", registry.CREDIT_CODE, required=True,
                   aliases=("社会信用代码", "信用代码"), width=22, example="91130503MA0000000X"),
    RegisterColumn("facility", "设施名称", registry.TEXT, required=True, aliases=("环保设施名称",), width=24,
                   example="2号脱硫脱硝设施"),
)


@dataclass(frozen=True)
class RecordSpec:
    """One importable record kind: its model, Excel columns, the key that finds a record on file."""

    kind: str
    model: type
    file_title: str
    date_field: str
    by_field: str
    columns: tuple

    @property
    def import_columns(self):
        return [column for column in self.columns if column.kind != registry.EXPORT_ONLY]

    @property
    def value_fields(self):
        return [column.field for column in self.import_columns if column.field not in ("enterprise", "facility")]

    def column_for(self, field_name):
        return next((column for column in self.columns if column.field == field_name), None)


ASSESSMENT_SPEC = RecordSpec(
    kind="assessment",
    model=SafetyAssessment,
    file_title="安全评估",
    date_field="assessed_on",
    by_field="assessor",
    columns=(
        *_LOCATION_COLUMNS,
        RegisterColumn("assessed_on", "评估日期", registry.DATE, required=True, aliases=("安全评估日期",), width=12,
                       example="2025-03-10"),
        RegisterColumn("assessor", "评估单位", registry.TEXT, required=True, aliases=("评估机构",), width=24,
                       example="河北某安全评价有限公司"),
        RegisterColumn("risks", "辨识的安全风险", registry.MULTILINE, required=True, aliases=("安全风险", "风险辨识"),
                       width=30, example="脱硝系统氨逃逸中毒风险"),
        RegisterColumn("controls", "管控措施", registry.MULTILINE, required=True, aliases=("风险管控措施",), width=30,
                       example="设置氨气报警仪并与通风联锁"),
        RegisterColumn("hazards_found", "发现的隐患", registry.MULTILINE, aliases=("隐患",), width=30, example=""),
        RegisterColumn("outcome", "评估结论", registry.CHOICE, required=True, aliases=("结论",), words=OUTCOME_WORDS,
                       width=10, example="通过"),
        RegisterColumn("next_due_on", "下次评估日期", registry.DATE, aliases=("下次评估时间",), width=12,
                       example="2026-03-10"),
        RegisterColumn("report", "评估报告", registry.EXPORT_ONLY, width=10),
    ),
)
DIAGNOSIS_SPEC = RecordSpec(
    kind="diagnosis",
    model=DesignDiagnosis,
    file_title="设计诊断",
    date_field="diagnosed_on",
    by_field="institute",
    columns=(
        *_LOCATION_COLUMNS,
        RegisterColumn("diagnosed_on", "报告日期", registry.DATE, required=True, aliases=("诊断日期",), width=12,
                       example="2025-03-10"),
        RegisterColumn("institute", "设计单位", registry.TEXT, required=True, aliases=("设计诊断单位",), width=24,
                       example="河北某工程设计研究院有限公司"),
        RegisterColumn("qualification", "设计资质", registry.TEXT, required=True, aliases=("资质",), width=20,
                       example="环境工程设计专项甲级"),
        RegisterColumn("certificate_number", "资质证书编号", registry.TEXT, required=True, aliases=("证书编号",),
                       width=16, example="A113000001"),
        RegisterColumn("conclusion", "诊断结论", registry.MULTILINE, required=True, width=30,
                       example="设计基本符合安全要求"),
        RegisterColumn("outcome", "诊断结果", registry.CHOICE, required=True, aliases=("结论", "结果"),
                       words=OUTCOME_WORDS, width=10, example="通过"),
        RegisterColumn("report", "诊断报告", registry.EXPORT_ONLY, width=10),
    ),
)
SPECS = {"assessment": ASSESSMENT_SPEC, "diagnosis": DIAGNOSIS_SPEC}


@dataclass
class ImportResult:
    """Counts of an import (or, for a check, of what it would do): records added, rows already on file."""

    file_name: str
    created: int = 0
    unchanged: int = 0
    records: list = field(default_factory=list)


class _Rollback(Exception):
    """Raised inside the import transaction to undo it (a failed row, or a check only)."""


# --- Reading ----------------------------------------------------------------------------------------


def _comparable(column, value):
    """Return a stored or parsed value as the import compares it, tidied like a cell."""
    if column.kind == registry.MULTILINE:
        return norm.clean_multiline(value)
    if column.kind == registry.TEXT:
        return norm.clean_text(value)
    return value


def _column_of(spec, columns, name):
    """Return (position, label) of the column an error about ``name`` belongs to.

    A field the file has no column for (for example "formally designed", which is recorded on
    the facility page) is reported on the 设施名称 column: the facility is what the error is about.
    """
    if name in columns:
        return columns[name]
    column = spec.column_for(name)
    if column is not None and column.kind != registry.EXPORT_ONLY:
        return -1, column.label
    return columns["facility"]


def _date_errors(spec, values, columns, row_number, collector):
    """Add the row's date errors (a date in the future, the next assessment not after this one) to ``collector``.

    The services check the same rules but stop at the first; here every one is named with its column.
    """
    today = services.today()
    for column in spec.import_columns:
        value = values.get(column.field)
        if column.kind == registry.DATE and column.field != "next_due_on" and value is not None and value > today:
            position, label = _column_of(spec, columns, column.field)
            collector.add(row_number, label, _("The date cannot be in the future."), value.isoformat(), position)
    assessed_on, next_due_on = values.get("assessed_on"), values.get("next_due_on")
    if assessed_on is not None and next_due_on is not None and next_due_on <= assessed_on:
        position, label = _column_of(spec, columns, "next_due_on")
        collector.add(row_number, label, _("The next assessment must be due after the assessment date %(date)s.") % {
            "date": assessed_on.isoformat()}, next_due_on.isoformat(), position)


def _facility_for(actor, values, columns, row_number, collector):
    from anhuan.sharing.models import EnvFacility

    code, name = values["enterprise"], values["facility"]
    position, label = columns["facility"]
    facility = (
        EnvFacility.objects.visible_to(actor).filter(enterprise__credit_code=code, name=name)
        .select_related("enterprise").first()
    )
    if facility is None:
        collector.add(row_number, label, _(
            "No facility named %(name)s of the enterprise with credit code %(code)s is in the environmental facility "
            "register within your region; register it there first."
        ) % {"name": name, "code": code}, name, position)
        return None
    if not facility.is_key:
        collector.add(row_number, label, _("%(name)s is not a key environmental facility.") % {"name": name},
                      name, position)
        return None
    return facility


def _on_file(spec, facility, values):
    """Return the record of the same facility, date and assessor or institute, or None."""
    return spec.model.objects.filter(**{
        "facility_id": facility.pk, spec.date_field: values[spec.date_field], spec.by_field: values[spec.by_field],
    }).order_by("pk").first()


def _differences(spec, record, values):
    """Return the labels of the columns whose value differs from the record on file."""
    different = []
    for name in spec.value_fields:
        column = spec.column_for(name)
        stored = getattr(record, name)
        if _comparable(column, stored or ("" if column.kind in (registry.TEXT, registry.MULTILINE) else None)) != \
                _comparable(column, values.get(name)):
            different.append(column.label)
    return different


def _record(spec, facility, actor, values):
    fields = {name: values.get(name) for name in spec.value_fields}
    if spec.kind == "assessment":
        return services.record_assessment(facility, actor, **fields)
    return services.record_diagnosis(facility, actor, **fields)


def _service_error(spec, error, columns, row_number, collector):
    position, label = _column_of(spec, columns, error.fields.get("field"))
    # The service's message starts with the field's screen label; the column already names it.
    collector.add(row_number, label, str(error.message), "", position)


# --- The action -------------------------------------------------------------------------------------


def import_records(spec, data, file_name, *, actor, dry_run=False):
    """Import the assessments or diagnoses of an Excel or CSV file, or reject the whole file.

    Args:
        spec: ASSESSMENT_SPEC or DIAGNOSIS_SPEC.
        data: the file's bytes.
        file_name: the name errors refer to.
        actor: an officer or leader of either bureau.
        dry_run: check every row, including the service's rules, and write nothing.

    Raises:
        NotPermitted: the actor does not record facility matters.
        ImportRejected: the file is unreadable or a row is wrong; ``errors`` lists every problem.
    """
    from anhuan.facilities.reads_existing import can_record

    if not can_record(actor):
        raise NotPermitted(_("Only officers and leaders of the two bureaus record facility matters."))
    table = read_table(data, file_name, spec.import_columns)
    columns = table.columns
    collector = ErrorCollector()
    parsed = []
    seen = {}
    for row_number, row in table.data_rows():
        # Every check of a row runs, so the row lists all its errors at once, each with its column.
        start = len(collector)
        values = table.parse_row(row, row_number, parse_cell, collector)
        facility = None
        if "enterprise" in values and "facility" in values:
            facility = _facility_for(actor, values, columns, row_number, collector)
        _date_errors(spec, values, columns, row_number, collector)
        key = (facility.pk if facility else None, values.get(spec.date_field), values.get(spec.by_field))
        if facility is not None and None not in key:
            if key in seen:
                position, label = columns[spec.date_field]
                collector.add(row_number, label, _("This row repeats row %(row)s: both describe the same record.") % {
                    "row": seen[key]}, "", position)
            else:
                seen[key] = row_number
        collector.sort_from(start)
        if len(collector) == start:
            parsed.append((row_number, facility, values))
    if not parsed and not collector:
        collector.add(None, "", _("The file has a header but no data rows."))
        raise ImportRejected(file_name, collector.errors)

    # The rows that parsed go through the services even when other rows are wrong, so one
    # attempt lists every error. The transaction is rolled back whenever any error was found.
    # NOTE: the services log each record they write, so a check-only run or a rejected file
    # leaves log lines about records that were rolled back.
    result = ImportResult(file_name=file_name)
    try:
        with transaction.atomic():
            for row_number, facility, values in parsed:
                on_file = _on_file(spec, facility, values)
                if on_file is not None:
                    different = _differences(spec, on_file, values)
                    if different:
                        collector.add(row_number, different[0], _(
                            "This %(kind)s is already on file with other values in: %(columns)s. An import does not "
                            "change records on file; remove the row or correct it."
                        ) % {"kind": spec.model._meta.verbose_name, "columns": "、".join(different)})
                    else:
                        result.unchanged += 1
                    continue
                try:
                    result.records.append(_record(spec, facility, actor, values))
                except ValidationFailed as error:
                    _service_error(spec, error, columns, row_number, collector)
                else:
                    result.created += 1
            if collector or dry_run:
                raise _Rollback()
    except _Rollback:
        if collector:
            collector.errors.sort(key=lambda error: (error.row or 0, error.position))
            raise ImportRejected(file_name, collector.errors, truncated=collector.truncated) from None
        result.records = []
        return result
    logger.info("Import of %s %s by user %s: %s added, %s unchanged",
                spec.kind, file_name, actor.pk, result.created, result.unchanged)
    return result


# --- Writing ----------------------------------------------------------------------------------------

_CELL_KINDS = {
    registry.CREDIT_CODE: excel.TEXT,
    registry.TEXT: excel.TEXT,
    registry.MULTILINE: excel.TEXT,
    registry.CHOICE: excel.TEXT,
    registry.DATE: excel.DATE,
}


def _sheet_columns(columns):
    return [excel.Column(column.label, column.width, _CELL_KINDS.get(column.kind, excel.TEXT)) for column in columns]


def _cell(record, column):
    if column.field == "region":
        return record.region.name
    if column.field == "enterprise_name":
        return record.enterprise.name
    if column.field == "enterprise":
        return record.enterprise.credit_code
    if column.field == "facility":
        return record.facility.name
    if column.field == "report":
        return "已上传" if record.file else "未上传"
    value = getattr(record, column.field)
    if column.kind == registry.CHOICE:
        return column.words[value][0]
    return value


def records_for(spec, user, *, region=None):
    """Return the assessments or diagnoses in the user's scope, by region, enterprise, facility and date."""
    records = spec.model.objects.visible_to(user).select_related("region", "enterprise", "facility")
    if region is not None:
        records = records.filter(region=region)
    return records.order_by("region__sort_order", "enterprise__name", "facility__name", spec.date_field, "pk")


def records_workbook(spec, records):
    """Return the bytes of an .xlsx file listing ``records``, in the columns the import reads back."""
    workbook = excel.new_workbook()
    rows = ([_cell(record, column) for column in spec.columns] for record in records)
    excel.write_table(workbook.active, _sheet_columns(spec.columns), rows, sheet_title=spec.file_title)
    return workbook_bytes(workbook)


def template_workbook(spec):
    """Return the bytes of the import template: the header and one example row to replace."""
    columns = [column for column in spec.columns if column.kind != registry.EXPORT_ONLY or column.field == "enterprise_name"]
    workbook = excel.new_workbook()
    excel.write_table(workbook.active, _sheet_columns(columns), [[column.example for column in columns]],
                      sheet_title=spec.file_title)
    return workbook_bytes(workbook)


def due_workbook(lists):
    """Return the bytes of an .xlsx file with two sheets: assessments due and diagnoses missing."""
    workbook = excel.new_workbook()
    excel.write_table(
        workbook.active,
        [excel.Column("县（市、区）", 12), excel.Column("企业名称", 30), excel.Column("统一社会信用代码", 22, excel.TEXT),
         excel.Column("设施名称", 24), excel.Column("最近通过的评估日期", 14, excel.DATE),
         excel.Column("下次评估日期", 14, excel.DATE), excel.Column("超期天数", 10, excel.NUMBER)],
        ([facility.region.name, facility.enterprise.name, facility.enterprise.credit_code, facility.name,
          facility.last_passed_on, facility.next_due_on, facility.overdue_days or None]
         for facility in lists.assessments),
        sheet_title="安全评估待办",
    )
    excel.write_table(
        workbook.create_sheet(),
        [excel.Column("县（市、区）", 12), excel.Column("企业名称", 30), excel.Column("统一社会信用代码", 22, excel.TEXT),
         excel.Column("设施名称", 24), excel.Column("最近诊断日期", 14, excel.DATE), excel.Column("最近诊断结果", 12)],
        ([facility.region.name, facility.enterprise.name, facility.enterprise.credit_code, facility.name,
          facility.last_diagnosed_on, OUTCOME_WORDS[facility.last_outcome][0] if facility.last_outcome else None]
         for facility in lists.diagnoses),
        sheet_title="设计诊断待办",
    )
    return workbook_bytes(workbook)

