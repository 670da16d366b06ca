"""Load the demo accounts and data; `make run` calls it. Refuses to run outside demo mode."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from anhuan.demo import load_demo_data
from anhuan.demo.users import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Create the demo accounts (one shared password), the 2025 reduction list and a warning in force. Demo mode only."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                _(
                    "Demo data is only loaded in demo mode, and this installation runs in %(mode)s mode. "
                    "Nothing was written. Set %(setting)s to load demo data."
                ) % {"mode": settings.MODE, "setting": "ANHUAN_MODE=demo"}
            )

        with transaction.atomic():
            summary = load_demo_data(import_stdout=self.stdout)

        self.stdout.write(
            _("Demo accounts: %(created)s created, %(existing)s already present.")
            % {"created": summary.users_created, "existing": summary.users_existing}
        )
        self.stdout.write(self._step_line(_("Reduction list 2025"), summary.reduction_list))
        self.stdout.write(
            _("Enterprise contacts: %(created)s linked.") % {"created": summary.contacts_created}
        )
        self.stdout.write(self._step_line(_("Demo warning"), summary.warning))
        self.stdout.write(self.style.SUCCESS(
            _("Every demo account signs in with the password %(password)s. The accounts are listed in docs/demo-accounts.md.")
            % {"password": DEMO_PASSWORD}
        ))

    def _step_line(self, step, outcome):
        outcomes = {
            "created": _("created"),
            "skipped": _("already present, left unchanged"),
            "unavailable": _("not available in this version, skipped"),
        }
        return _("%(step)s: %(outcome)s.") % {"step": step, "outcome": outcomes[outcome]}
