"""``manage.py notify_overdue``: send today's digests of overdue work, for cron on machines without the worker.

It may run as often as needed, because a leader is notified again the same day only when new items
became overdue. Prints one line per kind with the number of agencies whose leaders were notified.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.commands import TranslatedCommand
from anhuan.pollution.overdue import KIND_MAINTENANCE, KIND_ONSITE, KIND_ROSTER, notify_overdue


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Send the leaders of each agency one digest a day of overdue maintenance requests, on-site guidance "
        "and duty rosters."
    )

    def handle(self, *args, **options):
        notified = notify_overdue()
        labels = {
            KIND_MAINTENANCE: _("Overdue maintenance requests: %(agencies)s agencies notified."),
            KIND_ONSITE: _("Highlighted on-site guidance: %(agencies)s agencies notified."),
            KIND_ROSTER: _("Unconfirmed duty rosters: %(agencies)s agencies notified."),
        }
        for kind, label in labels.items():
            self.stdout.write(label % {"agencies": notified.get(kind, 0)})
