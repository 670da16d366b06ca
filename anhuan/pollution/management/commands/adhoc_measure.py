"""``manage.py adhoc_measure PLAN_ITEM_ID --type halt|limit --reason TEXT --user USERNAME``.

Adds a temporary halt or limit to the production line of one plan item, through the
same service as the page. Without ``--effective`` the measure takes effect now. On a
rejected request it prints the reason and exits non-zero without writing anything.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from anhuan.core.errors import DomainError
from anhuan.core.timeutil import format_local
from anhuan.pollution.management.commands.warning import acting_user, parse_time
from anhuan.pollution.models import PlanItem
from anhuan.pollution.services.adhoc import ADHOC_TYPES, add_adhoc_measure


class Command(BaseCommand):
    help = "Add an ad-hoc halt or limit to the production line of one plan item."

    def add_arguments(self, parser):
        parser.add_argument("plan_item_id", type=int, help="Id of the plan item.")
        parser.add_argument("--type", dest="measure_type", required=True, choices=ADHOC_TYPES, help="halt or limit.")
        parser.add_argument("--limit", dest="limit_percent", help="For a limit: percentage of production to cut, 1 to 100.")
        parser.add_argument("--reason", required=True, help="Why the measure is needed.")
        parser.add_argument("--effective", help='Asia/Shanghai time "YYYY-MM-DD HH:MM"; default now.')
        parser.add_argument("--user", required=True, help="User name of the acting officer or leader.")

    def handle(self, *args, **options):
        actor = acting_user(options["user"])
        effective_at = parse_time("--effective", options["effective"], required=False) or timezone.now()
        item = PlanItem.objects.filter(pk=options["plan_item_id"]).first()
        if item is None:
            raise CommandError(_("There is no plan item with id %(id)s.") % {"id": options["plan_item_id"]})
        try:
            measure = add_adhoc_measure(
                item,
                actor=actor,
                measure_type=options["measure_type"],
                limit_percent=options["limit_percent"],
                reason=options["reason"],
                effective_at=effective_at,
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            _("Ad-hoc measure added to %(enterprise)s %(line)s, effective %(time)s.") % {
                "enterprise": item.enterprise_name,
                "line": item.production_line,
                "time": format_local(measure.effective_at),
            }
        )
        self.stdout.write(str(measure.pk))
