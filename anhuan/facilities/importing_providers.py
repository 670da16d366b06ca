"""Excel files of service providers (import, all or nothing, and export) and of the two supervision lists.

The file is read by ``importing_common.read_table`` (xlsx, xls or CSV; the header is the row
that names 统一社会信用代码). A row whose credit code is already registered updates that provider;
other rows register new ones. If any row is wrong, nothing is written and every error names
its row and column. The export writes the same columns, so an exported list can be edited
and imported again.

The unowned and unrectified lists export as shown on screen, every page of them.

Column labels and their aliases are data of the Excel format (what offices write in their
sheets), not screen text.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from anhuan.core import excel
from anhuan.core.errors import NotPermitted, ValidationFailed
from anhuan.core.timeutil import format_local
from anhuan.facilities.importing_common import read_table, workbook_bytes
from anhuan.facilities.models import ServiceProvider
from anhuan.facilities.services import providers as services
from anhuan.organizations.models import Region, RegionKind
from anhuan.pollution.importing import normalise as norm
from anhuan.pollution.importing.errors import ErrorCollector, ImportRejected
from anhuan.pollution.importing.normalise import CellError
from anhuan.sharing import registry

logger = logging.getLogger(__name__)

FILE_TITLE = "第三方环保服务机构"

TEXT = "text"
CREDIT_CODE = "credit_code"
PHONE = "phone"
REGION = "region"
EXPORT_ONLY = "export_only"


@dataclass(frozen=True)
class ProviderColumn:
    field: str
    label: str
    kind: str = TEXT
    required: bool = False
    aliases: tuple = ()
    width: float = 16
    example: str = ""


COLUMNS = (
    ProviderColumn("name", "机构名称", required=True, aliases=("单位名称", "服务机构名称", "第三方环保服务机构"), width=30,
                   example="邢台蓝天环保运维有限公司"),
    ProviderColumn("credit_code", "统一社会信用代码", CREDIT_CODE, required=True, aliases=("社会信用代码", "信用代码"),
                   # The example's check character is wrong on purpose, so a template imported unchanged is rejected.
                   width=22, example="91130503MA00000019"),
    ProviderColumn("region", "注册地", REGION, aliases=("县（市、区）", "所在地", "注册地区"), width=12, example="信都区"),
    ProviderColumn("qualification", "资质", aliases=("资质情况", "资质等级", "资质证书"), width=24,
                   example="环境污染治理设施运营资质"),
    ProviderColumn("contact_person", "联系人", width=10, example="王经理"),
    ProviderColumn("phone", "联系电话", PHONE, aliases=("电话", "联系方式"), width=16, example="0319-2222222"),
    ProviderColumn("address", "地址", aliases=("注册地址", "办公地址"), width=30),
    ProviderColumn("facility_count", "服务重点设施数", EXPORT_ONLY, width=10),
    ProviderColumn("violation_count", "违规记录数", EXPORT_ONLY, width=10),
    ProviderColumn("updated_at", "最后更新", EXPORT_ONLY, width=18),
)
IMPORT_COLUMNS = tuple(column for column in COLUMNS if column.kind != EXPORT_ONLY)


@dataclass
class ProviderImportResult:
    """Counts of an import, or for a check of what it would do."""

    file_name: str
    created: int = 0
    updated: int = 0
    providers: list = field(default_factory=list)


# --- Export ------------------------------------------------------------------------------------------


def _sheet_columns(columns):
    kinds = {CREDIT_CODE: excel.TEXT, PHONE: excel.TEXT, TEXT: excel.TEXT, REGION: excel.TEXT}
    return [excel.Column(column.label, column.width, kinds.get(column.kind, excel.GENERAL)) for column in columns]


def _cell(provider, column):
    if column.field == "region":
        return provider.region.name
    if column.field == "updated_at":
        return format_local(provider.updated_at)
    return getattr(provider, column.field, "")


def providers_workbook(providers):
    """Return the bytes of an .xlsx file listing ``providers`` (annotated by ``reads_providers.providers_for``)."""
    workbook = excel.new_workbook()
    rows = ([_cell(provider, column) for column in COLUMNS] for provider in providers)
    excel.write_table(workbook.active, _sheet_columns(COLUMNS), rows, sheet_title=FILE_TITLE)
    return workbook_bytes(workbook)


def template_workbook():
    """Return the bytes of the import template: the header and one example row to replace.

    The example's credit code fails its check character, so an import that keeps the row is rejected.
    """
    workbook = excel.new_workbook()
    excel.write_table(
        workbook.active, _sheet_columns(IMPORT_COLUMNS), [[column.example for column in IMPORT_COLUMNS]],
        sheet_title=FILE_TITLE,
    )
    return workbook_bytes(workbook)


# --- The supervision lists ------------------------------------------------------------------------

ROLE_WORDS = {"builds": "建设", "operates": "运营", "builds_and_operates": "建设和运营"}
MEASURE_WORDS = {stored: words[0] for stored, words in registry.MEASURE_WORDS.items()}


def _workbook(title, columns, rows):
    workbook = excel.new_workbook()
    excel.write_table(workbook.active, columns, rows, title=title, sheet_title=title)
    return workbook_bytes(workbook)


def unowned_workbook(facilities):
    """Return the bytes of an .xlsx file of the facilities of ``reads_providers.unowned_facilities``."""
    from anhuan.facilities.reads_providers import profile_of

    columns = [
        excel.Column("县（市、区）", 12, excel.TEXT), excel.Column("企业名称", 30, excel.TEXT),
        excel.Column("统一社会信用代码", 22, excel.TEXT), excel.Column("设施名称", 24, excel.TEXT),
        excel.Column("设施类型", 16, excel.TEXT), excel.Column("状态", 10, excel.TEXT),
        excel.Column("第三方环保服务机构", 30, excel.TEXT), excel.Column("服务内容", 12, excel.TEXT),
        excel.Column("企业负责人", 12, excel.TEXT),
    ]
    rows = []
    for facility in facilities:
        profile = profile_of(facility)
        provider = profile.provider if profile is not None else None
        rows.append([
            facility.region.name, facility.enterprise.name, facility.enterprise.credit_code, facility.name,
            registry.ENV_FACILITY_TYPE_WORDS[facility.facility_type][0],
            registry.FACILITY_STATUS_WORDS[facility.status][0],
            provider.name if provider is not None else facility.operator_name,
            ROLE_WORDS.get(profile.provider_role, "") if provider is not None else "",
            "未明确",
        ])
    return _workbook("以包代管排查清单", columns, rows)


def unrectified_workbook(rows):
    """Return the bytes of an .xlsx file of the ``reads_providers.UnrectifiedRow`` rows."""
    columns = [
        excel.Column("县（市、区）", 12, excel.TEXT), excel.Column("企业名称", 30, excel.TEXT),
        excel.Column("统一社会信用代码", 22, excel.TEXT), excel.Column("执法机构", 20, excel.TEXT),
        excel.Column("检查日期", 12, excel.DATE), excel.Column("违法行为", 30, excel.TEXT),
        excel.Column("设施名称", 20, excel.TEXT), excel.Column("处理措施", 14, excel.TEXT),
        excel.Column("整改期限", 12, excel.DATE), excel.Column("超期天数", 10, excel.NUMBER),
    ]
    values = []
    for row in rows:
        record = row.record
        values.append([
            record.region.name, record.enterprise.name, record.enterprise.credit_code, record.agency.name,
            record.inspected_on, record.violation, record.facility.name if record.facility_id else "",
            MEASURE_WORDS.get(record.measure, record.measure),
            record.rectification_deadline if row.has_deadline else "未设定", row.days_overdue or None,
        ])
    return _workbook("以罚代管罚而不管排查清单", columns, values)


# --- Import ------------------------------------------------------------------------------------------


def _parse_region(value):
    if norm.is_blank(value):
        return None
    text = norm.clean_text(value)
    region = Region.objects.filter(Q(name=text) | Q(short_name=text) | Q(code=text) | Q(former_name=text)).first()
    if region is None:
        raise CellError(_('"%(value)s" is not a region of the city; write the county, district or zone, such as 信都区.') % {
            "value": text})
    return region


def _parse_cell(value, column):
    if column.kind == REGION:
        return _parse_region(value)
    if norm.is_blank(value):
        if column.required:
            raise CellError(_("This column is required; the cell is empty."))
        return ""
    if column.kind == CREDIT_CODE:
        return norm.parse_credit_code(value)
    if column.kind == PHONE:
        return norm.parse_phone(value)
    return norm.clean_text(value)


def _default_region(actor):
    if actor.agency_id is not None:
        return actor.agency.region
    return Region.objects.filter(kind=RegionKind.CITY).first()


def import_providers(data, file_name, *, actor, dry_run=False):
    """Import the providers of an Excel or CSV file, or reject the whole file.

    On a row that updates a registered provider, a blank cell keeps the value on file (a blank
    注册地 included). A new provider with a blank 注册地 gets the importing officer's own region.

    Args:
        data: the file's bytes.
        file_name: the name errors refer to.
        actor: an officer or leader of the ecology and environment department.
        dry_run: check every row and count what would be added and updated, but write nothing.

    Raises:
        NotPermitted: the actor may not register providers.
        ImportRejected: the file is unreadable or a row is wrong; ``errors`` lists every problem.
    """
    if not services.can_edit_providers(actor):
        raise NotPermitted(_(
            "Only officers and leaders of the ecology and environment department register and evaluate service providers."
        ))
    table = read_table(data, file_name, IMPORT_COLUMNS)
    columns = table.columns
    collector = ErrorCollector()
    parsed = []
    seen = {}
    for row_number, row in table.data_rows():
        values = _row_values(table, row, row_number, collector)
        if values is None:
            continue
        code = values["credit_code"]
        if code in seen:
            collector.add(row_number, columns["credit_code"][1], _(
                "This row repeats row %(row)s: both describe the provider with this code.") % {"row": seen[code]}, code,
                columns["credit_code"][0])
            continue
        seen[code] = row_number
        parsed.append((values, ServiceProvider.objects.filter(credit_code=code).first()))
    if not parsed and not collector:
        collector.add(None, "", _("The file has a header but no data rows."))
    if collector:
        raise ImportRejected(file_name, collector.errors, truncated=collector.truncated)

    return _write(parsed, file_name, actor=actor, dry_run=dry_run)


def _row_values(table, row, row_number, collector):
    """Parse and check one data row; add its errors to ``collector`` and return None if any."""
    start = len(collector)
    values = table.parse_row(row, row_number, _parse_cell, collector)
    if values.get("region", "") is None:
        del values["region"]
    if len(collector) == start:
        # The service's own checks (lengths, phone form), reported under the column they concern.
        try:
            services.clean_provider_fields(values)
        except ValidationFailed as error:
            position, label = table.columns.get(error.fields.get("field"), (-1, ""))
            collector.add(row_number, label, str(error.message), "", position)
    collector.sort_from(start)
    return None if len(collector) > start else values


def _write(parsed, file_name, *, actor, dry_run):
    result = ProviderImportResult(file_name=file_name)
    if dry_run:
        result.updated = sum(1 for _values, existing in parsed if existing is not None)
        result.created = len(parsed) - result.updated
        return result
    with transaction.atomic():
        for values, existing in parsed:
            if existing is not None:
                result.updated += 1
                # A blank cell keeps what is on file: a sheet that leaves a column empty erases nothing.
                filled = {name: value for name, value in values.items() if value != ""}
                result.providers.append(services.update_provider(existing, actor=actor, **filled))
            else:
                result.created += 1
                values.setdefault("region", _default_region(actor))
                result.providers.append(services.create_provider(actor=actor, **values))
    logger.info("Provider import of %s by user %s: %s added, %s updated", file_name, actor.pk, result.created, result.updated)
    return result
