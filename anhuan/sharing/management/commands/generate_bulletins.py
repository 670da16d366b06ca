"""``manage.py generate_bulletins [--period-end "YYYY-MM-DD HH:MM"]``: write the due periodic bulletins.

For machines without the worker, or to catch up a period. It writes the bulletins of the last
complete period before ``--period-end`` (default: now) that do not exist yet, so it may run as
often as needed.
"""

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.commands import TranslatedCommand
from anhuan.core.timeutil import TimeFormatError, format_local, parse_local_datetime
from anhuan.sharing.services.bulletins import generate_due_bulletins, remind_unacknowledged


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Write the periodic bulletins of the last complete period that do not exist yet, and remind "
        "receivers of unacknowledged bulletins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--period-end",
            help=_('Asia/Shanghai time "YYYY-MM-DD HH:MM"; the last period ending by then is written. Default: now.'),
        )

    def handle(self, *args, **options):
        now = timezone.now()
        if options["period_end"]:
            try:
                now = parse_local_datetime(options["period_end"])
            except TimeFormatError as exc:
                raise CommandError(
                    _('--period-end %(value)s is not a time in the form "YYYY-MM-DD HH:MM".') % {"value": options["period_end"]}
                ) from exc

        result = generate_due_bulletins(now)
        self.stdout.write(_("Period %(start)s to %(end)s: %(created)s bulletins written, %(existing)s already existed, %(failed)s failed.") % {
            "start": format_local(result.period_start), "end": format_local(result.period_end),
            "created": result.created, "existing": result.existing, "failed": result.failed,
        })
        if not options["period_end"]:
            self.stdout.write(_("Unacknowledged bulletins reminded: %(count)s.") % {"count": remind_unacknowledged(now)})
        if result.failed:
            raise CommandError(_("Some bulletins could not be written; see the log. Run the command again to retry them."))
