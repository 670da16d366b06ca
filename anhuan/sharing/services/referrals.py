"""Referrals (问题移交): one department hands a problem to the other and follows it to closure.

* The sender is the actor's agency. A county agency refers to the other department of its own
  county. A city agency refers to the other department of the city or of a county.
* The receiver acknowledges the referral and reports back; the sender closes it or returns it
  with reasons, and the receiver reports again. ``anhuan.sharing.domain.referrals`` holds the
  state machine; officers and leaders of the two agencies act, experts only read.
* Every step is a ``ReferralStep`` and an audit entry in the same transaction. Sending notifies
  the receiving agency, a report the sending agency and a return the receiving agency again.
* Overdue (deadline passed, not closed) is a query; ``anhuan.sharing.todo_referrals`` shows it
  to the leaders of both agencies.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core import audit, excel, policy
from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.history import register_detail_labels
from anhuan.core.notifications import notify
from anhuan.core.timeutil import SHANGHAI, to_local
from anhuan.core.uploads import check_upload
from anhuan.enterprises.models import Enterprise
from anhuan.organizations.models import Agency, Department, Level, User
from anhuan.organizations.scope import region_ids_of, require_department, require_staff
from anhuan.sharing import todo_referrals as steps
from anhuan.sharing.domain import referrals as machine
from anhuan.sharing.models import Referral, ReferralFile, ReferralStep

Status = Referral.Status
Action = machine.Action
Side = machine.Side


@audit.register_actions
class ReferralAction(models.TextChoices):
    SEND = "referral.send", gettext_lazy("Referral sent")
    ACKNOWLEDGE = "referral.acknowledge", gettext_lazy("Referral acknowledged")
    REPORT = "referral.report", gettext_lazy("Referral reported back")
    RETURN = "referral.return", gettext_lazy("Referral returned")
    CLOSE = "referral.close", gettext_lazy("Referral closed")


register_detail_labels({"files": gettext_lazy("files"), "feedback": gettext_lazy("feedback")})

AUDIT_ACTIONS = {
    Action.ACKNOWLEDGE: ReferralAction.ACKNOWLEDGE,
    Action.REPORT: ReferralAction.REPORT,
    Action.RETURN: ReferralAction.RETURN,
    Action.CLOSE: ReferralAction.CLOSE,
}
REFERRAL_FIELDS = ["sender", "receiver", "enterprise", "facility", "subject", "description", "deadline", "status"]
FILE_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png")
ACTING_ROLES = steps.ACTING_ROLES


# --- Reading ---------------------------------------------------------------------------------


def get_referral_for_user(user, pk):
    """Return the referral if the user may see it, else raise Http404."""
    try:
        return Referral.objects.visible_to(user).select_related(
            "sender", "receiver", "enterprise", "created_by"
        ).get(pk=pk)
    except Referral.DoesNotExist as exc:
        raise Http404(_("The object was not found.")) from exc


def get_file_for_user(user, pk):
    """Return an evidence file if the user may see its referral, else raise Http404."""
    visible = Referral.objects.visible_to(user).values("pk")
    try:
        return ReferralFile.objects.select_related("referral").get(pk=pk, referral__in=visible)
    except ReferralFile.DoesNotExist as exc:
        raise Http404(_("The object was not found.")) from exc


def can_act(user):
    return user.is_authenticated and user.role in ACTING_ROLES and user.agency_id is not None


def receiver_choices(user):
    """Return the agencies ``user``'s agency may refer a problem to (none for users who cannot refer)."""
    if not can_act(user):
        return Agency.objects.none()
    agency = user.agency
    agencies = Agency.objects.exclude(department=agency.department).select_related("region")
    if agency.level != Level.CITY:
        agencies = agencies.filter(region_id=agency.region_id)
    return agencies.order_by("level", "region__sort_order", "region__code")


