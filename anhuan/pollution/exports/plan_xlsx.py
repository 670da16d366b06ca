"""A reduction plan as a Chinese Excel sheet: a title row, a header and one row per item."""

from django.utils import translation
from django.utils.translation import gettext as _

from anhuan.core import excel
from anhuan.core.timeutil import format_local
from anhuan.enterprises.models import PerformanceGrade
from anhuan.pollution.models import EventKind, MeasureType, PlanFlag, ShutdownRisk, WarningLevel

# Exports go to the bureaus, whose working language is Chinese.
EXPORT_LANGUAGE = "zh-hans"


def _columns():
    return [
        excel.Column(_("No."), 6, excel.NUMBER),
        excel.Column(_("Region"), 12, excel.TEXT),
        excel.Column(_("Enterprise name"), 30, excel.TEXT),
        excel.Column(_("Unified social credit code"), 22, excel.TEXT),
        excel.Column(_("Industry"), 14, excel.TEXT),
        excel.Column(_("Performance grade"), 10, excel.TEXT),
        excel.Column(_("Production line or process"), 20, excel.TEXT),
        excel.Column(_("Measure"), 12, excel.TEXT),
        excel.Column(_("Limit (%)"), 10, excel.NUMBER),
        excel.Column(_("Measure detail"), 30, excel.TEXT),
        excel.Column(_("Effective at"), 18, excel.DATETIME),
        excel.Column(_("Hours a safe shutdown takes"), 12, excel.NUMBER),
        excel.Column(_("Shutdown safety risk"), 10, excel.TEXT),
        excel.Column(_("Lead-time gap (hours)"), 12, excel.NUMBER),
        excel.Column(_("Flags"), 36, excel.TEXT),
    ]


def _row(number, item, grades, measures, risks, flags):
    return [
        number,
        item.region.name,
        item.enterprise_name,
        item.credit_code,
        item.industry_name,
        grades.get(item.performance_grade, item.performance_grade),
        item.production_line,
        measures.get(item.measure_type, item.measure_type),
        item.limit_percent,
        item.measure_detail,
        item.effective_at,
        item.safe_shutdown_hours,
        risks.get(item.shutdown_risk, item.shutdown_risk),
        item.lead_time_gap_hours,
        "、".join(str(flags.get(flag, flag)) for flag in item.flags),
    ]


def plan_title(event):
    """The title of an event's plan, e.g. "Red (level I) warning issued 2026-12-05 08:00: reduction plan"."""
    return _("%(level)s warning, %(kind)s announced %(announced)s: emergency reduction plan") % {
        "level": WarningLevel(event.level).label,
        "kind": EventKind(event.kind).label,
        "announced": format_local(event.announced_at),
    }


def write_plan_xlsx(event, items, stream):
    """Write the plan items of ``event`` as an xlsx workbook to a binary stream or path.

    Returns:
        The number of item rows written.
    """
    with translation.override(EXPORT_LANGUAGE):
        grades = {value: str(label) for value, label in PerformanceGrade.choices}
        measures = {value: str(label) for value, label in MeasureType.choices}
        risks = {value: str(label) for value, label in ShutdownRisk.choices}
        flags = {value: str(label) for value, label in PlanFlag.choices}
        workbook = excel.new_workbook()
        count = excel.write_table(
            workbook.active,
            _columns(),
            (_row(number, item, grades, measures, risks, flags) for number, item in enumerate(items, start=1)),
            title=plan_title(event),
            sheet_title=str(_("Reduction plan")),
        )
        excel.save(workbook, stream)
    return count
