"""What each periodic bulletin reports: the rows that changed in its period, per flow.

Each ``build_*`` function reads the period's rows (read-only queries) and returns a ``Draft``:
the title, the summary text and the structured sections that the detail page and the Word
document render. Callers run them under ``translation.override`` in the receiver's language,
because the texts are stored as sent. A period with nothing to report still yields a draft stating
that nothing changed, so the receiver learns that nothing was missed.

``content`` has the keys ``flow``, ``period`` (ISO start and end), ``empty``, ``counts`` and
``sections``; each section has a ``title``, ``paragraphs`` and an optional ``table`` with a
``header`` and ``rows`` of strings.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anhuan.core.timeutil import chinese_date, format_local, iso_local
from anhuan.organizations.models import Department
from anhuan.pollution.models import PlanFlag, PlanItem, WarningEvent
from anhuan.pollution.models.onsite import OnsiteGuidance
from anhuan.pollution.services.consultations import SAFETY_FLAGS, area_label, count_items_by_flag, count_items_by_region
from anhuan.sharing.models import BulletinFlow, EnforcementRecord, EnvFacility, SafetyFacility


@dataclass
class Draft:
    """A bulletin's text before it is stored: title, summary and structured content."""

    title: str
    body: str
    content: dict = field(default_factory=dict)


def _section(title, paragraphs=(), header=None, rows=None):
    section = {"title": str(title), "paragraphs": [str(text) for text in paragraphs]}
    if header is not None and rows:
        section["table"] = {
            "header": [str(name) for name in header],
            "rows": [["" if value is None else str(value) for value in row] for row in rows],
        }
    return section


def _content(flow, period, counts, sections):
    return {
        "flow": str(flow),
        "period": {"start": iso_local(period.start), "end": iso_local(period.end)},
        "empty": not any(counts.values()),
        "counts": counts,
        "sections": sections,
    }


def _period_words(period):
    """Return the first and last day of the period as official documents write dates."""
    last_day = period.end_day - dt.timedelta(days=1)
    return {"first": chinese_date(period.first_day), "last": chinese_date(last_day)}


def _in_period(period, name):
    return Q(**{f"{name}__gte": period.start, f"{name}__lt": period.end})


def _yes_no(value):
    return _("Yes") if value else _("No")


# --- City environment to city emergency: warnings and reduction work ----------------------


def build_warnings_content(period):
    """Report every warning event announced in the period, with its plan's figures and consultation."""
    events = list(
        WarningEvent.objects.filter(_in_period(period, "announced_at"))
        .select_related("warning__issuer", "consultation")
        .prefetch_related("regions", "consultation__confirmations__leader")
        .order_by("announced_at", "id")
    )
    title = _("Bulletin on heavy-pollution weather warnings and enterprise emergency reduction work from %(first)s to %(last)s") % _period_words(period)
    counts = {"events": len(events)}
    if not events:
        body = _("No heavy-pollution weather warning was issued, changed or lifted in the period. "
                 "This bulletin is sent so that the receiver knows nothing was missed.")
        return Draft(title, body, _content(BulletinFlow.WARNINGS_AND_REDUCTION, period, counts, []))

    rows = [
        [format_local(event.announced_at), event.get_level_display(), event.get_kind_display(), area_label(event),
         format_local(event.starts_at), format_local(event.ends_at), event.document_number or event.warning.document_number]
        for event in events
    ]
    sections = [_section(
        _("Warnings in the period"),
        header=[_("Announced at"), _("Level"), _("Event"), _("Area"), _("Starts at"), _("Ends at"), _("Document number")],
        rows=rows,
    )]
    for event in events:
        sections.append(_event_section(event))
    body = ngettext(
        "%(count)s warning event was announced in the period; its reduction plan and consultation follow.",
        "%(count)s warning events were announced in the period; their reduction plans and consultations follow.",
        len(events),
    ) % {"count": len(events)}
    return Draft(title, body, _content(BulletinFlow.WARNINGS_AND_REDUCTION, period, counts, sections))


