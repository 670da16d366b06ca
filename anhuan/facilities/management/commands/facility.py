"""``manage.py facility status|finding``: change a key facility's status, or record a missing safety demonstration.

    manage.py facility status 12 under_construction --user county_a_ee_officer
    manage.py facility finding 12 --observed-status in_operation --description "…" --user county_a_ee_officer

Both act as the named user, with that user's department and scope. A refusal prints every
reason in the platform's language and exits non-zero without writing anything.
"""

import datetime as dt

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.commands import TranslatedCommand
from anhuan.core.errors import DomainError, OutOfScope
from anhuan.facilities.services import findings as finding_services
from anhuan.facilities.services import lifecycle as services
from anhuan.organizations.models import User
from anhuan.sharing.models import FacilityStatus


def acting_user(username):
    """Return the active user named ``username``."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("--user: there is no user named %(username)s.") % {"username": username})
    if not user.is_active:
        raise CommandError(_("--user: the account %(username)s is disabled.") % {"username": username})
    return user


def parse_date(option, value):
    """Parse a YYYY-MM-DD option; today (Asia/Shanghai) when it is absent."""
    if not value:
        return services.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("%(option)s: %(value)s is not a date in the form YYYY-MM-DD.") % {"option": option, "value": value}
        ) from exc


def refusal(error):
    """Return the text of a refusal: every reason on its own line when there are several."""
    reasons = error.fields.get("reasons") or []
    if len(reasons) > 1:
        return "\n".join([_("Refused; nothing was changed. Reasons:"), *[f"- {reason}" for reason in reasons]])
    return str(error.message)


class Command(TranslatedCommand):
    help = gettext_lazy("Change a key facility's status, or record that it was found without a safety demonstration.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="status|finding")

        status = actions.add_parser("status", help=gettext_lazy("Change the register status of a key facility."))
        status.add_argument("facility_id", type=int, help=gettext_lazy("Id of the facility in the register."))
        status.add_argument("status", choices=FacilityStatus.values, help=gettext_lazy("The new status."))
        status.add_argument("--user", required=True, help=gettext_lazy("User name of the acting officer."))

        finding = actions.add_parser(
            "finding", help=gettext_lazy("Record a key facility found without a safety demonstration and refer it."),
        )
        finding.add_argument("facility_id", type=int, help=gettext_lazy("Id of the facility in the register."))
        finding.add_argument(
            "--observed-status", required=True, choices=finding_services.OBSERVED_STATUSES,
            help=gettext_lazy("What was found: the facility under construction or in operation."),
        )
        finding.add_argument("--description", required=True, help=gettext_lazy("What was found, where and when."))
        finding.add_argument("--found-on", help=gettext_lazy("Date of the finding, YYYY-MM-DD; today by default."))
        finding.add_argument("--user", required=True, help=gettext_lazy("User name of the acting officer."))

    def handle(self, *args, **options):
        user = acting_user(options["user"])
        facility_id = options["facility_id"]
        try:
            if options["action"] == "status":
                facility = services.change_status(facility_id, options["status"], user)
                self.stdout.write(_("Facility %(id)s is now %(status)s.") % {
                    "id": facility.pk, "status": facility.get_status_display(),
                })
            else:
                finding = finding_services.record_finding(
                    facility_id, user, found_on=parse_date("--found-on", options["found_on"]),
                    observed_status=options["observed_status"], description=options["description"],
                )
                self.stdout.write(_("Finding recorded and referred to %(agency)s (referral %(id)s).") % {
                    "agency": finding.referral.receiver.name, "id": finding.referral_id,
                })
                self.stdout.write(str(finding.referral_id))
        except OutOfScope as exc:
            raise CommandError(_("Key facility %(id)s was not found.") % {"id": facility_id}) from exc
        except DomainError as exc:
            raise CommandError(refusal(exc)) from exc
