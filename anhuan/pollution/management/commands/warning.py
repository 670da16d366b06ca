"""``manage.py warning issue|upgrade|downgrade|lift``: act on a heavy-pollution-weather warning.

Times are Asia/Shanghai, "YYYY-MM-DD HH:MM" ("24:00" is the next day's 00:00).
The command prints a summary and then the warning's id alone on its last
line, so scripts can read it. On bad input it prints the reason and exits
non-zero without writing anything.
"""

import re

from django.core.management.base import CommandError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.commands import TranslatedCommand
from anhuan.core.errors import DomainError
from anhuan.core.timeutil import TimeFormatError, format_local, parse_local_datetime
from anhuan.organizations.models import Region, RegionKind, User
from anhuan.organizations.services import get_system_user
from anhuan.pollution.models import PlanFlag, PollutionWarning, WarningLevel
from anhuan.pollution.services import warnings as service

_REGION_SEPARATORS = re.compile(r"[,，、;；\s]+")
# Words that name the whole city in --regions.
_WHOLE_CITY_WORDS = {"all", "city", "全市"}


def acting_user(username):
    """Return the user named ``username``, or the system account when it is empty."""
    if not username:
        return get_system_user()
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("--user: there is no user named %(username)s.") % {"username": username})
    if not user.is_active:
        raise CommandError(_("--user: the account %(username)s is disabled.") % {"username": username})
    return user


def parse_time(option, value, required=True):
    """Parse an Asia/Shanghai time option; None when it is absent and optional."""
    if value is None or not str(value).strip():
        if required:
            raise CommandError(_("%(option)s is required.") % {"option": option})
        return None
    try:
        return parse_local_datetime(value)
    except TimeFormatError as exc:
        raise CommandError(
            _("%(option)s: %(value)s is not a time in the form YYYY-MM-DD HH:MM.") % {"option": option, "value": value}
        ) from exc


def parse_regions(value):
    """Return the regions named in ``--regions``: 6-digit codes, names or short names.

    Returns None when the option is absent, and ``service.WHOLE_CITY`` for the
    whole city.
    """
    if value is None:
        return None
    tokens = [token for token in _REGION_SEPARATORS.split(value.strip()) if token]
    if not tokens:
        raise CommandError(_("--regions is empty; name at least one region, or leave the option out."))
    regions = []
    for token in tokens:
        if token.lower() in _WHOLE_CITY_WORDS:
            return service.WHOLE_CITY
        region = Region.objects.filter(Q(code=token) | Q(name=token) | Q(short_name=token)).first()
        if region is None:
            raise CommandError(
                _("--regions: unknown region %(value)s; use a 6-digit division code or the region's name.")
                % {"value": token}
            )
        if region.kind == RegionKind.CITY:
            return service.WHOLE_CITY
        regions.append(region)
    return regions


