"""``manage.py consultation_plan WARNING_ID --format json|xlsx|docx -o FILE``: export a plan.

Writes the plan of the warning's latest event: JSON (one object per item),
a Chinese Excel sheet, or the consultation minutes as a Word document. The
acting user's scope applies, so a county user exports their region's items.
The file is written only when the export succeeded.
"""

import io
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.commands import TranslatedCommand
from anhuan.pollution.exports.plan_json import write_plan_json
from anhuan.pollution.exports.plan_xlsx import write_plan_xlsx
from anhuan.pollution.management.commands.warning import acting_user
from anhuan.pollution.models import PlanItem, PollutionWarning

FORMATS = ("json", "xlsx", "docx")


class Command(TranslatedCommand):
    help = gettext_lazy("Export the reduction plan of a warning's latest event as JSON, Excel or Word minutes.")

    def add_arguments(self, parser):
        parser.add_argument("warning_id", type=int)
        parser.add_argument("--format", required=True, choices=FORMATS, dest="export_format")
        parser.add_argument("-o", "--output", required=True, help=gettext_lazy("File to write."))
        parser.add_argument("--user", help=gettext_lazy("User name to act as; defaults to the system account."))

    def handle(self, *args, **options):
        actor = acting_user(options["user"])
        warning = PollutionWarning.objects.visible_to(actor).filter(pk=options["warning_id"]).first()
        if warning is None:
            raise CommandError(_("Warning %(id)s was not found.") % {"id": options["warning_id"]})
        event = warning.latest_event()
        plan = getattr(event, "plan", None) if event is not None else None
        if plan is None:
            raise CommandError(_("Warning %(id)s has no reduction plan.") % {"id": warning.id})
        scoped_items = PlanItem.objects.visible_to(actor).filter(plan=plan)
        items = list(scoped_items.select_related("region"))

        export_format = options["export_format"]
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(_("-o: the folder %(folder)s does not exist.") % {"folder": output.parent})

        if export_format == "json":
            buffer = io.StringIO()
            write_plan_json(items, buffer)
            data = buffer.getvalue().encode("utf-8")
        elif export_format == "xlsx":
            buffer = io.BytesIO()
            write_plan_xlsx(event, items, buffer)
            data = buffer.getvalue()
        else:
            # The minutes cover the items inside the acting user's scope, like the other formats.
            from anhuan.pollution.exports.minutes_docx import write_minutes

            buffer = io.BytesIO()
            write_minutes(event.consultation, buffer, items=scoped_items)
            data = buffer.getvalue()

        output.write_bytes(data)
        self.stdout.write(
            _("Wrote the plan of warning %(id)s (%(items)s items) to %(path)s.")
            % {"id": warning.id, "items": len(items), "path": output}
        )
