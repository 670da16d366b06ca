"""The joint consultation minutes (会商纪要) of a warning event as a GB/T 9704 Word document.

The fixed wording is written with English msgids and rendered in Chinese under
``translation.override("zh-hans")``, because the minutes are an official document of the
city's agencies whatever the reader's language.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anhuan.core.officialdoc import DocumentKind, OfficialDocument
from anhuan.core.timeutil import chinese_date, format_local, to_local
from anhuan.organizations.models import Agency, Department, Level
from anhuan.pollution.models import Consultation, PlanFlag, PlanItem
from anhuan.pollution.services.consultations import (
    SAFETY_FLAGS,
    area_label,
    count_items_by_flag,
    count_items_by_region,
)

DOCUMENT_LANGUAGE = "zh-hans"
# The 纪要 format names the attendance line 出席 (GB/T 9704-2012, 10.3).
ATTENDANCE_LABEL = "出席"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def minutes_date(consultation):
    """Return the date the minutes carry: the meeting's, else the event's announcement."""
    return to_local(consultation.held_at or consultation.event.announced_at).date()


def minutes_file_name(consultation):
    """Return the download name, e.g. 重污染天气应急减排联合会商纪要-2026-12-05.docx."""
    with translation.override(DOCUMENT_LANGUAGE):
        name = _("Heavy-pollution weather emergency reduction joint consultation minutes")
    return f"{name}-{minutes_date(consultation):%Y-%m-%d}.docx"


def write_minutes(consultation, stream, items=None):
    """Write the minutes of ``consultation`` as .docx to ``stream``.

    Args:
        consultation: the consultation, with its event loaded.
        stream: a path or binary stream.
        items: the plan items to summarise; None means every item of the event's plan.
            Pages pass the items in the reader's scope.
    """
    if items is None:
        items = PlanItem.objects.filter(plan__event_id=consultation.event_id)
    with translation.override(DOCUMENT_LANGUAGE):
        document = _build(consultation, items)
    document.save(stream)


def lead_time_text(event):
    """Return the hours between an event's announcement and its start, e.g. "12.5"."""
    hours = (event.starts_at - event.announced_at).total_seconds() / 3600
    return f"{hours:.1f}".removesuffix(".0")


def _city_agencies():
    agencies = {agency.department: agency for agency in Agency.objects.filter(level=Level.CITY)}
    return [agencies[department] for department in Department.values if department in agencies]


def _build(consultation, items):
    event = consultation.event
    agencies = _city_agencies()
    agency_names = [agency.name for agency in agencies]
    document = OfficialDocument(
        kind=DocumentKind.MINUTES,
        head=_("%(city)s heavy-pollution weather emergency reduction joint consultation minutes")
        % {"city": settings.ANHUAN_CITY_NAME},
        number=consultation.document_number,
        title=_("Minutes of the joint consultation on emergency reduction measures for the %(level)s heavy-pollution weather warning")
        % {"level": event.get_level_display()},
    )

    if consultation.held_at is not None:
        held_text = "%s %s" % (chinese_date(consultation.held_at), format_local(consultation.held_at, "%H:%M"))
    else:
        held_text = _("a time not recorded")
    document.paragraph(
        _("At %(time)s, %(agencies)s held a joint consultation on the enterprise emergency reduction measures "
          "for the %(event)s of the %(level)s heavy-pollution weather warning. The minutes follow.")
        % {
            "time": held_text,
            "agencies": "、".join(agency_names),
            "event": event.get_kind_display(),
            "level": event.get_level_display(),
        }
    )

    _write_warning(document, event)
    _write_conclusions(document, consultation)
    _write_opinions(document, consultation)
    _write_figures(document, items)
    _write_safety_items(document, items)
    _write_confirmations(document, consultation, agencies)

    if consultation.attendees.strip():
        names = [name.strip() for name in consultation.attendees.replace("\n", "、").split("、") if name.strip()]
        document.attendance(ATTENDANCE_LABEL, names)
    document.signature(agency_names, chinese_date(minutes_date(consultation)))
    return document


def _write_warning(document, event):
    warning = event.warning
    document.heading1(_("The warning"))
    document.paragraph(
        _("Warning level: %(level)s. Event: %(event)s. Area: %(area)s.")
        % {"level": event.get_level_display(), "event": event.get_kind_display(), "area": area_label(event)}
    )
    values = {
        "announced": format_local(event.announced_at),
        "starts": format_local(event.starts_at),
        "ends": format_local(event.ends_at),
        "hours": lead_time_text(event),
    }
    if event.ends_at is not None:
        text = _("Announced at %(announced)s, in force from %(starts)s to %(ends)s; the lead time is %(hours)s hours.")
    else:
        text = _("Announced at %(announced)s, in force from %(starts)s until lifted; the lead time is %(hours)s hours.")
    document.paragraph(text % values)
    number = event.document_number or warning.document_number
    if number:
        document.paragraph(
            _("The warning was issued by %(issuer)s under document number %(number)s.")
            % {"issuer": warning.issuer.name, "number": number}
        )


