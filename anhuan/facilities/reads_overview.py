"""The key-facility overview for leaders and officers: counts by type, status, region and lifecycle step.

Everything is read inside the user's scope (city staff see the whole city, county staff their
county). The page costs a fixed number of queries whatever the number of facilities: the
facility list's query (``services.lifecycle.key_facilities_for``) fetches every key facility
with its lifecycle facts, and the tables are counted from those rows in Python. The due
figures come from the due page's own reads (``reads_existing.due_lists``), so both pages
agree; orders, referrals and findings are counted by one query each.
"""

import dataclasses
import datetime as dt
import io
from collections import Counter

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anhuan.core import excel
from anhuan.core.timeutil import to_local
from anhuan.facilities import reads_existing
from anhuan.facilities.domain import lifecycle
from anhuan.facilities.models import DemonstrationFinding, Origin, StopUseOrder
from anhuan.facilities.services.lifecycle import STEP_LABELS, key_facilities_for
from anhuan.organizations.models import Region, RegionKind
from anhuan.organizations.scope import covers_whole_city
from anhuan.sharing import registry
from anhuan.sharing.models import EnvFacilityType, FacilityStatus, Referral

# The Chinese words of the steps in the Excel file, which is data like the register's words.
STEP_WORDS = {
    "registered": "已登记",
    "env_demonstration": "环保论证",
    "safety_reminder": "已提醒安全论证",
    "safety_demonstration": "安全论证",
    "design": "设计",
    "construction_plan": "施工方案",
    "checkpoint_designed": "同时设计",
    "under_construction": "开工建设",
    "checkpoint_built": "同时施工",
    "acceptance": "竣工验收",
    "in_operation": "投入运行",
}
_ROW_FIELDS = (
    "pk", "region_id", "facility_type", "status", "path", "reminded_at", "env_ok", "safety_ok", "design_ok",
    "plan_ok", "designed_ok", "built_ok", "acceptance_ok", "in_use_ok",
)


@dataclasses.dataclass
class Overview:
    """The figures of the overview page, already limited to the user's scope."""

    today: dt.date
    statuses: list
    type_rows: list
    status_totals: list
    total: int
    region_rows: list | None
    pipeline: list
    assessments_due: int
    diagnoses_missing: int
    orders_in_force: int
    open_referrals: int
    findings_this_year: int


def furthest_step(row):
    """Return the furthest NEW_PROJECT_STEPS step a new-project facility row has reached.

    Steps may be taken out of order (a safety demonstration without a reminder), so the
    furthest step done counts, not the first one missing. The facility list shows the same
    step as the stage. Every register row is "registered".
    """
    done = {
        "registered": True,
        "env_demonstration": row["env_ok"],
        "safety_reminder": row["reminded_at"] is not None,
        "safety_demonstration": row["safety_ok"],
        "design": row["design_ok"],
        "construction_plan": row["plan_ok"],
        "checkpoint_designed": row["designed_ok"],
        "under_construction": row["status"] != FacilityStatus.PLANNED,
        "checkpoint_built": row["built_ok"],
        "acceptance": row["acceptance_ok"],
        "in_operation": row["in_use_ok"],
    }
    return [step for step in lifecycle.NEW_PROJECT_STEPS if done[step]][-1]


def _count_by_region(queryset):
    return dict(queryset.values_list("region_id").annotate(count=Count("pk")).order_by())


def _by_status(rows):
    return [sum(1 for row in rows if row["status"] == status) for status in FacilityStatus.values]


def build_overview(user, now=None):
    """Return the Overview of the key facilities the user may see.

    City staff also get one row per county-level region; county staff get ``region_rows`` None.
    """
    now = now or timezone.now()
    today = to_local(now).date()
    rows = list(key_facilities_for(user).values(*_ROW_FIELDS))

    type_rows = []
    for value, label in EnvFacilityType.choices:
        of_type = [row for row in rows if row["facility_type"] == value]
        if of_type:
            type_rows.append({"value": value, "label": label, "counts": _by_status(of_type), "total": len(of_type)})

    reached = [
        furthest_step(row) for row in rows
        if row["path"] == Origin.NEW_PROJECT and row["status"] != FacilityStatus.DECOMMISSIONED
    ]
    pipeline = [
        {"step": step, "label": STEP_LABELS[step], "count": reached.count(step)} for step in lifecycle.NEW_PROJECT_STEPS
    ]

    due = reads_existing.due_lists(user, on=today)
    orders = _count_by_region(StopUseOrder.objects.visible_to(user).filter(status=StopUseOrder.Status.IN_FORCE))
    findings = _count_by_region(DemonstrationFinding.objects.visible_to(user).filter(found_on__year=today.year))

    region_rows = None
    if covers_whole_city(user):
        region_rows = _region_rows(rows, due, orders, findings)

    return Overview(
        today=today,
        statuses=list(FacilityStatus.choices),
        type_rows=type_rows,
        status_totals=_by_status(rows),
        total=len(rows),
        region_rows=region_rows,
        pipeline=pipeline,
        assessments_due=len(due.assessments),
        diagnoses_missing=len(due.diagnoses),
        orders_in_force=sum(orders.values()),
        open_referrals=_open_referrals(user).count(),
        findings_this_year=sum(findings.values()),
    )


