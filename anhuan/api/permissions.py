"""API permission classes: the check of who may call an endpoint at all.

The per-object scope and the business rules stay in the services.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from anhuan.organizations.scope import enterprise_id_of, region_ids_of


class SeesSupervisedData(permissions.IsAuthenticated):
    """Signed-in staff (officers, leaders, experts) and enterprise contacts.

    Administrators see no supervised data, so they are rejected (403) instead of
    getting empty lists.
    """

    message = _("Administrators and accounts without an agency or enterprise cannot read supervised data.")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        user = request.user
        return enterprise_id_of(user) is not None or region_ids_of(user) != set()


class ClientOrSeesSupervisedData(SeesSupervisedData):
    """A registered API client (authenticated by its token), or a user who may read supervised data.

    What a client may read and write is narrowed by its scope in the views and
    services. This class only decides who may call the endpoint at all.
    """

    def has_permission(self, request, view):
        from anhuan.sharing.models import ApiClient

        if isinstance(request.auth, ApiClient):
            return True
        return super().has_permission(request, view)