def side_of(user, referral):
    """Return the side the user acts for on ``referral``, or None when they may not act on it."""
    if not can_act(user):
        return None
    if user.agency_id == referral.sender_id:
        return Side.SENDER
    if user.agency_id == referral.receiver_id:
        return Side.RECEIVER
    return None


def actions_for(user, referral):
    """Return the actions the page offers ``user``; ``act_on_referral`` enforces the same rule."""
    return machine.available_actions(referral.status, side_of(user, referral))


def overdue_days(referral, now=None):
    return machine.overdue_days(referral.status, referral.deadline, now or timezone.now())


# --- Files -----------------------------------------------------------------------------------


def validate_file(upload):
    """Return the SHA-256 of an accepted document or image; raise ValidationFailed naming a bad file."""
    limit = policy.get(steps.MAX_FILE_MB) * 1024 * 1024
    return check_upload(upload, extensions=FILE_EXTENSIONS, max_bytes=limit, field="files")


def _save_files(referral, checked, actor):
    """Store (upload, sha256) pairs checked by ``validate_file`` and return their file names."""
    names = []
    for upload, sha256 in checked:
        stored = ReferralFile.objects.create(
            referral=referral, file=upload, file_name=PurePath(upload.name).name[:255], sha256=sha256,
            uploaded_by=actor,
        )
        names.append(stored.file_name)
    return names


# --- Notifications ---------------------------------------------------------------------------


def _acting_users(agency_id):
    return User.objects.filter(agency_id=agency_id, role__in=ACTING_ROLES, is_active=True).order_by("pk")


def _notify(referral, kind, agency_id, now):
    """Notify the officers and leaders of one agency, in one digest per agency and day."""
    day = to_local(now).date().isoformat()
    data = {
        "subject": referral.subject, "sender": referral.sender.name, "receiver": referral.receiver.name,
        "referral": referral.pk,
    }
    notify(
        _acting_users(agency_id), kind=kind, digest_key=f"{kind}:{agency_id}:{day}", data=data,
        link=reverse("sharing:referral-detail", args=[referral.pk]),
    )


# --- Sending ---------------------------------------------------------------------------------


def _require_actor(actor):
    require_staff(actor)
    if actor.role not in ACTING_ROLES:
        raise NotPermitted(_("Only officers and leaders of an agency can act on referrals."))


def create_referral(*, actor, receiver, subject, description, deadline, enterprise=None, facility="", files=(),
                    now=None):
    """Send a referral from the actor's agency to ``receiver`` and notify the receiving agency.

    Raises:
        NotPermitted: the actor is not an officer or leader of an agency.
        OutOfScope: the enterprise is outside the actor's scope.
        ValidationFailed: the receiver, enterprise region, text, deadline or a file is invalid.
    """
    now = now or timezone.now()
    _require_actor(actor)
    sender = actor.agency
    machine.check_receiver(sender, receiver)
    machine.validate_content(subject=subject, description=description, has_enterprise=enterprise is not None,
                             facility=facility)
    if enterprise is not None:
        if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
            raise OutOfScope(field="enterprise")
        machine.check_enterprise_region(sender, receiver, enterprise.region_id)
    machine.validate_deadline(deadline, now)
    checked = [(upload, validate_file(upload)) for upload in files]

    with transaction.atomic():
        referral = Referral.objects.create(
            sender=sender, receiver=receiver, enterprise=enterprise, facility=str(facility or "").strip(),
            subject=str(subject).strip(), description=str(description).strip(), deadline=deadline,
            status=Status.SENT, created_by=actor,
        )
        ReferralStep.objects.create(referral=referral, action=Action.SEND, actor=actor)
        names = _save_files(referral, checked, actor)
        audit.record(actor, ReferralAction.SEND, referral,
                     changes=audit.diff({}, audit.snapshot(referral, REFERRAL_FIELDS)), files=names)
        _notify(referral, steps.KIND_RECEIVED, receiver.pk, now)
    return referral