def area_text(warning):
    if warning.whole_city:
        return _("the whole city")
    return "、".join(region.name for region in warning.regions.all())


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Issue, upgrade, downgrade or lift a heavy-pollution-weather warning. "
        "Prints a summary and the warning id on the last line."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="issue|upgrade|downgrade|lift")

        issue = actions.add_parser("issue", help=gettext_lazy("Issue a new warning."))
        self._add_level_options(issue)
        issue.add_argument(
            "--regions",
            help=gettext_lazy("Comma-separated division codes or region names; leave out for the whole city."),
        )

        for kind, help_text in (
            ("upgrade", gettext_lazy("Raise the level of a warning in force.")),
            ("downgrade", gettext_lazy("Lower the level of a warning in force.")),
        ):
            change = actions.add_parser(kind, help=help_text)
            change.add_argument("warning_id", type=int)
            self._add_level_options(change)
            change.add_argument(
                "--regions",
                help=gettext_lazy("New area: codes or names, or 全市 for the whole city; leave out to keep the area."),
            )

        lift = actions.add_parser("lift", help=gettext_lazy("Lift a warning in force."))
        lift.add_argument("warning_id", type=int)
        lift.add_argument("--announced", required=True, help=gettext_lazy("When the lifting was announced."))
        lift.add_argument("--starts", help=gettext_lazy("When the lifting takes effect; defaults to the announcement."))
        self._add_common_options(lift)

    def _add_level_options(self, parser):
        parser.add_argument("--level", required=True, choices=WarningLevel.values)
        parser.add_argument("--announced", required=True, help=gettext_lazy("Announcement time, YYYY-MM-DD HH:MM."))
        parser.add_argument("--starts", required=True, help=gettext_lazy("Start time, YYYY-MM-DD HH:MM."))
        parser.add_argument("--ends", help=gettext_lazy("End time; leave out until further notice."))
        self._add_common_options(parser)

    def _add_common_options(self, parser):
        parser.add_argument("--number", default="", help=gettext_lazy("Document number of the notice."))
        parser.add_argument("--user", help=gettext_lazy("User name to act as; defaults to the system account."))

    def handle(self, *args, **options):
        action = options["action"]
        actor = acting_user(options["user"])
        announced_at = parse_time("--announced", options["announced"])
        starts_at = parse_time("--starts", options.get("starts"), required=action != "lift")
        ends_at = parse_time("--ends", options.get("ends"), required=False)
        regions = parse_regions(options.get("regions"))
        number = options["number"]

        try:
            if action == "issue":
                warning = service.issue_warning(
                    actor=actor, level=options["level"], announced_at=announced_at, starts_at=starts_at,
                    ends_at=ends_at, regions=None if regions == service.WHOLE_CITY else regions,
                    document_number=number,
                )
            else:
                warning = self._get_warning(actor, options["warning_id"])
                if action == "lift":
                    warning = service.lift_warning(
                        warning, actor=actor, announced_at=announced_at, starts_at=starts_at, document_number=number
                    )
                else:
                    change = service.upgrade_warning if action == "upgrade" else service.downgrade_warning
                    warning = change(
                        warning, actor=actor, level=options["level"], announced_at=announced_at,
                        starts_at=starts_at, ends_at=ends_at, document_number=number, regions=regions,
                    )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc

        self.stdout.write(self._summary(action, warning))
        self.stdout.write(self._plan_summary(warning))
        self.stdout.write(str(warning.id))

    def _get_warning(self, actor, warning_id):
        warning = PollutionWarning.objects.visible_to(actor).filter(pk=warning_id).first()
        if warning is None:
            raise CommandError(_("Warning %(id)s was not found.") % {"id": warning_id})
        return warning

    def _summary(self, action, warning):
        event = warning.latest_event()
        values = {
            "id": warning.id,
            "level": WarningLevel(warning.level).label,
            "area": area_text(warning),
            "announced": format_local(event.announced_at),
            "starts": format_local(event.starts_at),
            "ends": format_local(event.ends_at) if event.ends_at else _("until further notice"),
        }
        if action == "lift":
            return _("Lifted warning %(id)s (%(level)s, %(area)s): announced %(announced)s, effective %(starts)s.") % values
        templates = {
            "issue": _("Issued warning %(id)s: %(level)s, %(area)s, announced %(announced)s, starts %(starts)s, ends %(ends)s."),
            "upgrade": _("Upgraded warning %(id)s to %(level)s, %(area)s: announced %(announced)s, starts %(starts)s, ends %(ends)s."),
            "downgrade": _("Downgraded warning %(id)s to %(level)s, %(area)s: announced %(announced)s, starts %(starts)s, ends %(ends)s."),
        }
        return templates[action] % values

    def _plan_summary(self, warning):
        plan = warning.latest_event().plan
        if plan.reduction_list_id is None:
            return _("Reduction plan: no reduction list has been imported for this season, so the plan has no items.")
        items = plan.items
        return _(
            "Reduction plan: %(items)s items; %(lead)s with insufficient lead time, "
            "%(onsite)s needing on-site guidance."
        ) % {
            "items": items.count(),
            "lead": items.with_flag(PlanFlag.INSUFFICIENT_LEAD_TIME.value).count(),
            "onsite": items.with_flag(PlanFlag.ONSITE_GUIDANCE_REQUIRED.value).count(),
        }
