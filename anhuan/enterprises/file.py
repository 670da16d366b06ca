"""The enterprise file (一企一档): everything both bureaus hold about one enterprise, with a timeline.

Who sees what:

* Staff (officers, leaders, experts) whose region scope covers the enterprise
  see every section; others get 404, exactly as for a missing enterprise.
* The enterprise's own contact sees the parts meant for them: registry data
  and contacts, list entries, the measures of the plans and ad-hoc measures,
  their documents, duty rosters, maintenance requests and key environmental
  facilities. Consultations, on-site visit records, the shared registers,
  enforcement records, bulletins and referrals are the bureaus' working
  records and stay hidden. A contact of another enterprise gets 404.
* Administrators see no supervised data and get NotPermitted (403).

Each section is read by one query of ``anhuan.pollution.reads``, ``anhuan.sharing.reads`` or
``anhuan.facilities.reads_file``, so the page's query count is fixed.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.errors import NotPermitted
from anhuan.core.timeutil import SHANGHAI, format_local, to_local
from anhuan.enterprises.models import Enterprise
from anhuan.facilities import reads_file as facilities_reads
from anhuan.organizations.models import ADMIN_ROLES
from anhuan.organizations.scope import enterprise_id_of
from anhuan.pollution import reads as pollution_reads
from anhuan.pollution.models import MeasureType, PlanFlag
from anhuan.sharing import reads as sharing_reads

STAFF = "staff"
CONTACT = "contact"

# Section key → (title, audiences that see it), in page order.
SECTIONS = {
    "entries": (gettext_lazy("Reduction list entries"), {STAFF, CONTACT}),
    "plan_items": (gettext_lazy("Measures in warning plans"), {STAFF, CONTACT}),
    "consultations": (gettext_lazy("Joint consultations"), {STAFF}),
    "onsite": (gettext_lazy("On-site guidance visits"), {STAFF}),
    "documents": (gettext_lazy("Uploaded documents"), {STAFF, CONTACT}),
    "rosters": (gettext_lazy("Duty rosters"), {STAFF, CONTACT}),
    "maintenance": (gettext_lazy("High-risk maintenance requests"), {STAFF, CONTACT}),
    "adhoc": (gettext_lazy("Ad-hoc measures"), {STAFF, CONTACT}),
    "approvals": (gettext_lazy("Construction project approvals"), {STAFF}),
    "safety_facilities": (gettext_lazy("Safety facilities"), {STAFF}),
    "env_facilities": (gettext_lazy("Environmental facilities"), {STAFF}),
    "key_facilities": (gettext_lazy("Key environmental facilities"), {STAFF, CONTACT}),
    "enforcement": (gettext_lazy("Supervision and enforcement records"), {STAFF}),
    "bulletins": (gettext_lazy("Bulletins that mention the enterprise"), {STAFF}),
    "referrals": (gettext_lazy("Referrals"), {STAFF}),
}

_READERS = {
    "plan_items": pollution_reads.get_plan_items,
    "consultations": pollution_reads.get_consultations,
    "onsite": pollution_reads.get_onsite_visits,
    "documents": pollution_reads.get_documents,
    "rosters": pollution_reads.get_rosters,
    "maintenance": pollution_reads.get_maintenance_requests,
    "adhoc": pollution_reads.get_adhoc_measures,
    "approvals": sharing_reads.get_approvals,
    "safety_facilities": sharing_reads.get_safety_facilities,
    "env_facilities": sharing_reads.get_env_facilities,
    "key_facilities": facilities_reads.get_key_facilities,
    "enforcement": sharing_reads.get_enforcement_records,
    "bulletins": sharing_reads.get_bulletins,
    "referrals": sharing_reads.get_referrals,
}


@dataclass
class Section:
    key: str
    title: str
    rows: list

    @property
    def count(self):
        return len(self.rows)


@dataclass
class TimelineEvent:
    """One dated event of the timeline; ``at`` is aware, ``has_time`` False for a date-only event."""

    at: dt.datetime
    has_time: bool
    kind: str
    summary: str
    section: str
    obj: object = None

    @property
    def kind_label(self):
        return SECTIONS[self.section][0]


@dataclass
class EnterpriseFile:
    enterprise: Enterprise
    audience: str
    contacts: list
    sections: dict = field(default_factory=dict)
    timeline: list = field(default_factory=list)

    @property
    def for_contact(self):
        return self.audience == CONTACT


def audience_of(user):
    """Return STAFF or CONTACT for a user who may open enterprise files.

    Raises:
        NotPermitted: administrators, who see no supervised data.
    """
    if user.role in ADMIN_ROLES:
        raise NotPermitted(_("Administrators do not see the files of enterprises."))
    return CONTACT if enterprise_id_of(user) is not None else STAFF


def get_enterprise_file_for_user(user, pk, *, now=None):
    """Gather the enterprise file of enterprise ``pk`` as ``user`` may see it.

    Raises:
        NotPermitted: the user is an administrator.
        Http404: the enterprise is missing or outside the user's scope.
    """
    audience = audience_of(user)
    enterprise = Enterprise.objects.select_related("region").get_for_user(user, pk=pk)
    now = now or timezone.now()

    enterprise_file = EnterpriseFile(
        enterprise=enterprise,
        audience=audience,
        contacts=list(enterprise.contacts.select_related("user").order_by("user__username")),
    )
    for key, (title, audiences) in SECTIONS.items():
        if audience not in audiences:
            continue
        if key == "entries":
            rows = pollution_reads.get_list_entries(user, enterprise, now)
        else:
            rows = _READERS[key](user, enterprise)
        enterprise_file.sections[key] = Section(key=key, title=str(title), rows=rows)

    _decorate(enterprise_file.sections, today=to_local(now).date())
    enterprise_file.timeline = build_timeline(enterprise_file.sections)
    return enterprise_file


def _decorate(sections, today):
    """Attach display values the template needs: flag and measure labels, the rectification follow-up state."""
    flag_labels = dict(PlanFlag.choices)
    for item in _rows(sections, "plan_items"):
        item.flag_labels = [flag_labels.get(flag, flag) for flag in item.flags]
    for record in _rows(sections, "enforcement"):
        record.follow_up = sharing_reads.follow_up_state(record, today)
        record.hard_measure = sharing_reads.is_hard_measure(record.measure)
    measure_labels = dict(MeasureType.choices)
    for measure in _rows(sections, "adhoc"):
        measure.measure_label = measure_labels.get(measure.measure_type, measure.measure_type)


def _rows(sections, key):
    section = sections.get(key)
    return section.rows if section is not None else []


# --- Timeline --------------------------------------------------------------------------------------


def _on_day(day):
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


def _measure_label(measure_type, limit_percent):
    label = dict(MeasureType.choices).get(measure_type, measure_type)
    if limit_percent is not None:
        return "%s %s%%" % (label, f"{limit_percent:g}")
    return str(label)


def _pollution_events(sections):
    for item in _rows(sections, "plan_items"):
        event = item.plan.event
        yield TimelineEvent(
            at=item.effective_at or event.starts_at, has_time=True, kind="plan_item", section="plan_items", obj=item,
            summary=_("%(warning)s: %(line)s takes the measure %(measure)s.") % {
                "warning": event.warning, "line": item.production_line,
                "measure": _measure_label(item.measure_type, item.limit_percent),
            },
        )
    for consultation in _rows(sections, "consultations"):
        at = consultation.confirmed_at or consultation.held_at or consultation.event.announced_at
        if consultation.confirmed_at:
            summary = _("The joint consultation on %(warning)s was confirmed.")
        else:
            summary = _("The joint consultation on %(warning)s is open.")
        yield TimelineEvent(at=at, has_time=True, kind="consultation", section="consultations", obj=consultation,
                            summary=summary % {"warning": consultation.event.warning})
    for visit in _rows(sections, "onsite"):
        yield TimelineEvent(
            at=visit.visited_at or visit.scheduled_at, has_time=True, kind="onsite", section="onsite", obj=visit,
            summary=_("On-site guidance visit during %(warning)s: %(status)s.") % {
                "warning": visit.warning, "status": visit.get_status_display()},
        )
    for document in _rows(sections, "documents"):
        yield TimelineEvent(
            at=document.uploaded_at, has_time=True, kind="document", section="documents", obj=document,
            summary=_("%(kind)s uploaded: %(file)s.") % {"kind": document.get_kind_display(), "file": document.file_name},
        )
    for roster in _rows(sections, "rosters"):
        at = roster.confirmed_at or roster.submitted_at
        if at is None:
            continue  # A draft has not been handed in yet, so nothing has happened.
        yield TimelineEvent(
            at=at, has_time=True, kind="roster", section="rosters", obj=roster,
            summary=_("Duty roster for %(warning)s: %(status)s.") % {
                "warning": roster.warning, "status": roster.get_status_display()},
        )
    for request in _rows(sections, "maintenance"):
        yield TimelineEvent(
            at=request.submitted_at or request.created_at, has_time=True, kind="maintenance", section="maintenance",
            obj=request,
            summary=_("High-risk maintenance at %(unit)s: %(status)s.") % {
                "unit": request.unit, "status": request.get_status_display()},
        )
    for measure in _rows(sections, "adhoc"):
        yield TimelineEvent(
            at=measure.effective_at, has_time=True, kind="adhoc", section="adhoc", obj=measure,
            summary=_("Ad-hoc measure on %(line)s: %(measure)s.") % {
                "line": measure.production_line, "measure": _measure_label(measure.measure_type, measure.limit_percent)},
        )


def _sharing_events(sections):
    for approval in _rows(sections, "approvals"):
        yield TimelineEvent(
            at=_on_day(approval.approval_date), has_time=False, kind="approval", section="approvals", obj=approval,
            summary=_("%(kind)s %(number)s for %(project)s.") % {
                "kind": approval.get_kind_display(), "number": approval.approval_number, "project": approval.project_name},
        )
    for facility in _rows(sections, "safety_facilities"):
        if facility.commissioned_on:
            yield TimelineEvent(
                at=_on_day(facility.commissioned_on), has_time=False, kind="safety_facility",
                section="safety_facilities", obj=facility,
                summary=_("Safety facility %(name)s put into use.") % {"name": facility.name},
            )
    for facility in _rows(sections, "env_facilities"):
        if facility.commissioned_on:
            yield TimelineEvent(
                at=_on_day(facility.commissioned_on), has_time=False, kind="env_facility", section="env_facilities",
                obj=facility, summary=_("Environmental facility %(name)s put into use.") % {"name": facility.name},
            )
        if facility.upgraded_on:
            yield TimelineEvent(
                at=_on_day(facility.upgraded_on), has_time=False, kind="env_facility", section="env_facilities",
                obj=facility, summary=_("Environmental facility %(name)s upgraded.") % {"name": facility.name},
            )
    for record in _rows(sections, "enforcement"):
        yield TimelineEvent(
            at=_on_day(record.inspected_on), has_time=False, kind="enforcement", section="enforcement", obj=record,
            summary=_("Inspection by %(agency)s, measure taken: %(measure)s.") % {
                "agency": record.agency.name, "measure": record.get_measure_display()},
        )
        if record.rectified_on:
            yield TimelineEvent(
                at=_on_day(record.rectified_on), has_time=False, kind="enforcement", section="enforcement", obj=record,
                summary=_("Rectification after the inspection of %(date)s recorded.") % {
                    "date": record.inspected_on.isoformat()},
            )
    for bulletin in _rows(sections, "bulletins"):
        yield TimelineEvent(
            at=bulletin.sent_at, has_time=True, kind="bulletin", section="bulletins", obj=bulletin,
            summary=_("Bulletin from %(sender)s to %(receiver)s: %(title)s.") % {
                "sender": bulletin.sender.name, "receiver": bulletin.receiver.name, "title": bulletin.title},
        )
    for referral in _rows(sections, "referrals"):
        yield TimelineEvent(
            at=referral.created_at, has_time=True, kind="referral", section="referrals", obj=referral,
            summary=_("Referral from %(sender)s to %(receiver)s: %(subject)s.") % {
                "sender": referral.sender.name, "receiver": referral.receiver.name, "subject": referral.subject},
        )
        if referral.closed_at:
            yield TimelineEvent(
                at=referral.closed_at, has_time=True, kind="referral", section="referrals", obj=referral,
                summary=_("Referral closed: %(subject)s.") % {"subject": referral.subject},
            )


def build_timeline(sections):
    """Merge the dated events of all sections, newest first.

    List entries carry no date and stay out of the timeline. A date-only event
    (approvals, facilities, inspections) counts as the start of its day.
    """
    events = [*_pollution_events(sections), *_sharing_events(sections)]
    events.sort(key=lambda event: event.at, reverse=True)
    return events


def format_event_time(event):
    return format_local(event.at, "%Y-%m-%d %H:%M" if event.has_time else "%Y-%m-%d")
