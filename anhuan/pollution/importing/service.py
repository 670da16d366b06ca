"""Importing a reduction list (应急减排清单), the one action that the upload page, the command
and the background job call.

``import_reduction_list`` reads the file and validates every row. A file with errors is
rejected with every error found, and nothing is written. Otherwise one transaction creates or
updates the enterprises, replaces the year's entries inside the actor's scope, writes the audit
trail and records the import job.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.audit import record, register_actions
from anhuan.core.errors import NotPermitted, ValidationFailed
from anhuan.organizations.models import Department, Role
from anhuan.organizations.scope import region_ids_of, require_department
from anhuan.pollution.importing.columns import ColumnMap, find_header_row, map_columns
from anhuan.pollution.importing.errors import ErrorCollector, ImportRejected, RowError
from anhuan.pollution.importing.reader import read_sheets
from anhuan.pollution.importing.regions import RegionResolver
from anhuan.pollution.importing.rows import RowValidator, is_skipped
from anhuan.pollution.importing.writer import ListWriter, load_existing
from anhuan.pollution.models import ImportJob, ReductionList
from anhuan.pollution.services import plans

logger = logging.getLogger(__name__)

class ListAction(models.TextChoices):
    IMPORT = "reduction_list.import", gettext_lazy("Reduction list imported")


register_actions(ListAction)

IMPORTER_ROLES = {Role.OFFICER, Role.LEADER}
MIN_YEAR, MAX_YEAR = 2000, 2100

# Progress (percent) at which each phase starts. The job page derives the phase name from it.
READING, VALIDATING, WRITING, DONE = 2, 30, 60, 100
PROGRESS_EVERY_ROWS = 2000


@dataclass
class ImportSummary:
    """Counts of one successful import."""

    job: ImportJob
    file_name: str
    year: int
    rows: int
    entries_written: int
    entries_deleted: int
    enterprises_created: int
    enterprises_updated: int


def season_year(now=None):
    """Return the first year of the current season (see ``services.plans.season_year``)."""
    return plans.season_year(now or timezone.now())


def check_import_permission(actor):
    """Raise NotPermitted unless ``actor`` may import lists.

    Officers and leaders of the ecology and environment department may import. The system
    account that commands and jobs act as may import too, with the whole city as its scope.
    """
    if actor.role == Role.SYSTEM:
        return
    require_department(actor, Department.ENVIRONMENT)
    if actor.role not in IMPORTER_ROLES:
        raise NotPermitted(_("Only officers and leaders of the ecology and environment department may import reduction lists."))


def can_import_lists(user):
    """True if ``user`` may import lists through the pages (the system account never signs in)."""
    if not user.is_authenticated or user.role == Role.SYSTEM:
        return False
    try:
        check_import_permission(user)
    except NotPermitted:
        return False
    return True


def validate_year(year):
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}, year=year
        )


def scope_of(actor, resolver):
    """Return the region ids the actor may import (None for the whole city) and the scope's name."""
    region_ids = region_ids_of(actor)
    if region_ids is None:
        return None, settings.ANHUAN_CITY_NAME
    names = "、".join(sorted(resolver.by_id[region_id].name for region_id in region_ids if region_id in resolver.by_id))
    return region_ids, names


@dataclass
class CheckedFile:
    """A list file that passed validation: its valid rows and what writing them needs."""

    file_name: str
    sha256: str
    columns: ColumnMap
    rows: list
    rows_read: int
    resolver: RegionResolver
    scope_region_ids: set | None

    @property
    def credit_codes(self):
        return {row.values["credit_code"] for row in self.rows}


def import_reduction_list(data, *, file_name, year, actor, job=None, on_progress=None):
    """Import the list file ``data`` (bytes) for season ``year`` as ``actor``.

    Args:
        data: the file's bytes (.xlsx, .xls or .csv; the format is taken from the content).
        file_name: the name errors and the audit trail show.
        year: the season's first year; the list of that year is created when missing.
        actor: the acting user; only their scope's entries are replaced.
        job: the ImportJob of an upload; without one, a job record is created on success.
        on_progress: called with a percentage as the phases advance.

    Returns:
        ImportSummary of what was written.

    Raises:
        NotPermitted: the actor may not import lists.
        ValidationFailed: the year is out of range.
        ImportRejected: the file has errors; nothing was written.
        Conflict: other records refer to the entries being replaced with PROTECT.
    """
    check_import_permission(actor)
    validate_year(year)
    progress = on_progress or (lambda percent: None)

    checked = check_file(data, file_name=file_name, actor=actor, progress=progress)

    progress(WRITING)
    with transaction.atomic():
        summary = _write(checked, year=year, actor=actor, job=job)
    logger.info(
        "Imported %s for %s: %d rows, %d entries, %d enterprises created, %d updated",
        file_name, year, checked.rows_read, summary.entries_written, summary.enterprises_created,
        summary.enterprises_updated,
    )
    return summary


