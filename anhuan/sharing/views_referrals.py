"""Referral pages: list, new referral, detail with timeline and actions, files and statistics.

Only staff open these pages (contacts and administrators get 403). Every referral and file is
loaded through ``Referral.objects.visible_to``, so another county's referral is 404.
"""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from anhuan.core.downloads import attachment_header
from anhuan.core.errors import DomainError, NotPermitted, OutOfScope
from anhuan.core.timeutil import to_local
from anhuan.organizations.models import Region
from anhuan.organizations.scope import region_ids_of, require_staff
from anhuan.sharing.domain.referrals import Action
from anhuan.sharing.forms_referrals import (
    ReferralActionForm,
    ReferralFilterForm,
    ReferralForm,
    StatisticsFilterForm,
)
from anhuan.sharing.models import Referral
from anhuan.sharing.services import referrals as services

Status = Referral.Status
PAGE_SIZE = 50
STATUS_TAGS = {
    Status.SENT: "tag-yellow", Status.ACKNOWLEDGED: "tag-blue", Status.REPORTED: "tag-orange",
    Status.RETURNED: "tag-red", Status.CLOSED: "tag-green",
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_staff(user):
    try:
        require_staff(user)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc


def _regions_for(user):
    regions = region_ids_of(user)
    return Region.objects.all() if regions is None else Region.objects.filter(pk__in=regions)


def _decorate(referral, now):
    referral.status_tag = STATUS_TAGS.get(referral.status, "tag-grey")
    referral.overdue_days = services.overdue_days(referral, now)
    return referral


def _form_error(form, error):
    field = error.fields.get("field")
    form.add_error(field if field in form.fields else None, str(error.message))


class ReferralListView(View):
    def get(self, request):
        _require_staff(request.user)
        now = timezone.now()

        filters = ReferralFilterForm(request.GET, regions=_regions_for(request.user))
        referrals = Referral.objects.visible_to(request.user).select_related("sender", "receiver", "enterprise")
        referrals = filters.filter(referrals, user=request.user, now=now).order_by("-created_at", "-id")
        page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
        for referral in page:
            _decorate(referral, now)

        query = request.GET.copy()
        query.pop("page", None)
        return render(request, "sharing/referrals/list.html", {
            "filters": filters, "page": page, "query": query.urlencode(), "can_refer": services.can_act(request.user),
        })


class ReferralCreateView(View):
    def _render(self, request, form, status=200):
        return render(request, "sharing/referrals/form.html", {"form": form}, status=status)

    def get(self, request):
        _require_staff(request.user)
        if not services.can_act(request.user):
            raise PermissionDenied(_("Only officers and leaders of an agency can act on referrals."))
        form = ReferralForm(user=request.user, initial={"enterprise": request.GET.get("enterprise")})
        return self._render(request, form)

    def post(self, request):
        _require_staff(request.user)

        form = ReferralForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self._render(request, form, status=400)

        try:
            referral = services.create_referral(actor=request.user, **form.cleaned_data)
        except NotPermitted as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            _form_error(form, exc)
            return self._render(request, form, status=400)

        messages.success(request, _("The referral was sent to %(agency)s.") % {"agency": referral.receiver.name})
        return redirect("sharing:referral-detail", pk=referral.pk)


class ReferralDetailView(View):
    def get(self, request, pk):
        _require_staff(request.user)
        referral = _decorate(services.get_referral_for_user(request.user, pk), timezone.now())

        steps = list(referral.steps.select_related("actor", "actor__agency"))
        for step in steps:
            step.label = Action(step.action).label if step.action in Action.values else step.action
        return render(request, "sharing/referrals/detail.html", {
            "item": referral,
            "steps": steps,
            "files": list(referral.files.select_related("uploaded_by", "uploaded_by__agency").order_by("uploaded_at", "id")),
            "actions": services.actions_for(request.user, referral),
            "side": services.side_of(request.user, referral),
        })


class ReferralActView(View):
    """Acknowledge, report back, return or close a referral; the ``action`` field names the step."""

    def post(self, request, pk):
        _require_staff(request.user)
        referral = services.get_referral_for_user(request.user, pk)

        form = ReferralActionForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "; ".join(str(error) for errors in form.errors.values() for error in errors))
            return redirect("sharing:referral-detail", pk=referral.pk)

        data = form.cleaned_data
        try:
            services.act_on_referral(
                referral, actor=request.user, action=data["action"], comment=data["comment"], files=data["files"]
            )
        except OutOfScope as exc:
            raise Http404(str(exc.message)) from exc
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("sharing:referral-detail", pk=referral.pk)

        messages.success(request, _("Recorded: %(step)s.") % {"step": Action(data["action"]).label})
        return redirect("sharing:referral-detail", pk=referral.pk)


class ReferralFileView(View):
    def get(self, request, pk):
        _require_staff(request.user)
        stored = services.get_file_for_user(request.user, pk)
        return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.file_name)


class ReferralStatisticsView(View):
    def get(self, request):
        _require_staff(request.user)
        now = timezone.now()

        data = request.GET.copy()
        if not data.get("year"):
            data["year"] = str(to_local(now).year)
        filters = StatisticsFilterForm(data, regions=_regions_for(request.user))
        year, region = filters.values(now)
        rows = services.referral_statistics(request.user, year=year, region=region, now=now)

        if request.GET.get("format") == "xlsx":
            stream = io.BytesIO()
            services.write_statistics_xlsx(rows, stream, title=_("Referral statistics %(year)s") % {"year": year})
            response = HttpResponse(stream.getvalue(), content_type=XLSX_TYPE)
            response["Content-Disposition"] = attachment_header(
                _("Referral statistics %(year)s") % {"year": year} + ".xlsx", f"referral-statistics-{year}.xlsx"
            )
            return response
        query = request.GET.copy()
        query["format"] = "xlsx"
        return render(request, "sharing/referrals/statistics.html", {
            "filters": filters, "rows": rows, "year": year, "export_query": query.urlencode(),
        })
