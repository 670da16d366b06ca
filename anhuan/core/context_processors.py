"""Template context shared by every page: the navigation the user may open and the unread count.

A link appears only when its URL name resolves, so the navigation keeps working
while pages are added app by app.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from anhuan.core.notifications import unread_count
from anhuan.organizations.models import STAFF_ROLES, Role
from anhuan.organizations.scope import enterprise_id_of


def url_or_none(name, *args, query=""):
    """Return the URL of ``name`` (plus ``query``), or None when no such URL is configured."""
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def _links(*candidates):
    return [(label, url) for label, url in candidates if url]


def _staff_groups():
    return [
        (_("Heavy-pollution weather response"), _links(
            (_("Warnings"), url_or_none("pollution:warning-list")),
            (_("Reduction lists"), url_or_none("pollution:list-index")),
            (_("On-site guidance"), url_or_none("pollution:onsite-list")),
            (_("Duty rosters"), url_or_none("pollution:roster-list")),
            (_("Maintenance approvals"), url_or_none("pollution:maintenance-list")),
        )),
        (_("Information sharing"), _links(
            (_("Bulletins"), url_or_none("sharing:bulletin-list")),
            (_("Referrals"), url_or_none("sharing:referral-list")),
            (_("Referral statistics"), url_or_none("sharing:referral-stats")),
            (_("Project approvals"), url_or_none("sharing:register-list", "approvals")),
            (_("Safety facilities"), url_or_none("sharing:register-list", "safety-facilities")),
            (_("Environmental facilities"), url_or_none("sharing:register-list", "env-facilities")),
            (_("Enforcement records"), url_or_none("sharing:register-list", "enforcement")),
        )),
        (_("Key environmental facilities"), _links(
            (_("Overview"), url_or_none("facilities:overview")),
            (_("Key facilities"), url_or_none("facilities:list")),
            (_("Assessments and diagnoses due"), url_or_none("facilities:due")),
            (_("Stop-use orders"), url_or_none("facilities:order-list")),
            (_("Service providers"), url_or_none("facilities:provider-list")),
            (_("Contracted out without a responsible person"), url_or_none("facilities:unowned")),
            (_("Penalties without rectification"), url_or_none("facilities:unrectified")),
        )),
        (_("Enterprise files"), _links((_("Enterprises"), url_or_none("enterprises:list")))),
        (_("Expert pool"), _links((_("Experts"), url_or_none("experts:list")))),
        (_("Data exchange"), _links((_("Data-exchange API"), url_or_none("api:docs")))),
    ]


def _contact_group(user, enterprise_id):
    # Documents and rosters belong to a warning: link the latest one in force covering the enterprise.
    from anhuan.pollution.models import PollutionWarning

    warning_id = (
        PollutionWarning.objects.visible_to(user).in_force().order_by("-starts_at", "-id").values_list("id", flat=True).first()
    )
    portal = url_or_none("pollution:portal-home")
    documents = url_or_none("pollution:portal-documents", warning_id) if warning_id else None
    roster = url_or_none("pollution:portal-roster", warning_id) if warning_id else None
    return (_("My enterprise"), _links(
        (_("Enterprise home"), portal),
        (_("Shutdown plans and response plans"), documents),
        (_("Duty roster"), roster),
        (_("Maintenance requests"), url_or_none("pollution:portal-maintenance-list")),
        (_("Enterprise file"), url_or_none("enterprises:detail", enterprise_id)),
        (_("Key environmental facilities"), url_or_none("facilities:list")),
    ))


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = [(_("Home"), _links((_("Home"), url_or_none("home")), (_("My to-do items"), url_or_none("todo"))))]
    if user.role in STAFF_ROLES:
        groups += _staff_groups()
    own = enterprise_id_of(user)
    if own is not None:
        groups.append(_contact_group(user, own))
    if user.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        groups.append((_("System administration"), _links(
            (_("Deadlines and reminders"), url_or_none("policy-settings")),
            (_("Key facility types"), url_or_none("facilities:key-types")),
        )))
    groups = [(name, links) for name, links in groups if links]
    return {"nav_groups": groups, "unread_notifications": unread_count(user), "inbox_url": url_or_none("inbox")}
