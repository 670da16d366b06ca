"""Declarations of the four shared registers, so one set of pages, forms, imports and exports serves all.

Each ``RegisterSpec`` names what the list shows, which filters apply, the natural key that
re-imports match on, and the Excel columns. Column labels and the Chinese words accepted for
choices are data of the Excel format (what offices write in their sheets), not screen text.
The first word of each choice is the one exports and templates write.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anhuan.core.timeutil import SHANGHAI
from anhuan.enterprises.domain import credit_code as credit_codes
from anhuan.sharing.models import (
    ApprovalKind,
    EnforcementMeasure,
    EnforcementRecord,
    EnvFacility,
    EnvFacilityType,
    FacilityStatus,
    ProjectApproval,
    SafetyFacility,
)

# Cell kinds of an Excel column.
TEXT = "text"
MULTILINE = "multiline"
DATE = "date"
CHOICE = "choice"
DECIMAL = "decimal"
CREDIT_CODE = "credit_code"
# The name of one of the row enterprise's environmental facilities (the importer looks it up).
FACILITY_NAME = "facility_name"
# Shown in exports only: the importer ignores these columns.
EXPORT_ONLY = "export_only"


@dataclass(frozen=True)
class RegisterColumn:
    """One Excel column: the model field it fills, its label and how its cells are read."""

    field: str
    label: str
    kind: str = TEXT
    required: bool = False
    aliases: tuple = ()
    # CHOICE columns: stored value → the Chinese words accepted for it, the first one written.
    words: dict = field(default_factory=dict)
    width: float = 16
    example: object = ""


@dataclass(frozen=True)
class RegisterSpec:
    """Declaration of one register: its shown fields, filters, re-import key and Excel columns."""

    slug: str
    model: type
    title: str
    # Name of the register in downloaded file names (Chinese file names are data).
    file_title: str
    list_fields: tuple
    detail_fields: tuple
    form_fields: tuple
    date_field: str
    natural_key: tuple
    columns: tuple
    type_field: str | None = None
    has_status: bool = False
    sorts: dict = field(default_factory=dict)
    default_sort: str = "-updated"

    @property
    def import_columns(self):
        return [column for column in self.columns if column.kind != EXPORT_ONLY]

    def column_for(self, field_name):
        return next((column for column in self.columns if column.field == field_name), None)


APPROVAL_KIND_WORDS = {
    ApprovalKind.EIA: ("环评批复", "环境影响评价批复", "环评审批", "环评"),
    ApprovalKind.SAFETY_CONDITIONS: ("安全条件审查", "安全预评价审查", "安全条件审查意见"),
    ApprovalKind.SAFETY_DESIGN: ("安全设施设计审查", "安全设施设计", "安全设施设计审查意见"),
    ApprovalKind.COMPLETION_ACCEPTANCE: ("安全设施竣工验收", "竣工验收", "安全设施验收"),
}
FACILITY_STATUS_WORDS = {
    FacilityStatus.PLANNED: ("拟建", "规划", "计划建设"),
    FacilityStatus.UNDER_CONSTRUCTION: ("在建", "建设中", "施工中"),
    FacilityStatus.IN_OPERATION: ("运行", "在用", "正常运行", "运行中", "投用"),
    FacilityStatus.STOPPED: ("停用", "停运", "停止运行"),
    FacilityStatus.DECOMMISSIONED: ("拆除", "已拆除", "报废"),
}
ENV_FACILITY_TYPE_WORDS = {
    EnvFacilityType.DESULFURIZATION_DENITRIFICATION: ("脱硫脱硝", "脱硫", "脱硝", "脱硫脱硝设施"),
    EnvFacilityType.VOCS_RECOVERY: ("VOCs回收", "挥发性有机物回收", "VOCs治理", "VOCs回收设施"),
    EnvFacilityType.WASTEWATER: ("污水处理", "废水处理", "污水处理设施"),
    EnvFacilityType.DUST: ("粉尘治理", "除尘", "除尘设施", "粉尘治理设施"),
    EnvFacilityType.RTO: ("RTO焚烧炉", "RTO", "蓄热式焚烧炉"),
    EnvFacilityType.ACTIVATED_CARBON: ("活性炭吸附", "活性炭"),
    EnvFacilityType.COAL_TO_GAS: ("煤改气",),
    EnvFacilityType.CATALYTIC_COMBUSTION: ("催化燃烧", "催化燃烧装置", "CO催化燃烧"),
    EnvFacilityType.SLUDGE_DRYING: ("污泥干化", "污泥干化设施", "污泥烘干"),
    EnvFacilityType.OTHER: ("其他",),
}
MEASURE_WORDS = {
    EnforcementMeasure.EDUCATION: ("教育提醒",),
    EnforcementMeasure.PERSUASION: ("劝导示范",),
    EnforcementMeasure.WARNING_CAUTION: ("警示告诫",),
    EnforcementMeasure.ADMIN_NOTICE: ("行政提示",),
    EnforcementMeasure.ADMIN_GUIDANCE: ("行政指导",),
    EnforcementMeasure.ADMIN_INTERVIEW: ("行政约谈",),
    EnforcementMeasure.ORDER_RECTIFY: ("责令改正", "责令整改", "责令限期整改", "责令限期改正"),
    EnforcementMeasure.PENALTY_WARNING: ("警告", "行政处罚警告"),
    EnforcementMeasure.FINE: ("罚款",),
    EnforcementMeasure.SUSPENSION: ("责令停产停业", "停产整顿", "责令停产"),
    EnforcementMeasure.NONE: ("无", "未采取措施", "无措施"),
}

# The enterprise columns every register starts with; 县（市、区） and 企业名称 are for the reader.
_ENTERPRISE_COLUMNS = (
    RegisterColumn("region", "县（市、区）", EXPORT_ONLY, width=12),
    RegisterColumn("enterprise_name", "企业名称", EXPORT_ONLY, width=30, example="信都区示例化工有限公司"),
    RegisterColumn(
        "enterprise", "统一社会信用代码", CREDIT_CODE, required=True, aliases=("社会信用代码", "信用代码"), width=22,
        example="91130503MA00000012",
    ),
)
_REMARK = RegisterColumn("remark", "备注", TEXT, width=20)
_UPDATED = RegisterColumn("updated_at", "最后更新", EXPORT_ONLY, width=18)

_COMMON_SORTS = {
    "-updated": ("-updated_at", "-pk"),
    "enterprise": ("enterprise__name", "pk"),
    "region": ("region__sort_order", "enterprise__name", "pk"),
}

APPROVALS = RegisterSpec(
    slug="approvals",
    model=ProjectApproval,
    title=_("Construction project approvals"),
    file_title="建设项目审批",
    list_fields=("enterprise", "region", "project_name", "kind", "approval_number", "approval_date", "authority"),
    detail_fields=("enterprise", "region", "project_name", "kind", "approval_number", "approval_date", "authority", "remark"),
    form_fields=("enterprise", "project_name", "kind", "approval_number", "approval_date", "authority", "remark"),
    date_field="approval_date",
    natural_key=("kind", "approval_number"),
    type_field="kind",
    columns=(
        *_ENTERPRISE_COLUMNS,
        RegisterColumn("project_name", "项目名称", TEXT, required=True, aliases=("建设项目名称",), width=30,
                       example="年产5万吨精细化工项目"),
        RegisterColumn("kind", "审批类型", CHOICE, required=True, aliases=("审批事项", "批复类型"),
                       words=APPROVAL_KIND_WORDS, width=18, example="安全条件审查"),
        RegisterColumn("approval_number", "批复文号", TEXT, required=True, aliases=("审批文号", "文号"), width=22,
                       example="邢应急审〔2025〕12号"),
        RegisterColumn("approval_date", "批复日期", DATE, required=True, aliases=("审批日期",), width=12,
                       example="2025-03-18"),
        RegisterColumn("authority", "审批机关", TEXT, required=True, aliases=("审批部门", "批复机关"), width=20,
                       example="邢台市应急管理局"),
        _REMARK,
        _UPDATED,
    ),
    sorts={**_COMMON_SORTS, "-date": ("-approval_date", "-pk"), "date": ("approval_date", "pk")},
)

SAFETY_FACILITIES = RegisterSpec(
    slug="safety-facilities",
    model=SafetyFacility,
    title=_("Safety facilities"),
    file_title="安全设施",
    list_fields=("enterprise", "region", "name", "facility_type", "location", "commissioned_on", "status"),
    detail_fields=("enterprise", "region", "name", "facility_type", "location", "commissioned_on", "status", "remark"),
    form_fields=("enterprise", "name", "facility_type", "location", "commissioned_on", "status", "remark"),
    date_field="commissioned_on",
    natural_key=("enterprise", "name"),
    type_field="facility_type",
    has_status=True,
    columns=(
        *_ENTERPRISE_COLUMNS,
        RegisterColumn("name", "设施名称", TEXT, required=True, width=24, example="可燃气体报警系统"),
        RegisterColumn("facility_type", "设施类型", TEXT, required=True, aliases=("设施类别",), width=16,
                       example="检测报警设施"),
        RegisterColumn("location", "安装位置", TEXT, aliases=("位置", "所在位置"), width=20, example="罐区"),
        RegisterColumn("commissioned_on", "投用日期", DATE, aliases=("投入使用日期", "投运日期"), width=12,
                       example="2024-06-01"),
        RegisterColumn("status", "状态", CHOICE, aliases=("运行状态", "设施状态"), words=FACILITY_STATUS_WORDS,
                       width=10, example="运行"),
        _REMARK,
        _UPDATED,
    ),
    sorts={**_COMMON_SORTS, "name": ("name", "pk"), "-date": ("-commissioned_on", "-pk")},
)

ENV_FACILITIES = RegisterSpec(
    slug="env-facilities",
    model=EnvFacility,
    title=_("Environmental facilities"),
    file_title="环保设施",
    list_fields=("enterprise", "region", "name", "facility_type", "is_key", "commissioned_on", "status", "upgraded_on"),
    detail_fields=(
        "enterprise", "region", "name", "facility_type", "is_key", "capacity", "commissioned_on", "status",
        "operator_name", "upgraded_on", "remark",
    ),
    form_fields=(
        "enterprise", "name", "facility_type", "capacity", "commissioned_on", "status", "operator_name",
        "upgraded_on", "remark",
    ),
    date_field="commissioned_on",
    natural_key=("enterprise", "name"),
    type_field="facility_type",
    has_status=True,
    columns=(
        *_ENTERPRISE_COLUMNS,
        RegisterColumn("name", "设施名称", TEXT, required=True, width=24, example="1号RTO焚烧炉"),
        RegisterColumn("facility_type", "设施类型", CHOICE, required=True, aliases=("设施类别", "治理设施类型"),
                       words=ENV_FACILITY_TYPE_WORDS, width=16, example="RTO焚烧炉"),
        RegisterColumn("is_key", "是否重点环保设施", EXPORT_ONLY, width=10),
        RegisterColumn("capacity", "处理能力", TEXT, aliases=("设计处理能力", "规模"), width=16,
                       example="40000立方米/小时"),
        RegisterColumn("commissioned_on", "投用日期", DATE, aliases=("投入使用日期", "投运日期"), width=12,
                       example="2023-09-15"),
        RegisterColumn("status", "状态", CHOICE, aliases=("运行状态", "设施状态"), words=FACILITY_STATUS_WORDS,
                       width=10, example="运行"),
        RegisterColumn("operator_name", "第三方运维单位", TEXT, aliases=("运维单位", "第三方环保服务机构"), width=24),
        RegisterColumn("upgraded_on", "最近改造日期", DATE, aliases=("改造日期", "升级改造日期"), width=12),
        _REMARK,
        _UPDATED,
    ),
    sorts={**_COMMON_SORTS, "name": ("name", "pk"), "-date": ("-commissioned_on", "-pk")},
)

ENFORCEMENT = RegisterSpec(
    slug="enforcement",
    model=EnforcementRecord,
    title=_("Supervision and enforcement records"),
    file_title="监管执法记录",
    list_fields=("enterprise", "region", "inspected_on", "agency", "measure", "amount", "rectification_deadline",
                 "rectified_on"),
    detail_fields=(
        "enterprise", "region", "agency", "inspected_on", "inspectors", "findings", "violation", "facility",
        "measure", "harder_measure_reason", "amount", "rectification_deadline", "rectification_result", "rectified_on",
        "remark",
    ),
    form_fields=(
        "enterprise", "inspected_on", "inspectors", "findings", "violation", "facility", "measure",
        "harder_measure_reason", "amount", "rectification_deadline", "rectification_result", "rectified_on", "remark",
    ),
    date_field="inspected_on",
    # The agency is the importing officer's own, so one agency's inspection of an enterprise on
    # one day is one record. Two inspections on the same day by one agency need two imports.
    natural_key=("enterprise", "inspected_on", "agency"),
    type_field="measure",
    has_status=True,
    columns=(
        *_ENTERPRISE_COLUMNS,
        RegisterColumn("inspected_on", "检查日期", DATE, required=True, aliases=("执法日期", "检查时间"), width=12,
                       example="2025-05-20"),
        RegisterColumn("agency", "执法机构", EXPORT_ONLY, width=20),
        RegisterColumn("inspectors", "执法人员", TEXT, required=True, aliases=("检查人员", "执法检查人员"), width=16,
                       example="张三、李四"),
        RegisterColumn("findings", "检查发现问题", MULTILINE, required=True, aliases=("检查情况", "发现问题"), width=30,
                       example="储罐区可燃气体报警器未定期检定"),
        RegisterColumn("violation", "违法行为", MULTILINE, aliases=("违法违规行为",), width=24),
        RegisterColumn("facility", "设施名称", FACILITY_NAME, aliases=("涉及设施", "涉及环保设施", "环保设施名称"), width=20),
        RegisterColumn("measure", "处理措施", CHOICE, required=True, aliases=("采取措施", "处置措施"), words=MEASURE_WORDS,
                       width=14, example="行政提示"),
        RegisterColumn("harder_measure_reason", "从严处理理由", MULTILINE, aliases=("未采用柔性措施理由",), width=24),
        RegisterColumn("amount", "罚款金额（元）", DECIMAL, aliases=("罚款金额", "金额（元）", "金额"), width=12),
        RegisterColumn("rectification_deadline", "整改期限", DATE, aliases=("整改时限",), width=12),
        RegisterColumn("rectification_result", "整改情况", MULTILINE, aliases=("整改结果",), width=24),
        RegisterColumn("rectified_on", "整改完成日期", DATE, aliases=("整改完成时间",), width=12),
        _REMARK,
        _UPDATED,
    ),
    sorts={**_COMMON_SORTS, "-date": ("-inspected_on", "-pk"), "date": ("inspected_on", "pk")},
    default_sort="-date",
)

SPECS = {spec.slug: spec for spec in (APPROVALS, SAFETY_FACILITIES, ENV_FACILITIES, ENFORCEMENT)}
SPEC_BY_MODEL = {spec.model: spec for spec in SPECS.values()}


# --- Rectification status of enforcement records (the list's status filter) --------------


class RectificationStatus:
    RECTIFIED = "rectified"
    PENDING = "pending"
    OVERDUE = "overdue"
    NOT_REQUIRED = "not_required"

    choices = [
        (RECTIFIED, _("rectified")),
        (PENDING, _("rectification pending")),
        (OVERDUE, _("rectification overdue")),
        (NOT_REQUIRED, _("no rectification required")),
    ]


def rectification_status(record, today=None):
    """Return the RectificationStatus value of one enforcement record."""
    today = today or local_today()
    if record.rectified_on is not None:
        return RectificationStatus.RECTIFIED
    if record.rectification_deadline is None:
        return RectificationStatus.NOT_REQUIRED
    if record.rectification_deadline < today:
        return RectificationStatus.OVERDUE
    return RectificationStatus.PENDING


def local_today():
    return dt.datetime.now(tz=SHANGHAI).date()


def _rectification_filter(status, today):
    if status == RectificationStatus.RECTIFIED:
        return Q(rectified_on__isnull=False)
    if status == RectificationStatus.NOT_REQUIRED:
        return Q(rectified_on__isnull=True, rectification_deadline__isnull=True)
    if status == RectificationStatus.OVERDUE:
        return Q(rectified_on__isnull=True, rectification_deadline__lt=today)
    return Q(rectified_on__isnull=True, rectification_deadline__gte=today)


def filter_records(spec, queryset, *, region=None, keyword="", record_type="", status="", date_from=None,
                   date_to=None, sort=""):
    """Narrow a register's scoped queryset by the list's filters and order it.

    Args:
        region: a Region or None.
        keyword: matched against the enterprise name and credit code.
        record_type: a value of the register's type field ("" for all); free-text types match by part.
        status: a FacilityStatus value, or a RectificationStatus value for enforcement records.
        date_from, date_to: inclusive bounds on the register's date field.
        sort: a key of ``spec.sorts``; unknown keys fall back to ``spec.default_sort``.
    """
    if region is not None:
        queryset = queryset.filter(region=region)
    keyword = " ".join(str(keyword or "").split())
    if keyword:
        queryset = queryset.filter(
            Q(enterprise__name__icontains=keyword) | Q(enterprise__credit_code__contains=credit_codes.normalize(keyword))
        )
    if record_type and spec.type_field:
        type_field = spec.model._meta.get_field(spec.type_field)
        lookup = spec.type_field if type_field.choices else f"{spec.type_field}__icontains"
        queryset = queryset.filter(**{lookup: record_type})
    if status and spec.has_status:
        if spec.model is EnforcementRecord:
            queryset = queryset.filter(_rectification_filter(status, local_today()))
        else:
            queryset = queryset.filter(status=status)
    if date_from is not None:
        queryset = queryset.filter(**{f"{spec.date_field}__gte": date_from})
    if date_to is not None:
        queryset = queryset.filter(**{f"{spec.date_field}__lte": date_to})
    ordering = spec.sorts.get(sort) or spec.sorts[spec.default_sort]
    return queryset.select_related("enterprise", "region").order_by(*ordering)