def _write_conclusions(document, consultation):
    document.heading1(_("Conclusions"))
    if consultation.conclusion.strip():
        document.paragraph(consultation.conclusion)
    else:
        document.paragraph(_("No conclusions were recorded."))


def _write_opinions(document, consultation):
    document.heading1(_("Opinions of the departments"))
    opinions = list(consultation.opinions.all())
    for department in Department:
        document.heading2(_("Opinions of the %(department)s department") % {"department": department.label})
        written = [opinion for opinion in opinions if opinion.department == department]
        if not written:
            document.paragraph(_("No opinion was recorded."))
        for opinion in written:
            document.paragraph(_("%(agency)s: %(text)s") % {"agency": opinion.agency_name, "text": opinion.text})


def _write_figures(document, items):
    document.heading1(_("The reduction plan in figures"))
    totals = count_items_by_flag(items)
    enterprises = items.order_by().values("enterprise_id").distinct().count()
    document.paragraph(
        ngettext(
            "The plan has %(items)s item at %(enterprises)s enterprises.",
            "The plan has %(items)s items at %(enterprises)s enterprises.",
            totals["total"],
        )
        % {"items": totals["total"], "enterprises": enterprises}
    )
    counts = "；".join(
        ngettext("%(flag)s: %(count)s item", "%(flag)s: %(count)s items", totals[flag.value])
        % {"flag": flag.label, "count": totals[flag.value]}
        for flag in PlanFlag
    )
    document.paragraph(_("Items by flag: %(counts)s.") % {"counts": counts})

    rows = [
        [row["region__name"], row["total"], row["enterprises"]] + [row[flag] for flag in SAFETY_FLAGS]
        for row in count_items_by_region(items)
    ]
    if rows:
        header = [_("Region"), _("Items"), _("Enterprises")] + [str(PlanFlag(flag).label) for flag in SAFETY_FLAGS]
        document.table(rows, header, widths=[3, 2, 2, 3, 3, 3])


def _measure_text(item):
    measure = item.get_measure_type_display()
    if item.limit_percent is None:
        return str(measure)
    return _("%(measure)s %(percent)s%%") % {"measure": measure, "percent": f"{item.limit_percent.normalize():f}"}


def _write_safety_items(document, items):
    document.heading1(_("Items that need safety attention"))
    condition = Q()
    for flag in SAFETY_FLAGS:
        condition |= Q(flag_words__contains=f" {flag} ")
    flagged = items.filter(condition).order_by("region__sort_order", "enterprise_name", "production_line", "id")
    rows = [
        [
            item.enterprise_name,
            item.production_line,
            _measure_text(item),
            format_local(item.effective_at),
            "、".join(str(PlanFlag(flag).label) for flag in item.flags if flag in PlanFlag.values),
        ]
        for item in flagged
    ]
    if not rows:
        document.paragraph(_("No item carries a safety flag."))
        return
    document.paragraph(
        ngettext(
            "%(count)s item carries a safety flag:",
            "%(count)s items carry a safety flag:",
            len(rows),
        )
        % {"count": len(rows)}
    )
    document.table(
        rows,
        [_("Enterprise"), _("Production line or process"), _("Measure"), _("Effective at"), _("Flags")],
        widths=[4, 3, 2, 3, 3],
    )


def _write_confirmations(document, consultation, agencies):
    document.heading1(_("Confirmations"))
    confirmations = {
        confirmation.department: confirmation
        for confirmation in consultation.confirmations.select_related("leader")
    }
    for department in Department:
        confirmation = confirmations.get(department.value)
        if confirmation is None:
            document.paragraph(
                _("The %(department)s department has not confirmed the plan yet.") % {"department": department.label}
            )
            continue
        document.paragraph(
            _("%(agency)s: confirmed by %(leader)s at %(time)s.")
            % {
                "agency": confirmation.agency_name,
                "leader": confirmation.leader.display_name,
                "time": format_local(confirmation.confirmed_at),
            }
        )
    if consultation.status == Consultation.Status.CONFIRMED:
        document.paragraph(
            _("Both departments confirmed the plan; it was frozen at %(time)s.")
            % {"time": format_local(consultation.confirmed_at)}
        )
