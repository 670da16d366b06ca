"""Duty rosters (值班值守表) for warnings in force.

* Every enterprise with a plan item in the latest plan of a warning keeps a 24-hour duty roster
  with a leader on duty for that warning. Its enterprise contact drafts and submits the roster.
* Officers and leaders of either department whose scope covers the enterprise's region confirm
  or return a submitted roster and record spot checks of the duty phones.
* An unanswered spot check sends a digest to the leaders of the region's two county agencies.
"""

from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit, excel, policy
from anhuan.core.errors import NotPermitted, OutOfScope, TransitionNotAllowed, ValidationFailed
from anhuan.core.notifications import notify
from anhuan.core.timeutil import format_local
from anhuan.enterprises.models import Enterprise
from anhuan.organizations.models import Agency, Level, Region, Role, User
from anhuan.organizations.scope import covers_region, enterprise_id_of, region_ids_of
from anhuan.pollution import todo_rosters
from anhuan.pollution.domain import rosters as domain
from anhuan.pollution.models import DutyRoster, DutyShift, PlanItem, PollutionWarning, SpotCheck, WarningEvent, WarningStatus


@audit.register_actions
class RosterAction(models.TextChoices):
    SAVE = "roster.save", gettext_lazy("Duty roster saved as a draft")
    SUBMIT = "roster.submit", gettext_lazy("Duty roster submitted")
    CONFIRM = "roster.confirm", gettext_lazy("Duty roster confirmed")
    RETURN = "roster.return", gettext_lazy("Duty roster returned")
    SPOT_CHECK = "roster.spot_check", gettext_lazy("Duty phone spot-checked")


# Roles that confirm, return and spot-check rosters.
ACTING_ROLES = {Role.OFFICER, Role.LEADER}
SHIFT_FIELDS = ["starts_at", "ends_at", "person_name", "person_phone", "leader_name", "leader_phone"]


# --- Who must keep duty ---------------------------------------------------------------------


def latest_event_ids(warning_ids):
    """Return {warning id: id of its latest event} in one query."""
    latest = {}
    rows = WarningEvent.objects.filter(warning_id__in=list(warning_ids)).values_list("warning_id", "id", "sequence")
    for warning_id, event_id, sequence in rows:
        if warning_id not in latest or sequence > latest[warning_id][1]:
            latest[warning_id] = (event_id, sequence)
    return {warning_id: event_id for warning_id, (event_id, _sequence) in latest.items()}


def duty_items(user, warning_ids):
    """Return the plan items of the warnings' latest plans that the user may see."""
    return PlanItem.objects.visible_to(user).filter(plan__event_id__in=list(latest_event_ids(warning_ids).values()))


def must_keep_duty(warning, enterprise_id):
    event_id = latest_event_ids([warning.pk]).get(warning.pk)
    return PlanItem.objects.filter(plan__event_id=event_id, enterprise_id=enterprise_id).exists()


def in_force_warnings(user):
    return PollutionWarning.objects.visible_to(user).in_force().order_by("-announced_at", "-id")


# --- The enterprise contact's roster -----------------------------------------------------------


def portal_roster(user, warning_id):
    """Return (warning, enterprise, roster or None) of the contact's enterprise for one warning.

    Raises:
        NotPermitted: the user is not an enterprise contact.
        OutOfScope: the warning is not visible or the enterprise has no plan item in its latest plan.
    """
    enterprise_id = enterprise_id_of(user)
    if enterprise_id is None:
        raise NotPermitted(_("Only enterprise contacts fill in duty rosters."))
    warning = PollutionWarning.objects.visible_to(user).filter(pk=warning_id).first()
    if warning is None or not must_keep_duty(warning, enterprise_id):
        raise OutOfScope()
    enterprise = user.enterprise_contact.enterprise
    roster = DutyRoster.objects.filter(warning=warning, enterprise_id=enterprise_id).first()
    return warning, enterprise, roster


def _shift_record(shift):
    return {name: audit.snapshot(shift, [name])[name] for name in SHIFT_FIELDS}