def refer_missing_safety_demonstration(*, actor, enterprise, facility_name, description, files=(), now=None):
    """Refer a key environmental facility found without a safety demonstration to the emergency side.

    The actor's environment agency sends the referral to the emergency agency of the same
    region and level, with a fixed subject and the default deadline. ``files`` (the finding's
    evidence) are stored with the referral, where the receiving agency downloads them.

    Raises:
        NotPermitted: the actor is not environment staff.
        ValidationFailed: the facility is not named, or ``create_referral`` rejects the input.
    """
    now = now or timezone.now()
    require_department(actor, Department.ENVIRONMENT)
    if not str(facility_name or "").strip():
        raise ValidationFailed(_("Name the facility that has no safety demonstration."), field="facility")
    receiver = Agency.objects.get(department=Department.EMERGENCY, region_id=actor.agency.region_id)
    # The subject is stored text that both bureaus read, so it is written in their working language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Key environmental facility without a safety demonstration")
    deadline = now + dt.timedelta(days=policy.get(steps.DEFAULT_DAYS))
    return create_referral(
        actor=actor, receiver=receiver, enterprise=enterprise, facility=facility_name, subject=subject,
        description=description, deadline=deadline, files=files, now=now,
    )


# --- Steps -----------------------------------------------------------------------------------


def act_on_referral(referral, *, actor, action, comment="", files=(), now=None):
    """Take one step (acknowledge, report, return, close) on a referral for the actor's agency.

    Records a ``ReferralStep`` and an audit entry. A report stores the feedback and files and
    notifies the sender. A return notifies the receiver, and a close sets ``closed_at``.

    Raises:
        OutOfScope: the referral is outside the actor's scope (another county).
        NotPermitted: the actor is not an officer or leader, or acts for the wrong side.
        TransitionNotAllowed: the step does not fit the referral's status.
        ValidationFailed: a report without feedback, a return without reasons, or a bad file.
    """
    now = now or timezone.now()
    _require_actor(actor)
    if not Referral.objects.visible_to(actor).filter(pk=referral.pk).exists():
        raise OutOfScope()
    comment = str(comment or "").strip()
    uploads = list(files)
    machine.validate_files_allowed(action, uploads)
    checked = [(upload, validate_file(upload)) for upload in uploads]

    with transaction.atomic():
        # The row lock makes two people of one agency acting at once take turns.
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        old = referral.status
        new = machine.next_status(old, action, side_of(actor, referral))
        machine.validate_text(action, comment)
        referral.status = new
        update = ["status", "updated_at"]
        if action == Action.REPORT:
            referral.feedback = comment
            update.append("feedback")
        if new == Status.CLOSED:
            referral.closed_at = now
            update.append("closed_at")
        referral.save(update_fields=update)
        ReferralStep.objects.create(referral=referral, action=action, actor=actor, comment=comment)
        names = _save_files(referral, checked, actor)
        audit.record(actor, AUDIT_ACTIONS[action], referral, changes={"status": [old, new]}, comment=comment,
                     files=names)
        referral = Referral.objects.select_related("sender", "receiver").get(pk=referral.pk)
        if action == Action.REPORT:
            _notify(referral, steps.KIND_REPORTED, referral.sender_id, now)
        elif action == Action.RETURN:
            _notify(referral, steps.KIND_RETURNED, referral.receiver_id, now)
    return referral


def acknowledge_referral(referral, *, actor, comment="", now=None):
    return act_on_referral(referral, actor=actor, action=Action.ACKNOWLEDGE, comment=comment, now=now)


def report_referral(referral, *, actor, feedback, files=(), now=None):
    return act_on_referral(referral, actor=actor, action=Action.REPORT, comment=feedback, files=files, now=now)


def return_referral(referral, *, actor, reasons, now=None):
    return act_on_referral(referral, actor=actor, action=Action.RETURN, comment=reasons, now=now)


def close_referral(referral, *, actor, comment="", now=None):
    return act_on_referral(referral, actor=actor, action=Action.CLOSE, comment=comment, now=now)


# --- Statistics ------------------------------------------------------------------------------