def _region_rows(rows, due, orders, findings):
    """Return one row per county-level region, zero rows included, so a county without figures shows."""
    assessments = Counter(facility.region_id for facility in due.assessments)
    diagnoses = Counter(facility.region_id for facility in due.diagnoses)
    result = []
    for region in Region.objects.exclude(kind=RegionKind.CITY).order_by("sort_order", "code"):
        of_region = [row for row in rows if row["region_id"] == region.pk]
        result.append({
            "region": region,
            "total": len(of_region),
            "counts": _by_status(of_region),
            "assessments_due": assessments.get(region.pk, 0),
            "diagnoses_missing": diagnoses.get(region.pk, 0),
            "orders_in_force": orders.get(region.pk, 0),
            "findings": findings.get(region.pk, 0),
        })
    return result


def missing_demonstration_subject():
    """Return the subject ``refer_missing_safety_demonstration`` stores (in the platform's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Key environmental facility without a safety demonstration")


def _open_referrals(user):
    """Referrals in scope about a key facility without a safety demonstration that are not closed yet."""
    about_findings = DemonstrationFinding.objects.values("referral_id")
    return (
        Referral.objects.visible_to(user)
        .filter(Q(subject=missing_demonstration_subject()) | Q(pk__in=about_findings))
        .exclude(status=Referral.Status.CLOSED)
    )


# --- Excel ---------------------------------------------------------------------------------

_STATUS_WORDS = [registry.FACILITY_STATUS_WORDS[status][0] for status in FacilityStatus.values]


def _type_word(value):
    return registry.ENV_FACILITY_TYPE_WORDS[value][0]


def overview_workbook(overview, title):
    """Return the bytes of an .xlsx file with the overview's tables, one sheet each."""
    workbook = excel.new_workbook()

    columns = [excel.Column("设施类型", 24), *[excel.Column(word, 10, excel.NUMBER) for word in _STATUS_WORDS],
               excel.Column("合计", 10, excel.NUMBER)]
    rows = [[_type_word(row["value"]), *row["counts"], row["total"]] for row in overview.type_rows]
    rows.append(["合计", *overview.status_totals, overview.total])
    excel.write_table(workbook.active, columns, rows, title=title, sheet_title="类型与状态")

    if overview.region_rows is not None:
        columns = [
            excel.Column("县（市、区）", 18), excel.Column("重点设施", 10, excel.NUMBER),
            *[excel.Column(word, 10, excel.NUMBER) for word in _STATUS_WORDS],
            excel.Column("待安全评估", 12, excel.NUMBER), excel.Column("待设计诊断", 12, excel.NUMBER),
            excel.Column("生效的停用指令", 14, excel.NUMBER), excel.Column("本年发现未论证", 14, excel.NUMBER),
        ]
        rows = [
            [row["region"].name, row["total"], *row["counts"], row["assessments_due"], row["diagnoses_missing"],
             row["orders_in_force"], row["findings"]]
            for row in overview.region_rows
        ]
        excel.write_table(workbook.create_sheet(), columns, rows, title=title, sheet_title="按区域")

    columns = [excel.Column("进度", 24), excel.Column("新建项目数", 12, excel.NUMBER)]
    rows = [[STEP_WORDS[row["step"]], row["count"]] for row in overview.pipeline]
    excel.write_table(workbook.create_sheet(), columns, rows, title=title, sheet_title="新建项目进度")

    columns = [excel.Column("事项", 36), excel.Column("数量", 10, excel.NUMBER)]
    rows = [
        ["待开展安全评估的既有设施", overview.assessments_due],
        ["待开展设计诊断的既有设施", overview.diagnoses_missing],
        ["生效的责令停止使用指令", overview.orders_in_force],
        ["未办结的未开展安全论证问题移交", overview.open_referrals],
        [f"{overview.today.year}年发现的未开展安全论证问题", overview.findings_this_year],
    ]
    excel.write_table(workbook.create_sheet(), columns, rows, title=title, sheet_title="监管事项")

    buffer = io.BytesIO()
    excel.save(workbook, buffer)
    return buffer.getvalue()
