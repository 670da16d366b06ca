"""``manage.py api_client issue NAME --department D [--regions CODES] [--access read|write]`` and ``api_client revoke NAME``.

``issue`` registers a client system of the data-exchange API and prints its
token once. The platform keeps only the token's hash, so a lost token is
revoked and issued again. ``revoke`` stops a token at once. Without ``--user``
the command acts as the system account; with it, as that system or security
administrator. On a rejected request it prints the reason and exits non-zero.
"""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.commands import TranslatedCommand
from anhuan.core.errors import DomainError
from anhuan.organizations.models import Department, Region
from anhuan.pollution.management.commands.warning import acting_user
from anhuan.sharing.models import ApiClient
from anhuan.sharing.services.api_clients import issue_client, revoke_client


def parse_regions(text):
    """Return the regions named by comma-separated division codes; empty text means the whole city."""
    codes = [code.strip() for code in (text or "").replace("，", ",").split(",") if code.strip()]
    regions = []
    for code in codes:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(_("--regions: there is no region with the division code %(code)s.") % {"code": code})
        regions.append(region)
    return regions


class Command(TranslatedCommand):
    help = gettext_lazy("Issue or revoke the token of a system that uses the data-exchange API.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)

        issue = actions.add_parser("issue", help=str(gettext_lazy("Register a client system and print its new token once.")))
        issue.add_argument("name", help=str(gettext_lazy("Name of the client system, unique.")))
        issue.add_argument(
            "--department", required=True, choices=Department.values,
            help=str(gettext_lazy("Department the client acts for; it may write only that department's registers.")),
        )
        issue.add_argument(
            "--regions", default="",
            help=str(gettext_lazy("Comma-separated 6-digit division codes of the regions it sees; the whole city without it.")),
        )
        issue.add_argument("--access", choices=ApiClient.Access.values, default=ApiClient.Access.READ, help="read or write.")
        issue.add_argument("--user", help=str(gettext_lazy("User name of the administrator acting; defaults to the system account.")))

        revoke = actions.add_parser("revoke", help=str(gettext_lazy("Revoke a client's token at once.")))
        revoke.add_argument("name", help=str(gettext_lazy("Name of the client system.")))
        revoke.add_argument("--user", help=str(gettext_lazy("User name of the administrator acting; defaults to the system account.")))

    def handle(self, *args, **options):
        actor = acting_user(options["user"])
        try:
            if options["action"] == "issue":
                self.issue(actor, options)
            else:
                self.revoke(actor, options)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc

    def issue(self, actor, options):
        regions = parse_regions(options["regions"])
        client, token = issue_client(
            actor=actor, name=options["name"], department=options["department"], regions=regions, access=options["access"]
        )
        scope = "、".join(region.name for region in regions) or _("the whole city")
        self.stderr.write(
            _("API client %(name)s issued: %(department)s, %(scope)s, %(access)s. The token is shown only now:") % {
                "name": client.name,
                "department": client.get_department_display(),
                "scope": scope,
                "access": client.get_access_display(),
            }
        )
        # The token alone on standard output, so a script can capture it.
        self.stdout.write(token)

    def revoke(self, actor, options):
        client = ApiClient.objects.filter(name=options["name"]).first()
        if client is None:
            raise CommandError(_("There is no API client named %(name)s.") % {"name": options["name"]})
        revoke_client(client, actor=actor)
        self.stdout.write(_("The token of API client %(name)s is revoked.") % {"name": client.name})
