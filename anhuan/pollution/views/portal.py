"""The enterprise portal home, receipt confirmation, and the staff list of receipts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anhuan.core.errors import NotPermitted, ValidationFailed
from anhuan.core.timeutil import format_local
from anhuan.pollution.models import DocumentKind
from anhuan.pollution.services import portal as service
from anhuan.pollution.tags import LEVEL_TAGS, flag_tags


def url_or_hash(name, *args):
    """Return the URL of ``name``, or "#" while the page is not configured yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return "#"


def _expectations(view, open_maintenance):
    """Return the checklist rows (label, done, state text, link) for one warning."""
    warning_id = view.warning.id
    rows = [
        {
            "key": "receipt",
            "label": _("Confirm receipt of the measures"),
            "done": view.receipt is not None,
            "state": _("Confirmed") if view.receipt else _("Not confirmed"),
            "link": f"#event-{view.event.id}",
        }
    ]
    for kind in DocumentKind:
        document = view.documents.get(kind.value)
        rows.append({
            "key": kind.value,
            "label": _("Upload the %(document)s") % {"document": kind.label},
            "done": document is not None,
            "state": _("Uploaded") if document else _("Not uploaded"),
            "link": url_or_hash("pollution:portal-documents", warning_id),
        })
    roster = view.roster
    rows.append({
        "key": "roster",
        "label": _("Submit the duty roster"),
        "done": roster is not None and roster.status == roster.Status.CONFIRMED,
        "state": roster.get_status_display() if roster else _("Not started"),
        "link": url_or_hash("pollution:portal-roster", warning_id),
    })
    rows.append({
        "key": "maintenance",
        "label": _("High-risk maintenance requests"),
        "done": open_maintenance == 0,
        "state": _("%(count)s open") % {"count": open_maintenance},
        "link": url_or_hash("pollution:portal-maintenance-list"),
    })
    return rows


def portal_home(request):
    try:
        enterprise, views = service.portal_overview(request.user)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc
    open_maintenance = service.open_maintenance_count(request.user)
    for view in views:
        view.level_tag = LEVEL_TAGS.get(view.event.level, "tag-grey")
        view.checklist = _expectations(view, open_maintenance)
        for item in view.items:
            item.flag_tags = flag_tags(item.flags)
    return render(request, "pollution/portal/home.html", {"enterprise": enterprise, "views": views})


@require_POST
def portal_receipt(request, event_id):
    try:
        receipt, created = service.confirm_receipt(request.user, event_id)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("pollution:portal-home")
    if created:
        messages.success(request, _("Receipt of the measures was confirmed."))
    else:
        messages.info(request, _("Receipt was already confirmed on %(time)s; nothing was changed.") % {
            "time": format_local(receipt.acknowledged_at)
        })
    return redirect(reverse("pollution:portal-home") + f"#event-{receipt.event_id}")


def receipt_list(request, event_id):
    try:
        event = service.get_event_for_staff(request.user, event_id)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc
    rows = service.receipts_for_event(event, request.user)
    confirmed = sum(1 for row in rows if row.receipt)
    return render(request, "pollution/portal/receipts.html", {
        "event": event,
        "level_tag": LEVEL_TAGS.get(event.level, "tag-grey"),
        "rows": rows,
        "confirmed": confirmed,
        "missing": len(rows) - confirmed,
    })