def save_roster(warning_id, shifts, *, actor, submit=False):
    """Replace the shifts of the contact's roster for a warning, and submit it when ``submit``.

    A draft needs the start and end of every shift; a submission needs every rule of
    ``domain.check_shifts``. On any error nothing is written.

    Raises:
        ValidationFailed: with ``errors`` (a list of ``domain.ShiftError``) in its fields.
        TransitionNotAllowed: the roster is submitted or confirmed.
    """
    warning, enterprise, roster = portal_roster(actor, warning_id)
    if warning.status != WarningStatus.IN_FORCE:
        raise TransitionNotAllowed(_("The warning has been lifted; its duty roster can no longer be changed."))
    state = roster.status if roster is not None else domain.NONE
    target = domain.check_transition(state, "submit" if submit else "edit")

    min_hours = policy.get(todo_rosters.MIN_COVERAGE_KEY)
    errors = domain.check_shifts(shifts, warning_starts_at=warning.starts_at, min_hours=min_hours)
    if not submit:
        # The database needs both times of a shift; a draft may leave everything else for later.
        errors = [error for error in errors if error.code == "missing" and error.field in ("starts_at", "ends_at")]
    if errors:
        raise ValidationFailed(_("The duty roster has errors; correct them and save again."), errors=errors)

    with transaction.atomic():
        if roster is None:
            roster = DutyRoster.objects.create(warning=warning, enterprise=enterprise, region_id=enterprise.region_id)
        before = [_shift_record(shift) for shift in roster.shifts.all()]
        roster.shifts.all().delete()
        DutyShift.objects.bulk_create([
            DutyShift(roster=roster, **{name: getattr(shift, name) or "" for name in SHIFT_FIELDS[2:]},
                      starts_at=shift.starts_at, ends_at=shift.ends_at)
            for shift in shifts
        ])
        old_status = roster.status
        if target is not None:
            roster.status = target
            roster.submitted_by = actor
            roster.submitted_at = timezone.now()
            roster.return_reason = ""
        roster.save()
        after = [_shift_record(shift) for shift in roster.shifts.all()]
        changes = {"shifts": [before, after]} if before != after else {}
        if old_status != roster.status:
            changes["status"] = [old_status, roster.status]
        audit.record(actor, RosterAction.SUBMIT if submit else RosterAction.SAVE, roster, changes=changes)
    return roster


# --- Officers: confirm, return, spot-check ------------------------------------------------------


def is_acting_staff(user):
    return user.role in ACTING_ROLES and region_ids_of(user) != set()


def check_can_act(actor, roster):
    """Raise unless ``actor`` may confirm, return or spot-check ``roster``."""
    if not is_acting_staff(actor):
        raise NotPermitted(_("Only officers and leaders of the emergency management and ecology and environment agencies may do this."))
    if not covers_region(actor, roster.region_id):
        raise OutOfScope()


def can_act(user, roster):
    try:
        check_can_act(user, roster)
    except (NotPermitted, OutOfScope):
        return False
    return True


def confirm_roster(roster, *, actor):
    """Confirm a submitted roster; a confirmed roster is final for its warning."""
    check_can_act(actor, roster)
    with transaction.atomic():
        roster = DutyRoster.objects.select_for_update().get(pk=roster.pk)
        target = domain.check_transition(roster.status, "confirm")
        old_status = roster.status
        roster.status = target
        roster.confirmed_by = actor
        roster.confirmed_at = timezone.now()
        roster.save()
        audit.record(actor, RosterAction.CONFIRM, roster, changes={"status": [old_status, target]})
    return roster


def return_roster(roster, reason, *, actor):
    """Return a submitted roster to the enterprise contact with a reason."""
    check_can_act(actor, roster)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for returning the roster."), field="reason")
    with transaction.atomic():
        roster = DutyRoster.objects.select_for_update().get(pk=roster.pk)
        target = domain.check_transition(roster.status, "return")
        old_status = roster.status
        roster.status = target
        roster.return_reason = reason
        roster.save()
        audit.record(actor, RosterAction.RETURN, roster, changes={"status": [old_status, target]}, reason=reason)
    return roster