def _event_section(event):
    items = PlanItem.objects.filter(plan__event=event)
    totals = count_items_by_flag(items)
    enterprises = items.order_by().values("enterprise_id").distinct().count()
    paragraphs = [
        ngettext(
            "The reduction plan has %(items)s item at %(enterprises)s enterprises.",
            "The reduction plan has %(items)s items at %(enterprises)s enterprises.",
            totals["total"],
        ) % {"items": totals["total"], "enterprises": enterprises},
        _("Items by flag: %(counts)s.") % {"counts": "；".join(
            _("%(flag)s: %(count)s") % {"flag": flag.label, "count": totals[flag.value]} for flag in PlanFlag
        )},
    ]
    paragraphs.extend(_consultation_paragraphs(event))
    rows = [
        [row["region__name"], row["total"], row["enterprises"]] + [row[flag] for flag in SAFETY_FLAGS]
        for row in count_items_by_region(items)
    ]
    header = [_("Region"), _("Items"), _("Enterprises")] + [PlanFlag(flag).label for flag in SAFETY_FLAGS]
    title = _("%(level)s warning, %(event)s announced %(time)s") % {
        "level": event.get_level_display(), "event": event.get_kind_display(), "time": format_local(event.announced_at),
    }
    return _section(title, paragraphs, header, rows)


def _consultation_paragraphs(event):
    consultation = getattr(event, "consultation", None)
    if consultation is None:
        return [_("No joint consultation was opened for this event.")]
    paragraphs = []
    if consultation.held_at is not None:
        paragraphs.append(_("The joint consultation was held at %(time)s.") % {"time": format_local(consultation.held_at)})
    if consultation.conclusion.strip():
        paragraphs.append(_("Conclusions: %(text)s") % {"text": consultation.conclusion.strip()})
    confirmations = {item.department: item for item in consultation.confirmations.all()}
    for department in Department:
        confirmation = confirmations.get(department.value)
        if confirmation is None:
            paragraphs.append(_("The %(department)s department has not confirmed the plan.") % {"department": department.label})
        else:
            paragraphs.append(_("%(agency)s confirmed the plan: %(leader)s, %(time)s.") % {
                "agency": confirmation.agency_name, "leader": confirmation.leader.display_name,
                "time": format_local(confirmation.confirmed_at),
            })
    return paragraphs


# --- County environment to county emergency: new and upgraded environmental facilities ----


def build_env_facilities_content(region, period):
    """Report the region's environmental facilities created or upgraded in the period, key facilities first."""
    order = ["-is_key", "enterprise__name", "name", "id"]
    new = list(
        EnvFacility.objects.filter(_in_period(period, "created_at"), region=region)
        .select_related("enterprise").order_by(*order)
    )
    upgraded = list(
        EnvFacility.objects.filter(region=region, upgraded_on__gte=period.first_day, upgraded_on__lt=period.end_day)
        .exclude(pk__in=[facility.pk for facility in new])
        .select_related("enterprise").order_by(*order)
    )
    title = _("Bulletin on new and upgraded environmental treatment facilities of industrial enterprises in %(region)s from %(first)s to %(last)s") % {
        "region": region.name, **_period_words(period)
    }
    counts = {
        "new": len(new), "upgraded": len(upgraded),
        "key": sum(1 for facility in new + upgraded if facility.is_key),
    }
    if not new and not upgraded:
        body = _("No environmental treatment facility was added or upgraded in %(region)s in the period. "
                 "This bulletin is sent so that the receiver knows nothing was missed.") % {"region": region.name}
        return Draft(title, body, _content(BulletinFlow.NEW_ENV_FACILITIES, period, counts, []))

    header = [_("Enterprise"), _("Unified social credit code"), _("Facility"), _("Facility type"), _("Key facility"),
              _("Capacity"), _("Status"), _("In use since"), _("Last upgraded"), _("Third-party operator")]

    def row(facility):
        return [facility.enterprise.name, facility.enterprise.credit_code, facility.name, facility.get_facility_type_display(),
                _yes_no(facility.is_key), facility.capacity, facility.get_status_display(),
                facility.commissioned_on or "", facility.upgraded_on or "", facility.operator_name]

    sections = []
    if new:
        sections.append(_section(_("New facilities"), header=header, rows=[row(facility) for facility in new]))
    if upgraded:
        sections.append(_section(_("Upgraded facilities"), header=header, rows=[row(facility) for facility in upgraded]))
    body = _("In the period, %(new)s environmental treatment facilities were added and %(upgraded)s upgraded in "
             "%(region)s, %(key)s of them key facilities. Key facilities are listed first; check their safety "
             "demonstration and assessment.") % {"region": region.name, **counts}
    return Draft(title, body, _content(BulletinFlow.NEW_ENV_FACILITIES, period, counts, sections))