def check_file(data, *, file_name, actor, progress=None):
    """Read and validate a list file for ``actor`` without writing anything.

    Returns:
        CheckedFile with the valid rows.

    Raises:
        ImportRejected: with every error found, up to ``MAX_ERRORS``.
    """
    progress = progress or (lambda percent: None)
    progress(READING)
    sheets = read_sheets(data, file_name)
    rows, columns = _locate_header(sheets, file_name)

    progress(VALIDATING)
    resolver = RegionResolver()
    scope_region_ids, scope_name = scope_of(actor, resolver)
    errors = ErrorCollector()
    parsed, rows_read = _validate(rows, columns, resolver, scope_region_ids, scope_name, errors, progress)
    if rows_read == 0:
        errors.add(None, "", _("There are no data rows under the header."))
    checked = CheckedFile(
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        columns=columns,
        rows=parsed,
        rows_read=rows_read,
        resolver=resolver,
        scope_region_ids=scope_region_ids,
    )
    if scope_region_ids is not None:
        # Checked here as well as in the transaction, so this error is listed with all the others.
        _check_existing_scope(checked, load_existing(checked.credit_codes), errors)
    if errors:
        logger.warning("Import of %s rejected with %d errors", file_name, len(errors))
        raise ImportRejected(file_name, errors.errors, errors.truncated)
    return checked


def _locate_header(sheets, file_name):
    for sheet in sheets:
        position = find_header_row(sheet.rows)
        if position is None:
            continue
        columns, header_errors = map_columns(sheet.rows, position)
        if header_errors:
            raise ImportRejected(file_name, header_errors)
        return sheet.rows, columns
    raise ImportRejected(file_name, [RowError(
        None,
        "",
        _("No header row naming 企业名称 and 统一社会信用代码 was found; use the reduction-list template."),
    )])


def _validate(rows, columns, resolver, scope_region_ids, scope_name, errors, progress):
    validator = RowValidator(
        columns, resolver, allowed_region_ids=scope_region_ids, scope_name=scope_name, errors=errors
    )
    skip_args = (columns.index.get("sequence"), columns.index["name"], columns.index["credit_code"])
    parsed = []
    total = len(rows)
    start = columns.first_data_row - 1
    for position in range(start, total):
        cells = rows[position]
        if is_skipped(cells, *skip_args):
            continue
        result = validator.validate(cells, position + 1)
        if result is not None:
            parsed.append(result)
        if errors.truncated:
            break
        if validator.rows_read % PROGRESS_EVERY_ROWS == 0:
            progress(VALIDATING + (WRITING - VALIDATING) * (position - start) // max(total - start, 1))
    return parsed, validator.rows_read


def _check_existing_scope(checked, existing, errors):
    """Add an error for each enterprise already registered in a region outside the actor's scope."""
    if checked.scope_region_ids is None:
        return
    reported = set()
    for row in checked.rows:
        code = row.values["credit_code"]
        stored = existing.get(code)
        if stored is None or code in reported or stored["region_id"] in checked.scope_region_ids:
            continue
        reported.add(code)
        region = checked.resolver.by_id.get(stored["region_id"])
        errors.add(
            row.row,
            checked.columns.labels["credit_code"],
            _("This enterprise is registered in %(region)s, outside your area; ask the city bureau to correct its region.")
            % {"region": region.name if region else stored["region_id"]},
            checked.columns.cell_ref("credit_code", row.row),
            checked.columns.index["credit_code"],
        )


def _write(checked, *, year, actor, job):
    reduction_list, _created = ReductionList.objects.get_or_create(year=year)
    # Lock the enterprises so a concurrent edit cannot slip between the diff and the write.
    existing = load_existing(checked.credit_codes, lock=True)
    errors = ErrorCollector()
    _check_existing_scope(checked, existing, errors)
    if errors:
        raise ImportRejected(checked.file_name, errors.errors, errors.truncated)

    if job is None:
        job = ImportJob.objects.create(
            actor=actor, year=year, file_name=checked.file_name, status=ImportJob.Status.RUNNING
        )
    writer = ListWriter(
        actor=actor,
        reduction_list=reduction_list,
        scope_region_ids=checked.scope_region_ids,
        regions_by_id=checked.resolver.by_id,
        audit_data={"import_job": job.id, "file_name": checked.file_name, "year": year},
    )
    counts = writer.write(checked.rows, existing)
    reduction_list.save(update_fields=["updated_at"])

    job.sha256 = checked.sha256
    job.status = ImportJob.Status.SUCCEEDED
    job.progress = DONE
    job.total_rows = checked.rows_read
    job.entries_written = counts.entries_written
    job.entries_deleted = counts.entries_deleted
    job.enterprises_created = counts.enterprises_created
    job.enterprises_updated = counts.enterprises_updated
    job.errors = []
    job.finished_at = timezone.now()
    job.save()

    record(
        actor,
        ListAction.IMPORT,
        reduction_list,
        file_name=checked.file_name,
        sha256=checked.sha256,
        year=year,
        rows=checked.rows_read,
        entries_written=counts.entries_written,
        entries_deleted=counts.entries_deleted,
        enterprises_created=counts.enterprises_created,
        enterprises_updated=counts.enterprises_updated,
        import_job=job.id,
        scope=sorted(checked.scope_region_ids) if checked.scope_region_ids is not None else "city",
    )
    # Unconfirmed plans of warnings in force follow the new list; confirmed ones are frozen.
    rederived = plans.rederive_open_plans(reduction_list, actor=actor)
    if rederived:
        job.plans_rederived = len(rederived)
        job.save(update_fields=["plans_rederived"])
    return ImportSummary(
        job=job,
        file_name=checked.file_name,
        year=year,
        rows=checked.rows_read,
        entries_written=counts.entries_written,
        entries_deleted=counts.entries_deleted,
        enterprises_created=counts.enterprises_created,
        enterprises_updated=counts.enterprises_updated,
    )