def record_spot_check(roster, *, actor, phone, answered, answered_by="", note="", checked_at=None):
    """Record a call to a duty phone; an unanswered call notifies the leaders of the region's county agencies."""
    check_can_act(actor, roster)
    domain.check_transition(roster.status, "spot_check")
    phone = (phone or "").strip()
    if not domain.is_phone_number(phone):
        raise ValidationFailed(
            _("The number called, %(phone)s, is not a valid phone number.") % {"phone": phone}, field="phone"
        )
    checked_at = checked_at or timezone.now()
    if checked_at > timezone.now():
        raise ValidationFailed(_("The time of the call cannot be in the future."), field="checked_at")
    with transaction.atomic():
        check = SpotCheck.objects.create(
            roster=roster, checked_at=checked_at, checked_by=actor, phone=phone, answered=answered,
            answered_by=(answered_by or "").strip(), note=(note or "").strip(),
        )
        audit.record(
            actor, RosterAction.SPOT_CHECK, roster, spot_check=check.pk, phone=phone, answered=answered,
            answered_by=check.answered_by, checked_at=checked_at,
        )
        if not answered:
            _notify_unanswered(roster)
    return check


def county_leaders(region_id):
    """Return the active leaders of the region's county emergency and environment agencies."""
    agencies = Agency.objects.filter(level=Level.COUNTY, region_id=region_id)
    return list(User.objects.filter(agency__in=agencies, role=Role.LEADER, is_active=True))


def _notify_unanswered(roster):
    region = Region.objects.get(pk=roster.region_id)
    notify(
        county_leaders(roster.region_id),
        kind=todo_rosters.UNANSWERED_KIND,
        digest_key=f"{todo_rosters.UNANSWERED_KIND}:{roster.warning_id}:{roster.region_id}",
        data={
            "warning_id": roster.warning_id,
            "region": region.name,
            "enterprise": roster.enterprise.name,
            "announced": format_local(roster.warning.announced_at),
        },
        link=todo_rosters.list_url(roster.warning_id, region=roster.region_id),
    )


# --- The list -------------------------------------------------------------------------------------


@dataclass
class RosterRow:
    """One enterprise that must keep duty for one warning, with its roster and latest spot check."""

    warning: PollutionWarning
    enterprise: object
    region: Region
    roster: DutyRoster | None = None
    last_check: SpotCheck | None = None

    @property
    def state(self):
        return self.roster.status if self.roster is not None else domain.NONE

    @property
    def state_name(self):
        return domain.STATE_NAMES[self.state]

    @property
    def shifts(self):
        return list(self.roster.shifts.all()) if self.roster is not None else []

    def shift_at(self, moment):
        """Return the shift on duty at ``moment``, else the first shift, else None."""
        shifts = self.shifts
        for shift in shifts:
            if shift.starts_at <= moment < shift.ends_at:
                return shift
        return shifts[0] if shifts else None


def roster_rows(user, warning_ids, *, region_id=None, state=None):
    """Return a row per enterprise and warning whose latest plan lists the enterprise, in the user's scope.

    The number of queries does not grow with the number of rows.
    """
    items = duty_items(user, warning_ids)
    if region_id:
        items = items.filter(region_id=region_id)
    pairs = sorted(set(items.values_list("plan__event__warning_id", "enterprise_id", "region_id")))
    if not pairs:
        return []
    warnings = PollutionWarning.objects.in_bulk({warning_id for warning_id, _e, _r in pairs})
    regions = Region.objects.in_bulk({region for _w, _e, region in pairs})
    enterprises = Enterprise.objects.in_bulk({enterprise for _w, enterprise, _r in pairs})
    rosters = {
        (roster.warning_id, roster.enterprise_id): roster
        for roster in DutyRoster.objects.filter(warning_id__in=warnings, enterprise_id__in=enterprises)
        .prefetch_related("shifts")
    }
    last_checks = {}
    for check in SpotCheck.objects.filter(roster__in=rosters.values()).select_related("checked_by"):
        # Spot checks come newest first, so the first seen per roster is its latest.
        last_checks.setdefault(check.roster_id, check)

    rows = []
    for warning_id, enterprise_id, region in pairs:
        roster = rosters.get((warning_id, enterprise_id))
        rows.append(RosterRow(
            warning=warnings[warning_id], enterprise=enterprises[enterprise_id], region=regions[region],
            roster=roster, last_check=last_checks.get(roster.pk) if roster else None,
        ))
    if state:
        rows = [row for row in rows if row.state == state]
    rows.sort(key=lambda row: (row.region.sort_order, row.region.code or "", row.enterprise.name, -row.warning.pk))
    return rows


