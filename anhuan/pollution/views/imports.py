"""Reduction-list pages: the lists by year, uploading a list file, and an import job's progress.

Staff read the lists, with entry counts inside their scope. Officers and leaders of the ecology
and environment department upload, and others get 403 with the reason. A job page is visible
to its uploader and to the leaders of a city environment agency for their agency's jobs. Any
other job returns 404.
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from anhuan.core.errors import NotPermitted, ValidationFailed
from anhuan.core.timeutil import iso_local
from anhuan.organizations.models import Role
from anhuan.organizations.scope import region_ids_of
from anhuan.pollution.importing.jobs import PHASE_LABELS, is_finished, job_phase, jobs_visible_to
from anhuan.pollution.importing.service import MAX_YEAR, MIN_YEAR, can_import_lists, season_year
from anhuan.pollution.models import ImportJob, ReductionEntry, ReductionList
from anhuan.pollution.tasks import submit_import

RECENT_JOBS = 20
ACCEPTED_SUFFIXES = (".xlsx", ".xls", ".csv")
STATUS_TAGS = {
    ImportJob.Status.QUEUED: "tag-grey",
    ImportJob.Status.RUNNING: "tag-blue",
    ImportJob.Status.SUCCEEDED: "tag-green",
    ImportJob.Status.FAILED: "tag-red",
}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("List file"),
        help_text=gettext_lazy("Excel (.xlsx or .xls) or CSV in the reduction-list template layout."),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Season"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=gettext_lazy("The season's first year: 2025 means the 2025—2026 season."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(_("Upload an .xlsx, .xls or .csv file."))
        limit = settings.IMPORT_MAX_FILE_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB; split the list or remove unused sheets.") % {"limit": limit}
            )
        return upload


def _forbidden(request, message):
    return render(request, "403.html", {"message": message}, status=403)


def _season_label(year):
    return f"{year}—{year + 1}"


def _decorate_job(job):
    job.status_tag = STATUS_TAGS[job.status]
    job.season = _season_label(job.year)
    job.phase = job_phase(job)
    job.phase_label = PHASE_LABELS[job.phase]
    job.error_count = len(job.errors)
    return job


@require_http_methods(["GET"])
def list_index(request):
    user = request.user
    if user.role == Role.ENTERPRISE:
        return _forbidden(request, _("Enterprise contacts see the measures of their own enterprise on the enterprise portal."))
    if region_ids_of(user) == set() or user.role == Role.SYSTEM:
        return _forbidden(request, _("Administrators manage the system and do not see supervised data."))

    counts = dict(
        ReductionEntry.objects.visible_to(user)
        .order_by()
        .values_list("reduction_list")
        .annotate(count=Count("id"))
        .values_list("reduction_list", "count")
    )
    lists = list(ReductionList.objects.order_by("-year"))
    for reduction_list in lists:
        reduction_list.season = _season_label(reduction_list.year)
        reduction_list.entry_count = counts.get(reduction_list.id, 0)
    jobs = [_decorate_job(job) for job in jobs_visible_to(user).order_by("-created_at", "-id")[:RECENT_JOBS]]

    return render(request, "pollution/imports/list_index.html", {
        "lists": lists,
        "jobs": jobs,
        "can_import": can_import_lists(user),
        "whole_city": region_ids_of(user) is None,
    })


@require_http_methods(["GET", "POST"])
def upload(request):
    if not can_import_lists(request.user):
        return _forbidden(request, _("Only officers and leaders of the ecology and environment department may import reduction lists."))

    form = ImportUploadForm(request.POST or None, request.FILES or None, initial={"year": season_year()})
    if request.method == "POST" and form.is_valid():
        try:
            job = submit_import(form.cleaned_data["file"], year=form.cleaned_data["year"], actor=request.user)
        except NotPermitted as exc:
            return _forbidden(request, str(exc.message))
        except ValidationFailed as exc:
            form.add_error("year" if "year" in exc.fields else None, str(exc.message))
        else:
            return redirect("pollution:import-job", pk=job.pk)

    return render(request, "pollution/imports/upload.html", {
        "form": form,
        "max_mb": settings.IMPORT_MAX_FILE_MB,
    })


@require_http_methods(["GET"])
def job_detail(request, pk):
    job = _decorate_job(get_object_or_404(jobs_visible_to(request.user), pk=pk))
    return render(request, "pollution/imports/job.html", {
        "job": job,
        "finished": is_finished(job),
        "shows_actor": job.actor_id != request.user.id,
    })


@require_http_methods(["GET"])
def job_status(request, pk):
    job = _decorate_job(get_object_or_404(jobs_visible_to(request.user), pk=pk))
    return JsonResponse({
        "id": job.pk,
        "status": job.status,
        "phase": job.phase,
        "phase_label": str(job.phase_label),
        "progress": job.progress,
        "finished": is_finished(job),
        "total_rows": job.total_rows,
        "entries_written": job.entries_written,
        "enterprises_created": job.enterprises_created,
        "enterprises_updated": job.enterprises_updated,
        "error_count": job.error_count,
        "finished_at": iso_local(job.finished_at),
        "url": reverse("pollution:import-job", kwargs={"pk": job.pk}),
    })
