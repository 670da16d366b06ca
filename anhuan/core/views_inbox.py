"""The inbox (notifications) and the to-do page (我的待办)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import anhuan.core.todo_consultations  # noqa: F401  (registers the consultation provider)
from anhuan.core import notifications
from anhuan.core.models import Notification
from anhuan.core.todo import overdue_text, todo_for

PAGE_SIZE = 50


def inbox(request):
    page = Paginator(notifications.inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"notification": item, "text": notifications.render(item)} for item in page.object_list]
    return render(request, "core/inbox.html", {"page": page, "rows": rows, "total": page.paginator.count})


@require_POST
def inbox_read(request, pk):
    """Mark one notification read; with ``open`` set, continue to the notification's link."""
    try:
        notification = notifications.mark_read(request.user, pk)
    except Notification.DoesNotExist as exc:
        raise Http404(_("The object was not found.")) from exc
    link = notification.link
    if request.POST.get("open") and link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("inbox")


@require_POST
def inbox_read_all(request):
    changed = notifications.mark_all_read(request.user)
    messages.success(request, _("%(count)s notifications were marked as read.") % {"count": changed})
    return redirect("inbox")


def todo_rows(user, now=None):
    """Return the user's to-do items as rows for a table, with the overdue text."""
    now = now or timezone.now()
    return [
        {"item": item, "overdue": item.is_overdue(now), "overdue_text": overdue_text(item.due_at, now)}
        for item in todo_for(user, now)
    ]


def todo(request):
    rows = todo_rows(request.user)
    return render(
        request,
        "core/todo.html",
        {"rows": rows, "total": len(rows), "overdue_count": sum(1 for row in rows if row["overdue"])},
    )
