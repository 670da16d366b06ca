"""The scope rule, in one place.

* City-level staff see the whole city; county-level staff see their own region.
* An enterprise contact sees only their own enterprise.
* Administrators (三员) manage the system and see no supervised data.
* Staff act only for their own department (``require_department``).

Every list, page, export, command and API reads supervised data through
``ScopedQuerySet.visible_to``; an object outside the scope is reported as not
found, exactly like a missing one.
"""

from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from anhuan.core.errors import NotPermitted
from anhuan.organizations.models import STAFF_ROLES, Department, Level, Role


def enterprise_id_of(user):
    """Return the enterprise a contact acts for, or None."""
    if user.role != Role.ENTERPRISE:
        return None
    contact = getattr(user, "enterprise_contact", None)
    return contact.enterprise_id if contact is not None else None


def region_ids_of(user):
    """Return the region ids a staff user may see: None means the whole city.

    Users who see no region by region (contacts, administrators, inactive
    accounts) get an empty set.
    """
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.role == Role.SYSTEM:
        return None
    if user.role not in STAFF_ROLES or user.agency_id is None:
        return set()
    if user.agency.level == Level.CITY:
        return None
    return {user.agency.region_id}


def covers_region(user, region_id):
    """True if ``region_id`` lies inside the user's regional scope."""
    regions = region_ids_of(user)
    return regions is None or region_id in regions


def covers_whole_city(user):
    return region_ids_of(user) is None


class ScopedQuerySet(models.QuerySet):
    """A queryset that narrows itself to the rows a user may see.

    Subclasses name the lookup paths to the region and, where contacts may
    read the rows, to the enterprise.
    """

    scope_region_field = "region"
    scope_enterprise_field = None

    def visible_to(self, user):
        enterprise_id = enterprise_id_of(user)
        if enterprise_id is not None:
            if self.scope_enterprise_field is None:
                return self.none()
            return self.filter(**{self.scope_enterprise_field: enterprise_id})
        regions = region_ids_of(user)
        if regions is None:
            return self
        if not regions:
            return self.none()
        return self.filter(**{f"{self.scope_region_field}__in": regions})

    def get_for_user(self, user, **lookup):
        """Fetch one object inside the user's scope, or raise Http404."""
        try:
            return self.visible_to(user).get(**lookup)
        except self.model.DoesNotExist as exc:
            raise Http404(_("The object was not found.")) from exc


def require_staff(user):
    if region_ids_of(user) == set() or user.role == Role.SYSTEM:
        raise NotPermitted()


def require_department(user, department):
    """Raise NotPermitted unless the user is staff of ``department``."""
    require_staff(user)
    if user.agency.department != department:
        raise NotPermitted(_("Only staff of the %(department)s department may do this.") % {
            "department": Department(department).label
        })


def require_role(user, *roles):
    if user.role not in roles:
        raise NotPermitted()
