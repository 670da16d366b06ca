"""Pages of the bulletins: list, detail with acknowledgement, Word download and the ad-hoc form.

Staff of either department read the bulletins of ``Bulletin.objects.visible_to``; anything else
is 404. Enterprise contacts and administrators get 403.
"""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from anhuan.core import policy
from anhuan.core.downloads import attachment_header
from anhuan.core.errors import DomainError, NotPermitted, OutOfScope, TransitionNotAllowed
from anhuan.core.history import history_rows
from anhuan.core.todo import overdue_text
from anhuan.organizations.scope import require_staff
from anhuan.sharing.exports import bulletin_docx
from anhuan.sharing.forms_bulletins import AdhocBulletinForm, BulletinFilterForm
from anhuan.sharing.models import Bulletin
from anhuan.sharing.services import bulletins as services
from anhuan.sharing.todo_bulletins import ACTING_ROLES, REMIND_HOURS, acknowledgement_due_at

PAGE_SIZE = 50


def _require_staff(user):
    try:
        require_staff(user)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc


def _decorate(bulletin, user, now, remind_hours):
    bulletin.direction = "sent" if bulletin.sender_id == user.agency_id else (
        "received" if bulletin.receiver_id == user.agency_id else ""
    )
    bulletin.overdue = services.is_acknowledgement_overdue(bulletin, now, remind_hours)
    bulletin.overdue_text = overdue_text(acknowledgement_due_at(bulletin, remind_hours), now) if bulletin.overdue else ""
    return bulletin


class BulletinListView(View):
    def get(self, request):
        _require_staff(request.user)
        now = timezone.now()
        remind_hours = policy.get(REMIND_HOURS)

        filters = BulletinFilterForm(request.GET)
        bulletins = Bulletin.objects.visible_to(request.user).select_related("sender", "receiver", "acknowledged_by")
        page = Paginator(filters.filter(bulletins, request.user, now), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [_decorate(bulletin, request.user, now, remind_hours) for bulletin in page]
        query = request.GET.copy()
        query.pop("page", None)
        return render(request, "sharing/bulletins/list.html", {
            "filters": filters, "rows": rows, "page": page, "query": query.urlencode(),
            "can_write": request.user.role in ACTING_ROLES,
        })


class BulletinDetailView(View):
    def get(self, request, pk):
        _require_staff(request.user)
        bulletin = services.get_bulletin_for_user(request.user, pk)
        now = timezone.now()
        return render(request, "sharing/bulletins/detail.html", {
            "item": _decorate(bulletin, request.user, now, policy.get(REMIND_HOURS)),
            "sections": bulletin.content.get("sections", []),
            "actions": services.allowed_actions(bulletin, request.user),
            "history": history_rows(bulletin),
        })


class BulletinAcknowledgeView(View):
    def post(self, request, pk):
        _require_staff(request.user)
        bulletin = services.get_bulletin_for_user(request.user, pk)

        try:
            services.acknowledge_bulletin(bulletin, actor=request.user)
        except NotPermitted as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except OutOfScope as exc:
            raise Http404(str(exc.message)) from exc
        except TransitionNotAllowed as exc:
            messages.error(request, exc.message)
            return redirect("sharing:bulletin-detail", pk=bulletin.pk)

        messages.success(request, _("The bulletin was acknowledged."))
        return redirect("sharing:bulletin-detail", pk=bulletin.pk)


class BulletinDocxView(View):
    def get(self, request, pk):
        _require_staff(request.user)
        bulletin = services.get_bulletin_for_user(request.user, pk)

        stream = io.BytesIO()
        bulletin_docx.write_bulletin_docx(bulletin, stream)
        response = HttpResponse(stream.getvalue(), content_type=bulletin_docx.CONTENT_TYPE)
        response["Content-Disposition"] = attachment_header(bulletin_docx.file_name(bulletin), f"bulletin-{bulletin.pk}.docx")
        return response


class BulletinCreateView(View):
    def _render(self, request, form, status=200):
        receiver = services.counterpart_agency(request.user.agency)
        return render(request, "sharing/bulletins/form.html", {"form": form, "receiver": receiver}, status=status)

    def _require_writer(self, user):
        _require_staff(user)
        if user.role not in ACTING_ROLES:
            raise PermissionDenied(_("Only officers and leaders of an agency can send bulletins."))

    def get(self, request):
        self._require_writer(request.user)
        return self._render(request, AdhocBulletinForm())

    def post(self, request):
        self._require_writer(request.user)

        form = AdhocBulletinForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)

        try:
            bulletin = services.send_adhoc_bulletin(actor=request.user, **form.cleaned_data)
        except NotPermitted as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            field = exc.fields.get("field")
            form.add_error(field if field in form.fields else None, str(exc.message))
            return self._render(request, form, status=400)

        messages.success(request, _("The bulletin was sent to %(receiver)s.") % {"receiver": bulletin.receiver.name})
        return redirect("sharing:bulletin-detail", pk=bulletin.pk)
