"""``manage.py import_reduction_list FILE --year YYYY [--user USERNAME]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from anhuan.core.errors import DomainError
from anhuan.organizations.models import User
from anhuan.organizations.services import get_system_user
from anhuan.pollution.importing.errors import ImportRejected
from anhuan.pollution.importing.service import import_reduction_list


class Command(BaseCommand):
    help = "Import an emergency reduction list (.xlsx, .xls or .csv) for a season; all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the list file.")
        parser.add_argument("--year", type=int, required=True, help="First year of the season, e.g. 2025 for 2025-2026.")
        parser.add_argument(
            "--user",
            help="User name to act as; must be an officer or leader of the ecology and environment department. "
            "Default: the system account, which imports for the whole city.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("The file %(path)s cannot be read: %(reason)s") % {"path": path, "reason": exc.strerror})
        actor = self._actor(options["user"])

        try:
            summary = import_reduction_list(data, file_name=path.name, year=options["year"], actor=actor)
        except ImportRejected as exc:
            for line in exc.lines():
                self.stderr.write(line)
            raise CommandError(str(exc.message)) from None
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None

        self.stdout.write(
            _(
                "Imported %(file)s for %(year)s: %(rows)s rows read, %(entries)s entries written, "
                "%(created)s enterprises created, %(updated)s enterprises updated."
            )
            % {
                "file": summary.file_name,
                "year": summary.year,
                "rows": summary.rows,
                "entries": summary.entries_written,
                "created": summary.enterprises_created,
                "updated": summary.enterprises_updated,
            }
        )

    def _actor(self, username):
        if not username:
            return get_system_user()
        try:
            return User.objects.select_related("agency").get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(_("There is no active user named %(name)s.") % {"name": username}) from None
