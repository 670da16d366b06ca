"""Background tasks of the pollution app (huey; immediate in test mode)."""

from django.db import transaction
from huey.contrib.djhuey import db_task

from anhuan.pollution.importing.jobs import create_import_job, process_import_job


@db_task()
def run_import_job(job_id):
    """Run one queued reduction-list import job."""
    process_import_job(job_id)


def submit_import(uploaded_file, *, year, actor):
    """Store the uploaded list as a queued job and hand it to the worker once committed; return the job.

    Raises:
        NotPermitted: the actor may not import lists.
        ValidationFailed: the year is out of range.
    """
    job = create_import_job(uploaded_file, year=year, actor=actor)
    # The worker reads the job row, so it must be committed before the task is queued.
    transaction.on_commit(lambda: run_import_job(job.pk))
    return job
