"""Daily digests of overdue follow-through work, one per agency that must act.

Three kinds of work can be overdue:

* a high-risk maintenance request in an open status whose ``due_at`` has passed: the county
  agencies of its region that still owe a decision or a verification outcome must act, and in
  the city expert review also both city agencies;
* on-site guidance that is highlighted (the measure starts within ``onsite.alert_hours`` or has
  started, and the visit is not done or a document is missing): both county agencies of the
  enterprise's region must act;
* a submitted duty roster of a warning in force that no officer confirmed or returned within
  ``rosters.confirm_hours``: both county agencies of the roster's region must act.

``notify_overdue`` sends each leader of such an agency one notification per kind and day whose
count is the number of overdue items. Running it again the same day changes nothing unless new
items became overdue, so the worker may call it every 15 minutes.
"""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from anhuan.core import policy
from anhuan.core.models import Notification
from anhuan.core.notifications import notify, register_kind
from anhuan.core.timeutil import to_local
from anhuan.organizations.models import Agency, Department, Level, Role, User
from anhuan.organizations.services import get_system_user
from anhuan.pollution import todo_onsite, todo_rosters
from anhuan.pollution.domain import maintenance as machine
from anhuan.pollution.models import AgencyDecision, DutyRoster, MaintenanceRequest, PollutionWarning, WarningStatus
from anhuan.pollution.services import onsite as onsite_services

KIND_MAINTENANCE = "overdue.maintenance"
KIND_ONSITE = "overdue.onsite"
KIND_ROSTER = "overdue.roster"


# --- Texts ------------------------------------------------------------------------------------------
# Chinese has one plural form, so singular and plural carry the same placeholders.


def format_maintenance(data, count):
    return ngettext(
        "%(count)s high-risk maintenance request for %(agency)s is past its deadline.",
        "%(count)s high-risk maintenance requests for %(agency)s are past their deadlines.",
        count,
    ) % {"count": count, "agency": data.get("agency", "")}


def format_onsite(data, count):
    return ngettext(
        "%(count)s enterprise in %(region)s still lacks its on-site visit or documents, and its measure starts soon "
        "or has started.",
        "%(count)s enterprises in %(region)s still lack their on-site visit or documents, and their measures start "
        "soon or have started.",
        count,
    ) % {"count": count, "region": data.get("region", "")}


def format_roster(data, count):
    return ngettext(
        "%(count)s duty roster in %(region)s was not confirmed or returned in time.",
        "%(count)s duty rosters in %(region)s were not confirmed or returned in time.",
        count,
    ) % {"count": count, "region": data.get("region", "")}


register_kind(KIND_MAINTENANCE, format_maintenance)
register_kind(KIND_ONSITE, format_onsite)
register_kind(KIND_ROSTER, format_roster)


# --- Finding overdue work -----------------------------------------------------------------------------


class _Agencies:
    """The agencies by level, region and department, read once per run."""

    def __init__(self):
        self.by_id = {agency.pk: agency for agency in Agency.objects.select_related("region")}
        self.local = {}
        self.city = {}
        for agency in self.by_id.values():
            if agency.level == Level.CITY:
                self.city[agency.department] = agency.pk
            else:
                self.local[(agency.region_id, agency.department)] = agency.pk

    def of_region(self, region_id, departments=None):
        """Return the ids of the region's county agencies, optionally of some departments only."""
        return [
            agency_id for (region, department), agency_id in self.local.items()
            if region == region_id and (departments is None or department in departments)
        ]


def _add(found, agency_ids, item, warning_id=None):
    for agency_id in agency_ids:
        found.setdefault(agency_id, {})[str(item)] = warning_id


def overdue_maintenance(agencies, now):
    """Return {agency id: {request id: None}} of the overdue open requests, by agency that must act."""
    found = {}
    requests = (
        MaintenanceRequest.objects.filter(status__in=machine.OPEN_STATES, due_at__lt=now)
        .prefetch_related("decisions")
        .order_by("pk")
    )
    for request in requests:
        decisions = {decision.department: decision for decision in request.decisions.all()}
        visit_pending = {
            department for department, decision in decisions.items()
            if decision.decision in machine.VISIT_DECISIONS and decision.outcome == AgencyDecision.Outcome.PENDING
        }
        if request.status == MaintenanceRequest.Status.EXPERT_REVIEW:
            # Both city agencies organise the review and confirm its conclusion. The conclusion counts
            # for a county department that has not decided, so only a pending verification outcome is owed.
            _add(found, agencies.city.values(), request.pk)
            if visit_pending:
                _add(found, agencies.of_region(request.region_id, visit_pending), request.pk)
        else:
            owing = {department for department in Department.values if department not in decisions} | visit_pending
            # When neither county department owes the step by its decisions, both are responsible for it.
            _add(found, agencies.of_region(request.region_id, owing or None), request.pk)
    return found