# --- Emergency to environment: enterprise safety risk information ------------------------


def build_safety_risks_content(region, period, *, whole_city=False):
    """Report the enterprise safety risk information of the period in ``region``, or the whole city.

    Sources: emergency enforcement records added or changed in the period, safety facilities added
    or changed in the period, and on-site guidance visits whose shutdown safety risks were recorded
    in the period.
    """
    scope = Q() if whole_city else Q(region=region)
    records = list(
        EnforcementRecord.objects.filter(scope, _in_period(period, "updated_at"), department=Department.EMERGENCY)
        .select_related("enterprise", "agency").order_by("inspected_on", "id")
    )
    facilities = list(
        SafetyFacility.objects.filter(scope, _in_period(period, "updated_at"))
        .select_related("enterprise").order_by("enterprise__name", "name", "id")
    )
    visits = list(
        OnsiteGuidance.objects.filter(scope, _in_period(period, "updated_at"), status=OnsiteGuidance.Status.DONE)
        .exclude(safety_risks="").select_related("enterprise").order_by("visited_at", "id")
    )
    title = _("Bulletin on enterprise safety risk information in %(region)s from %(first)s to %(last)s") % {
        "region": region.name, **_period_words(period)
    }
    counts = {"enforcement": len(records), "safety_facilities": len(facilities), "onsite": len(visits)}
    if not any(counts.values()):
        body = _("No enterprise safety risk information was recorded in %(region)s in the period. "
                 "This bulletin is sent so that the receiver knows nothing was missed.") % {"region": region.name}
        return Draft(title, body, _content(BulletinFlow.SAFETY_RISKS, period, counts, []))

    sections = []
    if records:
        sections.append(_section(
            _("Supervision and enforcement"),
            header=[_("Enterprise"), _("Unified social credit code"), _("Inspection date"), _("Agency"), _("Findings"),
                    _("Violation"), _("Measure taken"), _("Rectification deadline"), _("Rectification result")],
            rows=[[record.enterprise.name, record.enterprise.credit_code, record.inspected_on, record.agency.name,
                   record.findings, record.violation, record.get_measure_display(), record.rectification_deadline or "",
                   record.rectification_result] for record in records],
        ))
    if facilities:
        sections.append(_section(
            _("Safety facilities added or changed"),
            header=[_("Enterprise"), _("Unified social credit code"), _("Facility"), _("Facility type"), _("Status"),
                    _("Added or changed")],
            rows=[[facility.enterprise.name, facility.enterprise.credit_code, facility.name, facility.facility_type,
                   facility.get_status_display(),
                   _("added") if period.contains(facility.created_at) else _("changed")] for facility in facilities],
        ))
    if visits:
        sections.append(_section(
            _("Shutdown safety risks found by on-site guidance"),
            header=[_("Enterprise"), _("Unified social credit code"), _("Visited at"), _("Safety risks identified"),
                    _("Instructions")],
            rows=[[visit.enterprise.name, visit.enterprise.credit_code, format_local(visit.visited_at),
                   visit.safety_risks, visit.instructions] for visit in visits],
        ))
    body = _("In the period, %(enforcement)s enforcement records, %(safety_facilities)s safety facility changes and "
             "%(onsite)s on-site findings of shutdown safety risks were recorded in %(region)s.") % {
        "region": region.name, **counts
    }
    return Draft(title, body, _content(BulletinFlow.SAFETY_RISKS, period, counts, sections))