def unconfirmed_counts(user, warning_ids):
    """Return [{region_id, region_name, total, unconfirmed}] per region with one counting query.

    ``total`` counts the (warning, enterprise) pairs that must keep duty, ``unconfirmed`` those
    without a confirmed roster.
    """
    confirmed = DutyRoster.objects.filter(
        warning_id=OuterRef("plan__event__warning_id"), enterprise_id=OuterRef("enterprise_id"),
        status=DutyRoster.Status.CONFIRMED,
    )
    rows = (
        duty_items(user, warning_ids)
        .annotate(has_confirmed=Exists(confirmed))
        .values("region_id", "region__name", "region__sort_order", "plan__event__warning_id")
        .annotate(
            total=Count("enterprise_id", distinct=True),
            unconfirmed=Count("enterprise_id", distinct=True, filter=Q(has_confirmed=False)),
        )
        .order_by("region__sort_order", "region_id")
    )
    by_region = {}
    for row in rows:
        entry = by_region.setdefault(row["region_id"], {
            "region_id": row["region_id"], "region_name": row["region__name"], "total": 0, "unconfirmed": 0,
        })
        entry["total"] += row["total"]
        entry["unconfirmed"] += row["unconfirmed"]
    return list(by_region.values())


# --- The Excel export -----------------------------------------------------------------------------


def write_roster_xlsx(rows, target, *, now=None):
    """Write the list rows (sheet 1) and every shift (sheet 2) to an xlsx file; phones are text cells."""
    now = now or timezone.now()
    workbook = excel.new_workbook()
    list_columns = [
        excel.Column(_("Region"), 12, excel.TEXT),
        excel.Column(_("Enterprise name"), 30, excel.TEXT),
        excel.Column(_("Warning"), 18, excel.TEXT),
        excel.Column(_("Roster state"), 10, excel.TEXT),
        excel.Column(_("Person on duty"), 12, excel.TEXT),
        excel.Column(_("Phone of the person on duty"), 16, excel.TEXT),
        excel.Column(_("Leader on duty"), 12, excel.TEXT),
        excel.Column(_("Phone of the leader on duty"), 16, excel.TEXT),
        excel.Column(_("Last spot check"), 18, excel.DATETIME),
        excel.Column(_("Answered"), 8, excel.TEXT),
    ]
    list_values = []
    for row in rows:
        shift = row.shift_at(now)
        check = row.last_check
        answered = ""
        if check is not None:
            answered = _("Yes") if check.answered else _("No")
        list_values.append([
            row.region.name, row.enterprise.name, str(row.warning), str(row.state_name),
            shift.person_name if shift else "", shift.person_phone if shift else "",
            shift.leader_name if shift else "", shift.leader_phone if shift else "",
            check.checked_at if check else None,
            answered,
        ])
    excel.write_table(workbook.active, list_columns, list_values, title=_("Duty rosters"), sheet_title=_("Rosters"))

    shift_columns = [
        excel.Column(_("Region"), 12, excel.TEXT),
        excel.Column(_("Enterprise name"), 30, excel.TEXT),
        excel.Column(_("Shift starts"), 18, excel.DATETIME),
        excel.Column(_("Shift ends"), 18, excel.DATETIME),
        excel.Column(_("Person on duty"), 12, excel.TEXT),
        excel.Column(_("Phone of the person on duty"), 16, excel.TEXT),
        excel.Column(_("Leader on duty"), 12, excel.TEXT),
        excel.Column(_("Phone of the leader on duty"), 16, excel.TEXT),
    ]
    shift_values = [
        [row.region.name, row.enterprise.name, shift.starts_at, shift.ends_at,
         shift.person_name, shift.person_phone, shift.leader_name, shift.leader_phone]
        for row in rows for shift in row.shifts
    ]
    excel.write_table(workbook.create_sheet(), shift_columns, shift_values, sheet_title=_("Shifts"))
    excel.save(workbook, target)