def overdue_onsite(agencies, now):
    """Return {agency id: {"warning:enterprise": warning id}} of the highlighted on-site guidance."""
    found = {}
    warning_ids = list(PollutionWarning.objects.in_force().values_list("pk", flat=True))
    if not warning_ids:
        return found
    for row in onsite_services.onsite_overview(get_system_user(), warning_ids, now=now):
        if row.highlighted:
            _add(found, agencies.of_region(row.region.pk), f"{row.warning_id}:{row.enterprise.pk}", row.warning_id)
    return found


def overdue_rosters(agencies, now):
    """Return {agency id: {roster id: warning id}} of the submitted rosters past the confirmation time."""
    found = {}
    limit = now - dt.timedelta(hours=policy.get(todo_rosters.CONFIRM_HOURS_KEY))
    rosters = DutyRoster.objects.filter(
        status=DutyRoster.Status.SUBMITTED, warning__status=WarningStatus.IN_FORCE, submitted_at__lt=limit
    ).values_list("pk", "region_id", "warning_id")
    for roster_id, region_id, warning_id in rosters:
        _add(found, agencies.of_region(region_id), roster_id, warning_id)
    return found


# --- Links ----------------------------------------------------------------------------------------------


def _single_warning(items):
    warning_ids = set(items.values())
    return warning_ids.pop() if len(warning_ids) == 1 else None


def _link(kind, agency, items):
    """Return the page listing the overdue items, or the to-do list when they belong to several warnings."""
    if kind == KIND_MAINTENANCE:
        query = "overdue=1" if agency.level == Level.CITY else f"overdue=1&region={agency.region_id}"
        return f"{reverse('pollution:maintenance-list')}?{query}"
    warning_id = _single_warning(items)
    if warning_id is None:
        return reverse("todo")
    if kind == KIND_ONSITE:
        return todo_onsite.list_url(warning_id, alert=1, region=agency.region_id)
    return todo_rosters.list_url(warning_id, state="submitted", region=agency.region_id)


# --- Sending --------------------------------------------------------------------------------------------


def _leaders_by_agency(agency_ids):
    leaders = {}
    for user in User.objects.filter(agency_id__in=agency_ids, role=Role.LEADER, is_active=True).order_by("pk"):
        leaders.setdefault(user.agency_id, []).append(user)
    return leaders


def _send(kind, found, agencies, day):
    """Write one digest per agency and leader; return the number of agencies whose leaders were notified."""
    leaders = _leaders_by_agency(list(found))
    notified = 0
    for agency_id, items in sorted(found.items()):
        recipients = leaders.get(agency_id, [])
        if not recipients:
            continue
        digest_key = f"{kind}:{agency_id}:{day}"
        item_keys = sorted(items)
        known = {
            notification.recipient_id: set(notification.data.get("items", []))
            for notification in Notification.objects.filter(digest_key=digest_key, recipient__in=recipients)
        }
        # A leader whose digest of today already lists every item is not notified again.
        fresh = [user for user in recipients if not set(item_keys) <= known.get(user.pk, set())]
        if not fresh:
            continue
        agency = agencies.by_id[agency_id]
        data = {"agency": agency.name, "region": agency.region.name, "items": item_keys}
        notify(fresh, kind=kind, digest_key=digest_key, data=data, link=_link(kind, agency, items))
        # The digest counts the overdue items, not the runs that found them.
        Notification.objects.filter(digest_key=digest_key, recipient__in=fresh).update(count=len(item_keys))
        notified += 1
    return notified


def notify_overdue(now=None):
    """Send today's overdue digests; return {kind: number of agencies whose leaders were notified in this run}."""
    now = now or timezone.now()
    day = to_local(now).date().isoformat()
    agencies = _Agencies()
    finders = {
        KIND_MAINTENANCE: overdue_maintenance,
        KIND_ONSITE: overdue_onsite,
        KIND_ROSTER: overdue_rosters,
    }
    result = {}
    with transaction.atomic():
        for kind, finder in finders.items():
            result[kind] = _send(kind, finder(agencies, now), agencies, day)
    return result