@dataclass
class StatisticsRow:
    """One agency's referrals of one month (by the month they were sent, Asia/Shanghai).

    ``sent`` and ``received`` count the referrals by direction. ``closed``, ``overdue`` and the
    average days to close cover every referral the agency sent or received that month.
    """

    agency_id: int
    agency_name: str
    month: dt.date
    sort_key: tuple
    sent: int = 0
    received: int = 0
    closed: int = 0
    overdue: int = 0
    close_seconds: float = 0.0

    @property
    def average_days_to_close(self):
        """Mean days from sending to closing of the closed referrals, one decimal; None when none closed."""
        if not self.closed:
            return None
        return round(self.close_seconds / 86400 / self.closed, 1)


_SIDE_FIELDS = ("id", "name", "region_id", "level", "department", "region__sort_order")


def _seconds(value):
    return value.total_seconds() if value is not None else 0.0


def referral_statistics(user, *, year, region=None, department=None, now=None):
    """Return the StatisticsRow items of every agency in the user's scope for ``year``, by month and agency.

    One aggregate query groups the visible referrals by month, sender and receiver; each group
    then counts for both agencies. Agencies outside the user's regions are left out, as are
    agencies of other regions or departments when ``region`` or ``department`` is given.
    """
    now = now or timezone.now()
    start = dt.datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    closed = Q(status=Status.CLOSED)
    duration = ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
    fields = [f"{side}__{name}" for side in ("sender", "receiver") for name in _SIDE_FIELDS]
    groups = (
        Referral.objects.visible_to(user)
        .filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at", tzinfo=SHANGHAI))
        .values("month", *fields)
        .annotate(
            total=Count("pk"),
            closed_count=Count("pk", filter=closed),
            overdue_count=Count("pk", filter=~closed & Q(deadline__lt=now)),
            close_time=Sum(duration, filter=closed),
        )
        .order_by()
    )

    regions = region_ids_of(user)
    rows = {}
    for group in groups:
        month = to_local(group["month"]).date() if isinstance(group["month"], dt.datetime) else group["month"]
        for side in ("sender", "receiver"):
            agency = {name: group[f"{side}__{name}"] for name in _SIDE_FIELDS}
            if regions is not None and agency["region_id"] not in regions:
                continue
            if region is not None and agency["region_id"] != region.pk:
                continue
            if department and agency["department"] != department:
                continue
            key = (month, agency["id"])
            if key not in rows:
                sort_key = (agency["level"] != Level.CITY, agency["region__sort_order"], agency["department"])
                rows[key] = StatisticsRow(agency["id"], agency["name"], month, sort_key)
            row = rows[key]
            if side == "sender":
                row.sent += group["total"]
            else:
                row.received += group["total"]
            row.closed += group["closed_count"]
            row.overdue += group["overdue_count"]
            row.close_seconds += _seconds(group["close_time"])
    return sorted(rows.values(), key=lambda row: (row.month, row.sort_key))


def write_statistics_xlsx(rows, target, *, title):
    """Write statistics rows as an Excel sheet to a path or binary stream."""
    columns = [
        excel.Column(_("Month"), 10, excel.TEXT),
        excel.Column(_("Agency"), 26, excel.TEXT),
        excel.Column(_("Sent"), 10, excel.NUMBER),
        excel.Column(_("Received"), 10, excel.NUMBER),
        excel.Column(_("Closed"), 10, excel.NUMBER),
        excel.Column(_("Overdue"), 10, excel.NUMBER),
        excel.Column(_("Average days to close"), 14, excel.NUMBER),
    ]
    values = [
        [row.month.strftime("%Y-%m"), row.agency_name, row.sent, row.received, row.closed, row.overdue,
         row.average_days_to_close]
        for row in rows
    ]
    workbook = excel.new_workbook()
    excel.write_table(workbook.active, columns, values, title=title, sheet_title=_("Referral statistics"))
    excel.save(workbook, target)
