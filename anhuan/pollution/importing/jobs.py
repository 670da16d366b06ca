"""Import jobs: queuing an uploaded list, running it in the background, and who may see it.

An upload becomes an ImportJob with status ``queued`` and the stored file. The background task
claims the job, runs ``import_reduction_list`` and leaves the outcome on the job: progress while
it runs, then the counts or every error found.
"""

import logging
from functools import partial

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.errors import DomainError
from anhuan.organizations.models import Department, Level, Role
from anhuan.pollution.importing.errors import ImportRejected
from anhuan.pollution.importing.service import (
    DONE,
    VALIDATING,
    WRITING,
    check_import_permission,
    import_reduction_list,
    validate_year,
)
from anhuan.pollution.models import ImportJob

logger = logging.getLogger(__name__)

PHASE_LABELS = {
    "queued": gettext_lazy("Waiting to start"),
    "reading": gettext_lazy("Reading the file"),
    "validating": gettext_lazy("Checking the rows"),
    "writing": gettext_lazy("Writing the list"),
    "succeeded": gettext_lazy("Imported"),
    "failed": gettext_lazy("Not imported"),
}


def jobs_visible_to(user):
    """Return the import jobs ``user`` may see: their own, and for a city environment leader the agency's."""
    jobs = ImportJob.objects.select_related("actor")
    if not user.is_authenticated:
        return jobs.none()
    if (
        user.role == Role.LEADER
        and user.agency_id is not None
        and user.agency.department == Department.ENVIRONMENT
        and user.agency.level == Level.CITY
    ):
        return jobs.filter(Q(actor=user) | Q(actor__agency=user.agency_id))
    return jobs.filter(actor=user)


def job_phase(job):
    """Return the phase code of a job: queued, reading, validating, writing, succeeded or failed."""
    if job.status in (ImportJob.Status.SUCCEEDED, ImportJob.Status.FAILED, ImportJob.Status.QUEUED):
        return job.status
    if job.progress < VALIDATING:
        return "reading"
    if job.progress < WRITING:
        return "validating"
    return "writing"


def is_finished(job):
    return job.status in (ImportJob.Status.SUCCEEDED, ImportJob.Status.FAILED)


def create_import_job(uploaded_file, *, year, actor):
    """Store an uploaded list file as a queued ImportJob of ``actor``.

    Raises:
        NotPermitted: the actor may not import lists.
        ValidationFailed: the year is out of range.
    """
    check_import_permission(actor)
    validate_year(year)
    job = ImportJob.objects.create(
        actor=actor, year=year, file_name=uploaded_file.name[:255], file=uploaded_file, status=ImportJob.Status.QUEUED
    )
    logger.info("Import job %s queued for %s", job.pk, job.file_name)
    return job


def _set_progress(job_id, percent):
    ImportJob.objects.filter(pk=job_id).update(progress=min(percent, DONE - 1))


def process_import_job(job_id):
    """Run a queued import job and leave its outcome on the job; a job that is not queued is skipped.

    The job is claimed with a conditional update, so a task delivered twice runs once.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, progress=1
    )
    if not claimed:
        logger.info("Import job %s is not queued; skipped", job_id)
        return
    job = ImportJob.objects.select_related("actor", "actor__agency").get(pk=job_id)
    # A worker has no request language; errors are stored in the platform's language.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with job.file.open("rb") as handle:
                data = handle.read()
            import_reduction_list(
                data,
                file_name=job.file_name,
                year=job.year,
                actor=job.actor,
                job=job,
                on_progress=partial(_set_progress, job.pk),
            )
        except ImportRejected as exc:
            errors = [error.as_dict() for error in exc.errors]
            if exc.truncated:
                errors.append({"row": None, "column": "", "cell": "", "message": exc.lines()[-1]})
            _fail(job, errors)
        except DomainError as exc:
            _fail(job, [{"row": None, "column": "", "cell": "", "message": str(exc.message)}])
        except Exception:
            logger.exception("Import job %s failed unexpectedly", job_id)
            message = _("The import stopped because of an internal error; nothing was written. Tell the administrator.")
            _fail(job, [{"row": None, "column": "", "cell": "", "message": message}])


def _fail(job, errors):
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, progress=DONE, errors=errors, finished_at=timezone.now()
    )
    logger.info("Import job %s failed with %d errors", job.pk, len(errors))
